package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// consoleWith starts the real server over st with REGISTRY_REQUIRE_2FA set.
func consoleWith(t *testing.T, st *store.Store, require2FA string) string {
	t.Helper()
	keys, err := st.SigningKeys(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(st, slog.New(slog.DiscardHandler), httpapi.Options{Keys: keys, ReadRate: 1e6, ReadBurst: 1e6, Require2FA: require2FA})
	t.Cleanup(func() { api.Close() })
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

var (
	secretRE   = regexp.MustCompile(`<code class="secret">([A-Z2-7]+)</code>`)
	recoveryRE = regexp.MustCompile(`<li><code>([a-z2-7]{8}-[a-z2-7]{8})</code></li>`)
)

// code is the TOTP code of secret 30 seconds times steps from now: each code is
// good once, so a test that uses several takes them from successive steps (the
// registry accepts one step either side of now).
func code(t *testing.T, secret string, steps int) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, time.Now().Add(time.Duration(steps)*30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrolThroughConsole starts an enrolment on the account page, checks its page and
// QR code, and returns the secret shown for manual entry.
func enrolThroughConsole(t *testing.T, b *browser) string {
	t.Helper()
	tok := b.csrf("/staff/account")
	if p := b.post("/staff/account/totp", url.Values{"csrf": {tok}}); p.status != http.StatusSeeOther || p.header.Get("Location") != "/staff/account/totp" {
		t.Fatalf("start: %d to %q, want 303 to the enrolment page\n%s", p.status, p.header.Get("Location"), p.body)
	}
	p := b.get("/staff/account/totp")
	m := secretRE.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil || !strings.Contains(p.body, `src="/staff/account/totp.png"`) {
		t.Fatalf("enrolment page: %d, want the QR code and the secret\n%s", p.status, p.body)
	}
	if again := b.get("/staff/account/totp"); !strings.Contains(again.body, m[1]) {
		t.Error("reloading the enrolment page shows another secret")
	}
	qr := b.get("/staff/account/totp.png")
	if qr.status != http.StatusOK || qr.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(qr.body, "\x89PNG") ||
		!strings.Contains(qr.header.Get("Cache-Control"), "no-store") {
		t.Errorf("QR code: %d %q %q", qr.status, qr.header.Get("Content-Type"), qr.header.Get("Cache-Control"))
	}
	return m[1]
}

// confirmThroughConsole confirms the enrolment with a code and returns the recovery
// codes the page shows.
func confirmThroughConsole(t *testing.T, b *browser, otp string) []string {
	t.Helper()
	tok := b.csrf("/staff/account/totp")
	p := b.post("/staff/account/totp/confirm", url.Values{"csrf": {tok}, "code": {otp}})
	var codes []string
	for _, m := range recoveryRE.FindAllStringSubmatch(p.body, -1) {
		codes = append(codes, m[1])
	}
	if p.status != http.StatusOK || len(codes) != 10 || !strings.Contains(p.body, "shown this once") ||
		!strings.Contains(p.header.Get("Cache-Control"), "no-store") {
		t.Fatalf("confirm: %d with %d recovery codes, want 200 with 10 and the warning\n%s", p.status, len(codes), p.body)
	}
	return codes
}

// TestStaffTOTPEnrolment: a staffer turns their second factor on in the console
// (QR code and secret, a wrong code refused, the recovery codes shown once), then
// logs in with a code or a recovery code (once), and turns it off with a code.
func TestStaffTOTPEnrolment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		addStaff(t, st, "enrol@example.org", domain.RoleEditor)
		base := console(t, st)
		b := newBrowser(t, base)
		b.login("enrol@example.org", staffPassword)

		if p := b.get("/staff/account"); p.status != http.StatusOK || !strings.Contains(p.body, `action="/staff/account/totp"`) ||
			strings.Contains(p.body, `action="/staff/account/totp/disable"`) {
			t.Fatalf("account page without a second factor: %d, want the button to set one up\n%s", p.status, p.body)
		}
		if p := b.get("/staff/account/totp"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/staff/account" {
			t.Errorf("enrolment page with none pending: %d to %q, want 303 to the account page", p.status, p.header.Get("Location"))
		}
		if p := b.get("/staff/account/totp.png"); p.status != http.StatusNotFound {
			t.Errorf("QR code with none pending: %d, want 404", p.status)
		}

		secret := enrolThroughConsole(t, b)
		tok := b.csrf("/staff/account/totp")
		if p := b.post("/staff/account/totp/confirm", url.Values{"csrf": {tok}, "code": {"000000"}}); p.status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.body, "wrong or expired code") || !strings.Contains(p.body, secret) {
			t.Errorf("a wrong code: %d, want 422 naming it, on the same enrolment\n%s", p.status, p.body)
		}
		recovery := confirmThroughConsole(t, b, code(t, secret, -1))
		if p := b.get("/staff/account"); !strings.Contains(p.body, `action="/staff/account/totp/disable"`) {
			t.Errorf("account page with the second factor on has no form to turn it off\n%s", p.body)
		}
		if p := b.get("/staff/account/totp.png"); p.status != http.StatusNotFound {
			t.Errorf("QR code of a confirmed second factor: %d, want 404 (never shown again)", p.status)
		}
		tok = b.csrf("/staff/")
		b.post("/staff/logout", url.Values{"csrf": {tok}})

		withOTP := func(b *browser, otp string) page {
			tok := b.csrf("/staff/login")
			return b.post("/staff/login", url.Values{"csrf": {tok}, "email": {"enrol@example.org"}, "password": {staffPassword}, "otp": {otp}, "next": {"/staff/"}})
		}
		if p := newBrowser(t, base).login("enrol@example.org", staffPassword); p.status != http.StatusUnauthorized || !strings.Contains(p.body, `name="otp"`) {
			t.Errorf("password alone after enrolment: %d, want 401 asking for the code", p.status)
		}
		if p := withOTP(newBrowser(t, base), recovery[3]); p.status != http.StatusSeeOther {
			t.Errorf("a recovery code: %d, want 303 into the console", p.status)
		}
		if p := withOTP(newBrowser(t, base), recovery[3]); p.status != http.StatusUnauthorized {
			t.Errorf("the same recovery code again: %d, want 401", p.status)
		}
		b = newBrowser(t, base)
		if p := withOTP(b, code(t, secret, 0)); p.status != http.StatusSeeOther {
			t.Fatalf("a code: %d, want 303 into the console\n%s", p.status, p.body)
		}

		tok = b.csrf("/staff/account")
		if p := b.post("/staff/account/totp/disable", url.Values{"csrf": {tok}, "otp": {"123456"}}); p.status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.body, "wrong or expired code") {
			t.Errorf("turning off with a wrong code: %d, want 422 beside the field\n%s", p.status, p.body)
		}
		if p := b.post("/staff/account/totp/disable", url.Values{"csrf": {tok}, "otp": {code(t, secret, 1)}}); p.status != http.StatusSeeOther ||
			p.header.Get("Location") != "/staff/account?done=totp-off" {
			t.Fatalf("turning off with a code: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
		}
		if p := b.get("/staff/account?done=totp-off"); !strings.Contains(p.body, "Your second factor is off") {
			t.Error("the account page does not say the second factor is off")
		}
		if p := newBrowser(t, base).login("enrol@example.org", staffPassword); p.status != http.StatusSeeOther {
			t.Errorf("password alone after turning it off: %d, want 303 into the console", p.status)
		}
	})
}

// TestStaffRequire2FA: under REGISTRY_REQUIRE_2FA=all an editor without a second
// factor logs in to the account page only; every other console page and form sends
// it there, until it enrols. Under admins, an editor is free.
func TestStaffRequire2FA(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		addStaff(t, st, "covered@example.org", domain.RoleEditor)

		free := newBrowser(t, consoleWith(t, st, "admins"))
		free.login("covered@example.org", staffPassword)
		if p := free.get("/staff/"); p.status != http.StatusOK {
			t.Errorf("an editor under admins: %d, want 200", p.status)
		}

		b := newBrowser(t, consoleWith(t, st, "all"))
		if p := b.login("covered@example.org", staffPassword); p.status != http.StatusSeeOther || p.header.Get("Location") != "/staff/account" {
			t.Fatalf("login of an account that must enrol: %d to %q, want 303 to /staff/account\n%s", p.status, p.header.Get("Location"), p.body)
		}
		tok := b.csrf("/staff/account")
		for _, path := range []string{"/staff/", "/staff/licenses/", "/staff/vendors/new", "/staff/users"} {
			if p := b.get(path); p.status != http.StatusSeeOther || p.header.Get("Location") != "/staff/account" {
				t.Errorf("GET %s while confined: %d to %q, want 303 to /staff/account", path, p.status, p.header.Get("Location"))
			}
		}
		if p := b.post("/staff/vendors/new", url.Values{"csrf": {tok}, "name": {"Confined Vendor"}}); p.status != http.StatusSeeOther ||
			p.header.Get("Location") != "/staff/account" {
			t.Errorf("POST while confined: %d to %q, want 303 to /staff/account", p.status, p.header.Get("Location"))
		}
		if p := b.get("/staff/account"); p.status != http.StatusOK || !strings.Contains(p.body, "must have a second factor") ||
			strings.Contains(p.body, `href="/staff/licenses/"`) {
			t.Errorf("account page while confined: %d, want 200 with the notice and no links to closed pages\n%s", p.status, p.body)
		}

		secret := enrolThroughConsole(t, b)
		if p := b.get("/staff/"); p.status != http.StatusSeeOther {
			t.Errorf("an enrolment started, not confirmed, freed the session: %d", p.status)
		}
		confirmThroughConsole(t, b, code(t, secret, 0))
		if p := b.get("/staff/account"); strings.Contains(p.body, "must have a second factor") || !strings.Contains(p.body, `href="/staff/licenses/"`) {
			t.Error("the account page still says the account must enrol, or has no links to the console")
		}
		for _, path := range []string{"/staff/", "/staff/licenses/", "/staff/vendors/new"} {
			if p := b.get(path); p.status != http.StatusOK {
				t.Errorf("GET %s after enrolment: %d, want 200", path, p.status)
			}
		}
	})
}

// TestStaffTOTPCSRF: the second factor's forms refuse a post without the session's
// CSRF token.
func TestStaffTOTPCSRF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		addStaff(t, st, "csrf2fa@example.org", domain.RoleEditor)
		b := newBrowser(t, console(t, st))
		b.login("csrf2fa@example.org", staffPassword)
		for _, path := range []string{"/staff/account/totp", "/staff/account/totp/confirm", "/staff/account/totp/disable"} {
			for _, tok := range []string{"", "forged"} {
				if p := b.post(path, url.Values{"csrf": {tok}, "code": {"123456"}, "otp": {"123456"}}); p.status != http.StatusForbidden {
					t.Errorf("POST %s with CSRF token %q: %d, want 403", path, tok, p.status)
				}
			}
		}
		if p := b.get("/staff/account/totp"); p.status != http.StatusSeeOther {
			t.Errorf("a refused start began an enrolment: %d", p.status)
		}
	})
}
