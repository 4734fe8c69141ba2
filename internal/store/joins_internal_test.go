package store

import (
	"context"
	stdsql "database/sql"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/internal/domain"
)

// migratedSQLite is a new SQLite store, migrated, closed when the test ends.
func migratedSQLite(t *testing.T) *Store {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "registry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// recordingDriver keeps every query the store sends, with its arguments.
type recordingDriver struct {
	*entsql.Driver
	mu      sync.Mutex
	queries []recordedQuery
}

type recordedQuery struct {
	sql  string
	args []any
}

func (d *recordingDriver) record(query string, args []any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.queries = append(d.queries, recordedQuery{query, args})
}

func (d *recordingDriver) Query(ctx context.Context, query string, args, v any) error {
	a, _ := args.([]any)
	d.record(query, a)
	return d.Driver.Query(ctx, query, args, v)
}

func (d *recordingDriver) QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error) {
	d.record(query, args)
	return d.Driver.QueryContext(ctx, query, args...)
}

// TestCountryReadsAreNotCorrelated: a country profile and the country filters reach
// records through their vendor, agency or geography rows with `IN (SELECT id …)`, never with the
// correlated EXISTS of ent's Has…With, which SQLite evaluates once per row of the
// whole table (a profile of a 100,000-licence registry spent most of its time there).
// Every query they send is planned by SQLite, and no plan may hold a correlated
// subquery over a table; their pages' citations are read in index order, not sorted.
func TestCountryReadsAreNotCorrelated(t *testing.T) {
	ctx := context.Background()
	st := migratedSQLite(t)
	// Allegations and terminations of every country, FR's more than a section
	// holds, so that the profile counts them among many.
	const rows = "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 101) SELECT i FROM n)"
	for _, insert := range []string{
		"INSERT INTO vendors (id, created_at, updated_at, status, slug, name, headquarters_country) SELECT n, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'published', 'v' || n, 'V' || n, CASE WHEN n <= 3 THEN 'FR' ELSE code END FROM (SELECT row_number() OVER (ORDER BY id) AS n, id AS code FROM states) WHERE n <= 101",
		"INSERT INTO allegations (created_at, updated_at, status, operator_state, vendor_id) SELECT '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'published', 'FR', i FROM " + rows,
		"INSERT INTO allegations (created_at, updated_at, status, operator_state, target_country, vendor_id) SELECT '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'published', id, id, i FROM states, " + rows + " WHERE i <= 8",
		"INSERT INTO agencies (id, created_at, updated_at, status, state_code, name) SELECT i, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'published', 'DE', 'A' || i FROM " + rows,
		"INSERT INTO terminations (created_at, updated_at, status, state_code, vendor_id, agency_id) SELECT '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'published', 'FR', i, i FROM " + rows,
		"INSERT INTO terminations (created_at, updated_at, status, state_code, vendor_id, agency_id) SELECT '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'published', id, i, i FROM states, " + rows + " WHERE i <= 8",
		// As many licences as a large registry (the planner weighs a walk of the
		// table against the vendors' index by the table's size), each with an
		// end-user and an exporting state: the planner knows a state's share of the
		// licences only as the average of its index (sqlite_stat1, see analyze).
		"INSERT INTO licenses (created_at, updated_at, status, kind, end_user_state, exporting_state, vendor_id, valid_from, valid_until) SELECT '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'published', 'end_user_license', id, id, abs(random()) % 100 + 1, date('2010-01-01', '+' || (i % 13 * 400) || ' days'), date('2012-01-01', '+' || (i % 13 * 400) || ' days') FROM states, (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) SELECT i FROM n)",
	} {
		if _, err := st.db.ExecContext(ctx, insert); err != nil {
			t.Fatal(err)
		}
	}
	// An import leaves the planner statistics of what it wrote, whole (analyze):
	// a status is then known to narrow little, and a vendor much.
	if err := st.analyze(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.fillLicenseDocuments(ctx); err != nil { // as the server's keeper does
		t.Fatal(err)
	}
	drv := &recordingDriver{Driver: entsql.OpenDB(dialect.SQLite, st.db)}
	rec := &Store{client: ent.NewClient(ent.Driver(drv)), db: st.db, dialect: st.dialect, search: &searchCache{}, seal: &secretSeal{}}
	rec.versions = &versionReads{read: rec.readVersion}

	day := time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC)
	since := day.AddDate(-10, 0, 0)
	for _, drafts := range []bool{false, true} {
		statuses := []string{domain.StatusPublished} // a public list
		if drafts {
			statuses = visible(drafts) // staff's: more than one status, so sorted after the read
		}
		if _, err := rec.StateProfile(ctx, "FR", drafts); err != nil {
			t.Fatal(err)
		}
		if _, _, err := rec.ListProducts(ctx, ListParams{Country: "FR", Statuses: statuses, Drafts: drafts, Limit: 10}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := rec.ListTerminations(ctx, ListParams{Country: "FR", Statuses: statuses, Drafts: drafts, Limit: 10}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []ListParams{
			{Country: "FR", ActiveOn: &day},
			{ExporterCountry: "FR", ActiveOn: &day},
			{Covers: "FR", ActiveOn: &day},
			{Covers: "FR", ActiveOn: &day, UpdatedSince: &since}, // a filter the geography rows cannot decide
		} {
			p.Statuses, p.Drafts, p.Limit = statuses, drafts, 10
			if _, _, err := rec.ListLicenses(ctx, p); err != nil {
				t.Fatal(err)
			}
			if !drafts { // the public JSON list: the licence documents
				if _, _, _, err := rec.AppendLicenseDocuments(ctx, nil, p, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if len(drv.queries) < 20 {
		t.Fatalf("only %d queries recorded: the profile and lists did not go through the driver", len(drv.queries))
	}
	joins, activeLists, orCounts, vendorLists, coversDocs, coversAlone, citationReads := 0, 0, 0, 0, 0, 0, 0
	for _, q := range drv.queries {
		if strings.Contains(q.sql, "SELECT `vendors`.`id` FROM `vendors`") || strings.Contains(q.sql, "SELECT `agencies`.`id` FROM `agencies`") {
			joins++
		}
		rows, err := st.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.sql, q.args...)
		if err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
		// A correlated subquery over the row's own JSON array (a communication's
		// copied states) reads that row only; one over a table reads the table.
		type node struct {
			parent int
			detail string
		}
		plan := map[int]node{}
		var lines []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan[id] = node{parent, detail}
			lines = append(lines, detail)
		}
		rows.Close()
		// A licence list by country and day keeps the id order of the country's
		// index and reads the dates from its entries (see the License schema).
		for col, index := range map[string]string{"end_user_state": "license_end_user_state_active", "exporting_state": "license_exporting_state_active"} {
			if strings.Contains(q.sql, "`licenses`.`"+col+"` = ?") && strings.Contains(q.sql, "`valid_from` <= ?") {
				activeLists++
				p := strings.Join(lines, "; ")
				public := strings.Contains(q.sql, "`licenses`.`status` IN (?)")
				if !strings.Contains(p, "USING INDEX "+index) && !strings.Contains(p, "USING COVERING INDEX "+index) || public && strings.Contains(p, "TEMP B-TREE") {
					t.Errorf("a licence list by %s and day not read in the order of %s:\n%s\nplan: %s", col, index, q.sql, p)
				}
			}
		}
		// A profile counts the allegations and terminations of a country through
		// their (reference, status) indexes, one range per way the country is
		// reached (see the schemas), not by reading every published one.
		for _, table := range []string{"allegations", "terminations"} {
			if strings.HasPrefix(q.sql, "SELECT COUNT(`"+table+"`.`id`)") && strings.Contains(q.sql, " OR ") {
				orCounts++
				if p := strings.Join(lines, "; "); !strings.Contains(p, "MULTI-INDEX OR") {
					t.Errorf("a count of %s by country not read through their indexes:\n%s\nplan: %s", table, q.sql, p)
				}
			}
		}
		// A country's vendor licences are read through the vendors' index, not by
		// walking every licence in id order until a hundred are found.
		if strings.Contains(q.sql, "`licenses`.`vendor_id` IN (") && !strings.Contains(q.sql, "COUNT(") {
			vendorLists++
			if p := strings.Join(lines, "; "); !strings.Contains(p, "license_vendor_id_status") {
				t.Errorf("a country's vendor licences not read through the vendors' index:\n%s\nplan: %s", q.sql, p)
			}
		}
		// The documents of the licences covering a country are read walking the
		// geography rows in index order, stopping at the page's end: no list of
		// every licence of the country first, no sort. Filtered by the status and
		// day alone, whether each licence is listed is decided from the rows' own
		// copies, in their index, without the licence; filtered by more, each
		// licence is read by its id.
		if strings.Contains(q.sql, "FROM `license_geographies` AS `g`") {
			coversAlone++
			if p := strings.Join(lines, "; "); !strings.HasPrefix(p, "SEARCH g USING COVERING INDEX licensegeography_country_active") || strings.Contains(p, "TEMP B-TREE") ||
				strings.Contains(p, "licenses") {
				t.Errorf("the documents of a covers list by day not read in the order of the geography rows' index of their copies, without the licences:\n%s\nplan: %s", q.sql, p)
			}
		}
		if strings.Contains(q.sql, "JOIN `license_geographies`") {
			coversDocs++
			if p := strings.Join(lines, "; "); !strings.HasPrefix(p, "SEARCH g USING COVERING INDEX licensegeography_country_license_id") || strings.Contains(p, "TEMP B-TREE") || strings.Contains(p, "LIST SUBQUERY") ||
				!strings.Contains(p, "SEARCH licenses USING INTEGER PRIMARY KEY") {
				t.Errorf("the documents of a covers list not read in the geography index's order, each licence by its id:\n%s\nplan: %s", q.sql, p)
			}
		}
		// A page's citations come in the order of the index read, unsorted: SQLite's
		// sort buffer is memory outside the Go heap (1 MB for an export page).
		if strings.Contains(q.sql, "FROM `citations` AS `c`") {
			citationReads++
			if p := strings.Join(lines, "; "); strings.Contains(p, "TEMP B-TREE") {
				t.Errorf("a page's citations sorted after the read:\n%s\nplan: %s", q.sql, p)
			}
		}
		for _, n := range plan {
			if p, ok := plan[n.parent]; ok && strings.HasPrefix(p.detail, "CORRELATED") && !strings.HasPrefix(n.detail, "SCAN JSON_EACH") {
				t.Errorf("a correlated subquery over a table:\n%s\nplan: %s", q.sql, strings.Join(lines, "; "))
			}
		}
	}
	if activeLists != 6 {
		t.Errorf("%d licence lists by country and day seen, want 6 (public and staff's, and the public documents)", activeLists)
	}
	if coversDocs != 1 || coversAlone != 1 {
		t.Errorf("%d reads of the documents of a covers list with another filter seen, %d of one by day alone; want 1 and 1", coversDocs, coversAlone)
	}
	if vendorLists == 0 {
		t.Error("no read of a country's vendor licences seen")
	}
	if citationReads == 0 {
		t.Error("no read of a page's citations seen")
	}
	if orCounts != 4 {
		t.Errorf("%d counts of allegations or terminations by country seen, want 4 (two profiles)", orCounts)
	}
	if joins == 0 {
		t.Error("no query reached a vendor or agency: the test no longer sees the joins it is about")
	}
}

// TestSQLiteKeepsItsConnections: the connections a profile's concurrent sections
// open stay open for the next read (database/sql's default keeps two and closes the
// rest, and a new SQLite connection starts with no schema and an empty page cache).
func TestSQLiteKeepsItsConnections(t *testing.T) {
	ctx := context.Background()
	st := migratedSQLite(t)
	const sections = 10
	conns := make([]*stdsql.Conn, sections)
	var err error
	for i := range conns {
		if conns[i], err = st.db.Conn(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	if s := st.db.Stats(); s.MaxIdleClosed != 0 || s.Idle < sections {
		t.Errorf("after %d reads at once: %d idle, %d closed for want of idle room", sections, s.Idle, s.MaxIdleClosed)
	}
}
