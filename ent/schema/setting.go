package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

// Setting is a named value the registry keeps in its database, so that every instance
// sharing the database shares it (e.g. a generated signing key, the synthetic marker).
type Setting struct {
	ent.Schema
}

// Fields of the Setting.
func (Setting) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").NotEmpty().MaxLen(100).Immutable(),
		field.Text("value"),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now),
	}
}
