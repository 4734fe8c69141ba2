package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// xlsxFormula is a text a spreadsheet would run (DDE), if the cell were a formula.
const xlsxFormula = `=cmd|' /C calc'!A0`

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// xlsxFixture publishes a cited source, a vendor named like a formula and two of its
// licences: 901 with a day date, a year date, a number and a known-empty product
// list; 902 with unknown products and a known-empty geography.
func xlsxFixture(t *testing.T, st *store.Store) {
	t.Helper()
	s := func(v string) *string { return &v }
	d := func(v string) *domain.Date { x := domain.Date(v); return &x }
	id := func(n int) *domain.ID { v := domain.ID(n); return &v }
	n := func(v int) *int { return &v }
	pub := func(n int) domain.Record {
		return domain.Record{ID: domain.ID(n), Status: domain.StatusPublished, Citations: []domain.Citation{{SourceID: 900, Confidence: "reported"}}}
	}
	b := store.Batch{
		Sources: []domain.Source{
			{Record: domain.Record{ID: 903, Status: domain.StatusPublished}, SourceFields: domain.SourceFields{Kind: "media", Title: "Quoted only"}},
			{Record: domain.Record{ID: 904, Status: domain.StatusPublished}, SourceFields: domain.SourceFields{Kind: "media", Title: "First said only"}},
			{Record: domain.Record{ID: 900, Status: domain.StatusPublished}, SourceFields: domain.SourceFields{Kind: "media",
				Title: "A workbook's source", Publisher: s("A publisher"), URL: s("https://example.org/doc"), PublishedOn: d("2019-05"), PublishedOnPrecision: s("month"), DocumentSymbol: s("A/XL/1")}}},
		// A communication whose statement is quoted from a source nothing else cites.
		Communications: []domain.Communication{{Record: pub(903), CommunicationFields: domain.CommunicationFields{Kind: "letter", Sender: "A sender",
			Statements: []domain.Statement{{Position: 1, Kind: "vendor_statement", Quote: "We comply.", SourceID: id(903), OriginalSourceID: id(904)}}}}},
		Vendors: []domain.Vendor{{Record: pub(900), VendorFields: domain.VendorFields{Slug: "xlsx-formula", Name: xlsxFormula, HeadquartersCountry: s("IT")}}},
		Licenses: []domain.License{
			{Record: pub(901), LicenseFields: domain.LicenseFields{Kind: "export_authorization", VendorID: id(900), ProductIDs: []domain.ID{}, LicenseStatus: "granted",
				MaxTargets: n(25), ValidFrom: d("2014-03-05"), ValidFromPrecision: s("day"), ValidUntil: d("2014"), ValidUntilPrecision: s("year"),
				Description: s(xlsxFormula), PurposeSpecificity: "unknown"}},
			{Record: pub(902), LicenseFields: domain.LicenseFields{Kind: "export_authorization", VendorID: id(900), Geography: []string{}, LicenseStatus: "unknown", PurposeSpecificity: "unknown"}},
		},
	}
	if _, err := st.Import(domain.SystemContext(context.Background()), b); err != nil {
		t.Fatalf("fixture: %v", err)
	}
}

// openBook opens a workbook body and reads every sheet whole.
func openBook(t *testing.T, what string, body []byte) (*excelize.File, map[string][][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: not a workbook: %v", what, err)
	}
	t.Cleanup(func() { f.Close() })
	sheets := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatalf("%s: sheet %s: %v", what, name, err)
		}
		sheets[name] = rows
	}
	return f, sheets
}

// rowOf returns the 1-based row number of the record with an id in a sheet's rows.
func rowOf(t *testing.T, rows [][]string, id string) int {
	t.Helper()
	for i, r := range rows {
		if i > 0 && len(r) > 0 && r[0] == id {
			return i + 1
		}
	}
	t.Fatalf("no row with id %s", id)
	return 0
}

// TestXLSX: the export and format=xlsx on a list are workbooks excelize reads: the
// CSV's header, typed cells and never a formula, dates at their precision, null
// apart from [], the sources cited and the dataset version.
func TestXLSX(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		xlsxFixture(t, st)
		a := newAPI(t, st)
		identity := map[string]string{"Accept-Encoding": "gzip"} // a workbook is never gzipped again
		csvRes := a.do(http.MethodGet, "/api/v1/export/licenses.csv", map[string]string{"Accept-Encoding": "identity"})
		wantHeader, err := csv.NewReader(bytes.NewReader(csvRes.body)).Read()
		if err != nil {
			t.Fatal(err)
		}

		exp := a.do(http.MethodGet, "/api/v1/export/licenses.xlsx", identity)
		version := exp.header.Get("X-Dataset-Version")
		if exp.status != 200 || exp.header.Get("Content-Type") != xlsxType || exp.header.Get("Content-Encoding") != "" ||
			exp.header.Get("Content-Disposition") != `attachment; filename="licenses.xlsx"` || exp.header.Get("ETag") != `"v`+version+`-licenses.xlsx"` ||
			exp.header.Get("Content-Length") != strconv.Itoa(len(exp.body)) {
			t.Fatalf("export: %d %v", exp.status, exp.header)
		}
		if again := a.do(http.MethodGet, "/api/v1/export/licenses.xlsx", map[string]string{"If-None-Match": exp.header.Get("ETag")}); again.status != http.StatusNotModified {
			t.Errorf("If-None-Match: %d, want 304", again.status)
		}

		list := a.do(http.MethodGet, "/api/v1/licenses?format=xlsx&vendor=xlsx-formula", identity)
		if list.status != 200 || list.header.Get("Content-Type") != xlsxType || list.header.Get("ETag") == "" ||
			list.header.Get("Content-Disposition") != `attachment; filename="licenses.xlsx"` {
			t.Fatalf("list: %d %v %s", list.status, list.header, truncate(list.body))
		}
		if again := a.do(http.MethodGet, "/api/v1/licenses?format=xlsx&vendor=xlsx-formula", map[string]string{"If-None-Match": list.header.Get("ETag")}); again.status != http.StatusNotModified {
			t.Errorf("list If-None-Match: %d, want 304", again.status)
		}

		for _, tc := range []struct {
			name string
			body []byte
		}{{"export", exp.body}, {"list", list.plain}} {
			f, sheets := openBook(t, tc.name, tc.body)
			if got := f.GetSheetList(); !slices.Equal(got, []string{"licenses", "sources", "about"}) {
				t.Fatalf("%s: sheets %v", tc.name, got)
			}
			rows := sheets["licenses"]
			if !slices.Equal(rows[0], wantHeader) {
				t.Errorf("%s: header\n%v\nwant the CSV's\n%v", tc.name, rows[0], wantHeader)
			}
			if tc.name == "list" {
				var ids []string
				for _, r := range rows[1:] {
					ids = append(ids, r[0])
				}
				if !slices.Equal(ids, []string{"901", "902"}) {
					t.Errorf("list: rows %v, want the vendor's licences 901 and 902 only", ids)
				}
			}
			col := func(name string) int { return index(rows[0], name) + 1 }
			cell := func(row int, name string) string {
				c, _ := excelize.CoordinatesToCellName(col(name), row)
				return c
			}
			r1, r2 := rowOf(t, rows, "901"), rowOf(t, rows, "902")

			// Text typed as text: the formula is shown, exactly, and never a formula.
			for _, name := range []string{"description", "vendor_name"} {
				c := cell(r1, name)
				typ, _ := f.GetCellType("licenses", c)
				formula, _ := f.GetCellFormula("licenses", c)
				value, _ := f.GetCellValue("licenses", c)
				if typ != excelize.CellTypeInlineString || formula != "" || value != xlsxFormula {
					t.Errorf("%s: %s is type %v, formula %q, value %q; want the text %q", tc.name, name, typ, formula, value, xlsxFormula)
				}
			}
			// Numbers as numbers.
			if typ, _ := f.GetCellType("licenses", cell(r1, "max_targets")); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Errorf("%s: max_targets is of type %v, want a number", tc.name, typ)
			}
			if v, _ := f.GetCellValue("licenses", cell(r1, "max_targets")); v != "25" {
				t.Errorf("%s: max_targets %q", tc.name, v)
			}
			// A day is a date cell, a year the text 2014.
			from := cell(r1, "valid_from")
			raw, _ := f.GetCellValue("licenses", from, excelize.Options{RawCellValue: true})
			shown, _ := f.GetCellValue("licenses", from)
			styleID, _ := f.GetCellStyle("licenses", from)
			style, err := f.GetStyle(styleID)
			if err != nil || raw != "41703" || shown != "2014-03-05" || style.CustomNumFmt == nil || *style.CustomNumFmt != "yyyy-mm-dd" {
				t.Errorf("%s: valid_from raw %q shown %q style %+v (%v); want the date serial 41703 shown as 2014-03-05", tc.name, raw, shown, style, err)
			}
			until := cell(r1, "valid_until")
			typ, _ := f.GetCellType("licenses", until)
			if v, _ := f.GetCellValue("licenses", until); typ != excelize.CellTypeInlineString || v != "2014" {
				t.Errorf("%s: valid_until type %v value %q, want the text 2014", tc.name, typ, v)
			}
			// null is the empty cell, [] a list known to be empty.
			for _, c := range []struct {
				row        int
				name, want string
			}{{r1, "product_ids", "[]"}, {r1, "product_names", "[]"}, {r1, "geography", ""}, {r2, "product_ids", ""}, {r2, "geography", "[]"}, {r2, "max_targets", ""}} {
				if v, _ := f.GetCellValue("licenses", cell(c.row, c.name)); v != c.want {
					t.Errorf("%s: row %d %s = %q, want %q", tc.name, c.row, c.name, v, c.want)
				}
			}

			src := sheets["sources"]
			if !slices.Equal(src[0], []string{"id", "title", "publisher", "url", "published_on", "document_symbol"}) {
				t.Errorf("%s: sources header %v", tc.name, src[0])
			}
			found := false
			for _, r := range src[1:] {
				if slices.Equal(r, []string{"900", "A workbook's source", "A publisher", "https://example.org/doc", "2019-05", "A/XL/1"}) {
					found = true
				}
			}
			if !found || (tc.name == "list" && len(src) != 2) {
				t.Errorf("%s: the cited source is not the sources sheet's: %v", tc.name, src)
			}

			about := map[string]string{}
			for _, r := range sheets["about"] {
				if len(r) == 2 {
					about[r[0]] = r[1]
				}
			}
			if about["dataset_version"] != version || about["how_to_cite"] == "" || about["exported_at"] == "" {
				t.Errorf("%s: about sheet %v, want dataset version %s", tc.name, about, version)
			}
		}

		// true and false are booleans.
		states := a.do(http.MethodGet, "/api/v1/export/states.xlsx", nil)
		sf, ss := openBook(t, "states", states.body)
		official, _ := excelize.CoordinatesToCellName(index(ss["states"][0], "official")+1, 2)
		if typ, _ := sf.GetCellType("states", official); typ != excelize.CellTypeBool {
			t.Errorf("states: official is of type %v, want a boolean", typ)
		}

		// A communication's statements name their sources: the sources sheet lists them.
		comms := a.do(http.MethodGet, "/api/v1/export/communications.ndjson", map[string]string{"Accept-Encoding": "identity"})
		var quoted []string
		for line := range bytes.Lines(comms.body) {
			var c domain.Communication
			if err := json.Unmarshal(line, &c); err != nil {
				t.Fatal(err)
			}
			for _, st := range c.Statements {
				for _, id := range []*domain.ID{st.SourceID, st.OriginalSourceID} {
					if id != nil {
						quoted = append(quoted, id.String())
					}
				}
			}
		}
		_, cs := openBook(t, "communications", a.do(http.MethodGet, "/api/v1/export/communications.xlsx", nil).body)
		var listed []string
		for _, r := range cs["sources"][1:] {
			listed = append(listed, r[0])
		}
		if !slices.Contains(quoted, "903") || !slices.Contains(quoted, "904") {
			t.Fatalf("the fixture's statement is not exported: %v", quoted)
		}
		for _, id := range quoted {
			if !slices.Contains(listed, id) {
				t.Errorf("communications: statement source %s is not in the sources sheet %v", id, listed)
			}
		}

		// HEAD: the headers a GET gets, no body.
		for _, path := range []string{"/api/v1/export/licenses.xlsx", "/api/v1/licenses?format=xlsx&vendor=xlsx-formula"} {
			h := a.sendRaw(http.MethodHead, path, map[string]string{"Accept-Encoding": "identity"}, nil)
			if h.status != 200 || h.header.Get("Content-Type") != xlsxType || len(h.body) != 0 || h.header.Get("ETag") == "" || h.header.Get("Content-Length") == "" {
				t.Errorf("HEAD %s: %d %v, %d bytes", path, h.status, h.header, len(h.body))
			}
		}

		// Refused as elsewhere: unknown parameters, xlsx where a route cannot give it.
		for _, tc := range []struct {
			path   string
			status int
		}{
			{"/api/v1/export/licenses.xlsx?sheet=1", http.StatusBadRequest},
			{"/api/v1/licenses?format=xlsx&sheet=1", http.StatusBadRequest},
			{"/api/v1/licenses/901?format=xlsx", http.StatusNotAcceptable},
			{"/api/v1/vendors/xlsx-formula/history?format=xlsx", http.StatusNotAcceptable},
			{"/api/v1/licenses?format=xls", http.StatusNotAcceptable},
			{"/api/v1/export/licenses.xls", http.StatusNotFound},
		} {
			if r := a.do(http.MethodGet, tc.path, nil); r.status != tc.status {
				t.Errorf("%s: %d, want %d\n%s", tc.path, r.status, tc.status, truncate(r.body))
			}
		}
	})
}

// pandasRead is the script TestXLSXInPandas runs: every sheet of the workbook read
// by pandas (openpyxl), as JSON: each sheet's columns, rows and values as text.
const pandasRead = `
import json, sys
import pandas as pd
sheets = pd.read_excel(sys.argv[1], sheet_name=None, dtype=object)
out = {}
for name, df in sheets.items():
    out[name] = {"columns": [str(c) for c in df.columns],
                 "rows": [[None if pd.isna(v) else str(v) for v in row] for row in df.itertuples(index=False)]}
print(json.dumps(out))
`

// TestXLSXInPandas: pandas, as a data journalist opens it, reads the export's three
// sheets: the CSV's header, every licence, the formula as text, a day as a date and
// a year as the text 2014. It needs Debian's python3-pandas and python3-openpyxl
// (.ci/run installs them); without them it is skipped, saying so, unless
// REGISTRY_TEST_REQUIRE_PANDAS is set (CI), where it fails.
func TestXLSXInPandas(t *testing.T) {
	python := "/usr/bin/python3"
	if out, err := exec.Command(python, "-c", "import pandas, openpyxl").CombinedOutput(); err != nil {
		if os.Getenv("REGISTRY_TEST_REQUIRE_PANDAS") != "" {
			t.Fatalf("pandas is required here (REGISTRY_TEST_REQUIRE_PANDAS) but %s cannot import it: %v %s", python, err, out)
		}
		t.Skipf("skipped: %s cannot import pandas and openpyxl (apt-get install python3-pandas python3-openpyxl): %s", python, out)
	}
	st := storetest.Open(t, "sqlite")
	xlsxFixture(t, st)
	a := newAPI(t, st)
	exp := a.do(http.MethodGet, "/api/v1/export/licenses.xlsx", map[string]string{"Accept-Encoding": "identity"})
	csvRes := a.do(http.MethodGet, "/api/v1/export/licenses.csv", map[string]string{"Accept-Encoding": "identity"})
	if exp.status != 200 || csvRes.status != 200 {
		t.Fatalf("exports: %d, %d", exp.status, csvRes.status)
	}
	records, err := csv.NewReader(bytes.NewReader(csvRes.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "licenses.xlsx")
	if err := os.WriteFile(path, exp.body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "-c", pandasRead, path).Output()
	if err != nil {
		t.Fatalf("pandas could not read the workbook: %v", err)
	}
	var sheets map[string]struct {
		Columns []string    `json:"columns"`
		Rows    [][]*string `json:"rows"`
	}
	if err := json.Unmarshal(out, &sheets); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	lic, ok := sheets["licenses"]
	if !ok || len(sheets["sources"].Rows) == 0 || len(sheets["about"].Rows) == 0 {
		t.Fatalf("sheets %v, want licenses, sources and about, none empty", slices.Collect(maps.Keys(sheets)))
	}
	if !slices.Equal(lic.Columns, records[0]) {
		t.Errorf("pandas' columns\n%v\nwant the CSV's\n%v", lic.Columns, records[0])
	}
	if len(lic.Rows) != len(records)-1 {
		t.Errorf("pandas read %d licences, the CSV has %d", len(lic.Rows), len(records)-1)
	}
	cell := func(id, column string) string {
		col := index(lic.Columns, column)
		for _, r := range lic.Rows {
			if r[0] != nil && *r[0] == id && r[col] != nil {
				return *r[col]
			}
		}
		return "<none>"
	}
	for _, c := range []struct{ column, want string }{
		{"description", xlsxFormula},          // text, never run
		{"valid_from", "2014-03-05 00:00:00"}, // a date cell: pandas gives a datetime
		{"valid_until", "2014"},               // a year stays the text it is
		{"max_targets", "25"},
	} {
		if got := cell("901", c.column); got != c.want {
			t.Errorf("licence 901 %s: pandas read %q, want %q", c.column, got, c.want)
		}
	}
}
