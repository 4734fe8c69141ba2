package dataset

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// WriteCSV writes records as CSV: one column per JSON field of the record type, in
// declaration order (embedded structs flattened, as in JSON). Lists of scalars are
// joined with ";"; nested objects and lists of objects are written as JSON; null
// (unknown) is the empty cell, and an empty list (known: none) is [], so that the
// two stay apart as they do in JSON. A reference to a vendor, product or agency (vendor_id, product_ids…)
// is followed by a column with the record's name (vendor_name, product_names…).
// Text cells are made formula-safe (see formulaSafe); number cells are written as
// they are.
func WriteCSV[T any](w io.Writer, rows []T, names Names) error {
	enc, err := NewCSVEncoder[T](w, names)
	if err != nil {
		return err
	}
	return enc.Write(rows)
}

// Names are the names of the records a CSV's reference columns name, by record type
// and id: public records only, so a CSV never names a draft.
type Names = store.Names

// named are the record types whose names a CSV shows beside their ids.
var named = map[string]bool{"vendor": true, "product": true, "agency": true}

// CSVEncoder writes records of one type as CSV rows under one header, page by page.
type CSVEncoder[T any] struct {
	cols   []csvColumn
	w      *csv.Writer
	record []string
	names  Names
}

// NewCSVEncoder writes the header of T's columns and returns the encoder; names
// fills the name columns of references.
func NewCSVEncoder[T any](w io.Writer, names Names) (*CSVEncoder[T], error) {
	cols := csvColumns(reflect.TypeFor[T]())
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.name
	}
	enc := &CSVEncoder[T]{cols: cols, w: csv.NewWriter(w), record: make([]string, len(cols)), names: names}
	return enc, enc.w.Write(header)
}

// nameCell renders the names of the ids a reference field holds.
func (enc *CSVEncoder[T]) nameCell(kind string, v reflect.Value) string {
	var ids []domain.ID
	switch x := v.Interface().(type) {
	case domain.ID:
		ids = []domain.ID{x}
	case *domain.ID:
		if x != nil {
			ids = []domain.ID{*x}
		}
	case []domain.ID:
		if x != nil && len(x) == 0 {
			return emptyList // known: none, as in the id column
		}
		ids = x
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = enc.names[kind][id].Name
	}
	return strings.Join(parts, ";")
}

// Write writes rows and flushes them.
func (enc *CSVEncoder[T]) Write(rows []T) error {
	for _, r := range rows {
		v := reflect.ValueOf(r)
		for i, c := range enc.cols {
			if c.ref != "" {
				enc.record[i] = formulaSafe(enc.nameCell(c.ref, v.FieldByIndex(c.index)))
				continue
			}
			cell, err := csvCell(v.FieldByIndex(c.index))
			if err != nil {
				return err
			}
			if !c.number {
				cell = formulaSafe(cell)
			}
			enc.record[i] = cell
		}
		if err := enc.w.Write(enc.record); err != nil {
			return err
		}
	}
	enc.w.Flush()
	return enc.w.Error()
}

type csvColumn struct {
	name  string
	index []int
	// ref is set on a name column: the record type whose name it shows.
	ref string
	// number is set on a column of numbers (or lists of them), whose cells are never
	// formula-escaped: -3 stays a number.
	number bool
}

// emptyList is the cell of a known empty list; an unknown (null) one is the empty
// cell. A list whose joined items would read as either (one empty item, or one item
// "[]") is written as JSON instead.
const emptyList = "[]"

// formulaSafe escapes a text cell that a spreadsheet would run as a formula: one
// starting with =, +, -, @, tab or carriage return gets a leading ' (OWASP's rule
// against CSV injection). A vendor named =HYPERLINK(…) is shown as text, not run.
// Every CSV the registry writes goes through CSVEncoder, so this is the one place
// the rule lives; NDJSON and JSON are never escaped. The registry reads no CSV back
// (imports read NDJSON), so nothing has to undo it.
func formulaSafe(cell string) string {
	if cell != "" && strings.IndexByte("=+-@\t\r", cell[0]) >= 0 {
		return "'" + cell
	}
	return cell
}

// csvColumns lists the JSON fields of a struct type, flattening embedded structs.
func csvColumns(t reflect.Type) []csvColumn {
	var cols []csvColumn
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for _, c := range csvColumns(f.Type) {
				c.index = append([]int{i}, c.index...)
				cols = append(cols, c)
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		cols = append(cols, csvColumn{name: name, index: []int{i}, number: numeric(f.Type)})
		if ref := f.Tag.Get("ref"); named[ref] {
			base, plural := strings.CutSuffix(name, "_ids")
			if plural {
				cols = append(cols, csvColumn{name: base + "_names", index: []int{i}, ref: ref})
			} else {
				cols = append(cols, csvColumn{name: strings.TrimSuffix(name, "_id") + "_name", index: []int{i}, ref: ref})
			}
		}
	}
	return cols
}

var (
	timeType      = reflect.TypeFor[time.Time]()
	textMarshaler = reflect.TypeFor[interface{ MarshalText() ([]byte, error) }]()
)

// csvCell renders one value.
func csvCell(v reflect.Value) (string, error) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "", nil
		}
		v = v.Elem()
	}
	if v.Type() == timeType {
		return v.Interface().(time.Time).UTC().Format(time.RFC3339Nano), nil
	}
	if v.Type().Implements(textMarshaler) {
		b, err := v.Interface().(interface{ MarshalText() ([]byte, error) }).MarshalText()
		return string(b), err
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.Int, reflect.Int64, reflect.Int32:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Slice:
		if v.IsNil() {
			return "", nil
		}
		if v.Len() == 0 {
			return emptyList, nil
		}
		if scalar(v.Type().Elem()) {
			parts := make([]string, v.Len())
			for i := range v.Len() {
				p, err := csvCell(v.Index(i))
				if err != nil {
					return "", err
				}
				parts[i] = p
			}
			if cell := strings.Join(parts, ";"); cell != "" && cell != emptyList {
				return cell, nil
			}
		}
	}
	b, err := json.Marshal(v.Interface())
	return string(b), err
}

// numeric reports whether values of t (a number, a pointer to one, or a list of
// them) render as numbers.
func numeric(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Implements(textMarshaler) {
		return false // written as its text (an id, say), which may be anything
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// scalar reports whether values of t render as one plain cell.
func scalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Int, reflect.Int64, reflect.Int32, reflect.Bool:
		return true
	}
	return false
}
