package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/export-registry/registry/internal/domain"
)

// Vendor is a company that sells surveillance technology.
type Vendor struct {
	ent.Schema
}

// Mixin of the Vendor.
func (Vendor) Mixin() []ent.Mixin { return []ent.Mixin{RecordMixin{}} }

// Fields of the Vendor.
func (Vendor) Fields() []ent.Field {
	return []ent.Field{
		field.String("slug").Unique().NotEmpty().MaxLen(100).Match(slugRE),
		field.String("name").NotEmpty().MaxLen(300),
		field.JSON("aliases", []domain.Alias{}).Optional(),
		countryField("headquarters_country"),
		field.Strings("other_jurisdictions").Optional().Validate(domain.ValidateCountries),
		field.String("website").Optional().Nillable().MaxLen(2000),
		field.Int("parent_id").Optional().Nillable(),
		triState("ungp_commitment", "stated commitment to the UN Guiding Principles: a claim with a source, not a fact about conduct"),
		field.String("human_rights_policy_url").Optional().Nillable().MaxLen(2000),
		field.String("whistleblower_policy_url").Optional().Nillable().MaxLen(2000),
		field.JSON("designations", []domain.Designation{}).Optional(),
		field.Text("description").Optional().Nillable(),
		// external_id is the vendor's id in a dataset it was taken in from (intake), as
		// "dataset:id" (a MISP galaxy cluster's uuid): a second intake of the same file
		// finds it and creates nothing. Staff-only: no public answer carries it.
		field.String("external_id").Optional().Nillable().Unique().MaxLen(300),
	}
}

// Edges of the Vendor.
func (Vendor) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("headquarters", State.Type).Ref("vendors").Field("headquarters_country").Unique(),
		edge.To("subsidiaries", Vendor.Type).From("parent").Field("parent_id").Unique(),
		edge.To("products", Product.Type),
		edge.To("licenses", License.Type),
		edge.To("terminations", Termination.Type),
		edge.To("allegations", Allegation.Type),
		edge.To("communications", Communication.Type),
	}
}

// Indexes of the Vendor.
func (Vendor) Indexes() []ent.Index {
	return []ent.Index{index.Fields("headquarters_country"), index.Fields("parent_id"), index.Fields("name")}
}
