package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestStaffInput: what a staffer naturally writes is read as meant (a reference by
// number, numeric string or slug; a vendor without a slug; an open question left out),
// and what is wrong is answered all at once, each problem beside its field.
func TestStaffInput(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("editor@example.org", strongPassword)
		auth := bearer(token)

		for _, tc := range []struct {
			name       string
			url        string
			body       any
			wantStatus int
			wantErrors []string          // fields the problem names, all of them
			want       map[string]any    // fields of the created record
			wantPrefix map[string]string // fields of the created record, by prefix
		}{
			{name: "vendor_id as a JSON number", url: "/api/v1/products",
				body: map[string]any{"vendor_id": 1, "name": "Number Ref"}, wantStatus: 201, want: map[string]any{"vendor_id": "1"}},
			{name: "vendor_id as a numeric string", url: "/api/v1/products",
				body: map[string]any{"vendor_id": "1", "name": "String Ref"}, wantStatus: 201, want: map[string]any{"vendor_id": "1"}},
			{name: "vendor_id as a slug", url: "/api/v1/products",
				body: map[string]any{"vendor_id": "nso-group", "name": "Slug Ref"}, wantStatus: 201, want: map[string]any{"vendor_id": "1"}},
			{name: "vendor_id a slug nobody has", url: "/api/v1/products",
				body: map[string]any{"vendor_id": "no-such-vendor", "name": "X"}, wantStatus: 400, wantErrors: []string{"vendor_id"}},
			{name: "vendor_id of the wrong type", url: "/api/v1/products",
				body: map[string]any{"vendor_id": true, "name": "X"}, wantStatus: 400, wantErrors: []string{"vendor_id"}},
			{name: "licence references by slug and number, products as numbers", url: "/api/v1/licenses",
				body:       map[string]any{"kind": "end_user_license", "vendor_id": "nso-group", "product_ids": []any{1}, "geography": []string{"MX"}},
				wantStatus: 201, want: map[string]any{"vendor_id": "1", "license_status": "unknown", "purpose_specificity": "unknown", "stated_purpose": nil}},
			{name: "dates as the source gives them", url: "/api/v1/licenses",
				body:       map[string]any{"kind": "export_authorization", "valid_from": "2014-03", "valid_until": "2015", "decision_date": "2014-02-27"},
				wantStatus: 201, want: map[string]any{"valid_from": "2014-03", "valid_from_precision": "month", "valid_until": "2015",
					"valid_until_precision": "year", "decision_date": "2014-02-27", "decision_date_precision": "day"}},
			{name: "open questions null are unknown", url: "/api/v1/terminations",
				body: map[string]any{"vendor_id": 1, "reason": nil, "scope": nil}, wantStatus: 201,
				want: map[string]any{"reason": "unknown", "scope": "unknown", "initiated_by": "unknown", "human_rights_basis": "unknown"}},
			{name: "a vendor's slug made from its name", url: "/api/v1/vendors",
				body: map[string]any{"name": "Überwachung & Söhne GmbH"}, wantStatus: 201, want: map[string]any{"slug": "uberwachung-sohne-gmbh", "ungp_commitment": "unknown"}},
			{name: "a name without Latin letters", url: "/api/v1/vendors",
				body: map[string]any{"name": "Система 7"}, wantStatus: 201, want: map[string]any{"slug": "7"}},
			{name: "a taken slug is suffixed", url: "/api/v1/vendors",
				body: map[string]any{"name": "NSO Group"}, wantStatus: 201, want: map[string]any{"slug": "nso-group-2"}},
			{name: "and suffixed again", url: "/api/v1/vendors",
				body: map[string]any{"name": "NSO  group!"}, wantStatus: 201, want: map[string]any{"slug": "nso-group-3"}},
			{name: "every field's problem at once", url: "/api/v1/licenses",
				body: map[string]any{"kind": "sale", "vendor_id": "nobody-at-all", "end_user_state": "XX", "max_targets": "many",
					"license_status": "approved", "valid_from": "2014-13", "product_ids": []any{"999"}, "colour": "red"},
				wantStatus: 400, wantErrors: []string{"kind", "vendor_id", "end_user_state", "max_targets", "license_status", "valid_from", "product_ids", "colour"}},
			{name: "a required field missing beside a bad one", url: "/api/v1/agencies",
				body: map[string]any{"state_code": "ZZ"}, wantStatus: 400, wantErrors: []string{"name", "state_code"}},
			{name: "a citation given with the record", url: "/api/v1/vendors",
				body:       map[string]any{"name": "Cited Vendor", "citations": []any{map[string]any{"source_id": 1, "fields": []string{"name"}, "confidence": "reported"}}},
				wantStatus: 201, want: map[string]any{"slug": "cited-vendor"}},
			{name: "a citation naming a field the record lacks", url: "/api/v1/licenses",
				body: map[string]any{"kind": "end_user_license", "citations": []any{
					map[string]any{"source_id": "1", "fields": []string{"max_targets"}, "confidence": "reported"},
					map[string]any{"source_id": "1", "fields": []string{"headquarters_country"}, "confidence": "sure"}}},
				wantStatus: 400, wantErrors: []string{"citations[1].fields", "citations[1].confidence"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a.t = t
				r := a.send(http.MethodPost, tc.url, auth, tc.body)
				data := expect(t, "POST "+tc.url, r, tc.wantStatus)
				if tc.wantErrors != nil {
					errs, _ := r.json(t)["errors"].(map[string]any)
					if len(errs) != len(tc.wantErrors) {
						t.Errorf("the problem names %d fields, want %d (%v): %s", len(errs), len(tc.wantErrors), tc.wantErrors, r.body)
					}
					for _, f := range tc.wantErrors {
						if _, ok := errs[f]; !ok {
							t.Errorf("the problem does not name %s: %s", f, r.body)
						}
					}
				}
				for k, v := range tc.want {
					if data[k] != v {
						t.Errorf("%s = %#v, want %#v", k, data[k], v)
					}
				}
			})
		}
		a.t = t

		// A citation's fields are checked on their own route too.
		vendor := expect(t, "create", a.send(http.MethodPost, "/api/v1/vendors", auth, map[string]any{"name": "Citation Check"}), 201)
		url := "/api/v1/vendors/" + vendor["id"].(string)
		r := a.send(http.MethodPost, url+"/citations", auth, map[string]any{"source_id": 1, "fields": []string{"nmae"}, "confidence": "reported"})
		expect(t, "cite a field the vendor lacks", r, 400)
		if !problemField(t, r, "fields") || !strings.Contains(string(r.body), "nmae") {
			t.Errorf("the problem does not name fields and the bad name: %s", r.body)
		}
		expect(t, "cite with a numeric source_id", a.send(http.MethodPost, url+"/citations", auth, map[string]any{"source_id": 1, "fields": []string{"name"}, "confidence": "reported"}), 200)

		// PATCH reads the same: a slug for a reference, all problems at once.
		cur := a.do(http.MethodGet, url, auth)
		r = a.send(http.MethodPatch, url, bearer(token, "If-Match", cur.header.Get("ETag")), map[string]any{"parent_id": "nso-group"})
		if d := expect(t, "patch parent_id by slug", r, 200); d["parent_id"] != "1" {
			t.Errorf("parent_id = %v, want 1", d["parent_id"])
		}
		r = a.send(http.MethodPatch, url, bearer(token, "If-Match", r.header.Get("ETag")), map[string]any{"headquarters_country": "QQ", "ungp_commitment": "maybe", "parent_id": "nowhere-ltd"})
		expect(t, "patch with three bad fields", r, 400)
		for _, f := range []string{"headquarters_country", "ungp_commitment", "parent_id"} {
			if !problemField(t, r, f) {
				t.Errorf("the problem does not name %s: %s", f, r.body)
			}
		}

		// A retracted record refuses PATCH, saying why.
		expect(t, "publish", a.send(http.MethodPost, url+"/publish", auth, nil), 200)
		ret := a.send(http.MethodPost, url+"/retract", auth, map[string]any{"reason": "a test retraction"})
		expect(t, "retract", ret, 200)
		r = a.send(http.MethodPatch, url, bearer(token, "If-Match", ret.header.Get("ETag")), map[string]any{"name": "Renamed"})
		expect(t, "patch a retracted record", r, 409)
		if detail, _ := r.json(t)["detail"].(string); !strings.Contains(detail, "retracted") || !strings.Contains(detail, "a test retraction") {
			t.Errorf("the refusal does not say the record is retracted and why: %s", r.body)
		}
		if d := expect(t, "read it", a.do(http.MethodGet, url, nil), 200); d["name"] != "Citation Check" {
			t.Errorf("a refused patch renamed the record: %v", d["name"])
		}
	})
}
