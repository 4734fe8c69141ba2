package schema

import (
	"context"

	"entgo.io/ent"

	"github.com/export-registry/registry/ent/privacy"
	"github.com/export-registry/registry/internal/domain"
)

// The registry's write rules, the second line behind the HTTP middleware: a mutation
// without an authorized viewer in its context is denied, whatever route or job
// attempts it. Reads are filtered by the store (published/retracted for the public).

// allowWriters allows mutations by editors, admins and the system.
var allowWriters = privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
	if v, ok := domain.ViewerFrom(ctx); ok && v.CanWrite() {
		return privacy.Allow
	}
	return privacy.Denyf("writing needs an editor's or admin's account")
})

// allowAdmins allows mutations by admins and the system.
var allowAdmins = privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
	if v, ok := domain.ViewerFrom(ctx); ok && v.CanManageUsers() {
		return privacy.Allow
	}
	return privacy.Denyf("managing accounts needs an admin's account")
})

// allowSystem allows mutations by the registry itself only.
var allowSystem = privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
	if v, ok := domain.ViewerFrom(ctx); ok && v.System {
		return privacy.Allow
	}
	return privacy.Denyf("only the registry itself changes this")
})

// writersPolicy is the policy of records: anyone reads, writers write.
func writersPolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{allowWriters},
		Query:    privacy.QueryPolicy{privacy.AlwaysAllowRule()},
	}
}

// Policy of the RecordMixin: every record entity.
func (RecordMixin) Policy() ent.Policy { return writersPolicy() }

// systemPolicy is the policy of the registry's own bookkeeping: reference data,
// settings, sessions.
func systemPolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{allowSystem},
		Query:    privacy.QueryPolicy{privacy.AlwaysAllowRule()},
	}
}

// historyPolicy lets writers add revisions and nobody, not even the system, change or
// remove one.
func historyPolicy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			privacy.OnMutationOperation(privacy.AlwaysDenyRule(), ent.OpUpdate|ent.OpUpdateOne|ent.OpDelete|ent.OpDeleteOne),
			allowWriters,
		},
		Query: privacy.QueryPolicy{privacy.AlwaysAllowRule()},
	}
}

// Policy of the Citation.
func (Citation) Policy() ent.Policy { return writersPolicy() }

// Policy of the Question.
func (Question) Policy() ent.Policy { return writersPolicy() }

// Policy of the Revision.
func (Revision) Policy() ent.Policy { return historyPolicy() }

// Policy of the User: admins manage accounts; the system rehashes passwords at login.
func (User) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{allowAdmins},
		Query:    privacy.QueryPolicy{privacy.AlwaysAllowRule()},
	}
}

// Policy of the State.
func (State) Policy() ent.Policy { return systemPolicy() }

// Policy of the Setting.
func (Setting) Policy() ent.Policy { return systemPolicy() }

// Policy of the Session.
func (Session) Policy() ent.Policy { return systemPolicy() }

// Policy of the RefreshToken.
func (RefreshToken) Policy() ent.Policy { return systemPolicy() }

// Policy of the ReviewRequest: writers ask for and resolve reviews.
func (ReviewRequest) Policy() ent.Policy { return writersPolicy() }
