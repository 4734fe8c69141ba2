package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestConsoleSessions checks the console's sessions: idle timeout, absolute
// lifetime, logout, a password change, and that an API session's id opens none.
func TestConsoleSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		const pw = "correct horse battery staple"
		u, err := st.CreateUser(ctx, store.NewUser{Email: "ed@example.org", DisplayName: "Ed", Role: domain.RoleEditor, Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		login := func(at time.Time) string {
			sid, _, err := st.ConsoleLogin(ctx, "ed@example.org", pw, "", at)
			if err != nil {
				t.Fatal(err)
			}
			return sid
		}
		live := func(sid string, at time.Time) bool {
			_, err := st.ConsoleSessionOf(ctx, sid, at)
			if err != nil && domain.ErrorCode(err) != domain.EUNAUTHORIZED {
				t.Fatal(err)
			}
			return err == nil
		}
		if _, _, err := st.ConsoleLogin(ctx, "ed@example.org", "wrong password here", "", t0); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			t.Errorf("wrong password: %v", err)
		}

		idle := login(t0)
		if !live(idle, t0.Add(store.ConsoleIdle-time.Minute)) {
			t.Error("a session used within the idle timeout ended")
		}
		// Used at idle-1m, it now lives to 2*idle-1m.
		if !live(idle, t0.Add(2*store.ConsoleIdle-2*time.Minute)) {
			t.Error("use did not move the idle timeout on")
		}
		if live(idle, t0.Add(4*store.ConsoleIdle)) {
			t.Error("an idle session still works")
		}

		busy := login(t0)
		for at := t0; at.Before(t0.Add(store.ConsoleLifetime)); at = at.Add(store.ConsoleIdle / 2) {
			if !live(busy, at) {
				t.Fatalf("an active session ended at %v", at.Sub(t0))
			}
		}
		if live(busy, t0.Add(store.ConsoleLifetime+time.Second)) {
			t.Error("a session outlived its absolute lifetime")
		}

		out := login(t0)
		if err := st.EndConsoleSession(ctx, out); err != nil {
			t.Fatal(err)
		}
		if live(out, t0) {
			t.Error("a logged-out session works")
		}

		// An API session's id (which its access token carries) is no console cookie.
		g, err := st.Login(ctx, "ed@example.org", pw)
		if err != nil {
			t.Fatal(err)
		}
		if live(g.SessionID, time.Now()) {
			t.Error("an API session's id opened a console session")
		}

		// A password change keeps the session that made it and ends the others.
		keep, other := login(time.Now()), login(time.Now())
		if err := st.ChangePassword(ctx, int(u.ID), "not the password", "another long passphrase", keep); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("change with a wrong current password: %v", err)
		}
		if err := st.ChangePassword(ctx, int(u.ID), pw, "another long passphrase", keep); err != nil {
			t.Fatal(err)
		}
		if !live(keep, time.Now()) || live(other, time.Now()) {
			t.Error("a password change must keep its own session and end the others")
		}
		keys, _ := st.SigningKeys(ctx, nil)
		if _, err := keys.Verify("x", time.Now()); err == nil {
			t.Fatal("verify of junk")
		}
		claims := &auth.Claims{SessionID: g.SessionID, Epoch: g.Epoch, Role: g.User.Role}
		claims.Subject = u.ID.String()
		if _, err := st.Authenticate(ctx, claims); err == nil {
			t.Error("the API session survived a password change")
		}
	})
}
