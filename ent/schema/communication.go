package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/export-registry/registry/internal/domain"
)

// Communication is correspondence about the trade, such as a UN special procedure's
// letter to a vendor (OL OTH 2/2020) and the vendor's reply, with the questions asked.
type Communication struct {
	ent.Schema
}

// Mixin of the Communication.
func (Communication) Mixin() []ent.Mixin { return []ent.Mixin{RecordMixin{}} }

// Fields of the Communication.
func (Communication) Fields() []ent.Field {
	return append([]ent.Field{
		field.String("reference").Optional().Nillable().MaxLen(200),
		field.Enum("kind").Values(domain.CommunicationKinds...).Default("letter"),
		field.String("sender").NotEmpty().MaxLen(500),
		field.Int("recipient_vendor_id").Optional().Nillable(),
		countryField("recipient_state"),
		field.String("recipient_name").Optional().Nillable().MaxLen(500),
		field.Strings("copied_states").Optional().Validate(domain.ValidateCountries),
		field.Int("in_reply_to_id").Optional().Nillable(),
		field.String("url").Optional().Nillable().MaxLen(2000),
		field.Text("summary").Optional().Nillable(),
		// The questions are rows of their own, which cannot be null: this keeps "the
		// questions are not known" (false, questions null) apart from a known list,
		// which may be empty.
		// Statements and legal references belong to their communication and change
		// with it; null is "not recorded", [] is "none".
		field.JSON("statements", []domain.Statement{}).Optional(),
		field.JSON("legal_references", []domain.LegalReference{}).Optional(),
		field.Bool("questions_known").Default(false).Comment("false: the questions are unknown (questions null)"),
	}, fuzzyDate("sent_on")...)
}

// Edges of the Communication.
func (Communication) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("recipient_vendor", Vendor.Type).Ref("communications").Field("recipient_vendor_id").Unique(),
		edge.To("replies", Communication.Type).From("in_reply_to").Field("in_reply_to_id").Unique(),
		edge.To("questions", Question.Type),
	}
}

// Indexes of the Communication.
func (Communication) Indexes() []ent.Index {
	return []ent.Index{index.Fields("recipient_vendor_id"), index.Fields("recipient_state"), index.Fields("in_reply_to_id")}
}
