package apidoc_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestContractDescribesEverything: in api/openapi.yaml every operation and every
// parameter has a description, every field of every schema (nested objects and list
// items too) has one, and the description of each enum,
// parameter or field, names every value it may take.
func TestContractDescribesEverything(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("../../api/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if strings.TrimSpace(op.Description) == "" {
				t.Errorf("%s %s has no description", method, path)
			}
			for _, p := range op.Parameters {
				if p.Value == nil {
					continue
				}
				if strings.TrimSpace(p.Value.Description) == "" {
					t.Errorf("%s %s: parameter %s has no description", method, path, p.Value.Name)
				}
				if v := unnamedValues(p.Value.Description, p.Value.Schema); len(v) > 0 {
					t.Errorf("%s %s: parameter %s does not say what %v mean", method, path, p.Value.Name, v)
				}
			}
		}
	}
	var missing []string
	for name, s := range doc.Components.Schemas {
		for _, f := range undescribed(name, s) {
			if !strings.Contains(f, " ") {
				f += " (no description)"
			}
			missing = append(missing, f)
		}
	}
	slices.Sort(missing)
	for _, f := range missing {
		t.Errorf("%s: describe it in a comment on its Go field (swag reads it), or in its glossary entry in domain.FieldDocs", f)
	}
}

// undescribed returns the fields of a schema, and of the objects nested in it,
// that have no description (an enum's must name its values' meaning, so it needs
// one too). A field that is a reference to another schema is described there.
func undescribed(name string, s *openapi3.SchemaRef) []string {
	if s == nil || s.Ref != "" || s.Value == nil {
		return nil
	}
	var out []string
	for field, p := range s.Value.Properties {
		if p.Ref == "" && p.Value != nil && strings.TrimSpace(p.Value.Description) == "" && !allOfDescribed(p.Value) {
			out = append(out, name+"."+field)
		} else if v := unnamedValues(p.Value.Description, p); p.Ref == "" && len(v) > 0 {
			out = append(out, fmt.Sprintf("%s.%s (its description does not say what %v mean)", name, field, v))
		}
		out = append(out, undescribed(name+"."+field, p)...)
		if p.Value != nil && p.Value.Items != nil {
			out = append(out, undescribed(name+"."+field+"[]", p.Value.Items)...)
		}
	}
	return out
}

// unnamedValues returns the values of an enum (of a value, or of a list's items)
// that its description does not name (as written, or with spaces for underscores):
// a described enum says what each value means.
func unnamedValues(description string, s *openapi3.SchemaRef) []string {
	if s == nil || s.Value == nil {
		return nil
	}
	enum := s.Value.Enum
	if s.Value.Items != nil && s.Value.Items.Value != nil {
		enum = append(enum, s.Value.Items.Value.Enum...)
	}
	d := strings.ToLower(description)
	var out []string
	for _, e := range enum {
		v := strings.ToLower(fmt.Sprint(e))
		if !strings.Contains(d, v) && !strings.Contains(d, strings.ReplaceAll(v, "_", " ")) {
			out = append(out, v)
		}
	}
	return out
}

// allOfDescribed reports whether a field wraps a reference in allOf, as swag does
// for a described field of another schema's type, with a description there.
func allOfDescribed(s *openapi3.Schema) bool {
	for _, a := range s.AllOf {
		if a.Value != nil && a.Value.Description != "" {
			return true
		}
	}
	return false
}
