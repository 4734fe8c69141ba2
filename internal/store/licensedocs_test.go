package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// A public list read through the licence documents must answer what the licences'
// own read answers, byte for byte, after any change that can change a licence's
// public JSON: the change makes the document stale at once (its trigger), the list
// renders it on the spot, and the next fill writes it again.
func TestLicenseDocumentsFollowEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		if _, err := dataset.Synthetic(ctx, st, dataset.SyntheticOptions{Licenses: 60, Seed: 5}); err != nil {
			t.Fatal(err)
		}
		if n := staleDocuments(t, st); n != 0 {
			t.Fatalf("the import left %d stale documents", n)
		}
		addDrafts(t, st)
		fillDocuments(t, st)
		sameAsLicenses(t, st, "after the import")

		public, _, err := st.ListLicenses(ctx, store.ListParams{Statuses: domain.PublicStatuses, Limit: store.MaxLimit})
		if err != nil || len(public) < 10 {
			t.Fatalf("%d public licences: %v", len(public), err)
		}
		src, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "media", Title: "Later article"}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Publish(ctx, st, store.Sources, int(src.ID), nil, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		fillDocuments(t, st)
		licence := func(i int) domain.License {
			t.Helper()
			l, err := st.GetLicense(ctx, int(public[i].ID), true)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		var citationID domain.ID
		for _, c := range []struct {
			name   string
			change func(t *testing.T)
		}{
			{"a licence's description", func(t *testing.T) {
				l := licence(0)
				if _, err := store.Update(ctx, st, store.Licenses, int(l.ID), l.Revision, func(f domain.LicenseFields) (domain.LicenseFields, error) {
					f.Description = new("Changed since the document was written")
					return f, nil
				}, store.Edit{}); err != nil {
					t.Fatal(err)
				}
			}},
			{"a licence's products", func(t *testing.T) {
				l := licence(1)
				if _, err := store.Update(ctx, st, store.Licenses, int(l.ID), l.Revision, func(f domain.LicenseFields) (domain.LicenseFields, error) {
					f.ProductIDs = []domain.ID{}
					return f, nil
				}, store.Edit{}); err != nil {
					t.Fatal(err)
				}
			}},
			{"a citation added", func(t *testing.T) {
				l, err := store.AddCitation(ctx, st, store.Licenses, int(public[2].ID), nil, domain.Citation{SourceID: src.ID, Fields: []string{"reference"}, Confidence: "reported"}, store.Edit{})
				if err != nil {
					t.Fatal(err)
				}
				citationID = l.Citations[len(l.Citations)-1].ID
			}},
			{"the cited source's title", func(t *testing.T) {
				s, err := st.GetSource(ctx, int(src.ID), true)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := store.Update(ctx, st, store.Sources, int(src.ID), s.Revision, func(f domain.SourceFields) (domain.SourceFields, error) {
					f.Title = "Later article, corrected"
					return f, nil
				}, store.Edit{}); err != nil {
					t.Fatal(err)
				}
			}},
			{"the cited source retracted", func(t *testing.T) {
				if _, err := store.Retract(ctx, st, store.Sources, int(src.ID), nil, "withdrawn by its publisher", store.Edit{}); err != nil {
					t.Fatal(err)
				}
			}},
			{"a citation removed", func(t *testing.T) {
				if _, err := store.DeleteCitation(ctx, st, store.Licenses, int(public[2].ID), nil, int(citationID), store.Edit{}); err != nil {
					t.Fatal(err)
				}
			}},
			{"a licence retracted", func(t *testing.T) {
				if _, err := store.Retract(ctx, st, store.Licenses, int(public[3].ID), nil, "issued in error", store.Edit{}); err != nil {
					t.Fatal(err)
				}
			}},
			{"a document of another build", func(t *testing.T) {
				if _, err := store.DB(st).ExecContext(ctx, `UPDATE license_documents SET build = 'another build', body = '{"id":"0"}' WHERE license_id = `+fmt.Sprint(public[4].ID)); err != nil {
					t.Fatal(err)
				}
				store.ForgetDocuments(st) // read from the table, as another process would
			}},
			{"every document of another build, then a restart", func(t *testing.T) {
				if _, err := store.DB(st).ExecContext(ctx, `UPDATE license_documents SET build = 'another build'`); err != nil {
					t.Fatal(err)
				}
				store.ForgetDocuments(st)
				sameAsLicenses(t, st, "another build's documents")
				store.Restarted(st) // the new binary's pass renders them again
				fillDocuments(t, st)
				var left int
				if err := store.DB(st).QueryRowContext(ctx, `SELECT count(*) FROM license_documents WHERE build = 'another build'`).Scan(&left); err != nil {
					t.Fatal(err)
				}
				if left != 0 {
					t.Errorf("%d documents of another build left after the pass", left)
				}
			}},
		} {
			t.Run(c.name, func(t *testing.T) {
				c.change(t)
				sameAsLicenses(t, st, "stale")
				fillDocuments(t, st)
				sameAsLicenses(t, st, "filled again")
			})
		}
	})
}

// sameAsLicenses compares the public lists read through the documents with the
// licences' own read, encoded, for a few filters and page sizes.
func sameAsLicenses(t *testing.T, st *store.Store, when string) {
	t.Helper()
	ctx := context.Background()
	all, _, err := st.ListLicenses(ctx, store.ListParams{Statuses: domain.PublicStatuses, Limit: store.MaxLimit})
	if err != nil || len(all) == 0 {
		t.Fatalf("%d public licences: %v", len(all), err)
	}
	// covers: the country the most licences' geography names, so that its lists
	// run to more than one page.
	country, covers, covering := "", "", map[string]int{}
	for _, l := range all {
		if country == "" && l.EndUserState != nil {
			country = *l.EndUserState
		}
		for _, c := range slices.Compact(slices.Sorted(slices.Values(l.Geography))) {
			if covering[c]++; covering[c] > covering[covers] {
				covers = c
			}
		}
	}
	if covering[covers] < 3 {
		t.Fatalf("no country is in more than %d licences' geography: the covers lists would not page", covering[covers])
	}
	cases := map[string]store.ListParams{
		"public":             {Statuses: domain.PublicStatuses, Limit: store.MaxLimit},
		"pages of 7":         {Statuses: domain.PublicStatuses, Limit: 7},
		"published, country": {Statuses: []string{domain.StatusPublished}, Country: country},
		"covers, pages of 2": {Statuses: domain.PublicStatuses, Covers: covers, Limit: 2},
		// Decided from the geography rows' copies of the status (a retracted
		// licence is public, not published).
		"published, covers": {Statuses: []string{domain.StatusPublished}, Covers: covers, Limit: 1},
	}
	// Every other filter, each with a value some licence has (PostgreSQL reads the
	// documents through pgx itself, which encodes each kind of argument its own way).
	// q has a word of a description once a change gave one; none matches before.
	cases["q"] = store.ListParams{Statuses: domain.PublicStatuses, Q: "nowhere"}
	for _, l := range all {
		public := domain.PublicStatuses
		if _, ok := cases["active_on"]; !ok && l.ValidFrom != nil {
			day := l.ValidFrom.End()
			cases["active_on"] = store.ListParams{Statuses: public, ActiveOn: &day, Limit: 5}
		}
		if _, ok := cases["covers & active_on"]; !ok && l.ValidFrom != nil && len(l.Geography) > 0 {
			// And of its validity.
			day := l.ValidFrom.End()
			cases["covers & active_on"] = store.ListParams{Statuses: public, Covers: l.Geography[0], ActiveOn: &day, Limit: 3}
		}
		if _, ok := cases["exporter"]; !ok && l.ExportingState != nil {
			cases["exporter"] = store.ListParams{Statuses: public, ExporterCountry: *l.ExportingState}
		}
		if _, ok := cases["vendor"]; !ok && l.VendorID != nil {
			cases["vendor"] = store.ListParams{Statuses: public, Vendor: l.VendorID.String()}
		}
		if _, ok := cases["agency"]; !ok && l.EndUserAgencyID != nil {
			cases["agency"] = store.ListParams{Statuses: public, AgencyID: int(*l.EndUserAgencyID)}
		}
		if l.Description != nil && cases["q"].Q == "nowhere" {
			for word := range strings.FieldsSeq(*l.Description) {
				if len(word) >= 5 {
					cases["q"] = store.ListParams{Statuses: public, Q: word}
					break
				}
			}
		}
		if _, ok := cases["licence status"]; !ok && l.LicenseStatus != "" {
			cases["licence status"] = store.ListParams{Statuses: public, KindStatuses: []string{l.LicenseStatus}}
		}
	}
	since := all[len(all)/2].UpdatedAt
	cases["updated_since"] = store.ListParams{Statuses: domain.PublicStatuses, UpdatedSince: &since, Limit: 9}
	for _, name := range []string{"active_on", "covers & active_on", "exporter", "vendor", "agency", "q", "licence status"} {
		if _, ok := cases[name]; !ok {
			t.Fatalf("no licence to filter by %s", name)
		}
	}
	// Each page is read twice at the dataset version read before: from the
	// database (the store's document cache holds none of another version), then
	// from what its cache kept. A change that moves a licence's public JSON but not
	// the version would have the second read, or the first read of the next
	// change's case, answer from documents the cache kept before it.
	version, err := st.DatasetVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range cases {
		for pages := 0; ; pages++ {
			recs, want, err := st.ListLicenses(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			buf.WriteString("[")
			for i := range recs {
				if i > 0 {
					buf.WriteByte(',')
				}
				if err := store.EncodeLicense(&buf, &recs[i]); err != nil {
					t.Fatal(err)
				}
			}
			var next string
			for _, read := range []string{"read", "read again"} {
				docs, n, _, err := st.AppendLicenseDocuments(ctx, []byte("["), p, version)
				if err != nil {
					t.Fatal(err)
				}
				if n != want {
					t.Fatalf("%s, %s, page %d, %s: next cursor %q, want %q", when, name, pages, read, n, want)
				}
				if !bytes.Equal(docs, buf.Bytes()) {
					t.Errorf("%s, %s, page %d, %s:\n got %s\nwant %s", when, name, pages, read, docs, buf.Bytes())
				}
				next = n
			}
			if next == "" {
				break
			}
			if p.After, err = store.DecodeCursor(next); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// staleDocuments counts the licences whose document is stale.
func staleDocuments(t *testing.T, st *store.Store) int {
	t.Helper()
	var n int
	if err := store.DB(st).QueryRowContext(context.Background(), "SELECT count(*) FROM license_documents WHERE body IS NULL").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fillDocuments fills every stale document, as the server's keeper does.
func fillDocuments(t *testing.T, st *store.Store) {
	t.Helper()
	for {
		n, err := st.FillLicenseDocuments(context.Background(), 16)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	if n := staleDocuments(t, st); n != 0 {
		t.Fatalf("%d documents still stale after a fill", n)
	}
}

// A public page reads the documents of its own licences only, each by its key,
// whatever the filters and however deep the page: the page's query reads the ids
// alone, and the documents' query reads those it is given. Joined, PostgreSQL's
// planner merged the licences with the documents' whole index from its first row: a
// page of the unfiltered list after licence 75,000 of 100,000 read 75,101 documents.
func TestLicenseDocumentsReadOnlyThePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		if _, err := dataset.Synthetic(ctx, st, dataset.SyntheticOptions{Licenses: 3000, Seed: 9}); err != nil {
			t.Fatal(err)
		}
		fillDocuments(t, st)
		db := store.DB(st)
		// The planner's statistics of the documents as they stand once they are
		// filled (the import analysed them when they were still to be written).
		if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
			t.Fatal(err)
		}
		var country string
		if err := db.QueryRowContext(ctx, "SELECT end_user_state FROM licenses GROUP BY end_user_state ORDER BY count(*) DESC, end_user_state LIMIT 1").Scan(&country); err != nil {
			t.Fatal(err)
		}
		day := time.Date(2018, 3, 3, 0, 0, 0, 0, time.UTC)
		const limit = 20
		for _, c := range []struct {
			name string
			p    store.ListParams
		}{
			{"first page", store.ListParams{}},
			{"deep page", store.ListParams{After: 1000}},
			{"country, deep page", store.ListParams{Country: country, After: 1000}},
			{"country and day", store.ListParams{Country: country, ActiveOn: &day}},
			{"covers and day, deep page", store.ListParams{Covers: country, ActiveOn: &day, After: 1000}},
		} {
			t.Run(c.name, func(t *testing.T) {
				p := c.p
				p.Statuses, p.Limit = []string{domain.StatusPublished}, limit
				page, _, _, err := st.AppendLicenseDocuments(ctx, nil, p, "")
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					t.Fatal("an empty page: the case proves nothing")
				}
				query, args, err := store.LicensePageQuery(ctx, st, p)
				if err != nil {
					t.Fatal(err)
				}
				var ids []int
				rows, err := db.QueryContext(ctx, query, args...)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var id int
					if err := rows.Scan(&id); err != nil {
						t.Fatal(err)
					}
					ids = append(ids, id)
				}
				if err := rows.Err(); err != nil || len(ids) != limit+1 {
					t.Fatalf("the page's query gave %d ids, want %d (the page and the row after it): %v", len(ids), limit+1, err)
				}
				docsQuery, docsArgs := store.LicenseDocumentsQuery(st, ids[:limit])
				if st.Dialect() == "postgres" {
					if read := documentsRead(t, db, query, args); read != 0 {
						t.Errorf("the page's query read %d documents\n%s", read, query)
					}
					if read := documentsRead(t, db, docsQuery, docsArgs); read != limit {
						t.Errorf("read %d documents for a page of %d\n%s", read, limit, docsQuery)
					}
					return
				}
				for _, step := range queryPlan(t, db, query, args) {
					if strings.Contains(step, "license_documents") {
						t.Errorf("the page's query reads the documents: %q\n%s", step, query)
					}
				}
				byKey := 0
				for _, step := range queryPlan(t, db, docsQuery, docsArgs) {
					if f := strings.Fields(step); len(f) > 1 && f[1] == "license_documents" {
						if !strings.HasPrefix(step, "SEARCH license_documents USING INTEGER PRIMARY KEY") {
							t.Errorf("the documents are not read by their key: %q\n%s", step, docsQuery)
						}
						byKey++
					}
				}
				if byKey != 1 {
					t.Errorf("the plan reads the documents in %d steps, not one:\n%s", byKey, docsQuery)
				}
			})
		}
	})
}

// A list given the dataset version it read takes the documents the store's cache
// kept for that version, and reads from the table only those it does not hold; a
// list of another version holds none of them.
func TestLicenseDocumentsCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		if _, err := dataset.Synthetic(ctx, st, dataset.SyntheticOptions{Licenses: 40, Seed: 3}); err != nil {
			t.Fatal(err)
		}
		fillDocuments(t, st)
		version, err := st.DatasetVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p := store.ListParams{Statuses: domain.PublicStatuses, Limit: 10}
		list := func(version string) string {
			t.Helper()
			docs, _, _, err := st.AppendLicenseDocuments(ctx, nil, p, version)
			if err != nil {
				t.Fatal(err)
			}
			return string(docs)
		}
		if n := store.CachedDocuments(st); n != 0 {
			t.Fatalf("%d documents cached before any list", n)
		}
		if list("") == "" || store.CachedDocuments(st) != 0 {
			t.Fatalf("a list without a version kept %d documents", store.CachedDocuments(st))
		}
		want := list(version)
		if n := store.CachedDocuments(st); n != p.Limit {
			t.Fatalf("%d documents cached after a page of %d", n, p.Limit)
		}
		// Beneath the store, every document says something else (of this build,
		// so that the table's read would take it).
		if _, err := store.DB(st).ExecContext(ctx, `UPDATE license_documents SET body = '{"id":"0"}'`); err != nil {
			t.Fatal(err)
		}
		if got := list(version); got != want {
			t.Errorf("the page again at its version, not from the cache:\n got %s\nwant %s", got, want)
		}
		p.Limit = 11 // one document more than the cache holds
		if got := list(version); got != want+`,{"id":"0"}` {
			t.Errorf("a page of one more document than the cache holds:\n got %s\nwant %s", got, want+`,{"id":"0"}`)
		}
		p.Limit = 1
		if got := list("another version"); got != `{"id":"0"}` {
			t.Errorf("a page of another version took the cache's documents: %s", got)
		}
		if n := store.CachedDocuments(st); n != 1 {
			t.Errorf("the cache holds %d documents after a list of another version, want its one", n)
		}
	})
}

// documentsRead runs a query under PostgreSQL's EXPLAIN ANALYZE and returns how many
// rows it read from the licence documents.
func documentsRead(t *testing.T, db *sql.DB, query string, args []any) int {
	t.Helper()
	var out []byte
	if err := db.QueryRow("EXPLAIN (ANALYZE, FORMAT JSON) "+query, args...).Scan(&out); err != nil {
		t.Fatal(err)
	}
	type node struct {
		Relation string  `json:"Relation Name"`
		Rows     float64 `json:"Actual Rows"`
		Loops    float64 `json:"Actual Loops"`
		Plans    []node  `json:"Plans"`
	}
	var plans []struct{ Plan node }
	if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
		t.Fatalf("EXPLAIN's plan not understood (%v):\n%s", err, out)
	}
	var read func(n node) int
	read = func(n node) int {
		sum := 0
		if n.Relation == "license_documents" {
			sum = int(n.Rows * n.Loops)
		}
		for _, c := range n.Plans {
			sum += read(c)
		}
		return sum
	}
	return read(plans[0].Plan)
}

// queryPlan returns the steps of SQLite's plan of a query.
func queryPlan(t *testing.T, db *sql.DB, query string, args []any) []string {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return steps
}

// BenchmarkLicenseListQuery measures building the query of an uncached public page of
// licences (no database work but the lookups its filters need): the miss scenario of
// `make load` builds one for every request. The filters are its three kinds.
func BenchmarkLicenseListQuery(b *testing.B) {
	st := storetest.Open(b, "sqlite")
	ctx := context.Background()
	day := time.Date(2019, 5, 3, 0, 0, 0, 0, time.UTC)
	for _, bc := range []struct {
		name string
		p    store.ListParams
	}{
		{"country&active_on", store.ListParams{Country: "PA", ActiveOn: &day}},
		{"covers&active_on", store.ListParams{Covers: "PA", ActiveOn: &day}},
		{"country&q", store.ListParams{Country: "PA", Q: "4711"}},
	} {
		bc.p.Statuses, bc.p.Limit = []string{"published"}, 100
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := store.LicensePageQuery(ctx, st, bc.p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// An end stored without a precision (written before precisions were required; the
// API now refuses one) is read as a day: a licence is active on active_on only up to
// that day, through the licences' read and through the documents alike.
func TestActiveOnReadsAnEndWithoutPrecisionAsADay(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		public, _, err := st.ListLicenses(ctx, store.ListParams{Statuses: domain.PublicStatuses, Limit: 1})
		if err != nil || len(public) == 0 || len(public[0].Citations) == 0 {
			t.Fatalf("no public licence with a citation to cite its source again: %v", err)
		}
		from, end, state := domain.Date("2019-03"), domain.Date("2020-06-15"), "AR"
		created, err := store.CreateCited(ctx, st, store.Licenses, domain.LicenseFields{
			Kind: "export_authorization", EndUserState: &state, ValidFrom: &from, ValidUntil: &end,
		}, []domain.Citation{{SourceID: public[0].Citations[0].SourceID, Confidence: "reported"}}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		l, err := store.Publish(ctx, st, store.Licenses, int(created.ID), nil, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		until, _, err := end.Parse()
		if err != nil {
			t.Fatal(err)
		}
		// Its end stored with no precision, beneath the store.
		if _, err := store.DB(st).ExecContext(ctx, `UPDATE licenses SET valid_until_precision = NULL WHERE id = $1`, l.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			day    time.Time
			active bool
		}{{until, true}, {until.AddDate(0, 0, 1), false}} {
			p := store.ListParams{Statuses: domain.PublicStatuses, Limit: store.MaxLimit, ActiveOn: &c.day, Country: state}
			recs, _, err := st.ListLicenses(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			docs, _, _, err := st.AppendLicenseDocuments(ctx, nil, p, "")
			if err != nil {
				t.Fatal(err)
			}
			var fromDocs []domain.License
			if err := json.Unmarshal(append(append([]byte("["), docs...), ']'), &fromDocs); err != nil {
				t.Fatal(err)
			}
			for name, got := range map[string][]domain.License{"the licences' read": recs, "the documents": fromDocs} {
				found := slices.ContainsFunc(got, func(r domain.License) bool { return r.ID == l.ID })
				if found != c.active {
					t.Errorf("%s, active_on=%s: licence %d (valid until %s, no precision) listed %v, want %v",
						name, c.day.Format(domain.DateLayout), l.ID, end, found, c.active)
				}
			}
		}
	})
}
