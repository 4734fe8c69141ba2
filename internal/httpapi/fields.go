package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/export-registry/registry/internal/domain"
)

// The write path's reading of a record's fields. Unlike decodeValid, which stops at
// the first problem, it reads every field on its own and answers with every field's
// problem at once, as a form shows them: wrong types, values outside a field's list,
// references to nothing, missing required fields and the record's own rules (Check).
// It also reads what a person naturally writes: a reference as an id (a JSON number
// or string) or, for a vendor, its slug; an open question (an enum with "unknown")
// left out or null as unknown.

// object is a JSON object's members, as sent.
type object map[string]json.RawMessage

// readObject reads a body as one JSON object, checked by checkBody.
func readObject(b []byte) (object, error) {
	if err := checkBody(b); err != nil {
		return nil, err
	}
	var o object
	if err := decodeStrict(b, &o); err != nil {
		return nil, err
	}
	if o == nil {
		return nil, domain.Errorf(domain.EINVALID, "the body must be a JSON object")
	}
	return o, nil
}

// field is one written field of a request type, as the decoder needs it.
type field struct {
	name  string
	index int
	typ   reflect.Type
	ref   string   // the kind of record it refers to (its `ref` tag)
	enums []string // its closed list of values (its `enums` tag)
	def   string   // its value when left out (its `default` tag)
}

// fieldsOf lists T's fields (T is a flat struct, as every *Fields type is).
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		fd := field{name: name, index: i, typ: f.Type, ref: f.Tag.Get("ref"), def: f.Tag.Get("default")}
		if e := f.Tag.Get("enums"); e != "" {
			fd.enums = strings.Split(e, ",")
		}
		out = append(out, fd)
	}
	return out
}

// refResolver resolves a reference to a record id (store.RefID).
type refResolver func(ctx context.Context, kind, ref string) (domain.ID, error)

// resolveRefs rewrites the references of o (fields of T tagged `ref`) to record ids
// in their JSON string form, so an id sent as a number or a vendor named by its slug
// decode as ids; it records a reference that names nothing as a problem of its field.
func resolveRefs[T any](ctx context.Context, o object, resolve refResolver, p domain.Problems) error {
	for _, f := range fieldsOf(reflect.TypeFor[T]()) {
		raw, ok := o[f.name]
		if f.ref == "" || !ok || isNull(raw) {
			continue
		}
		one := func(raw json.RawMessage) (json.RawMessage, string, error) {
			var ref string
			var num json.Number
			switch {
			case json.Unmarshal(raw, &ref) == nil:
			case json.Unmarshal(raw, &num) == nil:
				ref = num.String()
			default:
				return nil, fmt.Sprintf("want a %s id (a number or a string)%s", f.ref, slugHint(f.ref)), nil
			}
			id, err := resolve(ctx, f.ref, ref)
			switch domain.ErrorCode(err) {
			case "":
				b, _ := json.Marshal(id)
				return b, "", nil
			case domain.ENOTFOUND, domain.EINVALID:
				return nil, domain.ErrorMessage(err), nil
			default:
				return nil, "", err
			}
		}
		if f.typ.Kind() == reflect.Slice {
			var items []json.RawMessage
			if json.Unmarshal(raw, &items) != nil {
				p.Add(f.name, "wrong type: want a list of "+f.ref+" ids")
				continue
			}
			for i, item := range items {
				b, problem, err := one(item)
				if err != nil {
					return err
				}
				if problem != "" {
					p.Add(f.name, fmt.Sprintf("item %d: %s", i+1, problem))
					break
				}
				items[i] = b
			}
			o[f.name], _ = json.Marshal(items)
			continue
		}
		b, problem, err := one(raw)
		if err != nil {
			return err
		}
		if problem != "" {
			p.Add(f.name, problem)
			continue
		}
		o[f.name] = b
	}
	return nil
}

// slugHint says a vendor may be named by its slug too.
func slugHint(kind string) string {
	if kind == "vendor" {
		return " or its slug"
	}
	return ""
}

// isNull reports a JSON null.
func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// decodeObject reads o into a T, field by field, recording every field's problem in p.
// create: a field left out of a new record is required unless it is a pointer, a
// list, has a default (its `default` tag), is an open question (defaulting to
// "unknown") or is named in optional.
func decodeObject[T any](o object, create bool, p domain.Problems, optional ...string) T {
	var out T
	v := reflect.ValueOf(&out).Elem()
	fields := fieldsOf(v.Type())
	for name := range o {
		if !slices.ContainsFunc(fields, func(f field) bool { return f.name == name }) {
			p.Add(name, "not a field of this request")
		}
	}
	for _, f := range fields {
		if _, bad := p[f.name]; bad {
			continue
		}
		raw, ok := o[f.name]
		open := slices.Contains(f.enums, domain.Unknown) && f.typ.Kind() == reflect.String
		switch {
		case f.def != "" && (!ok || isNull(raw)):
			raw, ok = json.RawMessage(`"`+f.def+`"`), true
		case open && (!ok || isNull(raw)):
			raw, ok = json.RawMessage(`"`+domain.Unknown+`"`), true // left open by the sources
		case !ok && create && f.typ.Kind() != reflect.Pointer && f.typ.Kind() != reflect.Slice && !slices.Contains(optional, f.name):
			p.Add(f.name, "required")
			continue
		case !ok:
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v.Field(f.index).Addr().Interface()); err != nil {
			p.Add(f.name, fieldProblem(f, err))
			continue
		}
		if f.enums != nil {
			if s := enumValue(v.Field(f.index)); s != nil && !slices.Contains(f.enums, *s) {
				p.Add(f.name, fmt.Sprintf("%q is not one of %s", *s, strings.Join(f.enums, ", ")))
			}
		}
	}
	return out
}

// enumValue returns a string or non-nil string pointer's value.
func enumValue(v reflect.Value) *string {
	switch {
	case v.Kind() == reflect.String:
		s := v.String()
		return &s
	case v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.String:
		s := v.Elem().String()
		return &s
	}
	return nil
}

// fieldProblem says what is wrong with one field's value.
func fieldProblem(f field, err error) string {
	if f.typ == reflect.TypeFor[domain.ID]() || f.typ == reflect.TypeFor[*domain.ID]() {
		return fmt.Sprintf("want a %s id (a number or a string)%s", f.ref, slugHint(f.ref))
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && (typ.Field == "" || typ.Field == f.name) {
		return "wrong type: want " + jsonKind(f.typ)
	}
	e := jsonError(err)
	if fields := domain.ErrorFields(e); len(fields) > 0 {
		for name, problem := range fields {
			if name == f.name {
				return problem
			}
			return name + ": " + problem
		}
	}
	return domain.ErrorMessage(e)
}

// checker is a fields type with its own rules (domain's *Fields.Check).
type checker interface{ Check() error }

// checkAll settles the precision of f's dates from their forms (domain.ResolveDates,
// as the store does), then adds the problems of f's own rules to p, after those found
// decoding.
func checkAll[F any](f *F, p domain.Problems) {
	for name, problem := range domain.ErrorFields(domain.ResolveDates(f)) {
		p.Add(name, problem)
	}
	if c, ok := any(*f).(checker); ok {
		for name, problem := range domain.ErrorFields(c.Check()) {
			if date, ok := strings.CutSuffix(name, "_precision"); ok && p[date] != "" {
				continue // the date itself is wrong: its precision cannot be known
			}
			p.Add(name, problem)
		}
	}
}
