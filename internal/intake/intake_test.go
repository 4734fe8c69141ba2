package intake

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/export-registry/registry/internal/domain"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fields renders a row's fields as one JSON object, keys sorted.
func fields(t *testing.T, r Row) string {
	t.Helper()
	b, err := json.Marshal(r.Fields)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGalaxy: a MISP galaxy cluster gives the galaxy and each ref as a source (once
// each), a vendor per value with aliases, website, country, external id and cited
// refs, and a product per listed product under its vendor.
func TestGalaxy(t *testing.T) {
	b := read(t, "galaxy.json")
	f, err := Read(b, Options{Format: DetectFormat("galaxy.json", "", b)})
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != FormatMISP {
		t.Errorf("format %q", f.Format)
	}
	var keys []string
	for _, s := range f.Sources {
		keys = append(keys, s.Key)
	}
	want := []string{"https://github.com/MISP/misp-galaxy/blob/main/clusters/surveillance-vendor.json",
		"https://reports.example/example-intercept", "https://news.example/2020/intercept"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("sources %q, want %q", keys, want)
	}
	if title := string(f.Sources[0].Fields["title"]); title != `"MISP galaxy: Surveillance Vendor, version 3"` {
		t.Errorf("the galaxy's source is titled %s", title)
	}
	if len(f.Rows) != 4 {
		t.Fatalf("%d rows, want 2 vendors and 2 products: %+v", len(f.Rows), f.Rows)
	}
	v := f.Rows[0]
	if got := fields(t, v); got != `{"aliases":[{"name":"Example Intercept GmbH","valid_from":null,"valid_until":null},{"name":"EI Systems","valid_from":null,"valid_until":null}],"description":"Synthetic vendor one.","headquarters_country":"DE","name":"Example Intercept","website":"https://example-intercept.example/"}` {
		t.Errorf("vendor fields %s", got)
	}
	if v.ExternalID != "misp-galaxy:00000000-0000-4000-8000-000000000001" || v.Row != 1 || v.Collection != "vendors" {
		t.Errorf("vendor %+v", v)
	}
	if !reflect.DeepEqual(v.Cites, want) {
		t.Errorf("the vendor cites %q, want %q", v.Cites, want)
	}
	for i, name := range []string{"Example Listener", "Example Relay"} {
		p := f.Rows[1+i]
		if p.Collection != "products" || p.Vendor != 0 || p.Name != name || p.Row != 1 {
			t.Errorf("product %d: %+v", i, p)
		}
	}
	if w := f.Rows[3]; w.Name != "Fictional Wiretap" || w.Row != 2 || len(w.Cites) != 2 {
		t.Errorf("second vendor %+v", w)
	}
	likely := []string{`estimative-language:likelihood-probability="likely"`}
	wantRel := []Related{
		{From: 0, Type: "similar", Dest: "misp-galaxy:00000000-0000-4000-8000-000000000002", Tags: likely},
		{From: 3, Type: "is-acquired-by", Dest: "misp-galaxy:00000000-0000-4000-8000-000000000001", Tags: likely},
	}
	if !reflect.DeepEqual(f.Relations, wantRel) {
		t.Errorf("relations %+v, want %+v (a type trimmed, the same one said twice kept once)", f.Relations, wantRel)
	}
}

// TestGalaxyRelated: a value's related[] become relations of its vendor row, type
// trimmed and destination as an external id (lowercased); one said twice (the
// real cluster writes "is-allied-with" and "is-allied-with ") is kept once, one
// without a type or destination is left out; is-acquired-by and acquires are
// ownership, in opposite directions, and nothing else is.
func TestGalaxyRelated(t *testing.T) {
	b := []byte(`{"values":[
		{"value":"Acme Intercept","uuid":"00000000-0000-4000-8000-00000000000A","meta":{"products":["Acme Ear"]},"related":[
			{"dest-uuid":"00000000-0000-4000-8000-00000000000B","type":"is-allied-with"},
			{"dest-uuid":"00000000-0000-4000-8000-00000000000B","type":"is-allied-with "},
			{"dest-uuid":"00000000-0000-4000-8000-00000000000B","type":" "},
			{"dest-uuid":"","type":"part-of"}]},
		{"value":"Quarry Holdings","uuid":"00000000-0000-4000-8000-00000000000b","related":[
			{"dest-uuid":" 00000000-0000-4000-8000-00000000000a","type":"acquires"}]}]}`)
	f, err := Read(b, Options{Format: FormatMISP})
	if err != nil {
		t.Fatal(err)
	}
	want := []Related{
		{From: 0, Type: "is-allied-with", Dest: "misp-galaxy:00000000-0000-4000-8000-00000000000b"},
		{From: 2, Type: "acquires", Dest: "misp-galaxy:00000000-0000-4000-8000-00000000000a"},
	}
	if !reflect.DeepEqual(f.Relations, want) {
		t.Errorf("relations %+v, want %+v", f.Relations, want)
	}
	for _, c := range []struct {
		typ                string
		destOwned, isOwned bool
	}{
		{"is-acquired-by", false, true}, {"acquires", true, true},
		{"part-of", false, false}, {"is-allied-with", false, false}, {"known-as", false, false}, {"related-to", false, false},
	} {
		if destOwned, ok := Ownership(c.typ); destOwned != c.destOwned || ok != c.isOwned {
			t.Errorf("Ownership(%q) = %v, %v; want %v, %v", c.typ, destOwned, ok, c.destOwned, c.isOwned)
		}
	}
}

// TestGalaxyRefused: JSON that is not a galaxy cluster is refused as a whole.
func TestGalaxyRefused(t *testing.T) {
	for _, body := range []string{`{"name":"x"}`, `[1,2]`, `{"values":`} {
		if _, err := Read([]byte(body), Options{Format: FormatMISP}); err == nil {
			t.Errorf("%s: read", body)
		}
	}
}

// TestSheet: a CSV's headers name fields, cells become the field's JSON (lists split
// on ";", aliases as names, the empty cell left out), and rows count from the header.
func TestSheet(t *testing.T) {
	f, err := Read(read(t, "vendors.csv"), Options{Format: FormatCSV, Collection: "vendors"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 2 {
		t.Fatalf("%d rows", len(f.Rows))
	}
	if got := fields(t, f.Rows[0]); got != `{"aliases":[{"name":"EI Systems"},{"name":"Example Intercept GmbH"}],"headquarters_country":"DE","name":"Example Intercept","ungp_commitment":"yes"}` {
		t.Errorf("row 2: %s", got)
	}
	if got := fields(t, f.Rows[1]); got != `{"name":"Fictional Wiretap","ungp_commitment":"unknown"}` {
		t.Errorf("row 3: %s", got)
	}
	if f.Rows[0].Row != 2 || f.Rows[1].Row != 3 || f.Rows[0].Name != "Example Intercept" {
		t.Errorf("rows %+v", f.Rows)
	}
}

// TestSheetMapping: a mapping names other headers' fields; an unmapped header that
// names no field is refused naming the column, and so is a mapping to no field.
func TestSheetMapping(t *testing.T) {
	b := read(t, "vendors_mapped.csv")
	_, err := Read(b, Options{Format: FormatCSV, Collection: "vendors", Mapping: map[string]string{"Company": "name", "Country": "headquarters_country"}})
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Column != "Notes" || ps[0].Row != 1 {
		t.Fatalf("an unknown column: %v", err)
	}
	f, err := Read(b, Options{Format: FormatCSV, Collection: "vendors", Mapping: map[string]string{"Company": "name", "Country": "headquarters_country", "Notes": "description"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fields(t, f.Rows[0]); got != `{"description":"ignored","headquarters_country":"DE","name":"Example Intercept"}` {
		t.Errorf("mapped row: %s", got)
	}
	if f.Rows[0].Columns["headquarters_country"] != "Country" {
		t.Errorf("columns %v", f.Rows[0].Columns)
	}
	_, err = Read(b, Options{Format: FormatCSV, Collection: "vendors", Mapping: map[string]string{"Company": "nom"}})
	var p Problem
	if !errors.As(err, &p) || p.Column != "Company" || !strings.Contains(p.Reason, "nom") {
		t.Errorf("a mapping to no field: %v", err)
	}
	if _, err := Read(b, Options{Format: FormatCSV}); err == nil {
		t.Error("a sheet without its collection was read")
	}
	if _, err := Read(b, Options{Format: FormatCSV, Collection: "gadgets"}); err == nil {
		t.Error("a sheet of no collection was read")
	}
}

// TestXLSX: a workbook's first sheet reads as a CSV does.
func TestXLSX(t *testing.T) {
	x := excelize.NewFile()
	for i, row := range [][]any{{"name", "headquarters_country"}, {"Example Intercept", "DE"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if got := DetectFormat("upload", "", buf.Bytes()); got != FormatXLSX {
		t.Errorf("detected %q", got)
	}
	f, err := Read(buf.Bytes(), Options{Format: FormatXLSX, Collection: "vendors"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 1 || fields(t, f.Rows[0]) != `{"headquarters_country":"DE","name":"Example Intercept"}` || f.Rows[0].Row != 2 {
		t.Errorf("rows %+v", f.Rows)
	}
	if _, err := Read([]byte("PK\x03\x04junk"), Options{Format: FormatXLSX, Collection: "vendors"}); err == nil {
		t.Error("a broken workbook was read")
	}
}

// TestCell: cells read as the CSV export writes them.
func TestCell(t *testing.T) {
	for _, tc := range []struct {
		typ  reflect.Type
		cell string
		want string
	}{
		{reflect.TypeFor[string](), "'=SUM(A1)", `"=SUM(A1)"`},
		{reflect.TypeFor[string](), "'plain", `"'plain"`},
		{reflect.TypeFor[*string](), "", `null`},
		{reflect.TypeFor[[]string](), "[]", `[]`},
		{reflect.TypeFor[[]string](), "DE; FR", `["DE","FR"]`},
		{reflect.TypeFor[[]domain.Alias](), `[{"name":"A"}]`, `[{"name":"A"}]`},
		{reflect.TypeFor[domain.ID](), "12", `12`},
		{reflect.TypeFor[domain.ID](), "acme", `"acme"`},
		{reflect.TypeFor[*int](), "x", `"x"`},
	} {
		if got := string(Cell(tc.typ, tc.cell)); got != tc.want {
			t.Errorf("%v %q: %s, want %s", tc.typ, tc.cell, got, tc.want)
		}
	}
}

// TestParseMapping: header=field pairs, the last "=" splitting; malformed or twice
// mapped headers refused.
func TestParseMapping(t *testing.T) {
	m, err := ParseMapping([]string{"Company=name", " a=b = description "})
	if err != nil || !reflect.DeepEqual(m, map[string]string{"Company": "name", "a=b": "description"}) {
		t.Errorf("%v %v", m, err)
	}
	for _, bad := range [][]string{{"nonsense"}, {"=name"}, {"Company="}, {"A=name", "A=slug"}} {
		if _, err := ParseMapping(bad); err == nil {
			t.Errorf("%q was taken", bad)
		}
	}
}
