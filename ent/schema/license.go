package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/export-registry/registry/internal/domain"
)

// License is a limit on a sale: a state's export authorization, or a vendor's
// end-user licence to a customer, limited (where the sources say) by volume,
// geography and duration. A vendor's general claim about its licences is still a
// licence record, with its unknowns left null.
type License struct {
	ent.Schema
}

// Mixin of the License.
func (License) Mixin() []ent.Mixin { return []ent.Mixin{RecordMixin{}} }

// Fields of the License.
func (License) Fields() []ent.Field {
	fields := []ent.Field{
		field.Enum("kind").Values(domain.LicenseKinds...),
		field.Int("vendor_id").Optional().Nillable(),
		countryField("end_user_state"),
		field.Int("end_user_agency_id").Optional().Nillable(),
		countryField("exporting_state"),
		field.String("issuing_authority").Optional().Nillable().MaxLen(500),
		field.String("reference").Optional().Nillable().MaxLen(300),
		field.Enum("license_status").Values(domain.LicenseStatuses...).Default("unknown"),
		field.Int("max_targets").Optional().Nillable().NonNegative(),
		field.Int("max_concurrent_targets").Optional().Nillable().NonNegative(),
		field.Text("volume_note").Optional().Nillable(),
		field.Strings("geography").Optional().Validate(domain.ValidateCountries).Comment("ISO codes where use is permitted; null: unknown"),
		field.Text("geography_note").Optional().Nillable(),
		field.Text("duration_note").Optional().Nillable(),
		field.Enum("stated_purpose").Values(domain.StatedPurposes...).Optional().Nillable().Comment("null: the sources do not say; unspecified: they say the licence names no purpose"),
		field.Enum("purpose_specificity").Values(domain.PurposeSpecificities...).Default("unknown"),
		field.Strings("control_list_entries").Optional().Validate(domain.ValidateControlListEntries),
		field.Text("description").Optional().Nillable(),
		// The products are edges, which cannot be null: this keeps "the sources do not
		// say which products" (false, the product_ids null) apart from a known list,
		// which may be empty.
		field.Bool("products_known").Default(false).Comment("false: the products are unknown (product_ids null)"),
	}
	fields = append(fields, fuzzyDate("decision_date")...)
	fields = append(fields, fuzzyDate("valid_from")...)
	return append(fields, fuzzyDate("valid_until")...)
}

// Edges of the License.
func (License) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("vendor", Vendor.Type).Ref("licenses").Field("vendor_id").Unique(),
		edge.From("end_user", State.Type).Ref("licenses_to").Field("end_user_state").Unique(),
		edge.From("exporter", State.Type).Ref("licenses_from").Field("exporting_state").Unique(),
		edge.From("end_user_agency", Agency.Type).Ref("licenses").Field("end_user_agency_id").Unique(),
		edge.To("products", Product.Type),
		edge.To("terminations", Termination.Type),
		edge.To("geography_countries", LicenseGeography.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of the License: one for every list filter.
func (License) Indexes() []ent.Index {
	return []ent.Index{
		// With the status, so that a country profile's counts and first pages read the
		// index alone (a country of 15,000 licences: 17 ms of row reads, 1 ms of index).
		index.Fields("vendor_id", "status"),
		// The country filters with the id and the dates after it: a list keeps the id
		// order of the index, and active_on is decided from the index entry, so only
		// the licences listed are read from the table (a rare day in a country of
		// 15,000 licences read thousands of rows to find none).
		index.Fields("end_user_state", "status", "id", "valid_from", "valid_until", "valid_until_precision").
			StorageKey("license_end_user_state_active"),
		index.Fields("end_user_agency_id"),
		index.Fields("exporting_state", "status", "id", "valid_from", "valid_until", "valid_until_precision").
			StorageKey("license_exporting_state_active"),
		// covers= walks the geography rows of a country in licence order and keeps
		// those whose licence passes the other filters: with the dates in an index
		// keyed by the id, that is decided without reading the licence's row (a
		// covers list of a large country on a rare day read a row per geography
		// row: 1.88 -> 1.25 ms a list over 20 countries and random days, in
		// sqlite3 on 100,000 licences).
		index.Fields("id", "status", "valid_from", "valid_until", "valid_until_precision").
			StorageKey("license_id_validity"),
		index.Fields("license_status"),
		index.Fields("valid_from"),
		index.Fields("valid_until"),
	}
}
