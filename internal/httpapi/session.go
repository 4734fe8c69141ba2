package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// loginRequest is the body of a login.
type loginRequest struct {
	// The staff account's email address.
	Email string `json:"email" example:"editor@example.org"`
	// The account's password.
	Password string `json:"password"`
	// DeviceToken is the device_token of an earlier successful login to this account
	// (browsers send it as a cookie instead): such a login has a budget of its own,
	// which others' wrong passwords for the account do not use up.
	DeviceToken string `json:"device_token,omitempty" maxLength:"256"`
	// OTP is the second factor of an account that has one: the six-digit code from
	// its authenticator app, or one of its recovery codes (each good once).
	OTP string `json:"otp,omitempty" example:"123456" maxLength:"64"`
}

// refreshRequest is the body of a refresh.
type refreshRequest struct {
	// An opaque token that POST /api/v1/auth/refresh trades for new tokens, once.
	RefreshToken string `json:"refresh_token"`
}

// tokenResponse is what a login or refresh gives.
type tokenResponse struct {
	// A short-lived JWT to send as Authorization: Bearer.
	AccessToken string `json:"access_token"`
	// An opaque token that POST /api/v1/auth/refresh trades for new tokens, once.
	RefreshToken string `json:"refresh_token"`
	// Always Bearer.
	TokenType string `json:"token_type" example:"Bearer"`
	// ExpiresIn is the access token's lifetime in seconds.
	ExpiresIn int `json:"expires_in" example:"900"`
	// DeviceToken (login only) proves on later logins that this client logged in to
	// this account; it is also set as an HttpOnly cookie. It is good for 90 days.
	DeviceToken string `json:"device_token,omitempty"`
	// EnrolSecondFactor is true when REGISTRY_REQUIRE_2FA covers this
	// account and it has no second factor yet: until it enrols one (POST
	// /api/v1/auth/totp, then /api/v1/auth/totp/confirm) the access token works only
	// for those two routes, /api/v1/auth/me and /api/v1/auth/logout (403 elsewhere).
	EnrolSecondFactor bool `json:"enrol_second_factor,omitempty"`
}

// meResponse is the authenticated staff member.
type meResponse struct {
	Data store.User `json:"data"`
}

// login opens a session.
//
//	@Summary		Log in
//	@Description	Trades an email and password for a short-lived access token (a JWT for the Authorization header) and an opaque refresh token. An unknown email and a wrong password get the same answer. Attempts are limited per client IP and per account; over the limit the answer is 429 with Retry-After.
//	@Description	An account with a second factor (TOTP) sends `otp` too: the code from its authenticator app, or one of its recovery codes, each good once. Without it, or with a wrong one, the answer is 401 with the problem naming `otp` (said only after a right password). When REGISTRY_REQUIRE_2FA covers an account without a second factor, the answer has `enrol_second_factor: true` and its access token works only for enrolment (POST /api/v1/auth/totp, /api/v1/auth/totp/confirm), /api/v1/auth/me and /api/v1/auth/logout until it enrols: every other route answers 403.
//	@Description	A successful login also returns a `device_token` (and sets it as the HttpOnly cookie `registry_device`). A later login to the same account that presents it, as `device_token` or the cookie, has a small budget of its own (failed attempts: 5 per 15 minutes) instead of the client IP's and the account's, so that others guessing the account's password cannot lock its owner out. A device token that is forged, expired or another account's counts as none.
//	@Tags			auth
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Param			body	body		loginRequest	true	"credentials"
//	@Success		200		{object}	tokenResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/auth/login [post]
//	@ID				login
func (s *Server) login(c echo.Context) error {
	req, err := decodeValid[loginRequest](c)
	if err != nil {
		return err
	}
	now := time.Now()
	account := accountKey(req.Email)
	succeeded, err := s.throttleLogin(c, account, req.DeviceToken, now)
	if err != nil {
		return err
	}
	g, err := s.store.LoginWith(c.Request().Context(), store.Credentials{Email: req.Email, Password: req.Password, OTP: req.OTP})
	if err != nil {
		if domain.ErrorCode(err) == domain.EUNAUTHORIZED {
			s.log.InfoContext(c.Request().Context(), "login refused", "remote_ip", c.RealIP())
		}
		return err
	}
	succeeded()
	device, err := s.issueDevice(c, account, now)
	if err != nil {
		return err
	}
	return s.grant(c, g, device)
}

// grant answers a login or refresh with a new access token, and a login with a
// device token too.
func (s *Server) grant(c echo.Context, g store.Grant, deviceToken string) error {
	token, expiresIn, err := s.keys.Issue(int(g.User.ID), g.User.Role, g.SessionID, g.Epoch, time.Now())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, tokenResponse{AccessToken: token, RefreshToken: g.RefreshToken, TokenType: "Bearer", ExpiresIn: expiresIn, DeviceToken: deviceToken,
		EnrolSecondFactor: auth.MustEnrol(s.require2FA, g.User.Role, g.User.SecondFactor)})
}

// refresh rotates a refresh token.
//
//	@Summary		Refresh
//	@Description	Trades a refresh token for a new access token and the next refresh token. Each refresh token works once: presenting one again revokes its whole session. Refreshes are limited per client IP; over the limit the answer is 429 with Retry-After.
//	@Tags			auth
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Param			body	body		refreshRequest	true	"the refresh token"
//	@Success		200		{object}	tokenResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/auth/refresh [post]
//	@ID				refreshToken
func (s *Server) refresh(c echo.Context) error {
	if err := s.refreshByIP.allow(c.RealIP(), time.Now()); err != nil {
		return err
	}
	req, err := decodeValid[refreshRequest](c)
	if err != nil {
		return err
	}
	g, err := s.store.Refresh(c.Request().Context(), req.RefreshToken)
	if err != nil {
		return err
	}
	return s.grant(c, g, "")
}

// logout ends the session.
//
//	@Summary		Log out
//	@Description	Ends the session of the access token: it and its refresh tokens stop working at once, on every instance.
//	@Tags			auth
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Success		204
//	@Failure		401	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Router			/api/v1/auth/logout [post]
//	@ID				logout
func (s *Server) logout(c echo.Context) error {
	sid, _ := c.Get(sessionKey).(string)
	if sid == "" {
		return domain.Errorf(domain.EUNAUTHORIZED, "this needs a staff token")
	}
	if err := s.store.Logout(c.Request().Context(), sid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// me returns the authenticated staff member.
//
//	@Summary		Who am I
//	@Description	The staff account the bearer token belongs to, with its role.
//	@Tags			auth
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Success		200	{object}	meResponse
//	@Failure		401	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Router			/api/v1/auth/me [get]
//	@ID				getCurrentUser
func (s *Server) me(c echo.Context) error {
	v, ok := viewer(c)
	if !ok {
		return domain.Errorf(domain.EUNAUTHORIZED, "this needs a staff token")
	}
	u, err := s.store.GetUser(c.Request().Context(), v.UserID)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.JSON(http.StatusOK, meResponse{Data: u})
}

// passwordChangeRequest is a staff member's change of their own password.
type passwordChangeRequest struct {
	// The password the account has now.
	CurrentPassword string `json:"current_password"`
	// NewPassword is at least 12 characters, not a common password.
	NewPassword string `json:"new_password"`
}

// changePassword changes the caller's password.
//
//	@Summary		Change my password
//	@Description	Needs the current password (401 naming current_password when wrong); the new one must pass the policy (400 naming new_password). Every session of the account ends, this one too: log in again with the new password.
//	@Tags			auth
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			body	body	passwordChangeRequest	true	"the passwords"
//	@Success		204		"changed"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/auth/password [post]
//	@ID				changeOwnPassword
func (s *Server) changePassword(c echo.Context) error {
	req, err := decodeValid[passwordChangeRequest](c)
	if err != nil {
		return err
	}
	v, _ := viewer(c)
	// Guessing the current password through this route costs what a login does.
	succeeded, err := s.throttleLogin(c, "user:"+domain.ID(v.UserID).String(), "", time.Now())
	if err != nil {
		return err
	}
	if err := s.store.ChangePassword(c.Request().Context(), v.UserID, req.CurrentPassword, req.NewPassword, ""); err != nil {
		fields := domain.ErrorFields(err)
		if _, wrong := fields["current_password"]; wrong {
			return &domain.Error{Code: domain.EUNAUTHORIZED, Message: "the current password is wrong",
				Fields: map[string]string{"current_password": "wrong password"}}
		}
		if problem, ok := fields["password"]; ok {
			return domain.Invalid("new_password", problem)
		}
		return err
	}
	succeeded()
	return c.NoContent(http.StatusNoContent)
}
