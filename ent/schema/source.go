package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/export-registry/registry/internal/domain"
)

// Source is a public document behind a fact: a UN document, a vendor statement, a
// government, court, media or NGO record. A source is its own evidence.
type Source struct {
	ent.Schema
}

// Mixin of the Source.
func (Source) Mixin() []ent.Mixin { return []ent.Mixin{RecordMixin{}} }

// Fields of the Source.
func (Source) Fields() []ent.Field {
	return append([]ent.Field{
		field.Enum("kind").Values(domain.SourceKinds...),
		field.String("title").NotEmpty().MaxLen(1000),
		field.String("publisher").Optional().Nillable().MaxLen(500),
		field.String("url").Optional().Nillable().MaxLen(2000),
		field.String("archived_url").Optional().Nillable().MaxLen(2000),
		field.String("document_symbol").Optional().Nillable().MaxLen(200),
		field.String("language").Optional().Nillable().MaxLen(35),
		field.Text("description").Optional().Nillable(),
	}, fuzzyDate("published_on")...)
}

// Edges of the Source.
func (Source) Edges() []ent.Edge {
	return []ent.Edge{edge.To("citations", Citation.Type)}
}

// Indexes of the Source.
func (Source) Indexes() []ent.Index {
	return []ent.Index{index.Fields("kind"), index.Fields("document_symbol")}
}
