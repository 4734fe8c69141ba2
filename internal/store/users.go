package store

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/ent/session"
	"github.com/export-registry/registry/ent/user"
	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/domain"
)

// Session lifetimes: a refresh token lives a day unless used; a session, however
// active, ends after 30 days and its user logs in again.
const (
	RefreshTTL = 24 * time.Hour
	SessionTTL = 30 * 24 * time.Hour
)

// User is a staff account as the registry shows it to admins.
type User struct {
	// The account's id.
	ID domain.ID `json:"id"`
	// The email address the account logs in with.
	Email string `json:"email"`
	// The name history shows for the account's changes.
	DisplayName string `json:"display_name"`
	// editor: writes and publishes records; admin: that, and manages accounts.
	Role string `json:"role" enums:"admin,editor"`
	// A disabled account cannot log in.
	Disabled bool `json:"disabled"`
	// SecondFactor: the account logs in with a TOTP code too.
	SecondFactor bool `json:"second_factor"`
	// When the account was created (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at"`
	// When the account last changed (RFC 3339, UTC).
	UpdatedAt time.Time `json:"updated_at"`
}

func toUser(u *ent.User) User {
	return User{ID: domain.ID(u.ID), Email: u.Email, DisplayName: u.DisplayName, Role: string(u.Role),
		Disabled: u.Disabled, SecondFactor: u.TotpEnabled, CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC()}
}

// NewUser is an account to create.
type NewUser struct {
	// The email address the account logs in with.
	Email string `json:"email" maxLength:"320"`
	// The name history shows for the account's changes.
	DisplayName string `json:"display_name" maxLength:"200"`
	// editor: writes and publishes records; admin: that, and manages accounts.
	Role string `json:"role" enums:"admin,editor"`
	// The first password: at least 12 characters, not a common password.
	Password string `json:"password"`
}

// normalizeEmail returns the stored form of an email address.
func normalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 320 {
		return "", domain.Invalid("email", "not an email address")
	}
	return s, nil
}

// CreateUser creates a staff account. The password must pass the policy; it is
// stored as an argon2id hash only.
func (s *Store) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	email, err := normalizeEmail(nu.Email)
	if err != nil {
		return User{}, err
	}
	if nu.Role != domain.RoleAdmin && nu.Role != domain.RoleEditor {
		return User{}, domain.Invalid("role", "must be admin or editor")
	}
	name := strings.TrimSpace(nu.DisplayName)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	if problem := displayName.Problem(name); problem != "" {
		return User{}, domain.Invalid("display_name", problem)
	}
	if err := auth.CheckPasswordPolicy(nu.Password, email, name); err != nil {
		return User{}, err
	}
	hash, err := auth.HashPassword(nu.Password, auth.DefaultParams)
	if err != nil {
		return User{}, err
	}
	u, err := s.client.User.Create().SetEmail(email).SetDisplayName(name).SetRole(user.Role(nu.Role)).SetPasswordHash(hash).Save(ctx)
	if err != nil {
		if ent.IsConstraintError(err) {
			return User{}, domain.Errorf(domain.ECONFLICT, "an account with this email exists")
		}
		return User{}, translate(err)
	}
	return toUser(u), nil
}

// ListUsers lists the staff accounts by id.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.client.User.Query().Order(ent.Asc(user.FieldID)).All(ctx)
	return mapAll(rows, toUser), err
}

// GetUser returns an account by id.
func (s *Store) GetUser(ctx context.Context, id int) (User, error) {
	u, err := s.client.User.Get(ctx, id)
	if ent.IsNotFound(err) {
		return User{}, domain.NotFound("user", domain.ID(id).String())
	}
	if err != nil {
		return User{}, err
	}
	return toUser(u), nil
}

// UserByEmail returns an account by email.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	e, err := normalizeEmail(email)
	if err != nil {
		return User{}, err
	}
	u, err := s.client.User.Query().Where(user.Email(e)).Only(ctx)
	if ent.IsNotFound(err) {
		return User{}, domain.NotFound("user", email)
	}
	if err != nil {
		return User{}, err
	}
	return toUser(u), nil
}

// displayName is the rule of a display name, which public histories show: a name
// (no invisible characters) of at most 200 bytes, as its maxLength tags say.
var displayName = domain.TextRule{Max: 200}

// UserChange is an admin's change to an account; nil fields stay as they are.
type UserChange struct {
	// A new display name; null keeps it.
	DisplayName *string `json:"display_name" maxLength:"200"`
	// A new role (admin or editor); null keeps it.
	Role *string `json:"role" enums:"admin,editor"`
	// true disables the account (its sessions end), false enables it; null keeps it.
	Disabled *bool `json:"disabled"`
}

// UpdateUser changes an account. Disabling a user or changing their role ends every
// session and token they hold at once.
func (s *Store) UpdateUser(ctx context.Context, id int, ch UserChange) (User, error) {
	var out User
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		u, err := tx.User.Get(ctx, id)
		if ent.IsNotFound(err) {
			return domain.NotFound("user", domain.ID(id).String())
		}
		if err != nil {
			return err
		}
		up := tx.User.UpdateOne(u)
		revoke := false
		if ch.DisplayName != nil {
			name := strings.TrimSpace(*ch.DisplayName)
			if name == "" {
				return domain.Invalid("display_name", "required")
			}
			if problem := displayName.Problem(name); problem != "" {
				return domain.Invalid("display_name", problem)
			}
			up.SetDisplayName(name)
		}
		if ch.Role != nil && *ch.Role != string(u.Role) {
			if *ch.Role != domain.RoleAdmin && *ch.Role != domain.RoleEditor {
				return domain.Invalid("role", "must be admin or editor")
			}
			up.SetRole(user.Role(*ch.Role))
			revoke = true
		}
		if ch.Disabled != nil && *ch.Disabled != u.Disabled {
			up.SetDisabled(*ch.Disabled)
			revoke = revoke || *ch.Disabled
		}
		if revoke {
			up.AddTokenEpoch(1)
		}
		saved, err := up.Save(ctx)
		if err != nil {
			return translate(err)
		}
		if revoke {
			if err := revokeSessions(domain.SystemContext(ctx), tx.Client(), session.UserID(id), "account changed"); err != nil {
				return err
			}
		}
		out = toUser(saved)
		return nil
	})
	return out, err
}

// revokeSessions ends the matching live sessions.
func revokeSessions(ctx context.Context, c *ent.Client, which predicate.Session, reason string) error {
	_, err := c.Session.Update().Where(which, session.RevokedAtIsNil()).
		SetRevokedAt(time.Now().UTC()).SetRevokedReason(reason).Save(ctx)
	return err
}

// SetPassword replaces an account's password (an admin's reset, or the user's own
// change): it must pass the policy, and every session and token the account holds
// ends at once (its token epoch is raised), so whoever knew the old one is out.
func (s *Store) SetPassword(ctx context.Context, id int, password string) error {
	u, err := s.client.User.Get(ctx, id)
	if ent.IsNotFound(err) {
		return domain.NotFound("user", domain.ID(id).String())
	}
	if err != nil {
		return err
	}
	return s.setPassword(ctx, u, password, "")
}
