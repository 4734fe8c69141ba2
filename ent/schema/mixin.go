// Package schema is the registry's data model: one file per entity, shared fields in
// mixins, validation as the second line behind the store's.
package schema

import (
	"fmt"
	"regexp"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/export-registry/registry/internal/domain"
)

// RecordMixin holds what every published record has: timestamps, a revision counter
// that is also its ETag, and its editorial status. The stable public id is ent's
// integer id: AUTOINCREMENT on SQLite and an identity column on PostgreSQL, so an id
// is never reused, and records are retracted, never deleted.
type RecordMixin struct {
	mixin.Schema
}

// Fields of the RecordMixin.
func (RecordMixin) Fields() []ent.Field {
	return []ent.Field{
		// Settable so an import keeps the ids of the export it reads.
		field.Int("id").Positive().Immutable(),
		field.Time("created_at").Default(time.Now).Immutable(),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now),
		field.Int("revision").Default(1).Positive(),
		field.Enum("status").Values(domain.Statuses...).Default(domain.StatusDraft),
		field.Time("retracted_at").Optional().Nillable(),
		field.String("retraction_reason").Optional().Nillable(),
	}
}

// Indexes of the RecordMixin: every list filters by status and may filter by
// updated_since.
func (RecordMixin) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status"),
		index.Fields("updated_at"),
	}
}

var (
	countryRE = regexp.MustCompile(`^[A-Z]{2}$`)
	dateRE    = regexp.MustCompile(domain.DatePattern)
	slugRE    = regexp.MustCompile(domain.SlugPattern)
)

// countryField is an ISO 3166-1 alpha-2 column; edges to State keep it honest.
func countryField(name string) ent.Field {
	return field.String(name).Optional().Nillable().MaxLen(2).Match(countryRE).Validate(validCountry)
}

// validCountry is the schema's check that a code is one the registry accepts.
func validCountry(code string) error {
	if !domain.ValidCountry(code) {
		return fmt.Errorf("%q is not an ISO 3166-1 alpha-2 code", code)
	}
	return nil
}

// fuzzyDate returns a date column (YYYY-MM-DD, the first day of the period known)
// and its precision column.
func fuzzyDate(name string) []ent.Field {
	return []ent.Field{
		field.String(name).Optional().Nillable().MaxLen(10).Match(dateRE).Validate(domain.ValidateDate),
		field.Enum(name + "_precision").Values(domain.Precisions...).Optional().Nillable(),
	}
}

// triState is a yes/no/unknown answer, unknown until a source settles it.
func triState(name, comment string) ent.Field {
	return field.Enum(name).Values(domain.TriState...).Default(domain.Unknown).Comment(comment)
}

// oneOf validates a string list against allowed values.
func oneOf(allowed []string) func([]string) error {
	return func(v []string) error { return domain.ValidateOneOf(v, allowed...) }
}
