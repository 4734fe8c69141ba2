package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/httpx"
)

// deviceCookie carries a browser's device token (see auth.IssueDevice). It is sent
// to the login route only: elsewhere it would be of no use, and a cookie on public
// GETs keeps shared caches from answering them.
const (
	deviceCookie     = "registry_device"
	deviceCookiePath = "/api/v1/auth/login"
)

// accountKey is the form of a login's email that its account budget and device
// tokens are keyed by.
func accountKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// throttleLogin counts a login attempt. A client presenting a device token that
// this account's login gave it (in the body, or the cookie) has proved itself: the
// attempt counts against that token's own small budget only, so that strangers
// guessing the account's password, who exhaust the client-IP and account budgets,
// do not lock its owner out. Any other attempt counts against the client IP's and the
// account's budgets. A forged, expired or other account's device token counts as
// none.
//
// The returned function is called when the login succeeds: it gives the device its
// attempt back, so that its budget counts failures and only guessing with a stolen
// device token locks that token.
func (s *Server) throttleLogin(c echo.Context, account, bodyToken string, now time.Time) (succeeded func(), err error) {
	if id, ok := s.verifiedDevice(c, account, bodyToken, now); ok {
		return s.loginByDevice.take(id, now)
	}
	if err := s.loginByIP.allow(c.RealIP(), now); err != nil {
		return nil, err
	}
	if err := s.loginByAccount.allow(account, now); err != nil {
		return nil, err
	}
	return func() {}, nil
}

// verifiedDevice returns the id of the first valid device token for account among
// the body's and the cookie's.
func (s *Server) verifiedDevice(c echo.Context, account, bodyToken string, now time.Time) (string, bool) {
	candidates := []string{bodyToken}
	if ck, err := c.Cookie(deviceCookie); err == nil {
		candidates = append(candidates, ck.Value)
	}
	for _, tok := range candidates {
		if tok == "" {
			continue
		}
		if id, ok := s.keys.VerifyDevice(tok, account, now); ok {
			return id, true
		}
	}
	return "", false
}

// issueDevice returns a new device token for the account that just logged in, and
// sets it as a cookie for browsers: HttpOnly (no script reads it), SameSite=Strict
// (no other site's page sends it), Secure when the client came over TLS.
func (s *Server) issueDevice(c echo.Context, account string, now time.Time) (string, error) {
	tok, err := s.keys.IssueDevice(account, now)
	if err != nil {
		return "", err
	}
	c.SetCookie(&http.Cookie{
		Name:     deviceCookie,
		Value:    tok,
		Path:     deviceCookiePath,
		MaxAge:   int(auth.DeviceTTL / time.Second),
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
		Secure:   httpx.Scheme(c.Request()) == "https",
	})
	return tok, nil
}
