package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/export-registry/registry/internal/domain"
)

// Termination is a vendor's ending of a customer relationship, as reported. A vendor's
// statement that it terminated relationships is recorded as its claim, with the
// agency, state and scope it does not name left unknown.
type Termination struct {
	ent.Schema
}

// Mixin of the Termination.
func (Termination) Mixin() []ent.Mixin { return []ent.Mixin{RecordMixin{}} }

// Fields of the Termination.
func (Termination) Fields() []ent.Field {
	return append([]ent.Field{
		field.Int("vendor_id"),
		field.Int("license_id").Optional().Nillable(),
		countryField("state_code"),
		field.Int("agency_id").Optional().Nillable(),
		field.Enum("initiated_by").Values(domain.TerminationInitiators...).Default("unknown"),
		field.Enum("reason").Values(domain.TerminationReasons...).Default("unknown"),
		triState("human_rights_basis", "whether a human-rights violation was the basis of the termination"),
		field.Strings("rights_involved").Optional().Validate(oneOf(domain.Rights)).Comment("null: unknown"),
		field.Enum("scope").Values(domain.TerminationScopes...).Default("unknown"),
		field.Strings("reported_to").Optional().Validate(oneOf(domain.ReportedTo)).Comment("null: unknown; empty: reported to no one"),
		field.Text("description").Optional().Nillable(),
	}, fuzzyDate("terminated_on")...)
}

// Edges of the Termination.
func (Termination) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("vendor", Vendor.Type).Ref("terminations").Field("vendor_id").Unique().Required(),
		edge.From("license", License.Type).Ref("terminations").Field("license_id").Unique(),
		edge.From("agency", Agency.Type).Ref("terminations").Field("agency_id").Unique(),
	}
}

// Indexes of the Termination.
func (Termination) Indexes() []ent.Index {
	return []ent.Index{
		// With the status, as the allegations' (see there): a country profile counts
		// terminations by state or agency, and by vendor.
		index.Fields("vendor_id", "status"), index.Fields("state_code", "status"), index.Fields("agency_id", "status"),
		index.Fields("license_id"),
	}
}
