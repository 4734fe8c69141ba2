package store

import (
	"context"
	"strings"
	"testing"

	"entgo.io/ent/dialect/sql"
)

// TestQFilterChoosesIndex: on SQLite, q= reads the FTS5 index for a q of trigram
// length that at most qIndexRows rows hold, and scans for a commoner or shorter q.
func TestQFilterChoosesIndex(t *testing.T) {
	ctx := context.Background()
	st := migratedSQLite(t)
	for id := 1; id <= 3; id++ {
		if _, err := st.db.ExecContext(ctx, `INSERT INTO licenses (id, created_at, updated_at, status, kind, description) VALUES (?, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'published', 'end_user_license', 'Mobile network')`, id); err != nil {
			t.Fatal(err)
		}
	}
	defer func(old int) { qIndexRows = old }(qIndexRows)
	for _, c := range []struct {
		q     string
		rows  int
		index bool
	}{
		{"MOBILE", 4096, true},
		{"mobile", 4, true},
		{"mobile", 3, false}, // three rows hold it
		{"zzz", 1, true},
		{"mo", 4096, false}, // too short for a trigram
	} {
		qIndexRows = c.rows
		match, err := st.qFilter(ctx, "licenses", c.q)
		if err != nil {
			t.Fatal(err)
		}
		s := sql.Dialect(st.dialect).Select("id").From(sql.Table("licenses"))
		match(s)
		query, _ := s.Query()
		if got := strings.Contains(query, "licenses_fts"); got != c.index {
			t.Errorf("q=%q with %d rows allowed: index used %v, want %v (%s)", c.q, c.rows, got, c.index, query)
		}
	}
}
