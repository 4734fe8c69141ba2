package dataset_test

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"testing"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
)

// TestCSVUnknownIsNotNone: in CSV a null list (unknown) is the empty cell and an
// empty one (known: none) is [], for lists of scalars, of objects and of references
// (and their name columns); a list whose items would read as either is written as
// JSON, and the formula rule still holds.
func TestCSVUnknownIsNotNone(t *testing.T) {
	type obj struct {
		A string `json:"a"`
	}
	type row struct {
		Codes    []string    `json:"codes"`
		Objects  []obj       `json:"objects"`
		Products []domain.ID `json:"product_ids" ref:"product"`
		Purpose  *string     `json:"purpose"`
	}
	names := dataset.Names{"product": {7: {Name: "Pegasus"}}}
	rows := []row{
		{},
		{Codes: []string{}, Objects: []obj{}, Products: []domain.ID{}},
		{Codes: []string{""}, Objects: []obj{{A: "x"}}, Products: []domain.ID{7}},
		{Codes: []string{"[]"}},
		{Codes: []string{"-a", "b"}},
	}
	var b bytes.Buffer
	if err := dataset.WriteCSV(&b, rows, names); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"codes", "objects", "product_ids", "product_names", "purpose"},
		{"", "", "", "", ""},
		{"[]", "[]", "[]", "[]", ""},
		{`[""]`, `[{"a":"x"}]`, "7", "Pegasus", ""},
		{`["[]"]`, "", "", "", ""},
		{"'-a;b", "", "", "", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CSV\n%q\nwant\n%q", got, want)
	}
}
