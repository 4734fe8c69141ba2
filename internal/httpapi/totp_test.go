package httpapi_test

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// manyLogins lifts the login limits: these tests log in often (the limits have tests
// of their own).
var manyLogins = httpapi.Options{LoginEvery: time.Millisecond, LoginBurst: 1000}

// loginAs sends a login with an otp ("" none) and returns the answer.
func (a *api) loginAs(email, otp string) response {
	a.t.Helper()
	body := map[string]string{"email": email, "password": strongPassword}
	if otp != "" {
		body["otp"] = otp
	}
	return a.send(http.MethodPost, "/api/v1/auth/login", nil, body)
}

// enrol starts and confirms a TOTP enrolment with a real code; it returns the secret,
// the recovery codes and the time of the code it confirmed with (a code is good
// once: a later login takes the next step's).
func enrol(t *testing.T, a *api, token string) (string, []string, time.Time) {
	t.Helper()
	r := a.send(http.MethodPost, "/api/v1/auth/totp", bearer(token), nil)
	expect(t, "start enrolment", r, 200)
	body := r.json(t)
	secret, _ := body["secret"].(string)
	u, err := url.Parse(body["otpauth_url"].(string))
	if err != nil || u.Scheme != "otpauth" || u.Query().Get("secret") != secret || secret == "" {
		t.Fatalf("otpauth_url %v does not carry the secret %q", body["otpauth_url"], secret)
	}
	qr, _ := body["qr_png"].(string)
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(qr, "data:image/png;base64,"))
	if _, perr := png.Decode(bytes.NewReader(raw)); err != nil || perr != nil || !strings.HasPrefix(qr, "data:image/png;base64,") {
		t.Fatalf("qr_png is not a PNG data URL: %v %v", err, perr)
	}
	r = a.send(http.MethodPost, "/api/v1/auth/totp/confirm", bearer(token), map[string]string{"code": "000000"})
	expect(t, "confirm with a wrong code", r, 400)
	if !problemField(t, r, "code") {
		t.Errorf("the refusal does not name code: %s", r.body)
	}
	at := time.Now()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	r = a.send(http.MethodPost, "/api/v1/auth/totp/confirm", bearer(token), map[string]string{"code": code})
	expect(t, "confirm", r, 200)
	var codes []string
	for _, c := range r.json(t)["recovery_codes"].([]any) {
		codes = append(codes, c.(string))
	}
	if len(codes) != auth.RecoveryCodeCount {
		t.Fatalf("%d recovery codes", len(codes))
	}
	return secret, codes, at
}

// TestSecondFactor: enrolment with a QR code and a real TOTP code, then a login needs
// otp (401 naming it when missing or wrong), takes a current code, and a recovery
// code once; the secret is never shown again; disabling needs a code.
func TestSecondFactor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "ana@example.org", domain.RoleEditor)
		staff(t, st, "boss@example.org", domain.RoleAdmin)
		a := newAPIWith(t, st, manyLogins)
		token, _ := a.login("ana@example.org", strongPassword)
		secret, codes, at := enrol(t, a, token)

		me := a.do(http.MethodGet, "/api/v1/auth/me", bearer(token))
		if d := expect(t, "me", me, 200); d["second_factor"] != true {
			t.Errorf("me: second_factor %v", d["second_factor"])
		}
		expect(t, "start again while on", a.send(http.MethodPost, "/api/v1/auth/totp", bearer(token), nil), 409)

		code := func(at time.Time) string {
			c, err := totp.GenerateCode(secret, at)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		next := code(at.Add(30 * time.Second)) // the step after the one enrolment used
		for _, tc := range []struct {
			name, otp string
			status    int
		}{
			{"no otp", "", 401},
			{"a wrong code", "123456", 401},
			{"a code of another secret", func() string { c, _ := totp.GenerateCode("JBSWY3DPEHPK3PXP", time.Now()); return c }(), 401},
			{"the code enrolment used", code(at), 401},
			{"the next code, with a space", next[:3] + " " + next[3:], 200},
			{"the same code again", next, 401},
			{"a recovery code", codes[0], 200},
			{"the same recovery code again", codes[0], 401},
			{"another recovery code, typed in capitals", strings.ToUpper(codes[1]), 200},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a.t = t
				r := a.loginAs("ana@example.org", tc.otp)
				expect(t, "login with "+tc.name, r, tc.status)
				if tc.status == 401 && !problemField(t, r, "otp") {
					t.Errorf("the 401 does not name otp: %s", r.body)
				}
			})
		}
		a.t = t
		// A wrong password is the usual answer, never a hint about otp.
		r := a.send(http.MethodPost, "/api/v1/auth/login", nil, map[string]string{"email": "ana@example.org", "password": "wrong password for sure"})
		if expect(t, "wrong password", r, 401); problemField(t, r, "otp") {
			t.Errorf("a wrong password was told about otp: %s", r.body)
		}

		// Neither the secret nor a recovery code shows anywhere again.
		boss, _ := a.login("boss@example.org", strongPassword)
		for _, path := range []string{"/api/v1/users", "/api/v1/auth/me"} {
			tok := boss
			if path == "/api/v1/auth/me" {
				tok = token
			}
			body := string(a.do(http.MethodGet, path, bearer(tok)).body)
			if strings.Contains(body, secret) || strings.Contains(body, codes[2]) || strings.Contains(body, auth.HashRecoveryCode(codes[2])) {
				t.Errorf("%s shows the secret or a recovery code: %s", path, body)
			}
		}

		// Disabling needs a code; then a login needs none.
		r = a.send(http.MethodPost, "/api/v1/auth/totp/disable", bearer(token), map[string]string{"otp": "000000"})
		if expect(t, "disable with a wrong code", r, 400); !problemField(t, r, "otp") {
			t.Errorf("the refusal does not name otp: %s", r.body)
		}
		expect(t, "disable with a recovery code", a.send(http.MethodPost, "/api/v1/auth/totp/disable", bearer(token), map[string]string{"otp": codes[3]}), 204)
		expect(t, "login without otp after disabling", a.loginAs("ana@example.org", ""), 200)
	})
}

// TestRequireSecondFactor: under REGISTRY_REQUIRE_2FA=admins an admin without a
// second factor logs in to a token that only enrols; once enrolled it works, and
// editors are not covered. Under all, editors are too.
func TestRequireSecondFactor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "ed@example.org", domain.RoleEditor)
		staff(t, st, "boss@example.org", domain.RoleAdmin)
		opts := manyLogins
		opts.Require2FA = auth.Require2FAAdmins
		a := newAPIWith(t, st, opts)

		r := a.loginAs("boss@example.org", "")
		expect(t, "admin login", r, 200)
		if r.json(t)["enrol_second_factor"] != true {
			t.Fatalf("the admin's login does not ask for enrolment: %s", r.body)
		}
		boss := r.json(t)["access_token"].(string)
		src := map[string]any{"kind": "media", "title": "Made before enrolling"}
		expect(t, "a write before enrolling", a.send(http.MethodPost, "/api/v1/sources", bearer(boss), src), 403)
		expect(t, "the users before enrolling", a.do(http.MethodGet, "/api/v1/users", bearer(boss)), 403)
		expect(t, "me before enrolling", a.do(http.MethodGet, "/api/v1/auth/me", bearer(boss)), 200)
		secret, _, at := enrol(t, a, boss)
		expect(t, "a write after enrolling", a.send(http.MethodPost, "/api/v1/sources", bearer(boss), src), 201)
		code, _ := totp.GenerateCode(secret, at.Add(30*time.Second))
		if r := a.loginAs("boss@example.org", code); expect(t, "login with a code", r, 200) != nil || r.json(t)["enrol_second_factor"] != nil {
			t.Errorf("an enrolled admin is asked to enrol: %s", r.body)
		}

		r = a.loginAs("ed@example.org", "")
		if expect(t, "editor login", r, 200); r.json(t)["enrol_second_factor"] != nil {
			t.Errorf("admins' policy asks an editor to enrol: %s", r.body)
		}
		ed := r.json(t)["access_token"].(string)
		expect(t, "an editor writes", a.send(http.MethodPost, "/api/v1/sources", bearer(ed), src), 201)

		opts.Require2FA = auth.Require2FAAll
		all := newAPIWith(t, st, opts)
		expect(t, "an editor's write under all", all.send(http.MethodPost, "/api/v1/sources", bearer(ed), src), 403)
	})
}
