package httpapi

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/domain"
)

// sessionKey is where the authenticate middleware leaves the token's session id.
const sessionKey = "registry.session"

// authenticate reads a bearer token when there is one. A request without one is
// anonymous; a request with a bad one is refused, so a client learns at once that
// its token no longer works instead of silently seeing less.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		if h == "" {
			return next(c)
		}
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || len(token) > auth.MaxTokenBytes {
			return domain.Errorf(domain.EUNAUTHORIZED, "invalid or expired token")
		}
		claims, err := s.keys.Verify(strings.TrimSpace(token), time.Now())
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		viewer, err := s.store.Authenticate(ctx, claims)
		if err != nil {
			return err
		}
		if auth.MustEnrol(s.require2FA, viewer.Role, viewer.SecondFactor) && !enrolmentRoutes[c.Path()] {
			return domain.Errorf(domain.EFORBIDDEN, "this account must enrol a second factor first (REGISTRY_REQUIRE_2FA): POST /api/v1/auth/totp, then /api/v1/auth/totp/confirm")
		}
		c.Set(sessionKey, claims.SessionID)
		c.SetRequest(c.Request().WithContext(domain.WithViewer(ctx, viewer)))
		return next(c)
	}
}

// enrolmentRoutes are all a token may use while its account must enrol a second
// factor (REGISTRY_REQUIRE_2FA): enrolment itself, who am I, and logout.
var enrolmentRoutes = map[string]bool{
	"/api/v1/auth/totp":         true,
	"/api/v1/auth/totp/confirm": true,
	"/api/v1/auth/me":           true,
	"/api/v1/auth/logout":       true,
}

// viewer returns the authenticated staff member, if any.
func viewer(c echo.Context) (domain.Viewer, bool) {
	v, ok := domain.ViewerFrom(c.Request().Context())
	return v, ok && !v.System
}

// canSeeDrafts reports whether the request carries a staff token.
func (s *Server) canSeeDrafts(c echo.Context) bool {
	v, ok := viewer(c)
	return ok && v.CanWrite()
}

// requireWriter lets editors and admins through: deny by default, 401 without a
// token, 403 with too little role.
func requireWriter(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		v, ok := viewer(c)
		switch {
		case !ok:
			return domain.Errorf(domain.EUNAUTHORIZED, "this needs a staff token (POST /api/v1/auth/login)")
		case !v.CanWrite():
			return domain.Errorf(domain.EFORBIDDEN, "this needs an editor's or admin's account")
		}
		return next(c)
	}
}

// requireAdmin lets admins through.
func requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		v, ok := viewer(c)
		switch {
		case !ok:
			return domain.Errorf(domain.EUNAUTHORIZED, "this needs a staff token (POST /api/v1/auth/login)")
		case !v.CanManageUsers():
			return domain.Errorf(domain.EFORBIDDEN, "this needs an admin's account")
		}
		return next(c)
	}
}

// noStore marks answers to authenticated requests private: they may hold drafts.
func noStore(c echo.Context) {
	if _, ok := viewer(c); ok {
		c.Response().Header().Set("Cache-Control", "private, no-store")
	}
}
