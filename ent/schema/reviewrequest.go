package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/export-registry/registry/internal/domain"
)

// ReviewRequest is a draft's last editor asking, in two-person review
// (REGISTRY_REVIEW=two-person), for another staff member to publish it. It is open
// until the record is published (resolved_at, resolved_by_id); the publish revision
// names who asked (requested_by_id).
type ReviewRequest struct {
	ent.Schema
}

// Fields of the ReviewRequest.
func (ReviewRequest) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("record_type").Values(domain.RecordTypes...).Immutable(),
		field.Int("record_id").Positive().Immutable(),
		field.Int("revision").Positive().Immutable().Comment("the record's revision when review was asked for"),
		field.Int("requested_by_id").Immutable(),
		field.Time("requested_at").Default(time.Now).Immutable(),
		field.Time("resolved_at").Optional().Nillable(),
		field.Int("resolved_by_id").Optional().Nillable().Comment("who published the record"),
	}
}

// Edges of the ReviewRequest.
func (ReviewRequest) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("requested_by", User.Type).Ref("review_requests").Field("requested_by_id").Unique().Required().Immutable(),
	}
}

// Indexes of the ReviewRequest.
func (ReviewRequest) Indexes() []ent.Index {
	return []ent.Index{index.Fields("record_type", "record_id"), index.Fields("resolved_at")}
}
