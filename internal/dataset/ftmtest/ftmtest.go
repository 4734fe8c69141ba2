// Package ftmtest checks a FollowTheMoney export against the FtM model, for tests.
//
// model.json is a trimmed copy of dist/defaultModel.json from the npm package
// @alephdata/followthemoney 3.8.4 (MIT licence, see LICENSE here): the schemata the
// registry exports and their ancestors, with each property's type and range.
package ftmtest

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
)

//go:embed model.json
var modelJSON []byte

// Property is a property of a schema: its FtM type, and for an entity reference
// the schema it must refer to.
type Property struct {
	Type  string `json:"type"`
	Range string `json:"range"`
}

// Schema is one schema of the model.
type Schema struct {
	Extends    []string            `json:"extends"`
	Abstract   bool                `json:"abstract"`
	Properties map[string]Property `json:"properties"`
}

// Model is the FtM model, by schema name.
type Model map[string]Schema

// Load returns the vendored model.
func Load() (Model, error) {
	var m struct {
		Schemata Model `json:"schemata"`
	}
	if err := json.Unmarshal(modelJSON, &m); err != nil {
		return nil, err
	}
	return m.Schemata, nil
}

// property finds a property on a schema or any of its ancestors.
func (m Model) property(schema, name string) (Property, bool) {
	s, ok := m[schema]
	if !ok {
		return Property{}, false
	}
	if p, ok := s.Properties[name]; ok {
		return p, true
	}
	for _, parent := range s.Extends {
		if p, ok := m.property(parent, name); ok {
			return p, true
		}
	}
	return Property{}, false
}

// IsA reports whether schema is want or descends from it.
func (m Model) IsA(schema, want string) bool {
	if schema == want {
		return true
	}
	return slices.ContainsFunc(m[schema].Extends, func(p string) bool { return m.IsA(p, want) })
}

// Entity is an exported line as read back, strictly.
type Entity struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
	Datasets   []string            `json:"datasets"`
	FirstSeen  string              `json:"first_seen"`
	LastSeen   string              `json:"last_seen"`
}

var (
	dateForm    = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?)?)?)?$`)
	seenForm    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$`)
	countryForm = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)?$`)
)

// Validate reads an export, one entity a line, and returns every way it breaks the
// model (nil when it keeps to it) and the entities by id: each line is an object of
// exactly id, schema, properties, datasets, first_seen and last_seen; ids are unique;
// the schema exists and is not abstract; every property belongs to the schema or an
// ancestor; every value is a string, a date in FtM's form where the type is a date, a
// lower-case country code where a country; every entity reference names an entity of
// the export of the range's schema (or a descendant).
func Validate(m Model, r io.Reader) ([]error, map[string]Entity) {
	var problems []error
	fail := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	entities := map[string]Entity{}
	var order []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var e Entity
		if err := dec.Decode(&e); err != nil {
			fail("line %d: %v", line, err)
			continue
		}
		if e.ID == "" {
			fail("line %d: no id", line)
			continue
		}
		if _, dup := entities[e.ID]; dup {
			fail("line %d: id %s again", line, e.ID)
		}
		entities[e.ID] = e
		order = append(order, e.ID)
		s, ok := m[e.Schema]
		switch {
		case !ok:
			fail("%s: no schema %q in the model", e.ID, e.Schema)
			continue
		case s.Abstract:
			fail("%s: schema %s is abstract", e.ID, e.Schema)
		}
		if len(e.Datasets) == 0 {
			fail("%s: no datasets", e.ID)
		}
		for _, t := range []string{e.FirstSeen, e.LastSeen} {
			if t != "" && !seenForm.MatchString(t) {
				fail("%s: seen time %q is not YYYY-MM-DDTHH:MM:SS", e.ID, t)
			}
		}
		for name, values := range e.Properties {
			p, ok := m.property(e.Schema, name)
			if !ok {
				fail("%s: %s has no property %q", e.ID, e.Schema, name)
				continue
			}
			if len(values) == 0 {
				fail("%s: %s is an empty list", e.ID, name)
			}
			for _, v := range values {
				switch {
				case v == "":
					fail("%s: %s has an empty value", e.ID, name)
				case p.Type == "date" && !dateForm.MatchString(v):
					fail("%s: %s %q is not an FtM date", e.ID, name, v)
				case p.Type == "country" && !countryForm.MatchString(v):
					fail("%s: %s %q is not a lower-case country code", e.ID, name, v)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		fail("read: %v", err)
	}
	for _, id := range order {
		e := entities[id]
		for name, values := range e.Properties {
			p, ok := m.property(e.Schema, name)
			if !ok || p.Type != "entity" {
				continue
			}
			for _, v := range values {
				target, ok := entities[v]
				switch {
				case !ok:
					fail("%s: %s refers to %s, which is not in the export", id, name, v)
				case !m.IsA(target.Schema, p.Range):
					fail("%s: %s refers to %s, a %s, not a %s", id, name, v, target.Schema, p.Range)
				}
			}
		}
	}
	return problems, entities
}
