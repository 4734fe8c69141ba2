package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/export-registry/registry/internal/domain"
)

// Revision is one change to a record, written in the same transaction as the change and
// never updated or deleted. Its id orders every change; the highest id of a public
// change is the dataset_version.
type Revision struct {
	ent.Schema
}

// Fields of the Revision.
func (Revision) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("record_type").Values(domain.RecordTypes...).Immutable(),
		field.Int("record_id").Positive().Immutable(),
		field.Int("revision").Positive().Immutable(),
		field.Int("actor_id").Optional().Nillable().Immutable().Comment("null: the registry itself (dataset import)"),
		field.Int("requested_by_id").Optional().Nillable().Immutable().Comment("two-person review: who asked for this publication (actor_id approved it)"),
		field.Time("at").Default(time.Now).Immutable(),
		field.Enum("action").Values(domain.RevisionActions...).Immutable(),
		field.Bool("public").Default(false).Immutable().Comment("the change is visible to the public: it moves the dataset_version"),
		field.JSON("before", map[string]any{}).Optional().Immutable(),
		field.JSON("after", map[string]any{}).Optional().Immutable(),
		field.Text("reason").Optional().Nillable().Immutable(),
		field.String("request_id").Optional().Nillable().MaxLen(100).Immutable(),
	}
}

// Edges of the Revision.
func (Revision) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("actor", User.Type).Ref("revisions").Field("actor_id").Unique().Immutable(),
		edge.To("mentions", RevisionMention.Type),
	}
}

// Indexes of the Revision.
func (Revision) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("record_type", "record_id", "revision").Unique(),
		index.Fields("public"),
	}
}
