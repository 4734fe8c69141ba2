package dataset_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestCSVFormulaSafe: a text cell starting with =, +, -, @, tab or carriage return
// gets a leading '; numbers (negative ones too), ids, booleans and other text do not.
func TestCSVFormulaSafe(t *testing.T) {
	type row struct {
		Eq     string     `json:"eq"`
		Plus   string     `json:"plus"`
		Minus  *string    `json:"minus"`
		At     string     `json:"at"`
		Tab    string     `json:"tab"`
		CR     string     `json:"cr"`
		Plain  string     `json:"plain"`
		Quote  string     `json:"quote"`
		List   []string   `json:"list"`
		Neg    int        `json:"neg"`
		NegPtr *int       `json:"neg_ptr"`
		Ints   []int      `json:"ints"`
		Float  float64    `json:"float"`
		ID     domain.ID  `json:"id"`
		Bool   bool       `json:"bool"`
		Empty  string     `json:"empty"`
		Nested []struct{} `json:"nested"`
	}
	minus, neg := "-2+3", -7
	var b bytes.Buffer
	err := dataset.WriteCSV(&b, []row{{
		Eq: `=HYPERLINK("http://x")`, Plus: "+1", Minus: &minus, At: "@SUM(1)", Tab: "\tx", CR: "\rx",
		Plain: "a=b", Quote: "'=already", List: []string{"-a", "b"}, Neg: -3, NegPtr: &neg, Ints: []int{-1, 2},
		Float: -1.5, ID: 12, Bool: true, Nested: []struct{}{{}},
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`'=HYPERLINK("http://x")`, "'+1", "'-2+3", "'@SUM(1)", "'\tx", "'\rx",
		"a=b", "'=already", "'-a;b", "-3", "-7", "-1;2", "-1.5", "12", "true", "", "[{}]"}
	if !reflect.DeepEqual(rows[1], want) {
		t.Errorf("cells\n%q\nwant\n%q", rows[1], want)
	}
}

// TestSnapshotFormulaSafe: the CSV of `registry export` is formula-safe, its NDJSON
// exact, and importing the snapshot (which reads the NDJSON) gives the same texts
// back and the same files on export.
func TestSnapshotFormulaSafe(t *testing.T) {
	const name = `=HYPERLINK("http://x")`
	ctx := domain.SystemContext(context.Background())
	first := storetest.Open(t, "sqlite")
	b := store.Batch{
		Sources: []domain.Source{{Record: domain.Record{ID: 1, Status: domain.StatusPublished}, SourceFields: domain.SourceFields{Kind: "media", Title: "@a source"}}},
		Vendors: []domain.Vendor{{Record: domain.Record{ID: 1, Status: domain.StatusPublished, Citations: []domain.Citation{{SourceID: 1, Confidence: "reported"}}},
			VendorFields: domain.VendorFields{Slug: "formula", Name: name}}},
	}
	if _, err := first.Import(ctx, b); err != nil {
		t.Fatal(err)
	}
	dirA := filepath.Join(t.TempDir(), "a")
	ma, err := dataset.Export(ctx, first, dirA, nil)
	if err != nil {
		t.Fatal(err)
	}
	csvBody, _ := os.ReadFile(filepath.Join(dirA, "vendors.csv"))
	rows, err := csv.NewReader(bytes.NewReader(csvBody)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][max(0, slices.Index(rows[0], "name"))] != "'"+name {
		t.Errorf("vendors.csv: %v %q", err, rows)
	}
	nd, _ := os.ReadFile(filepath.Join(dirA, "vendors.ndjson"))
	if !strings.Contains(string(nd), `"name":"=HYPERLINK(\"http://x\")"`) {
		t.Errorf("vendors.ndjson does not hold the name exactly: %s", nd)
	}

	second := storetest.Open(t, "sqlite")
	if _, err := dataset.LoadPath(ctx, second, dirA, store.ImportOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	v, err := second.GetVendor(ctx, "formula", false)
	if err != nil || v.Name != name {
		t.Fatalf("imported vendor %q (%v), want %q", v.Name, err, name)
	}
	mb, err := dataset.Export(ctx, second, filepath.Join(t.TempDir(), "b"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range ma.Files {
		if mb.Files[i].SHA256 != f.SHA256 {
			t.Errorf("%s differs after the round trip", f.Name)
		}
	}
}

// TestImportChecksTexts: an import refuses what the API refuses, naming the file,
// line and field.
func TestImportChecksTexts(t *testing.T) {
	dir := t.TempDir()
	line := `{"id":"1","status":"draft","kind":"media","title":"A report","url":"javascript:alert(1)"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "sources.ndjson"), []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := domain.SystemContext(context.Background())
	_, err := dataset.LoadPath(ctx, storetest.Open(t, "sqlite"), dir, store.ImportOptions{}, nil)
	if err == nil || !strings.Contains(err.Error(), "sources.ndjson") || !strings.Contains(err.Error(), "url") {
		t.Errorf("import of a javascript: URL: %v", err)
	}
}
