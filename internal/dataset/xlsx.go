package dataset

import (
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/export-registry/registry/internal/domain"
)

// XLSXContentType is the media type of an XLSX workbook.
const XLSXContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// The sheets of a workbook besides the records' own (named after the collection).
const (
	SourcesSheet = "sources"
	AboutSheet   = "about"
)

// SourcesHeader is the header of the sources sheet.
var SourcesHeader = []string{"id", "title", "publisher", "url", "published_on", "document_symbol"}

// maxCellChars is the most UTF-16 units an Excel cell holds.
const maxCellChars = excelize.TotalCellChars

// XLSXEncoder writes records of one type as a workbook: a sheet of the records with
// the CSV's columns, then (Close) a sheet of the sources they cite and a sheet saying
// what the workbook is. The records' sheet is streamed to a temporary file as it is
// written, so memory stays bounded whatever the number of rows.
//
// Cells are typed, never formulas: text is a string cell (a name starting with = is
// shown as text, not run, so no ' is added as in CSV: the text is exact); numbers
// are number cells; a Date known to the day is a date cell shown as yyyy-mm-dd, and
// one known only to the month or year is the text "2014-03" or "2014", so that no
// spreadsheet shows a day nobody knows (the *_precision column beside says it too);
// true and false are boolean cells; instants (created_at…) are RFC 3339 text in UTC,
// exact to the fraction of a second. Null (unknown) is the empty cell and a known
// empty list is [], as in CSV; lists are joined with ";" and lists of objects are
// JSON, as in CSV.
type XLSXEncoder[T any] struct {
	f         *excelize.File
	sw        *excelize.StreamWriter
	sheet     string
	cols      []csvColumn
	kinds     []cellKind
	names     Names
	row       int
	dateStyle int
	cited     map[domain.ID]bool
	cut       int
	values    []any
	closed    bool
}

type cellKind int

const (
	kindText cellKind = iota
	kindNumber
	kindDate
	kindBool
)

var dateType = reflect.TypeFor[domain.Date]()

// cellKindOf decides how a field of type t is written.
func cellKindOf(t reflect.Type) cellKind {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == dateType:
		return kindDate
	case t.Kind() == reflect.Bool:
		return kindBool
	case t.Kind() != reflect.Slice && numeric(t):
		return kindNumber
	}
	return kindText
}

// NewXLSXEncoder starts a workbook whose first sheet, named sheet, has T's columns
// (the CSV's header); names fills the name columns of references.
func NewXLSXEncoder[T any](sheet string, names Names) (*XLSXEncoder[T], error) {
	t := reflect.TypeFor[T]()
	cols := csvColumns(t)
	f := excelize.NewFile()
	enc := &XLSXEncoder[T]{f: f, sheet: sheet, cols: cols, names: names, cited: map[domain.ID]bool{}, values: make([]any, len(cols))}
	ok := false
	defer func() {
		if !ok {
			f.Close()
		}
	}()
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return nil, err
	}
	numFmt := "yyyy-mm-dd"
	style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &numFmt})
	if err != nil {
		return nil, err
	}
	enc.dateStyle = style
	enc.kinds = make([]cellKind, len(cols))
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = c.name
		if c.ref == "" {
			enc.kinds[i] = cellKindOf(t.FieldByIndex(c.index).Type)
		}
	}
	if enc.sw, err = f.NewStreamWriter(sheet); err != nil {
		return nil, err
	}
	if err := enc.sw.SetRow("A1", header); err != nil {
		return nil, err
	}
	enc.row = 1
	ok = true
	return enc, nil
}

// Write adds rows to the records' sheet.
func (enc *XLSXEncoder[T]) Write(rows []T) error {
	for _, r := range rows {
		if enc.row >= excelize.TotalRows {
			return fmt.Errorf("more than %d rows: too many for a spreadsheet; use the CSV or NDJSON export", excelize.TotalRows-1)
		}
		v := reflect.ValueOf(r)
		if b, ok := any(r).(interface{ Base() domain.Record }); ok {
			for _, c := range b.Base().Citations {
				enc.cited[c.SourceID] = true
			}
		}
		if c, ok := any(r).(domain.Communication); ok {
			// A communication's statements each name the source they are quoted from.
			for _, st := range c.Statements {
				for _, id := range []*domain.ID{st.SourceID, st.OriginalSourceID} {
					if id != nil {
						enc.cited[*id] = true
					}
				}
			}
		}
		for i, c := range enc.cols {
			fv := v.FieldByIndex(c.index)
			if c.ref != "" {
				enc.values[i] = enc.text(csvNameCell(enc.names, c.ref, fv))
				continue
			}
			cell, err := enc.cell(enc.kinds[i], fv)
			if err != nil {
				return err
			}
			enc.values[i] = cell
		}
		enc.row++
		if err := enc.sw.SetRow("A"+strconv.Itoa(enc.row), enc.values); err != nil {
			return err
		}
	}
	return nil
}

// cell is the value of one field as excelize writes it: nil for the empty cell.
func (enc *XLSXEncoder[T]) cell(kind cellKind, v reflect.Value) (any, error) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	switch kind {
	case kindNumber:
		if v.CanInt() {
			return v.Int(), nil
		}
		if v.CanUint() {
			return v.Uint(), nil
		}
		if v.CanFloat() {
			return v.Float(), nil
		}
	case kindBool:
		return v.Bool(), nil
	case kindDate:
		d := domain.Date(v.String())
		if t, p, err := d.Parse(); err == nil && p == domain.PrecisionDay {
			return excelize.Cell{StyleID: enc.dateStyle, Value: t}, nil
		}
		return enc.text(string(d)), nil
	}
	s, err := csvCell(v)
	if err != nil {
		return nil, err
	}
	return enc.text(s), nil
}

// text is a string cell; "" is the empty cell. A text longer than a cell holds is
// cut (and counted, for the about sheet).
func (enc *XLSXEncoder[T]) text(s string) any {
	if s == "" {
		return nil
	}
	if len(s) > maxCellChars && len(utf16.Encode([]rune(s))) > maxCellChars {
		enc.cut++
	}
	return s
}

// Cited returns the ids of the sources the rows written cite (and, for
// communications, those their statements are quoted from), in order.
func (enc *XLSXEncoder[T]) Cited() []domain.ID {
	ids := make([]domain.ID, 0, len(enc.cited))
	for id := range enc.cited {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// About is what the about sheet says.
type About struct {
	// Collection is what the records are (licenses…).
	Collection     string
	DatasetVersion string
	ExportedAt     time.Time
	// URL is where the workbook was asked for, if known.
	URL string
	// Synthetic says the registry is generated: its records are not facts.
	Synthetic bool
}

// HowToCite is how to cite the data of a dataset version.
func HowToCite(version string, at time.Time) string {
	return fmt.Sprintf("Surveillance Export Registry, dataset version %s (exported %s). Each record cites its own sources; cite them with the record.",
		version, at.UTC().Format("2 January 2006"))
}

// Close writes the sources sheet (sources: the public ones among those cited, in id
// order), the about sheet, and the workbook to w, and releases its temporary files.
func (enc *XLSXEncoder[T]) Close(w io.Writer, sources []domain.Source, about About) error {
	defer enc.Abort()
	if err := enc.sw.Flush(); err != nil {
		return err
	}
	if _, err := enc.f.NewSheet(SourcesSheet); err != nil {
		return err
	}
	sw, err := enc.f.NewStreamWriter(SourcesSheet)
	if err != nil {
		return err
	}
	header := make([]any, len(SourcesHeader))
	for i, h := range SourcesHeader {
		header[i] = h
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i, src := range sources {
		var published any
		if src.PublishedOn != nil {
			if published, err = enc.cell(kindDate, reflect.ValueOf(*src.PublishedOn)); err != nil {
				return err
			}
		}
		row := []any{int64(src.ID), enc.text(src.Title), optText(enc, src.Publisher), optText(enc, src.URL), published, optText(enc, src.DocumentSymbol)}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := enc.f.NewSheet(AboutSheet); err != nil {
		return err
	}
	lines := [][2]string{
		{"registry", "Surveillance Export Registry"},
		{"collection", about.Collection},
		{"dataset_version", about.DatasetVersion},
		{"exported_at", about.ExportedAt.UTC().Format(time.RFC3339)},
		{"how_to_cite", HowToCite(about.DatasetVersion, about.ExportedAt)},
	}
	if about.URL != "" {
		lines = append(lines, [2]string{"url", about.URL})
	}
	if about.Synthetic {
		lines = append(lines, [2]string{"synthetic", "This registry is generated (synthetic, for benchmarks): its records are not facts."})
	}
	lines = append(lines,
		[2]string{"notice", "Records state what public sources say, and each cites them: the sources sheet lists those the rows cite. A fact the sources do not settle is unknown, never guessed."},
		[2]string{"empty cells", "An empty cell is unknown (null); [] is a list known to be empty. Lists are joined with ;, and lists of objects are JSON."},
		[2]string{"dates", "A date known to the day is a date cell (yyyy-mm-dd); one known only to the month or year is the text 2014-03 or 2014, so that no day is shown that the sources do not give. The *_precision column beside each date says the same. Times of change (created_at, updated_at) are RFC 3339 text in UTC."},
		[2]string{"text", "Every text is a text cell, exactly as in the registry: a text starting with = is shown, never run as a formula."},
	)
	if enc.cut > 0 {
		lines = append(lines, [2]string{"cut cells", fmt.Sprintf("Text cells cut to the %d characters a cell holds: %d. The NDJSON export carries them whole.", maxCellChars, enc.cut)})
	}
	for i, l := range lines {
		for j, s := range l {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := enc.f.SetCellStr(AboutSheet, cell, s); err != nil {
				return err
			}
		}
	}
	if err := enc.f.SetColWidth(AboutSheet, "A", "A", 18); err != nil {
		return err
	}
	if err := enc.f.SetColWidth(AboutSheet, "B", "B", 120); err != nil {
		return err
	}
	_, err = enc.f.WriteTo(w)
	return err
}

// Abort releases a workbook that will not be written.
func (enc *XLSXEncoder[T]) Abort() {
	if !enc.closed {
		enc.closed = true
		enc.f.Close()
	}
}

func optText[T any](enc *XLSXEncoder[T], s *string) any {
	if s == nil {
		return nil
	}
	return enc.text(*s)
}

// csvNameCell renders the names of the ids a reference field holds, as CSV does.
func csvNameCell(names Names, kind string, v reflect.Value) string {
	return (&CSVEncoder[struct{}]{names: names}).nameCell(kind, v)
}
