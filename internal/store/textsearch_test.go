package store_test

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestQFindsSubstrings: q= finds a licence whose reference or description contains
// it, case-insensitively, anywhere in a word, through the text-search index: rows
// written before the text_search migration (its backfill), then after an insert, an
// update and a delete (the triggers); wildcards and quotes in q are plain characters,
// a q too short for trigrams still answers, and drafts show only to staff. Both
// databases give the same answers.
func TestQFindsSubstrings(t *testing.T) {
	answers := map[string][]string{}
	migratedTo(t, "20261201092903_totp_last_step", func(t *testing.T, ctx context.Context, st *store.Store) {
		insert := `INSERT INTO licenses (id, created_at, updated_at, status, kind, reference, description) VALUES (%d, '2026-01-01 00:00:00', '2026-01-01 00:00:00', '%s', 'end_user_license', %s, %s)`
		for _, q := range []string{
			fmt.Sprintf(insert, 1, "published", "'BAFA-2019-0042'", "'Interception platform for mobile networks'"),
			fmt.Sprintf(insert, 2, "published", "'EXP/7'", "'Monitoring centre, 100% remote'"),
			fmt.Sprintf(insert, 3, "draft", "'DRAFT-1'", "'Mobile forensics kit'"),
			fmt.Sprintf(insert, 4, "published", "NULL", "NULL"),
		} {
			if _, err := store.DB(st).ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if st.Dialect() == "postgres" {
			if _, err := store.DB(st).ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('licenses', 'id'), 5, false)`); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		list := func(q string, drafts bool) []domain.ID {
			t.Helper()
			p := store.ListParams{Statuses: []string{domain.StatusPublished}, Q: q}
			if drafts {
				p.Statuses, p.Drafts = []string{domain.StatusDraft, domain.StatusPublished}, true
			}
			ls, _, err := st.ListLicenses(ctx, p)
			if err != nil {
				t.Fatalf("q=%q: %v", q, err)
			}
			ids := []domain.ID{}
			for _, l := range ls {
				ids = append(ids, l.ID)
			}
			answers[st.Dialect()] = append(answers[st.Dialect()], fmt.Sprintf("q=%q drafts=%v: %v", q, drafts, ids))
			return ids
		}
		// Each answer twice: as the index answers it, and as the scan does
		// (SQLite asks the index only for a q few rows hold).
		check := func(when string, want map[string][2][]domain.ID) {
			t.Helper()
			for _, path := range []string{"index", "scan"} {
				restore := func() {}
				if path == "scan" {
					restore = store.SetQIndexRows(1)
				}
				for _, q := range slices.Sorted(maps.Keys(want)) {
					for i, drafts := range []bool{false, true} {
						if got := list(q, drafts); !slices.Equal(got, want[q][i]) {
							t.Errorf("%s, by the %s: q=%q (drafts %v) gives %v, want %v", when, path, q, drafts, got, want[q][i])
						}
					}
				}
				restore()
			}
		}
		none := []domain.ID{}
		check("after the migration's backfill", map[string][2][]domain.ID{
			"MOBILE":       {{1}, {1, 3}},
			"ception PLAT": {{1}, {1}},
			"obi":          {{1}, {1, 3}},
			"ob":           {{1}, {1, 3}}, // shorter than a trigram: the scan
			"baFA-2019":    {{1}, {1}},
			"100%":         {{2}, {2}},
			"0%":           {{2}, {2}},
			"0_4":          {none, none}, // "0042" would match were _ a wildcard
			"%":            {{2}, {2}},
			`x"y`:          {none, none},
			"zzz":          {none, none},
		})

		editor := domain.WithViewer(ctx, domain.Viewer{Role: domain.RoleEditor})
		l5, err := store.Create(editor, st, store.Licenses, domain.LicenseFields{Kind: "end_user_license", Description: text("Deep packet INSPECTION")}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		check("after an insert", map[string][2][]domain.ID{
			"packet ins": {none, {l5.ID}},
			"spect":      {none, {l5.ID}},
		})

		if _, err := store.Update(editor, st, store.Licenses, int(l5.ID), l5.Revision, func(f domain.LicenseFields) (domain.LicenseFields, error) {
			f.Description = text("Lawful interception gateway")
			f.Reference = text("MOB-5")
			return f, nil
		}, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		check("after an update", map[string][2][]domain.ID{
			"packet":    {none, none},
			"intercept": {{1}, {1, l5.ID}},
			"mob":       {{1}, {1, 3, l5.ID}},
		})

		if _, err := store.DB(st).ExecContext(ctx, "DELETE FROM licenses WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
		check("after a delete", map[string][2][]domain.ID{
			"intercept": {none, {l5.ID}},
			"mobile":    {none, {3}},
		})
	})
	if len(answers) == 2 && !slices.Equal(answers[dialect.SQLite], answers[dialect.Postgres]) {
		t.Errorf("the databases answer differently:\nsqlite:   %q\npostgres: %q", answers[dialect.SQLite], answers[dialect.Postgres])
	}
}

// TestQOnEveryList: on the bundled dataset, each list's q= answers exactly the
// records one of whose searched fields contains q, ignoring ASCII case: for
// pieces cut from the middle of those fields, upper-cased, of trigram length and
// longer and of the two letters a trigram index cannot answer.
func TestQOnEveryList(t *testing.T) {
	type row struct {
		id    domain.ID
		texts []*string
	}
	all := []string{domain.StatusDraft, domain.StatusPublished, domain.StatusRetracted}
	lists := map[string]func(ctx context.Context, st *store.Store, q string) ([]row, error){
		"licenses": func(ctx context.Context, st *store.Store, q string) ([]row, error) {
			rs, _, err := st.ListLicenses(ctx, store.ListParams{Statuses: all, Drafts: true, Q: q, Limit: store.MaxLimit})
			return mapRows(rs, func(r domain.License) row { return row{r.ID, []*string{r.Reference, r.Description}} }), err
		},
		"vendors": func(ctx context.Context, st *store.Store, q string) ([]row, error) {
			rs, _, err := st.ListVendors(ctx, store.ListParams{Statuses: all, Drafts: true, Q: q, Limit: store.MaxLimit})
			return mapRows(rs, func(r domain.Vendor) row { return row{r.ID, []*string{&r.Name, &r.Slug}} }), err
		},
		"agencies": func(ctx context.Context, st *store.Store, q string) ([]row, error) {
			rs, _, err := st.ListAgencies(ctx, store.ListParams{Statuses: all, Drafts: true, Q: q, Limit: store.MaxLimit})
			return mapRows(rs, func(r domain.Agency) row { return row{r.ID, []*string{&r.Name}} }), err
		},
		"products": func(ctx context.Context, st *store.Store, q string) ([]row, error) {
			rs, _, err := st.ListProducts(ctx, store.ListParams{Statuses: all, Drafts: true, Q: q, Limit: store.MaxLimit})
			return mapRows(rs, func(r domain.Product) row { return row{r.ID, []*string{&r.Name}} }), err
		},
		"sources": func(ctx context.Context, st *store.Store, q string) ([]row, error) {
			rs, _, err := st.ListSources(ctx, store.ListParams{Statuses: all, Drafts: true, Q: q, Limit: store.MaxLimit})
			return mapRows(rs, func(r domain.Source) row { return row{r.ID, []*string{&r.Title, r.DocumentSymbol}} }), err
		},
		"communications": func(ctx context.Context, st *store.Store, q string) ([]row, error) {
			rs, _, err := st.ListCommunications(ctx, store.ListParams{Statuses: all, Drafts: true, Q: q, Limit: store.MaxLimit})
			return mapRows(rs, func(r domain.Communication) row { return row{r.ID, []*string{r.Reference, r.Summary}} }), err
		},
	}
	if got, want := slices.Sorted(maps.Keys(lists)), slices.Sorted(maps.Keys(store.QColumns)); !slices.Equal(got, want) {
		t.Fatalf("lists tested %v, searched tables %v", got, want)
	}
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		// The bundled dataset names no agency: two made-up ones, as drafts.
		editor := domain.WithViewer(ctx, domain.Viewer{Role: domain.RoleEditor})
		for _, name := range []string{"Fictional Signals Bureau", "Made-up Cyber Directorate"} {
			if _, err := store.Create(editor, st, store.Agencies, domain.AgencyFields{StateCode: "ZA", Name: name, Kind: "other"}, store.Edit{}); err != nil {
				t.Fatal(err)
			}
		}
		for _, table := range slices.Sorted(maps.Keys(lists)) {
			rows, err := lists[table](ctx, st, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 || len(rows) == store.MaxLimit {
				t.Fatalf("%s: %d records in the bundled dataset; the test needs some, and all in one page", table, len(rows))
			}
			var qs []string
			for i, r := range rows {
				for _, s := range r.texts {
					if s == nil || i%3 != 0 {
						continue
					}
					for _, n := range []int{2, 3, 6} {
						if len(*s) >= n+2 {
							qs = append(qs, strings.ToUpper((*s)[1:1+n]))
						}
					}
				}
			}
			qs = append(qs, "qqzq", "zq")
			for _, q := range slices.Compact(slices.Sorted(slices.Values(qs))) {
				if strings.ContainsAny(q, "%_\\") || !isASCII(q) {
					continue
				}
				var want []domain.ID
				for _, r := range rows {
					if slices.ContainsFunc(r.texts, func(s *string) bool {
						return s != nil && strings.Contains(asciiLower(*s), asciiLower(q))
					}) {
						want = append(want, r.id)
					}
				}
				got, err := lists[table](ctx, st, q)
				if err != nil {
					t.Fatalf("%s q=%q: %v", table, q, err)
				}
				ids := mapRows(got, func(r row) domain.ID { return r.id })
				if !slices.Equal(ids, want) {
					t.Errorf("%s q=%q gives %v, want %v", table, q, ids, want)
				}
			}
		}
	})
}

// TestTextSearchObjects: every searched table has its hand-made index after the
// migrations: on SQLite the FTS5 table and its three triggers (a migration that
// rebuilds the table drops them), on PostgreSQL a trigram index per column.
func TestTextSearchObjects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for table, cols := range store.QColumns {
			var names []string
			query, args := `SELECT name FROM sqlite_master WHERE tbl_name IN (?, ?) AND type IN ('table', 'trigger') AND name IN (?, ?, ?, ?)`,
				[]any{table, table + "_fts", table + "_fts", table + "_fts_insert", table + "_fts_update", table + "_fts_delete"}
			want := 4
			if st.Dialect() == "postgres" {
				query, args = `SELECT indexname FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%gin_trgm_ops%'`, []any{table}
				want = len(cols)
			}
			rows, err := store.DB(st).QueryContext(ctx, query, args...)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var n string
				if err := rows.Scan(&n); err != nil {
					t.Fatal(err)
				}
				names = append(names, n)
			}
			rows.Close()
			if len(names) != want {
				t.Errorf("%s: text-search objects %v, want %d", table, names, want)
			}
		}
	})
}

// TestQAfterBackup: a SQLite backup holds the text index and its triggers: q= finds
// a licence in the copy, and keeps up with a change made there.
func TestQAfterBackup(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, "sqlite")
	editor := domain.WithViewer(ctx, domain.Viewer{Role: domain.RoleEditor})
	if _, err := store.Create(editor, st, store.Licenses, domain.LicenseFields{Kind: "end_user_license", Description: text("Deep packet inspection")}, store.Edit{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := st.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	cp, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if err := cp.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	find := func(q string) int {
		t.Helper()
		ls, _, err := cp.ListLicenses(ctx, store.ListParams{Statuses: []string{domain.StatusDraft}, Drafts: true, Q: q})
		if err != nil {
			t.Fatal(err)
		}
		return len(ls)
	}
	if n := find("PACKET"); n != 1 {
		t.Errorf("the copy finds %d licences for q=PACKET, want 1", n)
	}
	l, err := store.Create(editor, cp, store.Licenses, domain.LicenseFields{Kind: "end_user_license", Description: text("Lawful interception")}, store.Edit{})
	if err != nil {
		t.Fatal(err)
	}
	if n := find("intercept"); n != 1 || l.ID == 0 {
		t.Errorf("the copy finds %d licences for q=intercept after a create, want 1", n)
	}
}

func mapRows[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func text(s string) *string { return &s }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiLower lowers ASCII letters only, as SQLite's LOWER does.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
