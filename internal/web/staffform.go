package web

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/export-registry/registry/internal/domain"
)

// The console's forms are generated, one per record type, from the one description
// of its fields the API also validates and documents: the record's Fields struct in
// package domain (JSON names, swag enums, maxLength, format and ref tags) and
// domain.FieldDocs (help from the glossary, which fields hold countries). A form
// travels as url.Values keyed by JSON field name both ways, so that what a staffer
// typed is what the form shows again after an error.

// Input kinds of a field.
const (
	inText      = "text"
	inTextarea  = "textarea"
	inSelect    = "select"
	inNumber    = "number"
	inDate      = "date"
	inCountry   = "country"
	inCountries = "countries"
	inRef       = "ref"
	inRefs      = "refs"
	inLines     = "lines"
	inJSON      = "json"
)

// formField describes one input of a record's form.
type formField struct {
	Name  string
	Label string
	Help  string
	Input string
	// Required: the field is not nullable (a plain string, number or id).
	Required bool
	// Enum values of a select.
	Enum []string
	// Ref is the record type a reference names ("vendor").
	Ref       string
	MaxLength int
	Format    string
	// Precision is the JSON name of a date's precision field.
	Precision string
}

// noneSuffix names the checkbox that says a list is known to be empty ([]), as
// against unknown (null, the list left empty without it).
const noneSuffix = ".none"

// formFields returns the form of the Fields struct F of a record type.
func formFields[F any](recordType string) []formField {
	t := reflect.TypeFor[F]()
	names := map[string]bool{}
	for i := range t.NumField() {
		names[jsonName(t.Field(i))] = true
	}
	var out []formField
	for i := range t.NumField() {
		sf := t.Field(i)
		name := jsonName(sf)
		if base, ok := strings.CutSuffix(name, "_precision"); ok && names[base] {
			continue // a date's precision is read from the date's form
		}
		doc := domain.DocOf(recordType, name)
		f := formField{Name: name, Label: label(name), Help: doc.Help, Ref: sf.Tag.Get("ref"), Format: sf.Tag.Get("format")}
		if e := sf.Tag.Get("enums"); e != "" {
			f.Enum = strings.Split(e, ",")
		}
		if n, err := strconv.Atoi(sf.Tag.Get("maxLength")); err == nil {
			f.MaxLength = n
		}
		typ := sf.Type
		ptr := typ.Kind() == reflect.Pointer
		if ptr {
			typ = typ.Elem()
		}
		f.Required = !ptr && typ.Kind() != reflect.Slice
		switch {
		case typ == reflect.TypeFor[domain.ID]():
			f.Input = inRef
		case typ.Kind() == reflect.Slice && typ.Elem() == reflect.TypeFor[domain.ID]():
			f.Input = inRefs
		case typ.Kind() == reflect.Slice && typ.Elem().Kind() == reflect.String && doc.Country:
			f.Input = inCountries
		case typ.Kind() == reflect.Slice && typ.Elem().Kind() == reflect.String:
			f.Input = inLines
		case typ.Kind() == reflect.Slice:
			f.Input = inJSON
		case typ.Kind() == reflect.Int:
			f.Input = inNumber
		case f.Enum != nil:
			f.Input = inSelect
		case doc.Country:
			f.Input = inCountry
		case names[name+"_precision"]:
			f.Input, f.Precision = inDate, name+"_precision"
		case sf.Tag.Get("text") == "prose":
			f.Input = inTextarea
		default:
			f.Input = inText
		}
		out = append(out, f)
	}
	return out
}

func jsonName(sf reflect.StructField) string {
	n, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
	return n
}

// recordForm turns a record's fields into form values: what the form shows for a
// record as stored.
func recordForm(fields []formField, f any) url.Values {
	b, _ := json.Marshal(f)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	v := url.Values{}
	for _, ff := range fields {
		raw := m[ff.Name]
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		switch ff.Input {
		case inRefs, inLines, inCountries:
			var list []string
			_ = json.Unmarshal(raw, &list)
			if len(list) == 0 {
				v.Set(ff.Name+noneSuffix, "1")
				continue
			}
			if ff.Input == inRefs {
				v[ff.Name] = list
			} else {
				v.Set(ff.Name, strings.Join(list, "\n"))
			}
		case inJSON:
			var buf bytes.Buffer
			_ = json.Indent(&buf, raw, "", "  ")
			v.Set(ff.Name, buf.String())
		case inNumber:
			v.Set(ff.Name, string(raw))
		case inDate:
			var d string // the reduced form the record holds: 2014, 2014-03, 2014-03-05
			_ = json.Unmarshal(raw, &d)
			v.Set(ff.Name, d)
		default:
			var s string
			_ = json.Unmarshal(raw, &s)
			v.Set(ff.Name, s)
		}
	}
	return v
}

// parseForm reads a record's form into its Fields struct F. Problems with the input
// itself (a number that is not one, a date in no form) are returned by field, and
// the fields the domain's own checks (F.Check, the same the API runs) find wrong
// besides them, so that every problem is shown at once. The store checks again when
// it writes.
func parseForm[F any](fields []formField, form url.Values) (F, domain.Problems) {
	var out F
	p := domain.Problems{}
	m := map[string]any{}
	for _, ff := range fields {
		val := strings.TrimSpace(form.Get(ff.Name))
		switch ff.Input {
		case inRefs:
			var ids []string
			for _, id := range form[ff.Name] {
				if id = strings.TrimSpace(id); id != "" {
					ids = append(ids, id)
				}
			}
			m[ff.Name] = listOrNull(ids, form.Get(ff.Name+noneSuffix) != "")
		case inLines, inCountries:
			var items []string
			for _, line := range strings.FieldsFunc(val, func(r rune) bool { return r == '\n' || r == '\r' }) {
				if line = strings.TrimSpace(line); line != "" {
					if ff.Input == inCountries {
						line = strings.ToUpper(line)
					}
					items = append(items, line)
				}
			}
			m[ff.Name] = listOrNull(items, form.Get(ff.Name+noneSuffix) != "")
		case inJSON:
			if val == "" {
				m[ff.Name] = nil
				continue
			}
			if !json.Valid([]byte(val)) {
				p.Add(ff.Name, "not valid JSON: write a list, e.g. [{\"name\": \"…\"}]")
				continue
			}
			m[ff.Name] = json.RawMessage(val)
		case inNumber:
			if val == "" {
				if ff.Required {
					p.Add(ff.Name, "required")
				}
				continue
			}
			n, err := strconv.Atoi(val)
			if err != nil {
				p.Add(ff.Name, "must be a whole number")
				continue
			}
			m[ff.Name] = n
		case inDate:
			if val == "" {
				continue
			}
			// The API's own reading of a reduced date: its form is its precision.
			if _, prec, err := domain.Date(val).Parse(); err != nil {
				p.Add(ff.Name, err.Error())
				continue
			} else {
				m[ff.Name], m[ff.Precision] = val, prec
			}
		case inRef:
			if val == "" {
				if ff.Required {
					p.Add(ff.Name, "required: choose one")
				}
				continue
			}
			if _, err := domain.ParseID(val); err != nil {
				p.Add(ff.Name, "choose one from the list")
				continue
			}
			m[ff.Name] = val
		default:
			if val == "" && !ff.Required {
				continue // null: unknown
			}
			if ff.Input == inTextarea {
				val = strings.ReplaceAll(form.Get(ff.Name), "\r\n", "\n")
				val = strings.TrimSpace(val)
			}
			m[ff.Name] = val
		}
	}
	b, err := json.Marshal(m)
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&out); err != nil {
			var te *json.UnmarshalTypeError
			if ok := asTypeError(err, &te); ok && te.Field != "" {
				name, _, _ := strings.Cut(te.Field, ".")
				p.Add(name, "has the wrong form: "+err.Error())
			} else {
				p.Add("", err.Error())
			}
		}
	}
	if len(p) > 0 {
		// The domain's checks of the rest, so that the form shows every problem.
		if c, ok := any(out).(interface{ Check() error }); ok {
			for k, v := range domain.ErrorFields(c.Check()) {
				p.Add(k, v)
			}
		}
	}
	return out, p
}

func asTypeError(err error, te **json.UnmarshalTypeError) bool {
	t, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*te = t
	}
	return ok
}

// listOrNull is a list as entered: null (unknown) when empty and not marked none,
// [] when marked none.
func listOrNull(items []string, none bool) any {
	switch {
	case len(items) > 0:
		return items
	case none:
		return []string{}
	}
	return nil
}

// fieldErrors maps a store error's per-field problems to the form's fields: a
// problem of a date's precision or of an item of a list shows beside the input.
func fieldErrors(fields []formField, errs map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range errs {
		name := k
		for _, ff := range fields {
			if ff.Precision == k || strings.HasPrefix(k, ff.Name+".") || strings.HasPrefix(k, ff.Name+"[") {
				name = ff.Name
			}
		}
		if _, ok := out[name]; !ok {
			out[name] = v
		}
	}
	return out
}
