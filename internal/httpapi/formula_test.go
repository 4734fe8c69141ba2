package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// Names a spreadsheet would run as formulas.
const (
	formulaVendor  = `=HYPERLINK("http://x")`
	formulaProduct = `@SUM(1)`
	formulaAgency  = `-2+3`
)

// formulaFixture publishes a vendor, product, agency and licence whose texts start
// like formulas, and a licence number beside them.
func formulaFixture(t *testing.T, st *store.Store) {
	t.Helper()
	s := func(v string) *string { return &v }
	id := func(n int) *domain.ID { v := domain.ID(n); return &v }
	n := func(v int) *int { return &v }
	pub := func(n int) domain.Record {
		return domain.Record{ID: domain.ID(n), Status: domain.StatusPublished, Citations: []domain.Citation{{SourceID: 100, Confidence: "reported"}}}
	}
	b := store.Batch{
		Sources:  []domain.Source{{Record: domain.Record{ID: 100, Status: domain.StatusPublished}, SourceFields: domain.SourceFields{Kind: "media", Title: "+a source title"}}},
		Vendors:  []domain.Vendor{{Record: pub(100), VendorFields: domain.VendorFields{Slug: "formula", Name: formulaVendor, HeadquartersCountry: s("IT")}}},
		Products: []domain.Product{{Record: pub(100), ProductFields: domain.ProductFields{VendorID: 100, Name: formulaProduct}}},
		Agencies: []domain.Agency{{Record: pub(100), AgencyFields: domain.AgencyFields{StateCode: "MX", Name: formulaAgency, Kind: "police", Aliases: []string{"@alias", "plain"}}}},
		Licenses: []domain.License{{Record: pub(100), LicenseFields: domain.LicenseFields{Kind: "export_authorization", VendorID: id(100), ProductIDs: []domain.ID{100},
			EndUserAgencyID: id(100), LicenseStatus: "granted", MaxTargets: n(25), VolumeNote: s("\tup to 25"), Description: s("\rcarriage return")}}},
	}
	if _, err := st.Import(domain.SystemContext(context.Background()), b); err != nil {
		t.Fatalf("fixture: %v", err)
	}
}

// csvCells returns the cell of a column in every row of a CSV body.
func csvCells(t *testing.T, what string, body []byte, col string) []string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%s: not CSV with rows: %v\n%s", what, err, truncate(body))
	}
	i := index(rows[0], col)
	if i < 0 {
		t.Fatalf("%s: no column %s in %v", what, col, rows[0])
	}
	return column(rows, i)
}

// TestCSVIsFormulaSafe: every CSV the API writes (lists by format=csv and by Accept,
// exports, with or without gzip) shows a text cell that starts like a formula with a
// leading ', and numbers as they are; JSON and NDJSON carry the text exactly.
func TestCSVIsFormulaSafe(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		formulaFixture(t, st)
		a := newAPI(t, st)
		csvHeader := map[string]string{"Accept": "text/csv"}
		gzipHeader := map[string]string{"Accept-Encoding": "gzip"}
		for _, tc := range []struct {
			url    string
			header map[string]string
			column string
			want   string
		}{
			{"/api/v1/vendors?format=csv", nil, "name", "'" + formulaVendor},
			{"/api/v1/vendors", csvHeader, "name", "'" + formulaVendor},
			{"/api/v1/export/vendors.csv", nil, "name", "'" + formulaVendor},
			{"/api/v1/export/vendors.csv", gzipHeader, "name", "'" + formulaVendor},
			{"/api/v1/products?format=csv", nil, "name", "'" + formulaProduct},
			{"/api/v1/products?format=csv", nil, "vendor_name", "'" + formulaVendor},
			{"/api/v1/export/products.csv", nil, "vendor_name", "'" + formulaVendor},
			{"/api/v1/agencies", csvHeader, "name", "'" + formulaAgency},
			{"/api/v1/agencies", csvHeader, "aliases", "'@alias;plain"},
			{"/api/v1/export/agencies.csv", nil, "name", "'" + formulaAgency},
			{"/api/v1/sources?format=csv", nil, "title", "'+a source title"},
			{"/api/v1/licenses?format=csv", nil, "vendor_name", "'" + formulaVendor},
			{"/api/v1/licenses?format=csv", nil, "product_names", "'" + formulaProduct},
			{"/api/v1/licenses?format=csv", nil, "end_user_agency_name", "'" + formulaAgency},
			{"/api/v1/export/licenses.csv", nil, "volume_note", "'\tup to 25"},
			{"/api/v1/export/licenses.csv", nil, "description", "'\rcarriage return"},
			// Numbers and ids are not text: never escaped.
			{"/api/v1/export/licenses.csv", nil, "max_targets", "25"},
			{"/api/v1/export/licenses.csv", nil, "vendor_id", "100"},
			{"/api/v1/export/licenses.csv", nil, "license_status", "granted"},
		} {
			r := a.do(http.MethodGet, tc.url, tc.header)
			if r.status != 200 {
				t.Fatalf("GET %s: %d", tc.url, r.status)
			}
			if got := csvCells(t, tc.url, r.plain, tc.column); len(got) != 1 || got[0] != tc.want {
				t.Errorf("GET %s: %s = %q, want %q", tc.url, tc.column, got, tc.want)
			}
		}

		// JSON and NDJSON are exact.
		list := a.do(http.MethodGet, "/api/v1/vendors", nil)
		var body struct{ Data []domain.Vendor }
		if err := json.Unmarshal(list.plain, &body); err != nil || len(body.Data) != 1 || body.Data[0].Name != formulaVendor {
			t.Errorf("JSON list: %v %+v", err, body.Data)
		}
		for _, exp := range []struct{ url, want string }{
			{"/api/v1/export/vendors.ndjson", formulaVendor},
			{"/api/v1/export/products.ndjson", formulaProduct},
			{"/api/v1/export/agencies.ndjson", formulaAgency},
		} {
			r := a.do(http.MethodGet, exp.url, nil)
			sc := bufio.NewScanner(bytes.NewReader(r.plain))
			var names []string
			for sc.Scan() {
				var rec struct{ Name string }
				if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
					t.Fatalf("%s: %v", exp.url, err)
				}
				names = append(names, rec.Name)
			}
			if len(names) != 1 || names[0] != exp.want {
				t.Errorf("%s: names %q, want exactly %q", exp.url, names, exp.want)
			}
		}
	})
}
