package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// nullables are, per collection, a body that a record needs and the fields a source
// may leave open: each list (null is unknown, [] is known to be none) and each enum
// without an "unknown" value (null is unknown).
var nullables = []struct {
	collection string
	body       func(tag string) map[string]any
	lists      []string
	enums      map[string]string // field: a value to set it to
}{
	{"vendors", func(tag string) map[string]any { return map[string]any{"slug": "null-" + tag, "name": "Null " + tag} },
		[]string{"aliases", "other_jurisdictions", "designations"}, nil},
	{"products", func(tag string) map[string]any { return map[string]any{"vendor_id": "1", "name": "Null " + tag} },
		[]string{"categories", "capabilities", "control_list_entries"}, nil},
	{"agencies", func(tag string) map[string]any { return map[string]any{"state_code": "MX", "name": "Null " + tag} },
		[]string{"aliases"}, nil},
	{"licenses", func(string) map[string]any { return map[string]any{"kind": "end_user_license", "vendor_id": "1"} },
		[]string{"product_ids", "geography", "control_list_entries"}, map[string]string{"stated_purpose": "unspecified"}},
	{"terminations", func(string) map[string]any { return map[string]any{"vendor_id": "1"} },
		[]string{"rights_involved", "reported_to"}, nil},
	{"communications", func(tag string) map[string]any { return map[string]any{"kind": "letter", "sender": "Null " + tag} },
		[]string{"copied_states", "questions", "statements", "legal_references"}, nil},
}

// TestUnknownIsNotNone: a list a record does not know is null and one it knows to be
// empty is [], and an enum a source leaves open is null, through every way in and
// out: POST, GET, PATCH, the public list, NDJSON and CSV exports, and an import of
// the export into another database.
func TestUnknownIsNotNone(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) { unknownIsNotNone(t, d) })
	}
}

func unknownIsNotNone(t *testing.T, dialect string) {
	ctx := domain.SystemContext(context.Background())
	st := storetest.Open(t, dialect)
	if _, err := dataset.Load(ctx, st, dataset.Bundled()); err != nil {
		t.Fatal(err)
	}
	{
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("editor@example.org", strongPassword)
		e := editorClient{t: t, a: a, token: token}
		r := a.send(http.MethodPost, "/api/v1/licenses", bearer(token), map[string]any{"kind": "end_user_license", "stated_purpose": "guessed"})
		if expect(t, "a purpose out of the list", r, 400); !problemField(t, r, "stated_purpose") {
			t.Errorf("the refusal does not name stated_purpose: %s", r.body)
		}

		// want[collection][id][field] is what each record must say.
		want := map[string]map[string]map[string]any{}
		check := func(what, collection, id string, got map[string]any) {
			t.Helper()
			for f, w := range want[collection][id] {
				if !reflect.DeepEqual(got[f], w) {
					t.Errorf("%s %s/%s: %s = %#v, want %#v", what, collection, id, f, got[f], w)
				}
			}
		}
		for _, c := range nullables {
			want[c.collection] = map[string]map[string]any{}
			unknown, none := c.body("unknown"), c.body("none")
			for _, f := range c.lists {
				unknown[f], none[f] = nil, []any{}
			}
			for f, v := range c.enums {
				unknown[f], none[f] = nil, v
			}
			for _, body := range []map[string]any{unknown, none} {
				id := e.create(c.collection, body)
				want[c.collection][id] = map[string]any{}
				for _, f := range c.lists {
					want[c.collection][id][f] = body[f]
				}
				for f := range c.enums {
					want[c.collection][id][f] = body[f]
				}
				check("created", c.collection, id, expect(t, "read", a.do(http.MethodGet, "/api/v1/"+c.collection+"/"+id, bearer(token)), 200))

				// A merge patch turns each one into the other and back.
				flip := map[string]any{}
				for f, v := range want[c.collection][id] {
					if v == nil {
						flip[f] = []any{}
						if e, ok := c.enums[f]; ok {
							flip[f] = e
						}
					} else {
						flip[f] = nil
					}
				}
				e.patch(c.collection, id, flip)
				back := map[string]any{}
				for f, v := range want[c.collection][id] {
					got := expect(t, "read", a.do(http.MethodGet, "/api/v1/"+c.collection+"/"+id, bearer(token)), 200)[f]
					if (v == nil) == (got == nil) {
						t.Errorf("patched %s/%s: %s = %#v, still %#v", c.collection, id, f, got, v)
					}
					back[f] = v
				}
				e.patch(c.collection, id, back)
				check("patched back", c.collection, id, expect(t, "read", a.do(http.MethodGet, "/api/v1/"+c.collection+"/"+id, bearer(token)), 200))
				e.cite(c.collection, id, "1")
				e.publish(c.collection, id)
			}
		}

		// The public reads and exports.
		for _, c := range nullables {
			for id := range want[c.collection] {
				check("public", c.collection, id, expect(t, "public read", a.do(http.MethodGet, "/api/v1/"+c.collection+"/"+id, nil), 200))
			}
			list := a.do(http.MethodGet, "/api/v1/"+c.collection+"?limit=500", nil)
			expect(t, "list "+c.collection, list, 200)
			for _, v := range list.json(t)["data"].([]any) {
				rec := v.(map[string]any)
				if id := rec["id"].(string); want[c.collection][id] != nil {
					check("listed", c.collection, id, rec)
				}
			}
			for _, line := range strings.Split(strings.TrimSpace(string(a.do(http.MethodGet, "/api/v1/export/"+c.collection+".ndjson", nil).body)), "\n") {
				var rec map[string]any
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Fatal(err)
				}
				if id := rec["id"].(string); want[c.collection][id] != nil {
					check("exported", c.collection, id, rec)
				}
			}
			checkCSV(t, c.collection, want[c.collection], a.do(http.MethodGet, "/api/v1/export/"+c.collection+".csv", nil).body)
			checkCSV(t, c.collection+" list", want[c.collection], a.do(http.MethodGet, "/api/v1/"+c.collection+"?format=csv&limit=500", nil).body)
		}

		// An import of the export keeps them apart.
		dir := filepath.Join(t.TempDir(), "export")
		if _, err := dataset.Export(ctx, st, dir, nil); err != nil {
			t.Fatal(err)
		}
		second := storetest.Open(t, dialect)
		if _, err := dataset.LoadPath(ctx, second, dir, store.ImportOptions{}, nil); err != nil {
			t.Fatalf("import: %v", err)
		}
		b := newAPI(t, second)
		for _, c := range nullables {
			for id := range want[c.collection] {
				check("imported", c.collection, id, expect(t, "read imported", b.do(http.MethodGet, "/api/v1/"+c.collection+"/"+id, nil), 200))
			}
		}
	}
}

// TestBundledUnknowns: the bundled dataset's unknowns are served as null, not as
// none: licence 1 names no product and no purpose, and the questions of the first
// letter and of NSO Group's reply are not known; OL OTH 2/2020's are.
func TestBundledUnknowns(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		lic := expect(t, "licence 1", a.do(http.MethodGet, "/api/v1/licenses/1", nil), 200)
		if lic["product_ids"] != nil || lic["stated_purpose"] != nil {
			t.Errorf("licence 1: product_ids %#v, stated_purpose %#v; want both null", lic["product_ids"], lic["stated_purpose"])
		}
		// Wherever Israel's profile shows licence 1, it shows its products unknown.
		var walk func(v any)
		shown := 0
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				if p, ok := v["product_ids"]; ok && v["id"] == "1" {
					shown++
					if p != nil {
						t.Errorf("Israel's profile: licence 1's product_ids = %#v, want null", p)
					}
				}
				for _, x := range v {
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(expect(t, "Israel", a.do(http.MethodGet, "/api/v1/states/IL", nil), 200))
		if shown == 0 {
			t.Log("Israel's profile does not show licence 1")
		}
		for id, known := range map[string]bool{"1": false, "2": false, "3": true} {
			c := expect(t, "communication "+id, a.do(http.MethodGet, "/api/v1/communications/"+id, nil), 200)
			if (c["questions"] != nil) != known {
				t.Errorf("communication %s: questions = %.80v, want known %v", id, c["questions"], known)
			}
		}
	})
}

// checkCSV reads a CSV and checks that each wanted record's cells keep unknown (the
// empty cell) and none ([]) apart.
func checkCSV(t *testing.T, what string, want map[string]map[string]any, body []byte) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("%s: CSV: %v", what, err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	seen := 0
	for _, row := range rows[1:] {
		fields := want[row[col["id"]]]
		if fields == nil {
			continue
		}
		seen++
		for f, w := range fields {
			cell := row[col[f]]
			switch {
			case w == nil && cell != "":
				t.Errorf("%s CSV id %s: %s = %q, want the empty cell (unknown)", what, row[col["id"]], f, cell)
			case reflect.DeepEqual(w, []any{}) && cell != "[]":
				t.Errorf("%s CSV id %s: %s = %q, want [] (none)", what, row[col["id"]], f, cell)
			}
		}
		if w, ok := fields["product_ids"]; ok {
			if cell := row[col["product_names"]]; (w == nil) != (cell == "") {
				t.Errorf("%s CSV id %s: product_names = %q with product_ids %v", what, row[col["id"]], cell, w)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("%s CSV: %d of %d records", what, seen, len(want))
	}
}
