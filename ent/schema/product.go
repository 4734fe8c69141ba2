package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/export-registry/registry/internal/domain"
)

// Product is a surveillance product a vendor sells.
type Product struct {
	ent.Schema
}

// Mixin of the Product.
func (Product) Mixin() []ent.Mixin { return []ent.Mixin{RecordMixin{}} }

// Fields of the Product.
func (Product) Fields() []ent.Field {
	return []ent.Field{
		field.Int("vendor_id"),
		field.String("name").NotEmpty().MaxLen(300),
		field.Strings("categories").Optional().Validate(oneOf(domain.ProductCategories)),
		field.Strings("capabilities").Optional().Validate(oneOf(domain.ProductCapabilities)),
		field.Strings("control_list_entries").Optional().Validate(domain.ValidateControlListEntries),
		field.Text("description").Optional().Nillable(),
	}
}

// Edges of the Product.
func (Product) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("vendor", Vendor.Type).Ref("products").Field("vendor_id").Unique().Required(),
		edge.From("licenses", License.Type).Ref("products"),
		edge.To("allegations", Allegation.Type),
	}
}

// Indexes of the Product.
func (Product) Indexes() []ent.Index {
	return []ent.Index{index.Fields("vendor_id"), index.Fields("name")}
}
