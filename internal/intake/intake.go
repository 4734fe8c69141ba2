// Package intake reads files staff bring in — a CSV or XLSX sheet of any collection,
// or a MISP galaxy "surveillance-vendor" cluster — into rows of record fields in the
// API's JSON shape, and describes what an intake did (Report). It validates nothing
// itself: the rows go through the API's write path (package httpapi), the one place a
// record's fields are checked, and land as drafts in one transaction.
package intake

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/export-registry/registry/internal/domain"
)

// Formats of an intake file.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
	FormatMISP = "misp-galaxy"
)

// MaxRows bounds the records one file may bring in.
const MaxRows = 10000

// Collections are the collections a sheet may hold, with their written fields.
var Collections = map[string]reflect.Type{
	"sources":        reflect.TypeFor[domain.SourceFields](),
	"vendors":        reflect.TypeFor[domain.VendorFields](),
	"products":       reflect.TypeFor[domain.ProductFields](),
	"agencies":       reflect.TypeFor[domain.AgencyFields](),
	"licenses":       reflect.TypeFor[domain.LicenseFields](),
	"terminations":   reflect.TypeFor[domain.TerminationFields](),
	"allegations":    reflect.TypeFor[domain.AllegationFields](),
	"communications": reflect.TypeFor[domain.CommunicationFields](),
}

// CollectionNames lists Collections in import order.
func CollectionNames() []string {
	return []string{"sources", "vendors", "products", "agencies", "licenses", "terminations", "allegations", "communications"}
}

// Row is one record a file brings, in the API's JSON shape, before validation.
type Row struct {
	// Row is where the record is in the file: the sheet's row (the header is row 1),
	// or the galaxy's value (values[0] is row 1).
	Row        int
	Collection string
	// Fields are the record's fields as a create request's body carries them.
	Fields map[string]json.RawMessage
	// Columns maps a field to the file's column it came from (a sheet's header).
	Columns map[string]string
	// ExternalID is the record's id in the file's dataset (a vendor's galaxy uuid).
	ExternalID string
	// Cites are the keys (Source.Key) of the file's own sources the record cites.
	Cites []string
	// Vendor, on a product the galaxy lists under a vendor, is the index in the rows
	// of that vendor: its vendor_id is set once the vendor has one.
	Vendor int
	// Name is how the report names the record.
	Name string
}

// Source is a source a file itself brings (the galaxy, each of its refs): found
// among existing sources by its URL, created when none has it.
type Source struct {
	Key    string // its URL
	Fields map[string]json.RawMessage
}

// File is what a file holds.
type File struct {
	Format  string
	Sources []Source
	Rows    []Row
	// Relations are the relations a galaxy's values state, in the file's order.
	Relations []Related
}

// Problem is a refusal: a row (0: the file as a whole), the column it names (a
// sheet's header, or the field) and the reason.
type Problem struct {
	// Row is where the problem is: a sheet's line (the header is 1, the first record
	// 2), a galaxy's value (from 1), or 0 for the file as a whole.
	Row int `json:"row"`
	// Column is the sheet's column header the problem is in, when it is in one.
	Column string `json:"column,omitempty"`
	// Field is the record's field the problem is about, when it is about one.
	Field string `json:"field,omitempty"`
	// Reason says what is wrong, in words.
	Reason string `json:"reason"`
}

// Error implements the error interface.
func (p Problem) Error() string {
	var b strings.Builder
	if p.Row > 0 {
		fmt.Fprintf(&b, "row %d: ", p.Row)
	}
	if p.Column != "" {
		fmt.Fprintf(&b, "column %q: ", p.Column)
	} else if p.Field != "" {
		fmt.Fprintf(&b, "%s: ", p.Field)
	}
	b.WriteString(p.Reason)
	return b.String()
}

// Problems are the refusals of a file.
type Problems []Problem

// Error implements the error interface.
func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Error()
	}
	return strings.Join(parts, "; ")
}

// fieldNames lists a fields type's JSON names.
func fieldNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// fieldType returns the type of a fields type's JSON field.
func fieldType(t reflect.Type, name string) (reflect.Type, bool) {
	for i := range t.NumField() {
		n, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if n == name {
			return t.Field(i).Type, true
		}
	}
	return nil, false
}

// Columns maps a sheet's headers to fields: each header names the field the mapping
// gives it, or else the field of its own name. Unmapped headers that name no field are
// refused, naming the column.
func Columns(collection string, header []string, mapping map[string]string) ([]string, error) {
	t, ok := Collections[collection]
	if !ok {
		return nil, Problem{Field: "collection", Reason: fmt.Sprintf("%q is not one of %s", collection, strings.Join(CollectionNames(), ", "))}
	}
	names := fieldNames(t)
	for h, f := range mapping {
		if !slices.Contains(names, f) {
			return nil, Problem{Column: h, Reason: fmt.Sprintf("the mapping names %q, which is not a field of %s (%s)", f, collection, strings.Join(names, ", "))}
		}
	}
	out := make([]string, len(header))
	var ps Problems
	seen := map[string]string{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		f, ok := mapping[h]
		if !ok {
			f = h
		}
		switch {
		case h == "":
			continue // an empty header: a column left unused
		case !slices.Contains(names, f):
			ps = append(ps, Problem{Row: 1, Column: h, Reason: fmt.Sprintf("not a field of %s; map it to one (%s)", collection, strings.Join(names, ", "))})
			continue
		case seen[f] != "":
			ps = append(ps, Problem{Row: 1, Column: h, Reason: fmt.Sprintf("column %q already gives the field %s", seen[f], f)})
			continue
		}
		seen[f] = h
		out[i] = f
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return out, nil
}

// Cell turns a sheet's cell into the JSON value of a field of type t, reading what
// the registry's CSV export writes (WriteCSV): the empty cell is null (unknown), "[]"
// a known empty list, a list of scalars joined with ";", a list of objects or an
// object as JSON; a list of objects with a name (aliases) may also be plain names
// joined with ";". A text cell escaped against formulas ('=…) is read back unescaped.
func Cell(t reflect.Type, cell string) json.RawMessage {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return json.RawMessage("null")
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	str := func(s string) json.RawMessage {
		if len(s) > 1 && s[0] == '\'' && strings.IndexByte("=+-@\t\r", s[1]) >= 0 {
			s = s[1:]
		}
		b, _ := json.Marshal(s)
		return b
	}
	switch t.Kind() {
	case reflect.String:
		return str(cell)
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64, reflect.Bool:
		if json.Valid([]byte(cell)) {
			return json.RawMessage(cell)
		}
		return str(cell) // refused by the decoder, naming the field
	case reflect.Slice:
		if cell == "[]" {
			return json.RawMessage("[]")
		}
		if strings.HasPrefix(cell, "[") && json.Valid([]byte(cell)) {
			return json.RawMessage(cell)
		}
		parts := strings.Split(cell, ";")
		items := make([]json.RawMessage, 0, len(parts))
		for _, p := range parts {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if t.Elem().Kind() == reflect.Struct {
				if _, ok := fieldType(t.Elem(), "name"); ok {
					items = append(items, json.RawMessage(`{"name":`+string(str(p))+`}`))
					continue
				}
			}
			items = append(items, Cell(t.Elem(), p))
		}
		b, _ := json.Marshal(items)
		return b
	case reflect.Struct, reflect.Map:
		if json.Valid([]byte(cell)) {
			return json.RawMessage(cell)
		}
	}
	return str(cell)
}

// ParseMapping reads header=field pairs (a header may hold "=": the last one splits).
func ParseMapping(pairs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, pair := range pairs {
		i := strings.LastIndex(pair, "=")
		if i <= 0 || i == len(pair)-1 {
			return nil, fmt.Errorf("%q: want header=field", pair)
		}
		h, f := strings.TrimSpace(pair[:i]), strings.TrimSpace(pair[i+1:])
		if _, dup := out[h]; dup {
			return nil, fmt.Errorf("the header %q is mapped twice", h)
		}
		out[h] = f
	}
	return out, nil
}
