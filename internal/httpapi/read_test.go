package httpapi_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// scenario is one request and what must come back.
type scenario struct {
	name       string
	url        string
	header     map[string]string
	wantStatus int
	// wantBody are substrings the body must hold.
	wantBody []string
	// wantCount is the number of records in data, when >= 0 (lists only).
	wantCount int
	// wantError names the parameter a problem must point at.
	wantError string
}

func run(t *testing.T, a *api, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			a.t = t
			r := a.do(http.MethodGet, sc.url, sc.header)
			if r.status != sc.wantStatus {
				t.Fatalf("GET %s: status %d, want %d\n%s", sc.url, r.status, sc.wantStatus, truncate(r.body))
			}
			for _, w := range sc.wantBody {
				if !strings.Contains(string(r.body), w) {
					t.Errorf("GET %s: body lacks %q\n%s", sc.url, w, truncate(r.body))
				}
			}
			if r.status >= 400 {
				if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("error Content-Type = %q, want application/problem+json", ct)
				}
				p := r.json(t)
				if p["status"] != float64(sc.wantStatus) || p["title"] == "" {
					t.Errorf("problem = %v, want status %d and a title", p, sc.wantStatus)
				}
				if sc.wantError != "" {
					errs, _ := p["errors"].(map[string]any)
					if _, ok := errs[sc.wantError]; !ok {
						t.Errorf("problem errors = %v, want one about %q", p["errors"], sc.wantError)
					}
				}
			}
			if sc.wantCount >= 0 && r.status == http.StatusOK {
				data, ok := r.json(t)["data"].([]any)
				if !ok {
					t.Fatalf("data is not a list: %s", truncate(r.body))
				}
				if len(data) != sc.wantCount {
					t.Errorf("GET %s: %d records, want %d", sc.url, len(data), sc.wantCount)
				}
			}
		})
	}
}

// TestPublicReads walks the public read API over the bundled dataset on each database.
func TestPublicReads(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		run(t, a, []scenario{
			{name: "health", url: "/healthz", wantStatus: 200, wantBody: []string{`"ok"`}, wantCount: -1},
			{name: "ready", url: "/readyz", wantStatus: 200, wantCount: -1},
			{name: "openapi document", url: "/openapi.json", wantStatus: 200, wantBody: []string{`"openapi":"3.0.3"`, `/api/v1/states/{iso2}`}, wantCount: -1},
			{name: "swagger document", url: "/swagger.json", wantStatus: 200, wantBody: []string{`"swagger": "2.0"`, `/api/v1/states/{iso2}`}, wantCount: -1},
			{name: "docs redirect", url: "/docs", wantStatus: 301, wantCount: -1},
			{name: "swagger ui", url: "/docs/index.html", wantStatus: 200, wantBody: []string{"swagger"}, wantCount: -1},

			{name: "country profile", url: "/api/v1/states/IL", wantStatus: 200, wantCount: -1,
				wantBody: []string{`"name":"NSO Group"`, `"name":"Pegasus"`, `"end_user_license"`, `"material_breach"`, `"source_id"`, `"dataset_version"`}},
			// The bundled licence and termination name no state: NSO Group's, not Israel's.
			{name: "a vendor's records are not its country's", url: "/api/v1/states/IL", wantStatus: 200, wantCount: -1,
				wantBody: []string{`"licenses_to":0,"licenses_from":0,"vendor_licenses":1,"terminations":0,"vendor_terminations":1`, `"licenses_from":[]`, `"terminations":[]`}},
			{name: "profile lower case redirects", url: "/api/v1/states/il", wantStatus: 301, wantCount: -1},
			{name: "profile of a country with nothing", url: "/api/v1/states/MX", wantStatus: 200, wantCount: -1, wantBody: []string{`"agencies":[]`}},
			{name: "profile of XK", url: "/api/v1/states/XK", wantStatus: 200, wantCount: -1, wantBody: []string{`"official":false`}},
			{name: "unassigned code", url: "/api/v1/states/ZZ", wantStatus: 404, wantCount: -1},
			{name: "alpha-3 redirects to its alpha-2 URL", url: "/api/v1/states/ISR", wantStatus: 308, wantCount: -1},
			{name: "withdrawn code", url: "/api/v1/states/AN", wantStatus: 404, wantCount: -1},

			{name: "states first page", url: "/api/v1/states", wantStatus: 200, wantCount: 50},
			{name: "states clamped to 500", url: "/api/v1/states?limit=1000", wantStatus: 200, wantCount: 250},
			{name: "states by name", url: "/api/v1/states?q=israel", wantStatus: 200, wantCount: 1, wantBody: []string{`"IL"`}},
			{name: "states bad cursor", url: "/api/v1/states?cursor=zzz", wantStatus: 400, wantCount: -1, wantError: "cursor"},

			{name: "vendor by slug", url: "/api/v1/vendors/nso-group", wantStatus: 200, wantCount: -1, wantBody: []string{`"slug":"nso-group"`, `"ungp_commitment":"yes"`}},
			{name: "vendor by id", url: "/api/v1/vendors/1", wantStatus: 200, wantCount: -1, wantBody: []string{`"id":"1"`}},
			{name: "vendor unknown id", url: "/api/v1/vendors/999", wantStatus: 404, wantCount: -1},
			{name: "vendor unknown slug", url: "/api/v1/vendors/no-such-vendor", wantStatus: 404, wantCount: -1},
			{name: "vendors by country", url: "/api/v1/vendors?country=IL", wantStatus: 200, wantCount: 1},
			{name: "vendors by country, lower case", url: "/api/v1/vendors?country=il", wantStatus: 200, wantCount: 1},
			{name: "vendors elsewhere", url: "/api/v1/vendors?country=MX", wantStatus: 200, wantCount: 0},
			{name: "vendors bad country", url: "/api/v1/vendors?country=ZZ", wantStatus: 400, wantCount: -1, wantError: "country"},
			{name: "vendors by q", url: "/api/v1/vendors?q=nso", wantStatus: 200, wantCount: 1},
			{name: "vendors unknown parameter", url: "/api/v1/vendors?countyr=IL", wantStatus: 400, wantCount: -1, wantError: "countyr"},
			{name: "vendors filter of another list", url: "/api/v1/vendors?active_on=2020-01-01", wantStatus: 400, wantCount: -1, wantError: "active_on"},
			{name: "vendors repeated parameter", url: "/api/v1/vendors?country=IL&country=MX", wantStatus: 400, wantCount: -1, wantError: "country"},
			{name: "vendors negative limit", url: "/api/v1/vendors?limit=-1", wantStatus: 400, wantCount: -1, wantError: "limit"},
			{name: "vendors zero limit", url: "/api/v1/vendors?limit=0", wantStatus: 400, wantCount: -1, wantError: "limit"},
			{name: "vendors word limit", url: "/api/v1/vendors?limit=ten", wantStatus: 400, wantCount: -1, wantError: "limit"},
			{name: "vendors corrupt cursor", url: "/api/v1/vendors?cursor=not-a-cursor", wantStatus: 400, wantCount: -1, wantError: "cursor"},
			{name: "vendors bad updated_since", url: "/api/v1/vendors?updated_since=yesterday", wantStatus: 400, wantCount: -1, wantError: "updated_since"},
			{name: "vendors updated since", url: "/api/v1/vendors?updated_since=2000-01-01", wantStatus: 200, wantCount: 1},
			{name: "vendors updated in the future", url: "/api/v1/vendors?updated_since=2999-01-01T00:00:00Z", wantStatus: 200, wantCount: 0},
			{name: "vendors bad format", url: "/api/v1/vendors?format=xml", wantStatus: 406, wantCount: -1, wantError: "format"},
			{name: "vendor history", url: "/api/v1/vendors/nso-group/history", wantStatus: 200, wantCount: 1, wantBody: []string{`"action":"create"`, `"actor":"registry"`}},

			{name: "products of a vendor", url: "/api/v1/products?vendor=nso-group", wantStatus: 200, wantCount: 1, wantBody: []string{"Pegasus"}},
			{name: "products of a vendor by id", url: "/api/v1/products?vendor=1", wantStatus: 200, wantCount: 1},
			{name: "products of an unknown vendor", url: "/api/v1/products?vendor=nobody", wantStatus: 400, wantCount: -1, wantError: "vendor"},
			{name: "product", url: "/api/v1/products/1", wantStatus: 200, wantCount: -1},
			{name: "product history", url: "/api/v1/products/1/history", wantStatus: 200, wantCount: 1},

			{name: "licences", url: "/api/v1/licenses", wantStatus: 200, wantCount: 1, wantBody: []string{`"max_targets":null`, `"geography":null`, `"license_status":"unknown"`}},
			{name: "licences of a vendor", url: "/api/v1/licenses?vendor=nso-group", wantStatus: 200, wantCount: 1},
			{name: "licences with unknown dates are not active", url: "/api/v1/licenses?active_on=2021-07-01", wantStatus: 200, wantCount: 0},
			{name: "licences bad active_on", url: "/api/v1/licenses?active_on=2021-13-01", wantStatus: 400, wantCount: -1, wantError: "active_on"},
			{name: "active_on is a day, not a year", url: "/api/v1/licenses?active_on=2021", wantStatus: 400, wantCount: -1, wantError: "active_on"},
			{name: "active_on is a day, not a month", url: "/api/v1/licenses?active_on=2021-07", wantStatus: 400, wantCount: -1, wantError: "active_on"},
			{name: "licences with unknown geography cover nothing", url: "/api/v1/licenses?covers=MX", wantStatus: 200, wantCount: 0},
			{name: "licences bad covers", url: "/api/v1/licenses?covers=Mexico", wantStatus: 400, wantCount: -1, wantError: "covers"},
			{name: "licences bad exporter", url: "/api/v1/licenses?exporter_country=1", wantStatus: 400, wantCount: -1, wantError: "exporter_country"},
			{name: "licences by own status", url: "/api/v1/licenses?status=unknown", wantStatus: 200, wantCount: 1},
			{name: "licences granted", url: "/api/v1/licenses?status=granted", wantStatus: 200, wantCount: 0},
			{name: "licences bad status", url: "/api/v1/licenses?status=approved", wantStatus: 400, wantCount: -1, wantError: "status"},
			{name: "drafts need a token", url: "/api/v1/licenses?status=draft", wantStatus: 401, wantCount: -1},
			{name: "licences bad agency", url: "/api/v1/licenses?agency=abc", wantStatus: 400, wantCount: -1, wantError: "agency"},
			{name: "licence", url: "/api/v1/licenses/1", wantStatus: 200, wantCount: -1, wantBody: []string{`"volume_note"`}},
			{name: "licence not a number", url: "/api/v1/licenses/one", wantStatus: 404, wantCount: -1},

			{name: "terminations", url: "/api/v1/terminations?vendor=nso-group", wantStatus: 200, wantCount: 1, wantBody: []string{`"scope":"unknown"`, `"agency_id":null`}},
			{name: "termination", url: "/api/v1/terminations/1", wantStatus: 200, wantCount: -1},
			{name: "allegations", url: "/api/v1/allegations", wantStatus: 200, wantCount: 0},
			{name: "allegations bad status", url: "/api/v1/allegations?status=true", wantStatus: 400, wantCount: -1, wantError: "status"},
			{name: "agencies", url: "/api/v1/agencies?country=IL", wantStatus: 200, wantCount: 0},
			{name: "agency unknown", url: "/api/v1/agencies/1", wantStatus: 404, wantCount: -1},
			{name: "communications", url: "/api/v1/communications", wantStatus: 200, wantCount: 3, wantBody: []string{"OL OTH 2/2020", `"answer_status"`}},
			{name: "communications copied to Israel", url: "/api/v1/communications?country=IL", wantStatus: 200, wantCount: 1},
			{name: "communications to the vendor", url: "/api/v1/communications?vendor=nso-group", wantStatus: 200, wantCount: 2},
			{name: "sources by symbol", url: "/api/v1/sources?q=A/HRC/41/35", wantStatus: 200, wantCount: 1, wantBody: []string{`"document_symbol":"A/HRC/41/35"`}},
			{name: "source", url: "/api/v1/sources/1", wantStatus: 200, wantCount: -1, wantBody: []string{`"citations":[]`}},
			{name: "no such route", url: "/api/v1/nothing", wantStatus: 404, wantCount: -1},
		})
	})
}

// TestProfileGolden pins the whole country profile of Israel on the bundled dataset,
// the same on both databases.
func TestProfileGolden(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		r := a.do(http.MethodGet, "/api/v1/states/IL", nil)
		if r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		golden(t, "profile_il", r.body)
	})
}

// TestETags: every GET has an ETag and If-None-Match gives 304; a record's ETag is
// its revision.
func TestETags(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		for _, u := range []string{"/api/v1/vendors", "/api/v1/vendors/nso-group", "/api/v1/states/IL", "/api/v1/states", "/api/v1/licenses?format=csv"} {
			r := a.do(http.MethodGet, u, nil)
			tag := r.header.Get("ETag")
			if r.status != 200 || tag == "" {
				t.Fatalf("GET %s: status %d, ETag %q", u, r.status, tag)
			}
			if r.header.Get("X-Dataset-Version") == "" {
				t.Errorf("GET %s: no X-Dataset-Version", u)
			}
			if again := a.do(http.MethodGet, u, map[string]string{"If-None-Match": tag}); again.status != http.StatusNotModified || len(again.body) != 0 {
				t.Errorf("GET %s with If-None-Match %s: status %d, %d bytes; want 304 and none", u, tag, again.status, len(again.body))
			}
			if other := a.do(http.MethodGet, u, map[string]string{"If-None-Match": `"stale"`}); other.status != 200 {
				t.Errorf("GET %s with a stale tag: status %d, want 200", u, other.status)
			}
		}
		if tag := a.do(http.MethodGet, "/api/v1/vendors/1", nil).header.Get("ETag"); tag != `"1"` {
			t.Errorf("vendor ETag = %s, want its revision \"1\"", tag)
		}
	})
}

// TestCSV: Accept: text/csv or format=csv gives a CSV of the same records.
func TestCSV(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		for _, tc := range []struct {
			url    string
			header map[string]string
		}{
			{"/api/v1/communications?format=csv", nil},
			{"/api/v1/communications", map[string]string{"Accept": "text/csv"}},
		} {
			r := a.do(http.MethodGet, tc.url, tc.header)
			if ct := r.header.Get("Content-Type"); r.status != 200 || !strings.HasPrefix(ct, "text/csv") {
				t.Fatalf("GET %s: %d %s", tc.url, r.status, ct)
			}
			rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
			if err != nil {
				t.Fatalf("GET %s: not CSV: %v", tc.url, err)
			}
			if len(rows) != 4 || rows[0][0] != "id" || !contains(rows[0], "copied_states") {
				t.Fatalf("GET %s: header %v and %d rows, want id… and 3 records", tc.url, rows[0], len(rows)-1)
			}
			col := index(rows[0], "copied_states")
			if !contains(column(rows, col), "IL") {
				t.Errorf("copied_states column %v lacks IL", column(rows, col))
			}
		}
		if r := a.do(http.MethodGet, "/api/v1/communications?format=json", map[string]string{"Accept": "text/csv"}); !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Errorf("format=json did not win over Accept: %s", r.header.Get("Content-Type"))
		}
	})
}

func contains(list []string, v string) bool { return index(list, v) >= 0 }

func index(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}

func column(rows [][]string, i int) []string {
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[i])
	}
	return out
}

// fixture creates records for filter and paging tests: a published source, a vendor
// and agencies, licences with known periods and geography, a draft and a retracted
// record.
func fixture(t *testing.T, st *store.Store) {
	t.Helper()
	s := func(v string) *string { return &v }
	d := func(v string) *domain.Date { x := domain.Date(v); return &x }
	id := func(n int) *domain.ID { v := domain.ID(n); return &v }
	pub := func(n int) domain.Record {
		return domain.Record{ID: domain.ID(n), Status: domain.StatusPublished, Citations: []domain.Citation{{SourceID: 100, Confidence: "reported"}}}
	}
	lic := func(n int, from *domain.Date, fromP *string, until *domain.Date, untilP *string, geo []string) domain.License {
		return domain.License{Record: pub(n), LicenseFields: domain.LicenseFields{Kind: "export_authorization", VendorID: id(100), EndUserState: s("MX"), EndUserAgencyID: id(100),
			ExportingState: s("IT"), ValidFrom: from, ValidFromPrecision: fromP, ValidUntil: until, ValidUntilPrecision: untilP, Geography: geo, LicenseStatus: "granted"}}
	}
	b := store.Batch{
		Sources: []domain.Source{{Record: domain.Record{ID: 100, Status: domain.StatusPublished}, SourceFields: domain.SourceFields{Kind: "media", Title: "Test source"}}},
		Vendors: []domain.Vendor{
			{Record: pub(100), VendorFields: domain.VendorFields{Slug: "test-vendor", Name: "Test Vendor", HeadquartersCountry: s("IT")}},
			{Record: domain.Record{ID: 101, Status: domain.StatusDraft}, VendorFields: domain.VendorFields{Slug: "draft-vendor", Name: "Draft Vendor", HeadquartersCountry: s("IT")}},
			{Record: domain.Record{ID: 102, Status: domain.StatusRetracted, RetractionReason: s("wrong company"), Citations: pub(0).Citations}, VendorFields: domain.VendorFields{Slug: "retracted-vendor", Name: "Retracted Vendor", HeadquartersCountry: s("IT")}},
		},
		Agencies: []domain.Agency{{Record: pub(100), AgencyFields: domain.AgencyFields{StateCode: "MX", Name: "Test Agency", Kind: "intelligence"}}},
		Licenses: []domain.License{
			lic(100, d("2020-01-01"), s("day"), d("2021"), s("year"), []string{"MX", "GT"}), // through 2021
			lic(101, d("2020-01-01"), s("day"), d("2021-06"), s("month"), []string{"MX"}),   // through June 2021
			lic(102, d("2021-07-02"), s("day"), nil, nil, nil),                              // starts after the day
			lic(103, nil, nil, nil, nil, nil),                                               // unknown period
			lic(104, d("2019"), s("year"), nil, nil, []string{"GT"}),                        // open-ended
			lic(105, d("2020-01-01"), s("day"), d("2021-06-30"), s("day"), nil),             // ends the day before
			lic(106, d("2020-01-01"), s("day"), d("2021-07-01"), s("day"), nil),             // ends on the day
		},
	}
	if _, err := st.Import(domain.SystemContext(context.Background()), b); err != nil {
		t.Fatalf("fixture: %v", err)
	}
}

// decoys are records beside the fixture's that each filter must leave out: another
// end user, agency, exporter, vendor, licence status and geography.
func decoys(t *testing.T, st *store.Store) {
	t.Helper()
	s := func(v string) *string { return &v }
	d := func(v string) *domain.Date { x := domain.Date(v); return &x }
	id := func(n int) *domain.ID { v := domain.ID(n); return &v }
	pub := func(n int) domain.Record {
		return domain.Record{ID: domain.ID(n), Status: domain.StatusPublished, Citations: []domain.Citation{{SourceID: 100, Confidence: "reported"}}}
	}
	b := store.Batch{
		Vendors:  []domain.Vendor{{Record: pub(103), VendorFields: domain.VendorFields{Slug: "other-vendor", Name: "Other Vendor", HeadquartersCountry: s("FR")}}},
		Agencies: []domain.Agency{{Record: pub(101), AgencyFields: domain.AgencyFields{StateCode: "GT", Name: "Other Agency", Kind: "police"}}},
		Licenses: []domain.License{
			// Another vendor, end user, agency, exporter, status, period and geography.
			{Record: pub(110), LicenseFields: domain.LicenseFields{Kind: "export_authorization", VendorID: id(103), EndUserState: s("GT"), EndUserAgencyID: id(101),
				ExportingState: s("FR"), ValidFrom: d("2018-01-01"), ValidFromPrecision: s("day"), ValidUntil: d("2018-12-31"), ValidUntilPrecision: s("day"),
				Geography: []string{"FR"}, LicenseStatus: "refused"}},
			// The fixture's vendor and end user, but no agency or exporter, and refused.
			{Record: pub(111), LicenseFields: domain.LicenseFields{Kind: "end_user_license", VendorID: id(100), EndUserState: s("MX"), LicenseStatus: "refused"}},
		},
	}
	if _, err := st.Import(domain.SystemContext(context.Background()), b); err != nil {
		t.Fatalf("decoys: %v", err)
	}
}

// TestFilters checks the licence filters' meaning, drafts and retractions. Beside
// the fixture, decoys that each filter must leave out: a filter that is ignored
// returns them too.
func TestFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fixture(t, st)
		decoys(t, st)
		a := newAPI(t, st)
		run(t, a, []scenario{
			{name: "active on 2021-07-01", url: "/api/v1/licenses?active_on=2021-07-01", wantStatus: 200, wantCount: 3, wantBody: []string{`"id":"100"`, `"id":"104"`, `"id":"106"`}},
			{name: "active on 2021-06-30", url: "/api/v1/licenses?active_on=2021-06-30", wantStatus: 200, wantCount: 5},
			{name: "active on 2018-06-01", url: "/api/v1/licenses?active_on=2018-06-01", wantStatus: 200, wantCount: 1, wantBody: []string{`"id":"110"`}},
			// A start known only to its year is on or before every day of that year.
			{name: "active on 2019-01-01, the first day of a start of 2019", url: "/api/v1/licenses?active_on=2019-01-01", wantStatus: 200, wantCount: 1, wantBody: []string{`"id":"104"`, `"valid_from":"2019","valid_from_precision":"year"`}},
			{name: "covers GT", url: "/api/v1/licenses?covers=GT", wantStatus: 200, wantCount: 2},
			{name: "covers FR", url: "/api/v1/licenses?covers=FR", wantStatus: 200, wantCount: 1, wantBody: []string{`"id":"110"`}},
			{name: "to Mexico", url: "/api/v1/licenses?country=MX", wantStatus: 200, wantCount: 8},
			{name: "to Guatemala", url: "/api/v1/licenses?country=GT", wantStatus: 200, wantCount: 1, wantBody: []string{`"id":"110"`}},
			{name: "from Italy", url: "/api/v1/licenses?exporter_country=IT", wantStatus: 200, wantCount: 7},
			{name: "from Italy, covering Mexico", url: "/api/v1/licenses?exporter_country=IT&covers=MX", wantStatus: 200, wantCount: 2},
			{name: "from France", url: "/api/v1/licenses?exporter_country=FR", wantStatus: 200, wantCount: 1, wantBody: []string{`"id":"110"`}},
			{name: "by agency", url: "/api/v1/licenses?agency=100", wantStatus: 200, wantCount: 7},
			{name: "by the other agency", url: "/api/v1/licenses?agency=101", wantStatus: 200, wantCount: 1, wantBody: []string{`"id":"110"`}},
			{name: "by vendor", url: "/api/v1/licenses?vendor=test-vendor", wantStatus: 200, wantCount: 8},
			{name: "by the other vendor", url: "/api/v1/licenses?vendor=other-vendor", wantStatus: 200, wantCount: 1, wantBody: []string{`"id":"110"`}},
			{name: "by licence status", url: "/api/v1/licenses?status=granted", wantStatus: 200, wantCount: 7},
			{name: "refused", url: "/api/v1/licenses?status=refused", wantStatus: 200, wantCount: 2},
			{name: "vendors by headquarters", url: "/api/v1/vendors?country=FR", wantStatus: 200, wantCount: 1, wantBody: []string{"other-vendor"}},
			{name: "agencies by state", url: "/api/v1/agencies?country=GT", wantStatus: 200, wantCount: 1, wantBody: []string{"Other Agency"}},
			{name: "drafts are not listed", url: "/api/v1/vendors?country=IT", wantStatus: 200, wantCount: 1, wantBody: []string{"test-vendor"}},
			{name: "a draft is not found", url: "/api/v1/vendors/101", wantStatus: 404, wantCount: -1},
			{name: "a draft by slug is not found", url: "/api/v1/vendors/draft-vendor", wantStatus: 404, wantCount: -1},
			{name: "a draft is no filter value", url: "/api/v1/licenses?vendor=draft-vendor", wantStatus: 400, wantCount: -1, wantError: "vendor"},
			{name: "retracted are listed on request", url: "/api/v1/vendors?status=retracted", wantStatus: 200, wantCount: 1, wantBody: []string{"wrong company"}},
			{name: "published and retracted", url: "/api/v1/vendors?status=published,retracted", wantStatus: 200, wantCount: 3},
			{name: "a retracted record stays at its URL", url: "/api/v1/vendors/retracted-vendor", wantStatus: 200, wantCount: -1, wantBody: []string{`"status":"retracted"`, `"retraction_reason":"wrong company"`}},
			{name: "profile counts", url: "/api/v1/states/MX", wantStatus: 200, wantCount: -1, wantBody: []string{`"licenses_to":8`, `"agencies":1`}},
			// Licence 111 of the Italian vendor names no exporting state: Italy's vendor's,
			// not from Italy, as the exporter_country list has it.
			{name: "profile of the exporter", url: "/api/v1/states/IT", wantStatus: 200, wantCount: -1, wantBody: []string{`"licenses_from":7,"vendor_licenses":8`, `"vendors":1`}},
			{name: "profile of the other exporter", url: "/api/v1/states/FR", wantStatus: 200, wantCount: -1, wantBody: []string{`"licenses_to":0,"licenses_from":1,"vendor_licenses":1`, `"vendors":1`}},
		})
	})
}

// TestPaging walks every page of a list: no record is missed or repeated, and the
// Link header and meta.next_cursor agree.
func TestPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fixture(t, st)
		a := newAPI(t, st)
		seen := map[string]bool{}
		next := "/api/v1/licenses?limit=3&country=MX"
		pages := 0
		for next != "" {
			r := a.do(http.MethodGet, next, nil)
			if r.status != 200 {
				t.Fatalf("GET %s: %d %s", next, r.status, r.body)
			}
			body := r.json(t)
			for _, rec := range body["data"].([]any) {
				id := rec.(map[string]any)["id"].(string)
				if seen[id] {
					t.Errorf("licence %s on two pages", id)
				}
				seen[id] = true
			}
			pages++
			cursor, _ := body["meta"].(map[string]any)["next_cursor"].(string)
			link := r.header.Get("Link")
			if (cursor == "") != (link == "") {
				t.Fatalf("next_cursor %q but Link %q", cursor, link)
			}
			next = ""
			if cursor != "" {
				if !strings.Contains(link, "cursor="+url.QueryEscape(cursor)) || !strings.Contains(link, `rel="next"`) {
					t.Errorf("Link %q does not carry cursor %q", link, cursor)
				}
				next = strings.TrimSuffix(strings.TrimPrefix(strings.Split(link, ";")[0], "<"), ">")
			}
		}
		if len(seen) != 7 || pages != 3 {
			t.Errorf("saw %d licences on %d pages, want 7 on 3", len(seen), pages)
		}
	})
}

// TestNoInputIs5xx throws malformed values at every filter of every list.
func TestNoInputIs5xx(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		values := []string{"", "%00", "%FF%FE", "'; DROP TABLE vendors; --", "9999999999999999999999", "-1", "2021-02-30", "../../etc/passwd", strings.Repeat("x", 300), "%E2%80%AE", "null", "[]", "1e9", "ZZ", "il"}
		params := []string{"country", "exporter_country", "vendor", "agency", "status", "active_on", "covers", "updated_since", "q", "limit", "cursor", "format", "bom"}
		for _, list := range []string{"vendors", "products", "agencies", "licenses", "terminations", "allegations", "communications", "sources", "states"} {
			for _, p := range params {
				for _, v := range values {
					u := fmt.Sprintf("/api/v1/%s?%s=%s", list, p, v)
					r := a.do(http.MethodGet, u, nil)
					if r.status >= 500 {
						t.Errorf("GET %s: %d %s", u, r.status, r.body)
					}
				}
			}
			for _, v := range []string{"0", "-1", "%2e%2e", "1.5", "99999999999999999999"} {
				if r := a.do(http.MethodGet, "/api/v1/"+list+"/"+v, nil); r.status != 404 && r.status != 301 {
					t.Errorf("GET /api/v1/%s/%s: %d, want 404", list, v, r.status)
				}
			}
		}
	})
}

// TestStatesPaging walks the state list by its code cursor: all 250, each once.
func TestStatesPaging(t *testing.T) {
	a := newAPI(t, storetest.Open(t, "sqlite"))
	seen := map[string]bool{}
	for url := "/api/v1/states?limit=100"; url != ""; {
		r := a.do(http.MethodGet, url, nil)
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", url, r.status, r.body)
		}
		body := r.json(t)
		for _, s := range body["data"].([]any) {
			code := s.(map[string]any)["code"].(string)
			if seen[code] {
				t.Errorf("%s listed twice", code)
			}
			seen[code] = true
		}
		url = ""
		if next, ok := body["meta"].(map[string]any)["next_cursor"].(string); ok {
			url = "/api/v1/states?limit=100&cursor=" + next
		}
	}
	if len(seen) != 250 {
		t.Errorf("%d states, want 250", len(seen))
	}
}
