package dataset

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// WriteCSV writes records as CSV: one column per JSON field of the record type, in
// declaration order (embedded structs flattened, as in JSON). Lists of scalars are
// joined with ";"; nested objects and lists of objects are written as JSON; null is
// the empty cell.
func WriteCSV[T any](w io.Writer, rows []T) error {
	enc, err := NewCSVEncoder[T](w)
	if err != nil {
		return err
	}
	return enc.Write(rows)
}

// CSVEncoder writes records of one type as CSV rows under one header, page by page.
type CSVEncoder[T any] struct {
	cols   []csvColumn
	w      *csv.Writer
	record []string
}

// NewCSVEncoder writes the header of T's columns and returns the encoder.
func NewCSVEncoder[T any](w io.Writer) (*CSVEncoder[T], error) {
	cols := csvColumns(reflect.TypeFor[T]())
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.name
	}
	enc := &CSVEncoder[T]{cols: cols, w: csv.NewWriter(w), record: make([]string, len(cols))}
	return enc, enc.w.Write(header)
}

// Write writes rows and flushes them.
func (enc *CSVEncoder[T]) Write(rows []T) error {
	for _, r := range rows {
		v := reflect.ValueOf(r)
		for i, c := range enc.cols {
			cell, err := csvCell(v.FieldByIndex(c.index))
			if err != nil {
				return err
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
				cols = append(cols, csvColumn{name: c.name, index: append([]int{i}, c.index...)})
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		cols = append(cols, csvColumn{name: name, index: []int{i}})
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
		if scalar(v.Type().Elem()) {
			parts := make([]string, v.Len())
			for i := range v.Len() {
				p, err := csvCell(v.Index(i))
				if err != nil {
					return "", err
				}
				parts[i] = p
			}
			return strings.Join(parts, ";"), nil
		}
	}
	b, err := json.Marshal(v.Interface())
	return string(b), err
}

// scalar reports whether values of t render as one plain cell.
func scalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Int, reflect.Int64, reflect.Int32, reflect.Bool:
		return true
	}
	return false
}
