package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store/storetest"
)

// datedKinds are, per collection, a body with dates in each reduced form (some with
// their precision left out, some with it given and agreeing, one in the old full form
// at the start of a coarser period), and what every way out must say of each date.
var datedKinds = []struct {
	collection string
	body       map[string]any
	want       map[string]string // date field: its reduced form; its precision is the form's
}{
	{"sources", map[string]any{"kind": "ngo_report", "title": "Dated source", "published_on": "2019", "published_on_precision": "year"},
		map[string]string{"published_on": "2019"}},
	{"vendors", map[string]any{"slug": "dated-vendor", "name": "Dated Vendor",
		"aliases": []any{map[string]any{"name": "Dated Old Name", "valid_from": "2010", "valid_until": "2012-06"}}},
		nil}, // aliases are checked on their own below
	{"licenses", map[string]any{"kind": "export_authorization", "vendor_id": "1", "decision_date": "2013-11",
		"valid_from": "2014-01-01", "valid_from_precision": "year", "valid_until": "2016-03-05"},
		map[string]string{"decision_date": "2013-11", "valid_from": "2014", "valid_until": "2016-03-05"}},
	{"terminations", map[string]any{"vendor_id": "1", "terminated_on": "2018"},
		map[string]string{"terminated_on": "2018"}},
	{"allegations", map[string]any{"vendor_id": "1", "target_category": "journalist", "allegation_status": "alleged",
		"period_start": "2017-06", "period_end": "2018"},
		map[string]string{"period_start": "2017-06", "period_end": "2018"}},
	{"communications", map[string]any{"kind": "letter", "sender": "Dated sender", "sent_on": "2020-02", "sent_on_precision": "month"},
		map[string]string{"sent_on": "2020-02"}},
}

// precisionOf is the precision a reduced form says.
func precisionOf(d string) string {
	return map[int]string{4: "year", 7: "month", 10: "day"}[len(d)]
}

// TestReducedDates: a date is written in the reduced form its precision says, with
// its precision beside it, in every way out: the record, the public list, its history,
// a citation's source summary, the NDJSON and CSV exports and the CSV list; the
// bundled dataset's month-precision source too. On each database.
func TestReducedDates(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) { reducedDates(t, d) })
	}
}

func reducedDates(t *testing.T, dialect string) {
	ctx := domain.SystemContext(context.Background())
	st := storetest.Open(t, dialect)
	if _, err := dataset.Load(ctx, st, dataset.Bundled()); err != nil {
		t.Fatal(err)
	}
	staff(t, st, "editor@example.org", domain.RoleEditor)
	a := newAPI(t, st)
	token, _ := a.login("editor@example.org", strongPassword)
	e := editorClient{t: t, a: a, token: token}

	// checkDates checks a record's dates (as JSON decoded) against want.
	checkDates := func(what string, rec map[string]any, want map[string]string) {
		t.Helper()
		for f, w := range want {
			if rec[f] != w || rec[f+"_precision"] != precisionOf(w) {
				t.Errorf("%s: %s = %v (%v), want %q (%s)", what, f, rec[f], rec[f+"_precision"], w, precisionOf(w))
			}
		}
	}

	// The bundled source the letter dates to "May 2019".
	checkDates("bundled source 4", expect(t, "source 4", a.do(http.MethodGet, "/api/v1/sources/4", nil), 200), map[string]string{"published_on": "2019-05"})

	ids := map[string]string{}
	for _, k := range datedKinds {
		id := e.create(k.collection, k.body)
		ids[k.collection] = id
		checkDates("created "+k.collection, expect(t, "read", a.do(http.MethodGet, "/api/v1/"+k.collection+"/"+id, bearer(token)), 200), k.want)
		if k.collection != "sources" {
			e.cite(k.collection, id, "4") // the bundled month-precision source
		}
		e.publish(k.collection, id)
	}

	// A vendor's aliases, and a citation's summary of its source.
	v := expect(t, "vendor", a.do(http.MethodGet, "/api/v1/vendors/"+ids["vendors"], nil), 200)
	checkDates("alias", v["aliases"].([]any)[0].(map[string]any), map[string]string{"valid_from": "2010", "valid_until": "2012-06"})
	checkDates("cited source", v["citations"].([]any)[0].(map[string]any)["source"].(map[string]any), map[string]string{"published_on": "2019-05"})

	// A history snapshot shows the dates as the record does.
	h := a.do(http.MethodGet, "/api/v1/licenses/"+ids["licenses"]+"/history", nil)
	expect(t, "history", h, 200)
	changes, _ := h.json(t)["data"].([]any)
	if len(changes) == 0 {
		t.Fatal("the licence has no public history")
	}
	after, _ := changes[len(changes)-1].(map[string]any)["after"].(map[string]any)
	checkDates("history", after, datedKinds[2].want)

	for _, k := range datedKinds {
		if k.want == nil {
			continue
		}
		id := ids[k.collection]
		list := a.do(http.MethodGet, "/api/v1/"+k.collection+"?limit=500", nil)
		expect(t, "list "+k.collection, list, 200)
		found := false
		for _, r := range list.json(t)["data"].([]any) {
			if rec := r.(map[string]any); rec["id"] == id {
				found = true
				checkDates("listed "+k.collection, rec, k.want)
			}
		}
		if !found {
			t.Errorf("%s %s not listed", k.collection, id)
		}
		exported := false
		for _, line := range strings.Split(strings.TrimSpace(string(a.do(http.MethodGet, "/api/v1/export/"+k.collection+".ndjson", nil).body)), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
			if rec["id"] == id {
				exported = true
				checkDates("NDJSON "+k.collection, rec, k.want)
			}
		}
		if !exported {
			t.Errorf("%s %s not exported", k.collection, id)
		}
		checkDateCells(t, "CSV export "+k.collection, id, k.want, a.do(http.MethodGet, "/api/v1/export/"+k.collection+".csv", nil).body)
		checkDateCells(t, "CSV list "+k.collection, id, k.want, a.do(http.MethodGet, "/api/v1/"+k.collection+"?format=csv&limit=500", nil).body)
	}
	checkDateCells(t, "CSV bundled source", "4", map[string]string{"published_on": "2019-05"}, a.do(http.MethodGet, "/api/v1/export/sources.csv", nil).body)
}

// checkDateCells checks the date cells of one record of a CSV, and their precisions.
func checkDateCells(t *testing.T, what, id string, want map[string]string, body []byte) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("%s: CSV: %v", what, err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, row := range rows[1:] {
		if row[col["id"]] != id {
			continue
		}
		for f, w := range want {
			if row[col[f]] != w || row[col[f+"_precision"]] != precisionOf(w) {
				t.Errorf("%s id %s: %s = %q (%q), want %q (%s)", what, id, f, row[col[f]], row[col[f+"_precision"]], w, precisionOf(w))
			}
		}
		return
	}
	t.Errorf("%s: no row with id %s", what, id)
}

// TestDateInput: a date is read in its reduced forms and its precision inferred; an
// explicit precision must agree, except the old full form on the first day of a
// coarser period, which is read as that period; anything else is a 400 naming the
// field at fault. A PATCH of a date alone takes the new form's precision. On each
// database.
func TestDateInput(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			st := storetest.Open(t, d)
			staff(t, st, "editor@example.org", domain.RoleEditor)
			a := newAPI(t, st)
			token, _ := a.login("editor@example.org", strongPassword)
			for _, tc := range []struct {
				name      string
				date      any
				precision any // nil: left out
				// wantDate and wantPrecision on success; field on a 400.
				wantDate, wantPrecision, field string
			}{
				{"year", "2014", nil, "2014", "year", ""},
				{"month", "2014-03", nil, "2014-03", "month", ""},
				{"day", "2014-03-05", nil, "2014-03-05", "day", ""},
				{"year, precision agreeing", "2014", "year", "2014", "year", ""},
				{"month, precision agreeing", "2014-03", "month", "2014-03", "month", ""},
				{"old form of a year", "2014-01-01", "year", "2014", "year", ""},
				{"old form of a month", "2014-03-01", "month", "2014-03", "month", ""},
				{"old form, not the year's first day", "2014-03-01", "year", "", "", "valid_from_precision"},
				{"old form, not the month's first day", "2014-03-05", "month", "", "", "valid_from_precision"},
				{"a year said to be a day", "2014", "day", "", "", "valid_from_precision"},
				{"a year said to be a month", "2014", "month", "", "", "valid_from_precision"},
				{"a month said to be a year", "2014-03", "year", "", "", "valid_from_precision"},
				{"an unknown precision", "2014", "decade", "", "", "valid_from_precision"},
				{"month 13", "2014-13", nil, "", "", "valid_from"},
				{"two-digit year", "14", nil, "", "", "valid_from"},
				{"one-digit month", "2014-3", nil, "", "", "valid_from"},
				{"no such day", "2014-02-30", "day", "", "", "valid_from"},
				{"a time", "2014-03-05T00:00:00Z", nil, "", "", "valid_from"},
				{"a number", 2014, nil, "", "", "valid_from"},
			} {
				body := map[string]any{"kind": "export_authorization", "valid_from": tc.date}
				if tc.precision != nil {
					body["valid_from_precision"] = tc.precision
				}
				r := a.send(http.MethodPost, "/api/v1/licenses", bearer(token), body)
				if tc.field != "" {
					if r.status != 400 || !problemField(t, r, tc.field) {
						t.Errorf("%s: %d %s; want 400 naming %s", tc.name, r.status, truncate(r.body), tc.field)
					}
					continue
				}
				if r.status != 201 {
					t.Errorf("%s: %d %s; want 201", tc.name, r.status, truncate(r.body))
					continue
				}
				id := r.json(t)["data"].(map[string]any)["id"].(string)
				got := expect(t, tc.name, a.do(http.MethodGet, "/api/v1/licenses/"+id, bearer(token)), 200)
				if got["valid_from"] != tc.wantDate || got["valid_from_precision"] != tc.wantPrecision {
					t.Errorf("%s: stored as %v (%v), want %s (%s)", tc.name, got["valid_from"], got["valid_from_precision"], tc.wantDate, tc.wantPrecision)
				}
			}

			// PATCH: a new date alone brings its own precision; a precision alone must
			// agree with the date.
			id := expect(t, "create", a.send(http.MethodPost, "/api/v1/licenses", bearer(token), map[string]any{"kind": "export_authorization", "valid_from": "2014"}), 201)["id"].(string)
			path := "/api/v1/licenses/" + id
			patch := func(body map[string]any) response {
				r := a.do(http.MethodGet, path, bearer(token))
				return a.send(http.MethodPatch, path, bearer(token, "If-Match", r.header.Get("ETag")), body)
			}
			if got := expect(t, "patch a date alone", patch(map[string]any{"valid_from": "2014-06"}), 200); got["valid_from"] != "2014-06" || got["valid_from_precision"] != "month" {
				t.Errorf("patched date alone: %v (%v), want 2014-06 (month)", got["valid_from"], got["valid_from_precision"])
			}
			if r := patch(map[string]any{"valid_from_precision": "day"}); r.status != 400 || !problemField(t, r, "valid_from_precision") {
				t.Errorf("patched a contradicting precision alone: %d %s; want 400 naming valid_from_precision", r.status, truncate(r.body))
			}
			if r := patch(map[string]any{"valid_until": "2013"}); r.status != 400 || !problemField(t, r, "valid_until") {
				t.Errorf("patched an end before the start: %d %s; want 400 naming valid_until", r.status, truncate(r.body))
			}
			if got := expect(t, "patch an end in the start's year", patch(map[string]any{"valid_until": "2014"}), 200); got["valid_until"] != "2014" {
				t.Errorf("an end of 2014 after a start in June 2014: %v", got["valid_until"])
			}
			if got := expect(t, "patch a date away", patch(map[string]any{"valid_from": nil, "valid_until": nil}), 200); got["valid_from"] != nil || got["valid_from_precision"] != nil {
				t.Errorf("cleared date: %v (%v), want both null", got["valid_from"], got["valid_from_precision"])
			}
		})
	}
}
