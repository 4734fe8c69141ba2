package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// RevisionMention is a country or a vendor that a revision's record names, as the
// change left it: one row per country (in any country field or list) and one per
// vendor (the vendor itself, or the vendor a record is about). Written in the same
// transaction as its revision and never changed, it lets the change feed's country
// and vendor filters be an index lookup instead of decoding every revision.
type RevisionMention struct {
	ent.Schema
}

// Fields of the RevisionMention.
func (RevisionMention) Fields() []ent.Field {
	return []ent.Field{
		field.Int("revision_id").Immutable(),
		field.String("country").Optional().Nillable().MaxLen(2).Immutable().Comment("set on a country's row"),
		field.Int("vendor_id").Optional().Nillable().Immutable().Comment("set on a vendor's row"),
	}
}

// Edges of the RevisionMention.
func (RevisionMention) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("revision", Revision.Type).Ref("mentions").Field("revision_id").Unique().Required().Immutable(),
	}
}

// Indexes of the RevisionMention: the feed reads a country's or a vendor's revisions
// newest (or oldest) first.
func (RevisionMention) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("country", "revision_id"),
		index.Fields("vendor_id", "revision_id"),
		index.Fields("revision_id"),
	}
}

// Policy of the RevisionMention: written with its revision, never changed.
func (RevisionMention) Policy() ent.Policy { return historyPolicy() }
