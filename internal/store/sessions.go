package store

import (
	"context"
	"encoding/base64"
	"sync"
	"time"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/refreshtoken"
	"github.com/export-registry/registry/ent/session"
	"github.com/export-registry/registry/ent/setting"
	"github.com/export-registry/registry/ent/user"
	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/domain"
)

// Grant is what a login or a refresh gives: the user, the session the access token
// names, and the next refresh token (shown once, stored hashed).
type Grant struct {
	User User
	// SessionID is the session's id as the access token carries it; the store keeps
	// only its hash (auth.HashSessionID), like the refresh tokens'.
	SessionID    string
	Epoch        int
	RefreshToken string
}

// errLogin is the one answer to a failed login, whatever failed: an unknown email
// and a wrong password must not be told apart.
var errLogin = domain.Errorf(domain.EUNAUTHORIZED, "wrong email or password")

// dummyHash is verified against when the email is unknown, so that a failed login
// costs the same time either way. It is made on first use: hashing takes 19 MiB,
// which every command paid at start while it was a package variable.
var dummyHash = sync.OnceValue(func() string {
	h, err := auth.HashPassword("no account has this password", auth.DefaultParams)
	if err != nil {
		panic(err)
	}
	return h
})

// Credentials are what a login presents: an email and password, and the second
// factor when the account has one (a TOTP code, or one of its recovery codes).
type Credentials struct {
	Email    string
	Password string
	OTP      string
}

// Login checks an email and password and opens a session; an account with a second
// factor is refused (see LoginWith).
func (s *Store) Login(ctx context.Context, email, password string) (Grant, error) {
	return s.LoginWith(ctx, Credentials{Email: email, Password: password})
}

// LoginWith checks credentials and opens an API session (tokens); the console's
// ConsoleLogin checks them the same way (verifyLogin, loginTx) and opens a cookie
// session. A hash made with older parameters is replaced while the password is at
// hand.
//
// An account with a second factor needs c.OTP: without it, or with a wrong one, the
// answer is EUNAUTHORIZED naming the field otp (and only after the password was
// right, so it tells nothing to someone without it). A recovery code is good once:
// it is used up in the login's transaction.
func (s *Store) LoginWith(ctx context.Context, c Credentials) (Grant, error) {
	ctx = domain.SystemContext(ctx) // the login's own bookkeeping
	u, err := s.verifyLogin(ctx, c.Email, c.Password)
	if err != nil {
		return Grant{}, err
	}
	var g Grant
	err = s.loginTx(ctx, u, c.OTP, func(tx *ent.Tx) error {
		sid, sidHash, err := auth.NewSessionID()
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		if err := tx.Session.Create().SetID(sidHash).SetUserID(u.ID).SetCreatedAt(now).SetExpiresAt(now.Add(SessionTTL)).Exec(ctx); err != nil {
			return err
		}
		token, err := issueRefresh(ctx, tx.Client(), sid, now)
		if err != nil {
			return err
		}
		g = Grant{User: toUser(u), SessionID: sid, Epoch: u.TokenEpoch, RefreshToken: token}
		return nil
	})
	return g, err
}

// loginTx checks the second factor of an account that has one, then runs open (which
// opens the session) in the same transaction: a code or recovery code is used up only
// by the login it opens. The API's login and the console's share it.
func (s *Store) loginTx(ctx context.Context, u *ent.User, otp string, open func(tx *ent.Tx) error) error {
	if u.TotpEnabled {
		if _, err := s.sealAEAD(ctx); err != nil { // the key, before the transaction
			return err
		}
	}
	return s.inTx(ctx, func(tx *ent.Tx) error {
		if u.TotpEnabled {
			if err := s.secondFactor(ctx, tx.Client(), u.ID, otp); err != nil {
				return err
			}
		}
		return open(tx)
	})
}

// verifyLogin checks an email and password, the same way for the API's login and
// the console's: an unknown email costs the same time as a wrong password, and a
// hash made with older parameters is replaced while the password is at hand.
func (s *Store) verifyLogin(ctx context.Context, email, password string) (*ent.User, error) {
	e, err := normalizeEmail(email)
	if err != nil || len(password) > auth.MaxPasswordBytes {
		_, _, _ = auth.VerifyPassword(password, dummyHash(), auth.DefaultParams)
		return nil, errLogin
	}
	u, err := s.client.User.Query().Where(user.Email(e)).Only(ctx)
	if ent.IsNotFound(err) {
		_, _, _ = auth.VerifyPassword(password, dummyHash(), auth.DefaultParams)
		return nil, errLogin
	}
	if err != nil {
		return nil, err
	}
	ok, rehash, err := auth.VerifyPassword(password, u.PasswordHash, auth.DefaultParams)
	if err != nil || !ok || u.Disabled {
		return nil, errLogin
	}
	if rehash {
		if h, err := auth.HashPassword(password, auth.DefaultParams); err == nil {
			if err := s.client.User.UpdateOne(u).SetPasswordHash(h).Exec(ctx); err != nil {
				return nil, err
			}
		}
	}
	return u, nil
}

// issueRefresh stores a new refresh token of the session sid (as the access token
// carries it) and returns it.
func issueRefresh(ctx context.Context, c *ent.Client, sid string, now time.Time) (string, error) {
	token, hash, err := auth.NewRefreshToken(sid)
	if err != nil {
		return "", err
	}
	err = c.RefreshToken.Create().SetTokenHash(hash).SetSessionID(auth.HashSessionID(sid)).SetCreatedAt(now).SetExpiresAt(now.Add(RefreshTTL)).Exec(ctx)
	return token, err
}

// errRefresh is the answer to any refresh token that cannot be used.
var errRefresh = domain.Errorf(domain.EUNAUTHORIZED, "invalid or expired refresh token")

// Refresh trades a refresh token for the next one of its session. A token is good
// once: presenting a used one means it was stolen or replayed, so the whole session
// is revoked.
func (s *Store) Refresh(ctx context.Context, token string) (Grant, error) {
	ctx = domain.SystemContext(ctx)
	sid, ok := auth.RefreshSessionID(token)
	if !ok || len(token) > 200 {
		return Grant{}, errRefresh
	}
	var g Grant
	reused := false
	err := s.inTx(ctx, func(tx *ent.Tx) error {
		rt, err := tx.RefreshToken.Query().Where(refreshtoken.TokenHash(auth.HashRefreshToken(token))).
			WithSession(func(q *ent.SessionQuery) { q.WithUser() }).Only(ctx)
		if ent.IsNotFound(err) {
			return errRefresh
		}
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		sess := rt.Edges.Session
		u := sess.Edges.User
		if sess.ID != auth.HashSessionID(sid) {
			// The hash covers the whole token, so only edited rows get here; checked
			// because the new access token will name sid.
			return errRefresh
		}
		if rt.UsedAt != nil {
			reused = true
			return revokeSessions(ctx, tx.Client(), session.ID(sess.ID), "refresh token reused")
		}
		if now.After(rt.ExpiresAt) || sess.RevokedAt != nil || now.After(sess.ExpiresAt) || u.Disabled {
			return errRefresh
		}
		n, err := tx.RefreshToken.Update().Where(refreshtoken.ID(rt.ID), refreshtoken.UsedAtIsNil()).SetUsedAt(now).Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 { // a concurrent refresh won the race: this one is a reuse
			reused = true
			return revokeSessions(ctx, tx.Client(), session.ID(sess.ID), "refresh token reused")
		}
		next, err := issueRefresh(ctx, tx.Client(), sid, now)
		if err != nil {
			return err
		}
		g = Grant{User: toUser(u), SessionID: sid, Epoch: u.TokenEpoch, RefreshToken: next}
		return nil
	})
	if reused && err == nil {
		// The revocation is committed; the caller learns only that the token is bad.
		return Grant{}, errRefresh
	}
	return g, err
}

// Logout ends the session sid (as the access token carries it): its access and
// refresh tokens stop working at once.
func (s *Store) Logout(ctx context.Context, sid string) error {
	return revokeSessions(domain.SystemContext(ctx), s.client, session.ID(auth.HashSessionID(sid)), "logout")
}

// Authenticate checks a verified access token's claims against the store: the session
// is live, the account enabled, and neither its role nor its token epoch has changed
// since the token was issued. It returns who the request acts for.
//
// This is one indexed query per authenticated request. Only staff send tokens, so it
// is not on the public read path; it is not cached, so a logout or a disabled account
// takes effect on every instance at once.
func (s *Store) Authenticate(ctx context.Context, c *auth.Claims) (domain.Viewer, error) {
	sess, err := s.client.Session.Query().Where(session.ID(auth.HashSessionID(c.SessionID))).WithUser().Only(ctx)
	if err != nil {
		if ent.IsNotFound(err) {
			return domain.Viewer{}, domain.Errorf(domain.EUNAUTHORIZED, "invalid or expired token")
		}
		return domain.Viewer{}, err
	}
	u := sess.Edges.User
	if sess.RevokedAt != nil || time.Now().After(sess.ExpiresAt) || u.ID != c.UserID() ||
		u.Disabled || u.TokenEpoch != c.Epoch || string(u.Role) != c.Role {
		return domain.Viewer{}, domain.Errorf(domain.EUNAUTHORIZED, "invalid or expired token")
	}
	return domain.Viewer{UserID: u.ID, Role: string(u.Role), SecondFactor: u.TotpEnabled}, nil
}

// signingKeySetting names the setting that keeps the generated signing key. A backup
// leaves it out (see Backup).
const signingKeySetting = "jwt_signing_key"

// SigningKeys returns the keys access tokens are signed with: the configured secret
// when there is one, else a key generated once and kept in the database, so that a
// restart keeps sessions and every instance sharing the database shares the key.
// The TOTP secrets' sealing key is derived from the same key (see totpseal.go).
func (s *Store) SigningKeys(ctx context.Context, secret []byte) (*auth.Keys, error) {
	if len(secret) > 0 {
		if err := s.setSealKey(secret); err != nil {
			return nil, err
		}
		kid := auth.KeyID(secret)
		return auth.NewKeys(kid, map[string][]byte{kid: secret})
	}
	ctx = domain.SystemContext(ctx)
	const name = signingKeySetting
	fresh, err := auth.NewSecret()
	if err != nil {
		return nil, err
	}
	// Several instances may start at once: the first insert wins, all read it back.
	err = s.client.Setting.Create().SetID(name).SetValue(base64.StdEncoding.EncodeToString(fresh)).
		OnConflictColumns(setting.FieldID).DoNothing().Exec(ctx)
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	st, err := s.client.Setting.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	key, err := base64.StdEncoding.DecodeString(st.Value)
	if err != nil {
		return nil, err
	}
	if err := s.setSealKey(key); err != nil {
		return nil, err
	}
	kid := auth.KeyID(key)
	return auth.NewKeys(kid, map[string][]byte{kid: key})
}
