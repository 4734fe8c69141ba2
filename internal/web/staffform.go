package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"sort"
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
	// inItems is a list of objects: a fieldset of the object's inputs per item.
	inItems = "items"
	// inHidden carries a value the staffer does not edit (a question's id).
	inHidden = "hidden"
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
	// Sub are the fields of an item of a list of objects (inItems).
	Sub []formField
	// Ints: the list's items are whole numbers (a statement's refers_to).
	Ints bool
	// Nullable: a list of plain values may be null (unknown) as well as [] (none);
	// one that may not (a statement's refers_to) is [] when no item is given, and
	// its form has no None checkbox.
	Nullable bool
}

// itemized reports whether the field is a list of plain values given one input per
// item, named by the item's index ("geography.0", "categories.1", "product_ids.2"):
// a list of countries (a picker per item), of references (an input typed as a
// reference is, per item) or of texts or numbers (a text input per item).
func (f formField) itemized() bool {
	return f.Input == inCountries || f.Input == inRefs || f.Input == inLines
}

// noneSuffix names the checkbox that says a list is known to be empty ([]), as
// against unknown (null, the list left empty without it).
const noneSuffix = ".none"

// formFields returns the form of the Fields struct F of a record type.
func formFields[F any](recordType string) []formField {
	return formFieldsOf(reflect.TypeFor[F](), recordType)
}

// formFieldsOf returns the form of the struct t, whose fields' docs are under doc
// (a record type, or a list's name for the fields of its items).
func formFieldsOf(t reflect.Type, docKey string) []formField {
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
		doc := domain.DocOf(docKey, name)
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
		// Required: a plain string, number or id the JSON always carries.
		f.Required = !ptr && typ.Kind() != reflect.Slice && !strings.Contains(sf.Tag.Get("json"), ",omitempty")
		f.Nullable = strings.Contains(sf.Tag.Get("extensions"), "x-nullable")
		switch {
		case typ == reflect.TypeFor[domain.ID]() && f.Ref == "":
			f.Input, f.Required = inHidden, false
		case typ == reflect.TypeFor[domain.ID]():
			f.Input = inRef
		case typ.Kind() == reflect.Slice && typ.Elem() == reflect.TypeFor[domain.ID]():
			f.Input = inRefs
		case typ.Kind() == reflect.Slice && typ.Elem().Kind() == reflect.String && doc.Country:
			f.Input = inCountries
		case typ.Kind() == reflect.Slice && (typ.Elem().Kind() == reflect.String || typ.Elem().Kind() == reflect.Int):
			f.Input, f.Ints = inLines, typ.Elem().Kind() == reflect.Int
		case typ.Kind() == reflect.Slice && typ.Elem().Kind() == reflect.Struct:
			f.Input, f.Sub = inItems, formFieldsOf(typ.Elem(), name)
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
// record as stored. An item of a list of objects is the form of its fields, under
// the list's name and the item's index ("aliases.0.name").
func recordForm(fields []formField, f any) url.Values {
	b, _ := json.Marshal(f)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	v := url.Values{}
	fillForm(fields, m, "", v)
	return v
}

func fillForm(fields []formField, m map[string]json.RawMessage, prefix string, v url.Values) {
	for _, ff := range fields {
		raw := m[ff.Name]
		key := prefix + ff.Name
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		switch ff.Input {
		case inItems:
			var items []map[string]json.RawMessage
			_ = json.Unmarshal(raw, &items)
			if len(items) == 0 {
				v.Set(key+noneSuffix, "1")
			}
			for i, item := range items {
				fillForm(ff.Sub, item, key+"."+strconv.Itoa(i)+".", v)
			}
		case inCountries, inRefs, inLines:
			var raws []json.RawMessage
			_ = json.Unmarshal(raw, &raws)
			if len(raws) == 0 {
				v.Set(key+noneSuffix, "1")
			}
			for i, r := range raws {
				var s string
				if json.Unmarshal(r, &s) != nil {
					s = string(r) // a number
				}
				v.Set(key+"."+strconv.Itoa(i), s)
			}
		case inJSON:
			var buf bytes.Buffer
			_ = json.Indent(&buf, raw, "", "  ")
			v.Set(key, buf.String())
		case inNumber, inRef, inHidden:
			v.Set(key, strings.Trim(string(raw), `"`))
		default: // text, and a date in the reduced form the record holds (2014, 2014-03)
			var s string
			_ = json.Unmarshal(raw, &s)
			v.Set(key, s)
		}
	}
}

// itemForms returns the items of a list of objects in a form, in the order of
// their indices, each as the form of its fields (the list's prefix taken off).
// Indices need not run from 0 without gaps: the form is read as sent. An item of a
// list of plain values is one input named by its index alone ("geography.0"): its
// form holds it under the name "" (see listValues).
func itemForms(form url.Values, key string) []url.Values {
	byIndex := map[int]url.Values{}
	for k, vals := range form {
		rest, ok := strings.CutPrefix(k, key+".")
		if !ok {
			continue
		}
		n, name, _ := strings.Cut(rest, ".")
		i, err := strconv.Atoi(n)
		if err != nil || i < 0 || i > maxItems*10 {
			continue
		}
		if byIndex[i] == nil {
			byIndex[i] = url.Values{}
		}
		byIndex[i][name] = vals
	}
	idx := make([]int, 0, len(byIndex))
	for i := range byIndex {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	if len(idx) > maxItems {
		idx = idx[:maxItems]
	}
	out := make([]url.Values, len(idx))
	for d, i := range idx {
		out[d] = byIndex[i]
	}
	return out
}

// listValues returns the items of a list of plain values in a form (a list of
// countries: one picker per item, "geography.0", "geography.1"), in the order of
// their indices, blank ones included: the d-th is the item a problem named
// "geography.d" is of.
func listValues(form url.Values, key string) []string {
	subs := itemForms(form, key)
	out := make([]string, len(subs))
	for d, sub := range subs {
		out[d] = sub.Get("")
	}
	return out
}

// maxItems is the most items a list's sub-form reads.
const maxItems = 500

// blank reports whether an item's sub-form has nothing typed in its inputs (a
// hidden one, such as a question's id, does not count): such an item is left out
// (blanking an item is how it is removed).
func blank(fields []formField, sub url.Values) bool {
	for _, f := range fields {
		if f.Input == inHidden {
			continue
		}
		vals := sub[f.Name]
		if f.itemized() {
			vals = listValues(sub, f.Name)
		}
		for _, v := range vals {
			if strings.TrimSpace(v) != "" {
				return false
			}
		}
	}
	return true
}

// refResolver resolves what a staffer typed in a reference's input (an id, a
// vendor's slug or a name) to a record of the type; problem says why it does not
// name exactly one.
type refResolver func(ctx context.Context, typ, typed string) (id domain.ID, problem string, err error)

// parseForm reads a record's form into its Fields struct F. Problems with the input
// itself (a number that is not one, a date in no form, a reference that names no
// record or several) are returned by field, and those the domain's own checks
// (F.Check, the same the API runs) find besides them, so that every problem is
// shown at once. A problem of an item of a list of objects is named by the item's
// index among the form's items ("statements.2.quote"). The store checks again when
// it writes.
func parseForm[F any](ctx context.Context, fields []formField, form url.Values, resolve refResolver) (F, domain.Problems, error) {
	var out F
	p := domain.Problems{}
	kept := map[string][]int{}
	m, err := parseFields(ctx, fields, form, "", 0, resolve, p, kept)
	if err != nil {
		return out, nil, err
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
	// The domain's checks, as the store runs them (dates' precisions settled
	// first), so that the form shows every problem, each beside its input.
	if err := domain.ResolveDates(&out); err == nil {
		if c, ok := any(out).(interface{ Check() error }); ok {
			placeProblems(out, fields, kept, c.Check(), p)
		}
	}
	return out, p, nil
}

// placeProblems adds the problems of a domain check of f to p. The domain names a
// problem of a list's item by the list and field only ("statements.quote"); it is
// placed on each item that has it when checked alone, and on the list when none
// does (a problem between items, such as two sharing a position).
func placeProblems[F any](f F, fields []formField, kept map[string][]int, checkErr error, p domain.Problems) {
	for k, msg := range domain.ErrorFields(checkErr) {
		list, rest, _ := strings.Cut(k, ".")
		i := slices.IndexFunc(fields, func(ff formField) bool { return ff.Name == list && ff.Input == inItems })
		if i < 0 || len(kept[list]) == 0 {
			p.Add(k, msg)
			continue
		}
		placed := false
		for j, d := range kept[list] {
			alone, ok := withOnlyItem(f, list, j)
			if !ok {
				break
			}
			if _, has := domain.ErrorFields(alone.Check())[k]; has {
				key := list + "." + strconv.Itoa(d)
				if rest != "" {
					key += "." + rest
				}
				p.Add(key, msg)
				placed = true
			}
		}
		if !placed {
			p.Add(list, msg)
		}
	}
}

// withOnlyItem returns f with its list (by JSON name) cut to its j-th item.
func withOnlyItem[F any](f F, list string, j int) (interface{ Check() error }, bool) {
	v := reflect.New(reflect.TypeOf(f)).Elem()
	v.Set(reflect.ValueOf(f))
	for i := range v.NumField() {
		if jsonName(v.Type().Field(i)) == list && v.Field(i).Kind() == reflect.Slice && j < v.Field(i).Len() {
			v.Field(i).Set(v.Field(i).Slice(j, j+1))
			c, ok := v.Interface().(interface{ Check() error })
			return c, ok
		}
	}
	return nil, false
}

// parseFields reads the fields of a form (a record's, or one item's) into a map by
// JSON name. Problems are named prefix+field. ordinal is an item's place among the
// list's items (from 1): an item's blank position is its place.
func parseFields(ctx context.Context, fields []formField, form url.Values, prefix string, ordinal int, resolve refResolver, p domain.Problems, kept map[string][]int) (map[string]any, error) {
	m := map[string]any{}
	for _, ff := range fields {
		key := prefix + ff.Name
		val := strings.TrimSpace(form.Get(ff.Name))
		switch ff.Input {
		case inItems:
			var items []any
			for d, sub := range itemForms(form, ff.Name) {
				if blank(ff.Sub, sub) {
					continue
				}
				item, err := parseFields(ctx, ff.Sub, sub, key+"."+strconv.Itoa(d)+".", len(items)+1, resolve, p, nil)
				if err != nil {
					return nil, err
				}
				items = append(items, item)
				if kept != nil {
					kept[ff.Name] = append(kept[ff.Name], d)
				}
			}
			m[ff.Name] = listOrNull(items, form.Get(ff.Name+noneSuffix) != "")
		case inCountries, inRefs, inLines:
			items, err := listItems(ctx, ff, key, form, resolve, p)
			if err != nil {
				return nil, err
			}
			m[ff.Name] = listOrNull(items, form.Get(ff.Name+noneSuffix) != "" || !ff.Nullable)
		case inJSON:
			if val == "" {
				m[ff.Name] = nil
				continue
			}
			if !json.Valid([]byte(val)) {
				p.Add(key, "not valid JSON: write a list, e.g. [{\"name\": \"…\"}]")
				continue
			}
			m[ff.Name] = json.RawMessage(val)
		case inNumber:
			if val == "" && ff.Name == "position" && ordinal > 0 {
				m[ff.Name] = ordinal // an item's place, unless the staffer gives one
				continue
			}
			if val == "" {
				if ff.Required {
					p.Add(key, "required")
				}
				continue
			}
			n, err := strconv.Atoi(val)
			if err != nil {
				p.Add(key, "must be a whole number")
				continue
			}
			m[ff.Name] = n
		case inDate:
			if val == "" {
				continue
			}
			// The API's own reading of a reduced date: its form is its precision.
			if _, prec, err := domain.Date(val).Parse(); err != nil {
				p.Add(key, err.Error())
				continue
			} else {
				m[ff.Name], m[ff.Precision] = val, prec
			}
		case inHidden:
			if val != "" {
				m[ff.Name] = val
			}
		case inRef:
			if val == "" {
				if ff.Required {
					p.Add(key, "required: type a name and pick one")
				}
				continue
			}
			id, problem, err := resolve(ctx, ff.Ref, val)
			if err != nil {
				return nil, err
			}
			if problem != "" {
				p.Add(key, problem)
				continue
			}
			m[ff.Name] = id.String()
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
	return m, nil
}

// listItems reads a list of plain values, one input per item (ff.itemized): the
// items in the order of their inputs, an emptied input left out (how an item is
// removed). An item that is not one (a value no picker offers, a country picked
// twice, a number that is not one, a text too long) is refused beside its own
// input, named by its index ("geography.1"), with every other item still read.
func listItems(ctx context.Context, ff formField, key string, form url.Values, resolve refResolver, p domain.Problems) ([]any, error) {
	if old := oldLines(form[ff.Name]); old != "" {
		// What a page loaded before the inputs per item sent: refused, not read as
		// unknown, so that a save from an old tab loses nothing.
		// (A list of references was inputs of one name; the others a text box.)
		sent, how := "text box", "type one item per input"
		switch ff.Input {
		case inCountries:
			how = "pick the countries"
		case inRefs:
			sent = "inputs"
		}
		p.Add(key, "sent from an old form's "+sent+" ("+old+"): reload the page and "+how)
	}
	var items []any
	seen := map[string]bool{}
	for d, typed := range listValues(form, ff.Name) {
		if typed = strings.TrimSpace(typed); typed == "" {
			continue
		}
		item, problem, err := listItem(ctx, ff, typed, resolve, seen)
		if err != nil {
			return nil, err
		}
		if problem != "" {
			p.Add(key+"."+strconv.Itoa(d), problem)
			continue
		}
		items = append(items, item)
	}
	return items, nil
}

// listItem reads one item of a list of plain values as its input was typed; seen
// holds the countries picked above it.
func listItem(ctx context.Context, ff formField, typed string, resolve refResolver, seen map[string]bool) (any, string, error) {
	switch {
	case ff.Input == inCountries:
		code, ok := domain.NormalizeCountry(typed)
		if !ok {
			return nil, domain.CountryCodeProblem(typed), nil
		}
		if seen[code] {
			return nil, "listed twice: " + domain.CountryName(code) + " (" + code + ") is picked above", nil
		}
		seen[code] = true
		return code, "", nil
	case ff.Input == inRefs:
		id, problem, err := resolve(ctx, ff.Ref, typed)
		return id.String(), problem, err
	case ff.Ints:
		n, err := strconv.Atoi(typed)
		if err != nil {
			return nil, "must be a whole number: " + strconv.Quote(typed) + " is not one", nil
		}
		return n, "", nil
	}
	// The domain's rule of the list's texts, checked here so that the problem
	// shows beside the item rather than the list.
	rule := domain.TextRule{Max: ff.MaxLength, URL: ff.Format == "uri"}
	return typed, rule.Problem(typed), nil
}

// oldLines is what an old page sent under a list's own name (a text box, one item
// per line, or inputs of that one name), its items joined by "; "; "" when it sent
// nothing.
func oldLines(sent []string) string {
	var lines []string
	for _, s := range sent {
		for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
	}
	return strings.Join(lines, "; ")
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
func listOrNull[T any](items []T, none bool) any {
	switch {
	case len(items) > 0:
		return items
	case none:
		return []T{}
	}
	return nil
}

// fieldErrors maps a store error's per-field problems to the form's fields: a
// problem of a date's precision or of a list shows beside the input. A problem of
// one item of a list ("statements.2.quote", "product_ids.1") keeps its name: it
// shows beside that item's input.
func fieldErrors(fields []formField, errs map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range errs {
		name := k
		for _, ff := range fields {
			if itemProblem(ff, k) {
				name = k
				break
			}
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

// itemProblem reports whether a problem's name is of one item of the list ff.
func itemProblem(ff formField, name string) bool {
	if ff.Input != inItems && !ff.itemized() {
		return false
	}
	rest, ok := strings.CutPrefix(name, ff.Name+".")
	if !ok {
		return false
	}
	n, _, _ := strings.Cut(rest, ".")
	_, err := strconv.Atoi(n)
	return err == nil
}
