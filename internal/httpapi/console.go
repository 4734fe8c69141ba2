package httpapi

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/intake"
	"github.com/export-registry/registry/internal/web"
)

// consoleGate gives the staff console (package web) the API's login throttle and
// device tokens, so that a password guessed in the console's form counts against
// the same budgets as one sent to /api/v1/auth/login, and a device token earned in
// either place serves the other's form of the same account.
type consoleGate struct{ s *Server }

// consoleDevicePath is where a browser sends the device cookie the console sets:
// its login form. (The API's is sent to /api/v1/auth/login.)
const consoleDevicePath = "/staff/login"

// ThrottleLogin counts a console login attempt as throttleLogin counts the API's.
func (g consoleGate) ThrottleLogin(w http.ResponseWriter, r *http.Request, account string, now time.Time) (func(), error) {
	return g.s.throttleLogin(g.s.echo.NewContext(r, w), account, "", now)
}

// IssueDevice sets a device-token cookie for the console's login form.
func (g consoleGate) IssueDevice(w http.ResponseWriter, r *http.Request, account string, now time.Time) error {
	tok, err := g.s.keys.IssueDevice(account, now)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: tok, Path: consoleDevicePath,
		MaxAge: int(auth.DeviceTTL / time.Second), HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: g.Secure(r)})
	return nil
}

// Intake takes a console upload in as the API's intake does.
func (g consoleGate) Intake(ctx context.Context, f web.IntakeFile) (intake.Report, error) {
	return Intake(ctx, g.s.store, IntakeRequest{Name: f.Name, ContentType: f.ContentType, Body: f.Body, Options: f.Options, Source: f.Source, DryRun: f.DryRun})
}

// Secure reports whether the client reached the registry over TLS: the connection
// is TLS, or it comes from a trusted proxy (REGISTRY_TRUSTED_PROXIES) that says
// X-Forwarded-Proto: https. Anyone else's header is ignored, as for the client IP.
func (g consoleGate) Secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	for _, n := range g.s.trustedProxies {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}
