package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/export-registry/registry/internal/domain"
)

// Citation ties a source to a record, optionally to named fields of it, with where in
// the source (page, paragraph or quote) and how firmly the source settles it.
type Citation struct {
	ent.Schema
}

// Fields of the Citation.
func (Citation) Fields() []ent.Field {
	return []ent.Field{
		field.Int("id").Positive().Immutable(), // settable: an import keeps an export's citation ids
		field.Enum("record_type").Values(domain.CitedTypes...),
		field.Int("record_id").Positive(),
		field.Int("source_id"),
		field.Strings("fields").Optional(),
		field.Text("locator").Optional().Nillable(),
		field.Enum("confidence").Values(domain.Confidences...),
		field.Time("created_at").Immutable().Default(time.Now),
	}
}

// Edges of the Citation.
func (Citation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("source", Source.Type).Ref("citations").Field("source_id").Unique().Required(),
	}
}

// Indexes of the Citation.
func (Citation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("record_type", "record_id"),
		index.Fields("source_id"),
	}
}
