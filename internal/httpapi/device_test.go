package httpapi_test

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestDeviceTokenKeepsTheOwnerIn is OWASP's "device cookies" against finding 4 of
// issue 12: a trickle of wrong passwords from one address exhausts the account's
// login budget, yet the owner, presenting the device token of an earlier login (in
// the body or as the cookie), still logs in from another address. Without one, or
// with a forged, altered or other account's one, the owner gets 429 like anyone.
// Failed logins with a device token lock only that token.
func TestDeviceTokenKeepsTheOwnerIn(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	staff(t, st, "owner@example.org", domain.RoleAdmin)
	staff(t, st, "other@example.org", domain.RoleEditor)
	_, loopback, _ := net.ParseCIDR("127.0.0.1/32")
	a := newAPIWith(t, st, httpapi.Options{LoginEvery: time.Hour, LoginBurst: 3, DeviceEvery: time.Hour, DeviceBurst: 3,
		TrustedProxies: []*net.IPNet{loopback}})
	login := func(from, email, password string, device string, header ...string) response {
		t.Helper()
		h := map[string]string{"X-Forwarded-For": from}
		for i := 0; i+1 < len(header); i += 2 {
			h[header[i]] = header[i+1]
		}
		body := map[string]string{"email": email, "password": password}
		if device != "" {
			body["device_token"] = device
		}
		return a.send(http.MethodPost, "/api/v1/auth/login", h, body)
	}
	deviceOf := func(r response) string {
		t.Helper()
		expect(t, "login", r, 200)
		tok, _ := r.json(t)["device_token"].(string)
		if tok == "" {
			t.Fatalf("a login answer without device_token: %s", r.body)
		}
		return tok
	}
	tooMany := func(what string, r response) {
		t.Helper()
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
			t.Errorf("%s: %d, Retry-After %q; want 429 with Retry-After\n%s", what, r.status, r.header.Get("Retry-After"), truncate(r.body))
		}
	}

	// The owner logs in once from B; a browser gets the token as a cookie too.
	first := login("198.51.100.2", "owner@example.org", strongPassword, "", "X-Forwarded-Proto", "https")
	device := deviceOf(first)
	cookie := first.header.Get("Set-Cookie")
	for _, want := range []string{"registry_device=" + device, "HttpOnly", "SameSite=Strict", "Secure", "Path=/api/v1/auth/login"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie %q lacks %q", cookie, want)
		}
	}
	if plain := login("198.51.100.9", "other@example.org", strongPassword, ""); strings.Contains(plain.header.Get("Set-Cookie"), "Secure") {
		t.Errorf("a cookie sent over plain HTTP is marked Secure: %s", plain.header.Get("Set-Cookie"))
	}
	otherDevice := deviceOf(login("198.51.100.9", "other@example.org", strongPassword, ""))

	// A trickle of wrong passwords from A exhausts the account's budget.
	for i := range 10 {
		r := login("203.0.113.1", "owner@example.org", "wrong wrong wrong", "")
		if r.status == http.StatusTooManyRequests {
			break
		}
		if r.status != http.StatusUnauthorized || i == 9 {
			t.Fatalf("wrong password %d: %d, want 401 until 429", i+1, r.status)
		}
	}
	// The owner without a device token is locked out with everyone else.
	tooMany("the owner without a device token", login("198.51.100.3", "owner@example.org", strongPassword, ""))
	altered := device[:len(device)-1] + "A"
	if altered == device {
		altered = device[:len(device)-1] + "B"
	}
	for name, tok := range map[string]string{
		"another account's device token": otherDevice,
		"an altered device token":        altered,
		"its access token":               first.json(t)["access_token"].(string),
	} {
		tooMany("the owner with "+name, login("198.51.100.4", "owner@example.org", strongPassword, tok))
	}
	// With the device token, in the body or as the cookie, the owner gets in.
	second := login("198.51.100.5", "owner@example.org", strongPassword, device)
	secondDevice := deviceOf(second)
	if secondDevice == device {
		t.Error("a login with a device token got the same token back")
	}
	expect(t, "the owner with the cookie", login("198.51.100.6", "owner@example.org", strongPassword, "", "Cookie", "registry_device="+device), 200)
	expect(t, "a bad body token beside a good cookie", login("198.51.100.6", "owner@example.org", strongPassword, otherDevice, "Cookie", "registry_device="+device), 200)
	// Successes do not use up a device's budget (3 here): it counts failures.
	for range 4 {
		expect(t, "a repeated login with the device token", login("198.51.100.5", "owner@example.org", strongPassword, device), 200)
	}

	// A stolen device token buys three guesses, then only it is locked.
	for i := range 3 {
		if r := login("203.0.113.7", "owner@example.org", "wrong wrong wrong", device); r.status != http.StatusUnauthorized {
			t.Fatalf("guess %d with the device token: %d, want 401", i+1, r.status)
		}
	}
	tooMany("a fourth guess with the device token", login("203.0.113.7", "owner@example.org", "wrong wrong wrong", device))
	tooMany("the locked device token with the right password", login("198.51.100.5", "owner@example.org", strongPassword, device))
	expect(t, "the owner's other device token", login("198.51.100.5", "owner@example.org", strongPassword, secondDevice), 200)
}

// TestRefreshThrottle: refreshes are limited per client IP (item 8 of issue 12),
// with 429 and Retry-After over the limit; another client is not affected.
func TestRefreshThrottle(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	staff(t, st, "editor@example.org", domain.RoleEditor)
	_, loopback, _ := net.ParseCIDR("127.0.0.1/32")
	a := newAPIWith(t, st, httpapi.Options{RefreshEvery: time.Hour, RefreshBurst: 2, TrustedProxies: []*net.IPNet{loopback}})
	_, refresh := a.login("editor@example.org", strongPassword)
	try := func(from, token string) response {
		return a.send(http.MethodPost, "/api/v1/auth/refresh", map[string]string{"X-Forwarded-For": from}, map[string]string{"refresh_token": token})
	}
	for i := range 2 {
		expect(t, "a guessed refresh token", try("203.0.113.1", "guess.guess"+string(rune('a'+i))), 401)
	}
	r := try("203.0.113.1", refresh)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("third refresh from one client: %d, Retry-After %q; want 429 with Retry-After", r.status, r.header.Get("Retry-After"))
	}
	expect(t, "a refresh from another client", try("203.0.113.2", refresh), 200)
}
