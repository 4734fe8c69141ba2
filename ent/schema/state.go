package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// State is a country, keyed by its ISO 3166-1 alpha-2 code. All of them are reference
// data present from the first migration, so every valid code has a profile.
type State struct {
	ent.Schema
}

// Fields of the State.
func (State) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").MaxLen(2).Match(countryRE).Immutable(),
		field.String("alpha3").MaxLen(3),
		field.String("name").NotEmpty(),
		field.Bool("official").Default(true).Comment("false for a user-assigned code such as XK"),
	}
}

// Edges of the State.
func (State) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("agencies", Agency.Type),
		edge.To("vendors", Vendor.Type),
		edge.To("licenses_to", License.Type),
		edge.To("licenses_from", License.Type),
	}
}
