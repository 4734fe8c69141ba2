package dataset_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/export-registry/registry/internal/dataset"
)

// TestXLSXCutCells: a text longer than a cell holds is cut, and the about sheet says
// how many were, pointing to the NDJSON; a workbook with none says nothing of it.
func TestXLSXCutCells(t *testing.T) {
	type row struct {
		Text string `json:"text"`
	}
	for _, tc := range []struct {
		text string
		cut  bool
	}{{strings.Repeat("é", excelize.TotalCellChars), false}, {strings.Repeat("é", excelize.TotalCellChars+1), true}} {
		enc, err := dataset.NewXLSXEncoder[row]("rows", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := enc.Write([]row{{Text: tc.text}}); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := enc.Close(&b, nil, dataset.About{Collection: "rows", DatasetVersion: "7", ExportedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := f.GetCellValue("rows", "A2")
		about, _ := f.GetRows(dataset.AboutSheet)
		said := false
		for _, r := range about {
			if r[0] == "cut cells" && strings.Contains(r[1], "holds: 1.") && strings.Contains(r[1], "NDJSON") {
				said = true
			}
		}
		if said != tc.cut || len([]rune(v)) != excelize.TotalCellChars {
			t.Errorf("a text of %d characters: cell of %d, about says it was cut: %v", len([]rune(tc.text)), len([]rune(v)), said)
		}
		f.Close()
	}
}
