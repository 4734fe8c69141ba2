package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/export-registry/registry/ent/refreshtoken"
	"github.com/export-registry/registry/ent/session"
	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

const testPassword = "correct horse battery staple 42"

// addStaff creates an account as `registry user add` would.
func addStaff(t *testing.T, st *store.Store, email string) {
	t.Helper()
	if _, err := st.CreateUser(domain.SystemContext(context.Background()), store.NewUser{
		Email: email, Role: domain.RoleEditor, DisplayName: "Staff", Password: testPassword}); err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
}

// TestSessionIDsStoredHashed: the database holds only the hash of a session id, like
// a refresh token's, so a copy of the sessions table names no session an access
// token could claim; the id the token carries still authenticates, refreshes and
// logs out.
func TestSessionIDsStoredHashed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		addStaff(t, st, "editor@example.org")
		g, err := st.Login(ctx, "editor@example.org", testPassword)
		if err != nil {
			t.Fatal(err)
		}
		hash := auth.HashSessionID(g.SessionID)
		if n, _ := store.Client(st).Session.Query().Where(session.ID(g.SessionID)).Count(ctx); n != 0 {
			t.Errorf("the session id is stored as it is")
		}
		if n, _ := store.Client(st).Session.Query().Where(session.ID(hash)).Count(ctx); n != 1 {
			t.Fatalf("%d sessions under the id's hash, want 1", n)
		}
		if n, _ := store.Client(st).RefreshToken.Query().Where(refreshtoken.SessionID(hash)).Count(ctx); n != 1 {
			t.Errorf("%d refresh tokens name the session by its hash, want 1", n)
		}

		claims := func(sid string) *auth.Claims {
			c := &auth.Claims{Role: domain.RoleEditor, SessionID: sid, Epoch: g.Epoch}
			c.Subject = strconv.Itoa(int(g.User.ID))
			return c
		}
		if _, err := st.Authenticate(ctx, claims(g.SessionID)); err != nil {
			t.Errorf("the session id the token carries: %v", err)
		}
		if _, err := st.Authenticate(ctx, claims(hash)); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			t.Errorf("the stored hash as a session id (a leaked table): %v, want EUNAUTHORIZED", err)
		}

		next, err := st.Refresh(ctx, g.RefreshToken)
		if err != nil || next.SessionID != g.SessionID {
			t.Fatalf("refresh: session %q, %v; want %q", next.SessionID, err, g.SessionID)
		}
		// A refresh token whose session part names another session is refused.
		other, err := st.Login(ctx, "editor@example.org", testPassword)
		if err != nil {
			t.Fatal(err)
		}
		_, secret, _ := strings.Cut(next.RefreshToken, ".")
		if _, err := st.Refresh(ctx, other.SessionID+"."+secret); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			t.Errorf("a refresh token moved to another session: %v", err)
		}

		if err := st.Logout(ctx, g.SessionID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Authenticate(ctx, claims(g.SessionID)); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			t.Errorf("after logout: %v", err)
		}
		if _, err := st.Authenticate(ctx, claims(other.SessionID)); err != nil {
			t.Errorf("another session of the account after logout: %v", err)
		}
	})
}
