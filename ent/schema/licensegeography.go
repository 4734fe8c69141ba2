package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// LicenseGeography is one country of a licence's permitted geography: the licence's
// geography list as rows, rewritten in the transaction that writes the list, so that
// the covers filter is an index lookup on either database instead of a scan of every
// licence's JSON.
//
// Each row also carries a copy of its licence's status and validity, which triggers
// keep (migration license_geography_validity): written by the database when the row
// is inserted and whenever the licence's change, never by the store. A public
// covers= list filtered by nothing but the status and active_on is then one walk of
// the rows' index, like a country's list, instead of a lookup of the licence for each
// row (about 370 for a page of 100 on 100,000 licences: 2.1 -> 0.8 ms a list in
// sqlite3; BENCHMARKS.md, session 10).
type LicenseGeography struct {
	ent.Schema
}

// Fields of the LicenseGeography.
func (LicenseGeography) Fields() []ent.Field {
	return []ent.Field{
		field.Int("license_id"),
		field.String("country").MaxLen(2),
		// Copies of the licence's, kept by triggers.
		field.String("status").Optional().Nillable(),
		field.String("valid_from").Optional().Nillable(),
		field.String("valid_until").Optional().Nillable(),
		field.String("valid_until_precision").Optional().Nillable(),
	}
}

// Edges of the LicenseGeography.
func (LicenseGeography) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("license", License.Type).Ref("geography_countries").Field("license_id").Unique().Required(),
	}
}

// Indexes of the LicenseGeography: a country's licences in id order, as lists page;
// and with the status before the id and the dates after it, as the licences' country
// index, so that active_on is decided from the index entry.
func (LicenseGeography) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("country", "license_id").Unique(),
		index.Fields("country", "status", "license_id", "valid_from", "valid_until", "valid_until_precision").
			StorageKey("licensegeography_country_active"),
		index.Fields("license_id"),
	}
}

// Policy of the LicenseGeography: written with its licence.
func (LicenseGeography) Policy() ent.Policy { return writersPolicy() }
