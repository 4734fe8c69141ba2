package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/export-registry/registry/internal/domain"
)

// Allegation is documented misuse of a product against people. Targets are people at
// risk: the registry records their category and country, never their names.
type Allegation struct {
	ent.Schema
}

// Mixin of the Allegation.
func (Allegation) Mixin() []ent.Mixin { return []ent.Mixin{RecordMixin{}} }

// Fields of the Allegation.
func (Allegation) Fields() []ent.Field {
	fields := []ent.Field{
		field.Int("vendor_id").Optional().Nillable(),
		field.Int("product_id").Optional().Nillable(),
		countryField("operator_state"),
		field.Int("operator_agency_id").Optional().Nillable(),
		field.Enum("target_category").Values(domain.TargetCategories...).Default("unknown"),
		countryField("target_country"),
		field.Enum("allegation_status").Values(domain.AllegationStatuses...).Default("alleged"),
		field.Text("summary").Optional().Nillable(),
		field.Text("vendor_reply").Optional().Nillable(),
	}
	fields = append(fields, fuzzyDate("period_start")...)
	return append(fields, fuzzyDate("period_end")...)
}

// Edges of the Allegation.
func (Allegation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("vendor", Vendor.Type).Ref("allegations").Field("vendor_id").Unique(),
		edge.From("product", Product.Type).Ref("allegations").Field("product_id").Unique(),
		edge.From("operator_agency", Agency.Type).Ref("allegations").Field("operator_agency_id").Unique(),
	}
}

// Indexes of the Allegation.
func (Allegation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("vendor_id"), index.Fields("product_id"), index.Fields("operator_state"),
		index.Fields("operator_agency_id"), index.Fields("target_country"), index.Fields("allegation_status"),
	}
}
