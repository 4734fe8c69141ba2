package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/export-registry/registry/internal/domain"
)

// Question is one question a communication asks, with whether it was answered as far
// as the public record shows. Questions belong to their communication and change with
// it.
type Question struct {
	ent.Schema
}

// Fields of the Question.
func (Question) Fields() []ent.Field {
	return []ent.Field{
		field.Int("id").Positive().Immutable(),
		field.Int("communication_id"),
		field.Int("position").NonNegative(),
		field.Enum("kind").Values(domain.QuestionKinds...).Default("question").Comment("request: asked without a question mark"),
		field.String("topic").Optional().Nillable().MaxLen(200),
		field.Text("text").NotEmpty(),
		field.Enum("answer_status").Values(domain.AnswerStatuses...).Default("unknown"),
		field.Text("answer_note").Optional().Nillable(),
	}
}

// Edges of the Question.
func (Question) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("communication", Communication.Type).Ref("questions").Field("communication_id").Unique().Required(),
	}
}

// Indexes of the Question.
func (Question) Indexes() []ent.Index {
	return []ent.Index{index.Fields("communication_id", "position").Unique()}
}
