package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/export-registry/registry/internal/domain"
)

// Agency is a state body that buys or uses surveillance technology.
type Agency struct {
	ent.Schema
}

// Mixin of the Agency.
func (Agency) Mixin() []ent.Mixin { return []ent.Mixin{RecordMixin{}} }

// Fields of the Agency.
func (Agency) Fields() []ent.Field {
	return []ent.Field{
		field.String("state_code").MaxLen(2).Match(countryRE),
		field.String("name").NotEmpty().MaxLen(300),
		field.Enum("kind").Values(domain.AgencyKinds...).Default("unknown"),
		field.Int("parent_id").Optional().Nillable(),
		field.Strings("aliases").Optional(),
		field.Text("description").Optional().Nillable(),
	}
}

// Edges of the Agency.
func (Agency) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("state", State.Type).Ref("agencies").Field("state_code").Unique().Required(),
		edge.To("subagencies", Agency.Type).From("parent").Field("parent_id").Unique(),
		edge.To("licenses", License.Type),
		edge.To("terminations", Termination.Type),
		edge.To("allegations", Allegation.Type),
	}
}

// Indexes of the Agency.
func (Agency) Indexes() []ent.Index {
	return []ent.Index{index.Fields("state_code"), index.Fields("parent_id"), index.Fields("name")}
}
