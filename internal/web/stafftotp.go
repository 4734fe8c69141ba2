package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/domain"
)

// The console's second factor, on the account page: start a TOTP enrolment, see its
// QR code and secret, confirm it with a code (which shows the recovery codes once),
// or turn it off with a current code. The pending secret is the store's (kept on
// the account, unconfirmed, by StartTOTP): the enrolment page and its QR code read
// it back with PendingTOTP, so a reload shows the same secret and nothing else
// holds it.
//
// Under REGISTRY_REQUIRE_2FA an account it covers that has no second factor logs
// in, but its session is confined to the account page (and logout) until it enrols:
// checked on every request, so enrolling frees it at once.

// mustEnrol reports whether the session's account must enrol before anything else.
func (s *staff) mustEnrol(c *staffCtx) bool {
	return auth.MustEnrol(s.opts.Require2FA, c.sess.User.Role, c.sess.User.SecondFactor)
}

// enrolmentPath reports whether path stays open to an account that must enrol: the
// account page, its second-factor pages and logout.
func enrolmentPath(path string) bool {
	return path == "/staff/account" || strings.HasPrefix(path, "/staff/account/") || path == "/staff/logout"
}

// totpData is the enrolment page's.
type totpData struct {
	Secret string
	// URL is the otpauth URL the QR code holds (for a phone that opens links).
	URL       string
	Error     string
	MustEnrol bool
	// Recovery are the recovery codes, shown once after a confirmed enrolment.
	Recovery []string
}

// totpStart begins an enrolment (a new secret replaces a pending one) and sends
// the staffer to its page.
func (s *staff) totpStart(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	if _, err := s.st.StartTOTP(r.Context(), int(c.sess.User.ID)); err != nil {
		s.fail(w, r, c, err)
		return
	}
	setStaffHeaders(w.Header())
	http.Redirect(w, r, "/staff/account/totp", http.StatusSeeOther)
}

// totpPage shows the pending enrolment: its QR code, its secret for manual entry
// and the form that confirms it. Without one it goes back to the account page.
func (s *staff) totpPage(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	s.renderTOTP(w, r, c, "", http.StatusOK)
}

func (s *staff) renderTOTP(w http.ResponseWriter, r *http.Request, c *staffCtx, msg string, status int) {
	en, err := s.st.PendingTOTP(r.Context(), int(c.sess.User.ID))
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		setStaffHeaders(w.Header())
		http.Redirect(w, r, "/staff/account", http.StatusSeeOther)
		return
	}
	if err != nil {
		s.fail(w, r, c, err)
		return
	}
	s.render(w, r, c, "totp", staffPage{Title: "Set up a second factor", Status: status,
		Data: totpData{Secret: en.Secret, URL: en.URL, Error: msg, MustEnrol: s.mustEnrol(c)}})
}

// totpQR is the pending enrolment's QR code, a PNG served from the console (the
// page's CSP allows images from the registry itself), never cached.
func (s *staff) totpQR(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	en, err := s.st.PendingTOTP(r.Context(), int(c.sess.User.ID))
	if err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			s.errorPage(w, r, c, http.StatusNotFound, "Not found", "No second-factor enrolment is pending: start one from your account page.")
			return
		}
		s.fail(w, r, c, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("Content-Length", strconv.Itoa(len(en.QRPNG)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(en.QRPNG)
}

// totpConfirm turns the second factor on with a code from the app, and shows the
// recovery codes this once.
func (s *staff) totpConfirm(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	codes, err := s.st.ConfirmTOTP(r.Context(), int(c.sess.User.ID), r.PostFormValue("code"))
	if err != nil {
		if msg, ok := domain.ErrorFields(err)["code"]; ok {
			s.renderTOTP(w, r, c, "The code is "+msg+".", http.StatusUnprocessableEntity)
			return
		}
		if domain.ErrorCode(err) == domain.ECONFLICT {
			setStaffHeaders(w.Header())
			http.Redirect(w, r, "/staff/account", http.StatusSeeOther)
			return
		}
		s.fail(w, r, c, err)
		return
	}
	c.sess.User.SecondFactor = true // as the next request will read it
	s.render(w, r, c, "totp", staffPage{Title: "Your second factor is on", Data: totpData{Recovery: codes}})
}

// totpDisable turns the second factor off, given a current code or a recovery code.
func (s *staff) totpDisable(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	err := s.st.DisableTOTP(r.Context(), int(c.sess.User.ID), r.PostFormValue("otp"))
	if err != nil {
		if msg, ok := domain.ErrorFields(err)["otp"]; ok {
			s.renderAccount(w, r, c, accountData{Errors: map[string]string{"otp": msg}}, http.StatusUnprocessableEntity)
			return
		}
		if domain.ErrorCode(err) == domain.ECONFLICT {
			setStaffHeaders(w.Header())
			http.Redirect(w, r, "/staff/account", http.StatusSeeOther)
			return
		}
		s.fail(w, r, c, err)
		return
	}
	setStaffHeaders(w.Header())
	http.Redirect(w, r, "/staff/account?done=totp-off", http.StatusSeeOther)
}
