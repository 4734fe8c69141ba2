package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// userList is the list of accounts.
type userList struct {
	// The staff accounts.
	Data []store.User `json:"data"`
}

// listUsers lists the staff accounts.
//
//	@Summary		List accounts
//	@Description	Every staff account, with its role and whether it is disabled. Admins only; never cached.
//	@Tags			users
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Success		200	{object}	userList
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Router			/api/v1/users [get]
//	@ID				listUsers
func (s *Server) listUsers(c echo.Context) error {
	users, err := s.store.ListUsers(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.JSON(http.StatusOK, userList{Data: users})
}

// createUser creates a staff account.
//
//	@Summary		Create an account
//	@Description	The password needs at least 12 characters and may not be a common one or contain the email or name.
//	@Tags			users
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			body	body		store.NewUser	true	"the account"
//	@Success		201		{object}	meResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/users [post]
//	@ID				createUser
func (s *Server) createUser(c echo.Context) error {
	req, err := decodeValid[store.NewUser](c)
	if err != nil {
		return err
	}
	u, err := s.store.CreateUser(c.Request().Context(), req)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/users/"+u.ID.String())
	return c.JSON(http.StatusCreated, meResponse{Data: u})
}

// getUser returns an account.
//
//	@Summary		Get an account
//	@Description	One staff account by id. Admins only; never cached.
//	@Tags			users
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id	path		string	true	"user id"
//	@Success		200	{object}	meResponse
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Router			/api/v1/users/{id} [get]
//	@ID				getUser
func (s *Server) getUser(c echo.Context) error {
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	u, err := s.store.GetUser(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.JSON(http.StatusOK, meResponse{Data: u})
}

// updateUser changes an account's name, role or disabled flag.
//
//	@Summary		Change an account
//	@Description	Disabling an account or changing its role ends its sessions and tokens at once.
//	@Tags			users
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id		path		string				true	"user id"
//	@Param			body	body		store.UserChange	true	"the fields to change"
//	@Success		200		{object}	meResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/users/{id} [patch]
//	@ID				updateUser
func (s *Server) updateUser(c echo.Context) error {
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	req, err := decodeValid[store.UserChange](c)
	if err != nil {
		return err
	}
	if v, _ := viewer(c); v.UserID == id && ((req.Disabled != nil && *req.Disabled) || (req.Role != nil && *req.Role != domain.RoleAdmin)) {
		return domain.Errorf(domain.ECONFLICT, "an admin cannot disable or demote their own account")
	}
	u, err := s.store.UpdateUser(c.Request().Context(), id, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, meResponse{Data: u})
}

// passwordRequest is an admin's reset of an account's password.
type passwordRequest struct {
	// Password is the new password (at least 12 characters, not a common one).
	Password string `json:"password"`
}

// resetPassword sets an account's password.
//
//	@Summary		Reset an account's password
//	@Description	An admin sets a new password for an account (the password policy applies: 400 naming password). Every session and token of the account ends at once.
//	@Tags			users
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id		path	string			true	"user id"
//	@Param			body	body	passwordRequest	true	"the new password"
//	@Success		204		"reset"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/users/{id}/password [post]
//	@ID				resetUserPassword
func (s *Server) resetPassword(c echo.Context) error {
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	req, err := decodeValid[passwordRequest](c)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(c.Request().Context(), id, req.Password); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// resetSecondFactor turns an account's second factor off.
//
//	@Summary		Reset an account's second factor
//	@Description	An admin turns off the second factor (TOTP) of an account that lost it; its sessions and tokens end. Where REGISTRY_REQUIRE_2FA covers the account, it enrols again at its next login.
//	@Tags			users
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id	path	string	true	"user id"
//	@Success		204	"reset"
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Router			/api/v1/users/{id}/reset-2fa [post]
//	@ID				resetUserSecondFactor
func (s *Server) resetSecondFactor(c echo.Context) error {
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	if _, err := s.store.GetUser(c.Request().Context(), id); err != nil {
		return err
	}
	if err := s.store.ResetTOTP(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
