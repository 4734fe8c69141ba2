package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// The second factor (TOTP, RFC 6238): a staff member enrols their own account. The
// store does the work (StartTOTP, ConfirmTOTP, DisableTOTP), which the staff console
// calls too.

// totpEnrolment is the start of an enrolment: the secret, shown this once.
type totpEnrolment struct {
	// OTPAuthURL is the otpauth:// URL authenticator apps read.
	OTPAuthURL string `json:"otpauth_url" example:"otpauth://totp/Surveillance%20Export%20Registry:editor@example.org?algorithm=SHA1&digits=6&issuer=Surveillance%20Export%20Registry&period=30&secret=JBSWY3DPEHPK3PXP"`
	// Secret is the base32 secret, for typing into an app that cannot scan.
	Secret string `json:"secret" example:"JBSWY3DPEHPK3PXP"`
	// QRPNG is the URL as a QR code: a data: URL of a PNG image, for an <img>.
	QRPNG string `json:"qr_png" example:"data:image/png;base64,iVBORw0KGgo…"`
}

// totpConfirmRequest confirms an enrolment.
type totpConfirmRequest struct {
	// Code is the six-digit code the app shows now.
	Code string `json:"code" example:"123456" maxLength:"16"`
}

// totpRecoveryCodes are the one-time recovery codes of a confirmed enrolment.
type totpRecoveryCodes struct {
	// RecoveryCodes are shown this once; each works once in place of a code.
	RecoveryCodes []string `json:"recovery_codes"`
}

// totpDisableRequest turns the second factor off.
type totpDisableRequest struct {
	// OTP is a current code, or a recovery code.
	OTP string `json:"otp" example:"123456" maxLength:"64"`
}

// startTOTP starts a TOTP enrolment.
//
//	@Summary		Start second-factor enrolment
//	@Description	Makes a new TOTP secret for the caller's account and answers with it this once: the otpauth URL, the secret and a QR code (a PNG data: URL). It counts only once confirmed (POST /api/v1/auth/totp/confirm); until then logins are as before. Starting again replaces an unconfirmed secret; an account whose second factor is on gets 409 (disable it first). The secret is never shown again and is left out of backups.
//	@Tags			auth
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Success		200	{object}	totpEnrolment
//	@Failure		401	{object}	Problem
//	@Failure		409	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Router			/api/v1/auth/totp [post]
//	@ID				startTotpEnrolment
func (s *Server) startTOTP(c echo.Context) error {
	v, _ := viewer(c)
	en, err := s.store.StartTOTP(c.Request().Context(), v.UserID)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, totpEnrolment{OTPAuthURL: en.URL, Secret: en.Secret, QRPNG: en.QRDataURL()})
}

// confirmTOTP confirms a TOTP enrolment.
//
//	@Summary		Confirm second-factor enrolment
//	@Description	Turns the second factor on with a code from the app that read the secret, and answers with ten one-time recovery codes, shown this once (the registry keeps only their hashes). From now on a login needs `otp`. A wrong code is 400 naming `code`; no enrolment started, or one confirmed already, is 409.
//	@Tags			auth
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			body	body		totpConfirmRequest	true	"the code"
//	@Success		200		{object}	totpRecoveryCodes
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/auth/totp/confirm [post]
//	@ID				confirmTotpEnrolment
func (s *Server) confirmTOTP(c echo.Context) error {
	req, err := decodeValid[totpConfirmRequest](c)
	if err != nil {
		return err
	}
	v, _ := viewer(c)
	codes, err := s.store.ConfirmTOTP(c.Request().Context(), v.UserID, req.Code)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, totpRecoveryCodes{RecoveryCodes: codes})
}

// disableTOTP turns the second factor off.
//
//	@Summary		Disable the second factor
//	@Description	Turns the caller's second factor off, given a current code or a recovery code as `otp` (400 naming `otp` when wrong); its secret and recovery codes are deleted. Where REGISTRY_REQUIRE_2FA covers the account, it must enrol again before anything else.
//	@Tags			auth
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			body	body	totpDisableRequest	true	"a code"
//	@Success		204		"disabled"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/auth/totp/disable [post]
//	@ID				disableTotp
func (s *Server) disableTOTP(c echo.Context) error {
	req, err := decodeValid[totpDisableRequest](c)
	if err != nil {
		return err
	}
	v, _ := viewer(c)
	if err := s.store.DisableTOTP(c.Request().Context(), v.UserID, req.OTP); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
