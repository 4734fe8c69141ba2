package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestAccountResets: an admin resets an editor's password and second factor, a staff
// member changes their own password; each ends the account's tokens, and none is
// open to an editor for someone else.
func TestAccountResets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "ed@example.org", domain.RoleEditor)
		staff(t, st, "boss@example.org", domain.RoleAdmin)
		a := newAPIWith(t, st, manyLogins)
		boss, _ := a.login("boss@example.org", strongPassword)
		ed, _ := a.login("ed@example.org", strongPassword)
		u, err := st.UserByEmail(t.Context(), "ed@example.org")
		if err != nil {
			t.Fatal(err)
		}
		users := "/api/v1/users/" + u.ID.String()
		const newPassword = "seven purple staplers dancing 9"
		login := func(password string) int {
			return a.send(http.MethodPost, "/api/v1/auth/login", nil, map[string]string{"email": "ed@example.org", "password": password}).status
		}

		for _, tc := range []struct {
			name   string
			token  string
			url    string
			body   any
			status int
			field  string
		}{
			{"an editor resets someone's password", ed, "/api/v1/users/1/password", map[string]string{"password": newPassword}, 403, ""},
			{"a weak password", boss, users + "/password", map[string]string{"password": "password1234"}, 400, "password"},
			{"an admin resets it", boss, users + "/password", map[string]string{"password": newPassword}, 204, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a.t = t
				r := a.send(http.MethodPost, tc.url, bearer(tc.token), tc.body)
				expect(t, tc.name, r, tc.status)
				if tc.field != "" && !problemField(t, r, tc.field) {
					t.Errorf("the problem does not name %s: %s", tc.field, r.body)
				}
			})
		}
		a.t = t
		expect(t, "the old token after a reset", a.do(http.MethodGet, "/api/v1/auth/me", bearer(ed)), 401)
		if s := login(strongPassword); s != 401 {
			t.Errorf("the old password logs in: %d", s)
		}
		ed, _ = a.login("ed@example.org", newPassword)

		// Their own change: the current password first.
		r := a.send(http.MethodPost, "/api/v1/auth/password", bearer(ed), map[string]string{"current_password": "not it at all", "new_password": strongPassword})
		if expect(t, "a wrong current password", r, 401); !problemField(t, r, "current_password") {
			t.Errorf("the 401 does not name current_password: %s", r.body)
		}
		r = a.send(http.MethodPost, "/api/v1/auth/password", bearer(ed), map[string]string{"current_password": newPassword, "new_password": "short"})
		if expect(t, "a weak new password", r, 400); !problemField(t, r, "new_password") {
			t.Errorf("the 400 does not name new_password: %s", r.body)
		}
		expect(t, "change", a.send(http.MethodPost, "/api/v1/auth/password", bearer(ed), map[string]string{"current_password": newPassword, "new_password": strongPassword}), 204)
		expect(t, "the token after its own change", a.do(http.MethodGet, "/api/v1/auth/me", bearer(ed)), 401)
		ed, _ = a.login("ed@example.org", strongPassword)

		// A lost phone: the admin turns the second factor off.
		secret, _, at := enrol(t, a, ed)
		if s := login(strongPassword); s != 401 {
			t.Fatalf("an enrolled account logs in without otp: %d", s)
		}
		expect(t, "an editor resets a second factor", a.send(http.MethodPost, users+"/reset-2fa", bearer(ed), nil), 403)
		expect(t, "an unknown account", a.send(http.MethodPost, "/api/v1/users/999/reset-2fa", bearer(boss), nil), 404)
		expect(t, "reset the second factor", a.send(http.MethodPost, users+"/reset-2fa", bearer(boss), nil), 204)
		expect(t, "the token after the reset", a.do(http.MethodGet, "/api/v1/auth/me", bearer(ed)), 401)
		if s := login(strongPassword); s != 200 {
			t.Errorf("login without otp after the reset: %d", s)
		}
		code, _ := totp.GenerateCode(secret, at.Add(30*time.Second))
		r = a.send(http.MethodPost, "/api/v1/auth/login", nil, map[string]string{"email": "ed@example.org", "password": strongPassword, "otp": code})
		if r.status != 200 {
			t.Errorf("a login with the old factor's code after the reset: %d", r.status)
		}
	})
}
