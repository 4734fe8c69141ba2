package store

import (
	"context"
	"time"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/revision"
	"github.com/export-registry/registry/ent/session"
	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/domain"
)

// The staff console's sessions are rows of the same table as the API's, so that a
// disabled account, a changed role or a logout ends both at once (revokeSessions).
// They differ in two ways:
//
//   - a console session's cookie is looked up under the hash of consoleSessionLabel
//     and the cookie's value, never under the hash of the value alone: an API
//     session's id travels inside its (signed, readable) access token, and must not
//     open a console session if someone presents it as a cookie; nor can a console
//     cookie stand for an API session;
//   - its expires_at slides: each request moves it to ConsoleIdle from now, never
//     past ConsoleLifetime from its creation. An API session's is fixed.
const (
	// ConsoleIdle ends a console session nobody used for this long.
	ConsoleIdle = 2 * time.Hour
	// ConsoleLifetime ends a console session this long after login, however active.
	ConsoleLifetime = 12 * time.Hour
	// consoleTouch is how stale expires_at may get before a request moves it: one
	// write a minute per active staffer, not one per request.
	consoleTouch = time.Minute
)

const consoleSessionLabel = "registry console session v1:"

// consoleKey is the stored id of the console session whose cookie is sid.
func consoleKey(sid string) string { return auth.HashSessionID(consoleSessionLabel + sid) }

// ConsoleSession is a live console session and its staff member.
type ConsoleSession struct {
	User      User
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Viewer is who the session's requests act for.
func (c ConsoleSession) Viewer() domain.Viewer {
	return domain.Viewer{UserID: int(c.User.ID), Role: c.User.Role}
}

// ConsoleLogin checks an email, password and (for an account with a second factor)
// a TOTP or recovery code as Login does and opens a console
// session. It returns the session's cookie value; the store keeps only its hash.
func (s *Store) ConsoleLogin(ctx context.Context, email, password, otp string, now time.Time) (string, ConsoleSession, error) {
	ctx = domain.SystemContext(ctx)
	u, err := s.verifyLogin(ctx, email, password)
	if err != nil {
		return "", ConsoleSession{}, err
	}
	sid, _, err := auth.NewSessionID()
	if err != nil {
		return "", ConsoleSession{}, err
	}
	now = now.UTC()
	exp := now.Add(min(ConsoleIdle, ConsoleLifetime))
	err = s.loginTx(ctx, u, otp, func(tx *ent.Tx) error {
		return tx.Session.Create().SetID(consoleKey(sid)).SetUserID(u.ID).SetCreatedAt(now).SetExpiresAt(exp).Exec(ctx)
	})
	if err != nil {
		return "", ConsoleSession{}, err
	}
	return sid, ConsoleSession{User: toUser(u), CreatedAt: now, ExpiresAt: exp}, nil
}

// errConsoleSession is the answer to any cookie that opens no session.
var errConsoleSession = domain.Errorf(domain.EUNAUTHORIZED, "not logged in, or the session has ended")

// ConsoleSessionOf returns the live console session of a cookie value and moves its
// idle expiry on. A revoked, idle, too old or unknown session, or a disabled
// account, is errConsoleSession.
func (s *Store) ConsoleSessionOf(ctx context.Context, sid string, now time.Time) (ConsoleSession, error) {
	ctx = domain.SystemContext(ctx)
	if sid == "" || len(sid) > 100 {
		return ConsoleSession{}, errConsoleSession
	}
	key := consoleKey(sid)
	sess, err := s.client.Session.Query().Where(session.ID(key)).WithUser().Only(ctx)
	if ent.IsNotFound(err) {
		return ConsoleSession{}, errConsoleSession
	}
	if err != nil {
		return ConsoleSession{}, err
	}
	u := sess.Edges.User
	end := sess.CreatedAt.Add(ConsoleLifetime)
	if sess.RevokedAt != nil || !now.Before(sess.ExpiresAt) || !now.Before(end) || u.Disabled {
		return ConsoleSession{}, errConsoleSession
	}
	exp := sess.ExpiresAt
	if next := minTime(now.Add(ConsoleIdle), end); next.Sub(exp) >= consoleTouch {
		if err := s.client.Session.UpdateOneID(key).SetExpiresAt(next.UTC()).Exec(ctx); err != nil {
			return ConsoleSession{}, err
		}
		exp = next
	}
	return ConsoleSession{User: toUser(u), CreatedAt: sess.CreatedAt.UTC(), ExpiresAt: exp.UTC()}, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// EndConsoleSession revokes the console session of a cookie value (a logout).
func (s *Store) EndConsoleSession(ctx context.Context, sid string) error {
	return revokeSessions(domain.SystemContext(ctx), s.client, session.ID(consoleKey(sid)), "logout")
}

// ChangePassword sets a staff member's own password after checking the current one.
// Every other session of the account ends (its API tokens too); the console session
// keepSID (a cookie value) stays.
func (s *Store) ChangePassword(ctx context.Context, userID int, current, next, keepSID string) error {
	ctx = domain.SystemContext(ctx)
	u, err := s.client.User.Get(ctx, userID)
	if err != nil {
		return translate(err)
	}
	if ok, _, err := auth.VerifyPassword(current, u.PasswordHash, auth.DefaultParams); err != nil || !ok {
		return domain.Invalid("current_password", "is not your current password")
	}
	return s.setPassword(ctx, u, next, keepSID)
}

// ResetPassword sets an account's password (an admin's reset) and ends every session
// and token of the account.
func (s *Store) ResetPassword(ctx context.Context, userID int, password string) error {
	if v, ok := domain.ViewerFrom(ctx); !ok || !v.CanManageUsers() {
		return domain.Errorf(domain.EFORBIDDEN, "this needs an admin's account")
	}
	ctx = domain.SystemContext(ctx)
	u, err := s.client.User.Get(ctx, userID)
	if err != nil {
		if ent.IsNotFound(err) {
			return domain.NotFound("user", domain.ID(userID).String())
		}
		return err
	}
	return s.setPassword(ctx, u, password, "")
}

// setPassword checks a new password against the policy, stores its hash, and ends the
// account's sessions but keepSID's.
func (s *Store) setPassword(ctx context.Context, u *ent.User, password, keepSID string) error {
	if err := auth.CheckPasswordPolicy(password, u.Email, u.DisplayName); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password, auth.DefaultParams)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *ent.Tx) error {
		if err := tx.User.UpdateOneID(u.ID).SetPasswordHash(hash).AddTokenEpoch(1).Exec(ctx); err != nil {
			return translate(err)
		}
		which := session.UserID(u.ID)
		if keepSID != "" {
			which = session.And(which, session.IDNEQ(consoleKey(keepSID)))
		}
		return revokeSessions(domain.SystemContext(ctx), tx.Client(), which, "password changed")
	})
}

// StaffChange is one change in the console's list of recent changes.
type StaffChange struct {
	RecordType string
	RecordID   domain.ID
	Revision   int
	Action     string
	At         time.Time
	// Actor is the staff member's display name, or "registry".
	Actor   string
	ActorID int
}

// StaffChanges returns the latest changes to records, newest first, drafts
// included: those of one staff member (actorID), or everyone's (0). Staff only.
func (s *Store) StaffChanges(ctx context.Context, actorID, limit int) ([]StaffChange, error) {
	if v, ok := domain.ViewerFrom(ctx); !ok || !v.CanWrite() {
		return nil, domain.Errorf(domain.EFORBIDDEN, "this needs a staff account")
	}
	q := s.client.Revision.Query().WithActor().Order(ent.Desc(revision.FieldID)).Limit(limit)
	if actorID > 0 {
		q = q.Where(revision.ActorID(actorID))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]StaffChange, len(rows))
	for i, r := range rows {
		out[i] = StaffChange{RecordType: string(r.RecordType), RecordID: domain.ID(r.RecordID), Revision: r.Revision,
			Action: string(r.Action), At: r.At.UTC(), Actor: "registry"}
		if a := r.Edges.Actor; a != nil {
			out[i].Actor, out[i].ActorID = a.DisplayName, a.ID
		}
	}
	return out, nil
}
