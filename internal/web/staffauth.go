package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpx"
	"github.com/export-registry/registry/internal/store"
)

// loginForm is the login page's form. OTP is read so that a second factor needs no
// new form: the page asks for it when AskOTP is set, which the login sets once
// accounts may have one.
type loginForm struct {
	Email    string
	Password string
	OTP      string
	Next     string
	AskOTP   bool
	Error    string
}

// loginPage shows the login form. The form's CSRF token comes from a random cookie
// set here, since there is no session yet.
func (s *staff) loginPage(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(sessionCookie); err == nil {
		if _, err := s.st.ConsoleSessionOf(r.Context(), ck.Value, s.opts.Now()); err == nil {
			http.Redirect(w, r, "/staff/", http.StatusSeeOther)
			return
		}
	}
	s.renderLogin(w, r, loginForm{Next: safeNext(r.URL.Query().Get("next"))}, http.StatusOK)
}

func (s *staff) renderLogin(w http.ResponseWriter, r *http.Request, f loginForm, status int) {
	secret := randomToken()
	s.setCookie(w, r, loginCookie, secret, 3600)
	f.Password = "" // never sent back
	s.render(w, r, nil, "login", staffPage{Title: "Staff login", CSRF: csrfToken(secret), Status: status, Data: f})
}

// loginSubmit checks the credentials, counted against the API's login budgets, and
// opens a console session.
func (s *staff) loginSubmit(w http.ResponseWriter, r *http.Request) {
	f := loginForm{Email: r.PostFormValue("email"), Password: r.PostFormValue("password"),
		OTP: r.PostFormValue("otp"), Next: safeNext(r.PostFormValue("next"))}
	ck, err := r.Cookie(loginCookie)
	if err != nil || !validCSRF(r, csrfToken(ck.Value)) {
		s.errorPage(w, r, nil, http.StatusForbidden, "Forbidden", "This login form was not sent from the login page (its CSRF token is missing or wrong). Open the login page again.")
		return
	}
	now := s.opts.Now()
	account := strings.ToLower(strings.TrimSpace(f.Email))
	succeeded, err := s.gate.ThrottleLogin(w, r, account, now)
	if err != nil {
		f.Error = domain.ErrorMessage(err)
		if ra := retryAfter(err); ra != "" {
			w.Header().Set("Retry-After", ra)
		}
		s.renderLogin(w, r, f, httpx.Status(err))
		return
	}
	sid, sess, err := s.st.ConsoleLogin(r.Context(), f.Email, f.Password, f.OTP, now)
	if err != nil {
		if domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			s.fail(w, r, nil, err)
			return
		}
		s.log.InfoContext(r.Context(), "console login refused")
		f.Error = "Wrong email or password."
		if _, otp := domain.ErrorFields(err)["otp"]; otp {
			// The password was right: the account has a second factor.
			f.AskOTP = true
			f.Error = "Enter the code your authenticator app shows now, or one of your recovery codes, with your password."
		}
		s.renderLogin(w, r, f, http.StatusUnauthorized)
		return
	}
	if auth.MustEnrol(s.opts.Require2FA, sess.User.Role, sess.User.SecondFactor) {
		// REGISTRY_REQUIRE_2FA covers this account and it has no second factor yet:
		// the session is confined to the account page until it enrols (see auth).
		f.Next = "/staff/account"
	}
	succeeded()
	if err := s.gate.IssueDevice(w, r, account, now); err != nil {
		s.fail(w, r, nil, err)
		return
	}
	s.setCookie(w, r, loginCookie, "", -1)
	s.setCookie(w, r, sessionCookie, sid, int(store.ConsoleLifetime.Seconds()))
	setStaffHeaders(w.Header())
	http.Redirect(w, r, f.Next, http.StatusSeeOther)
}

// retryAfter returns the seconds a 429's message says to wait, if any.
func retryAfter(err error) string {
	msg := domain.ErrorMessage(err)
	if _, rest, ok := strings.Cut(msg, "retry after "); ok {
		n, _, _ := strings.Cut(rest, " ")
		if _, err := strconv.Atoi(n); err == nil {
			return n
		}
	}
	return ""
}

// logout ends the session.
func (s *staff) logout(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	if err := s.st.EndConsoleSession(r.Context(), c.sid); err != nil {
		s.fail(w, r, c, err)
		return
	}
	s.setCookie(w, r, sessionCookie, "", -1)
	setStaffHeaders(w.Header())
	http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
}

// accountData is the account page's.
type accountData struct {
	Errors map[string]string
	Done   bool
	// Notice is what the page says after a second-factor change.
	Notice string
	// SecondFactor: the account's second factor is on.
	SecondFactor bool
	// MustEnrol: REGISTRY_REQUIRE_2FA covers the account and it has no second factor,
	// so the rest of the console is closed to it.
	MustEnrol bool
}

// accountNotices are what the account page says after a second-factor change (by
// a code in the URL, so that no link can make the page say anything else).
var accountNotices = map[string]string{
	"totp-off": "Your second factor is off: you log in with your password alone.",
}

// account shows the password change form and the second factor's.
func (s *staff) account(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	s.renderAccount(w, r, c, accountData{Done: r.URL.Query().Get("done") == "1",
		Notice: accountNotices[r.URL.Query().Get("done")]}, http.StatusOK)
}

func (s *staff) renderAccount(w http.ResponseWriter, r *http.Request, c *staffCtx, d accountData, status int) {
	d.SecondFactor = c.sess.User.SecondFactor
	d.MustEnrol = s.mustEnrol(c)
	s.render(w, r, c, "account", staffPage{Title: "Your account", Status: status, Data: d})
}

// accountSubmit changes the staffer's own password; every other session of the
// account ends.
func (s *staff) accountSubmit(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	next := r.PostFormValue("new_password")
	errs := map[string]string{}
	if next != r.PostFormValue("confirm_password") {
		errs["confirm_password"] = "does not match the new password"
	}
	if len(errs) == 0 {
		err := s.st.ChangePassword(r.Context(), int(c.sess.User.ID), r.PostFormValue("current_password"), next, c.sid)
		if err != nil && domain.ErrorCode(err) != domain.EINVALID {
			s.fail(w, r, c, err)
			return
		}
		for k, v := range domain.ErrorFields(err) {
			if k == "password" {
				k = "new_password"
			}
			errs[k] = v
		}
	}
	if len(errs) > 0 {
		s.renderAccount(w, r, c, accountData{Errors: errs}, http.StatusUnprocessableEntity)
		return
	}
	http.Redirect(w, r, "/staff/account?done=1", http.StatusSeeOther)
}

// usersData is the users page's.
type usersData struct {
	Users  []store.User
	Roles  []string
	Form   map[string]string
	Errors map[string]string
	Notice string
}

// users lists the accounts, with forms to add, disable, enable, change a role and
// reset a password.
func (s *staff) users(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	s.renderUsers(w, r, c, usersData{Notice: userNotices[r.URL.Query().Get("done")]}, http.StatusOK)
}

func (s *staff) renderUsers(w http.ResponseWriter, r *http.Request, c *staffCtx, d usersData, status int) {
	us, err := s.st.ListUsers(r.Context())
	if err != nil {
		s.fail(w, r, c, err)
		return
	}
	d.Users, d.Roles = us, domain.Roles
	s.render(w, r, c, "users", staffPage{Title: "Staff accounts", Status: status, Data: d})
}

// userNotices are what the users page says after a change (by a code in the URL,
// so that no link can make the page say anything else).
var userNotices = map[string]string{
	"added":   "Account added.",
	"disable": "Account disabled; its sessions have ended.",
	"enable":  "Account enabled.",
	"role":    "Role changed; the account's sessions have ended.",
	"reset":   "Password reset; the account's sessions have ended.",
}

// usersPost adds an account, or changes the one the form names (id).
func (s *staff) usersPost(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	if r.PostFormValue("id") == "" {
		s.usersAdd(w, r, c)
		return
	}
	s.usersChange(w, r, c)
}

// usersAdd creates an account.
func (s *staff) usersAdd(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	nu := store.NewUser{Email: r.PostFormValue("email"), DisplayName: r.PostFormValue("display_name"),
		Role: r.PostFormValue("role"), Password: r.PostFormValue("password")}
	_, err := s.st.CreateUser(r.Context(), nu)
	if err != nil {
		errs := domain.ErrorFields(err)
		if errs == nil {
			if domain.ErrorCode(err) != domain.ECONFLICT {
				s.fail(w, r, c, err)
				return
			}
			errs = map[string]string{"email": domain.ErrorMessage(err)}
		}
		form := map[string]string{"email": nu.Email, "display_name": nu.DisplayName, "role": nu.Role}
		s.renderUsers(w, r, c, usersData{Form: form, Errors: errs}, http.StatusUnprocessableEntity)
		return
	}
	http.Redirect(w, r, "/staff/users?done=added", http.StatusSeeOther)
}

// usersChange disables, enables, changes the role of or resets the password of one
// account; the change ends the account's sessions where it takes rights away.
func (s *staff) usersChange(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	id, err := domain.ParseID(r.PostFormValue("id"))
	if err != nil {
		s.errorPage(w, r, c, http.StatusNotFound, "Not found", "No such account.")
		return
	}
	var done string
	switch r.PostFormValue("action") {
	case "disable", "enable":
		off := r.PostFormValue("action") == "disable"
		_, err = s.st.UpdateUser(r.Context(), int(id), store.UserChange{Disabled: &off})
		done = r.PostFormValue("action")
	case "role":
		role := r.PostFormValue("role")
		_, err = s.st.UpdateUser(r.Context(), int(id), store.UserChange{Role: &role})
		done = "role"
	case "reset":
		err = s.st.ResetPassword(r.Context(), int(id), r.PostFormValue("password"))
		done = "reset"
	default:
		err = domain.Invalid("action", "unknown action")
	}
	if err != nil {
		if fields := domain.ErrorFields(err); fields != nil {
			errs := map[string]string{}
			for k, v := range fields {
				errs[id.String()+"."+k] = v
			}
			s.renderUsers(w, r, c, usersData{Errors: errs}, http.StatusUnprocessableEntity)
			return
		}
		s.fail(w, r, c, err)
		return
	}
	http.Redirect(w, r, "/staff/users?done="+done, http.StatusSeeOther)
}
