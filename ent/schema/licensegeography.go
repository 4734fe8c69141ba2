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
type LicenseGeography struct {
	ent.Schema
}

// Fields of the LicenseGeography.
func (LicenseGeography) Fields() []ent.Field {
	return []ent.Field{
		field.Int("license_id"),
		field.String("country").MaxLen(2),
	}
}

// Edges of the LicenseGeography.
func (LicenseGeography) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("license", License.Type).Ref("geography_countries").Field("license_id").Unique().Required(),
	}
}

// Indexes of the LicenseGeography: a country's licences in id order, as lists page.
func (LicenseGeography) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("country", "license_id").Unique(),
		index.Fields("license_id"),
	}
}

// Policy of the LicenseGeography: written with its licence.
func (LicenseGeography) Policy() ent.Policy { return writersPolicy() }
