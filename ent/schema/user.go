package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/export-registry/registry/internal/domain"
)

// User is a staff account: an admin manages users, an editor writes records.
type User struct {
	ent.Schema
}

// Fields of the User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").Unique().NotEmpty().MaxLen(320),
		field.String("display_name").NotEmpty().MaxLen(200),
		field.Enum("role").Values(domain.Roles...),
		field.String("password_hash").Sensitive(),
		field.Bool("disabled").Default(false),
		field.Int("token_epoch").Default(0).Comment("raised to invalidate every token issued before"),
		field.String("totp_secret").Optional().Nillable().Sensitive().MaxLen(128).Comment("the TOTP secret (base32); never shown after enrolment starts, never in backups"),
		field.Bool("totp_enabled").Default(false).Comment("the TOTP secret was confirmed with a code: logins need one"),
		field.Int64("totp_last_step").Optional().Nillable().Comment("the 30-second step of the last TOTP code accepted: a code is good once (RFC 6238 section 5.2)"),
		field.JSON("recovery_codes", []string{}).Optional().Sensitive().Comment("SHA-256 of each unused one-time recovery code"),
		field.Time("created_at").Default(time.Now).Immutable(),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now),
	}
}

// Edges of the User.
func (User) Edges() []ent.Edge {
	return []ent.Edge{edge.To("revisions", Revision.Type), edge.To("sessions", Session.Type), edge.To("review_requests", ReviewRequest.Type)}
}
