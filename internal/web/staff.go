package web

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpx"
	"github.com/export-registry/registry/internal/intake"
	"github.com/export-registry/registry/internal/store"
)

// The staff console: server-rendered pages under /staff/ where mandate staff write
// the registry in a browser. It writes through the same store functions as the API
// (store.Create, Update, Publish…, behind the same ent privacy policy and domain
// checks), and its sessions are rows of the API's session table, so that disabling
// an account or a logout ends both.
//
// Plumbing as in miniflux's web UI: a middleware loads the session and its CSRF
// token once per request; one small handler per page; errors are rendered back into
// the same form with the input kept.

//go:embed templates/staff/*.html
var staffFS embed.FS

// StaffPrefix is the path under which the console's handler answers everything.
const StaffPrefix = "/staff/"

// Cookies of the console. The session cookie holds the session id (the store keeps
// its hash); the login cookie is a random value that the login form's CSRF token is
// derived from, before there is a session.
const (
	sessionCookie = "registry_staff"
	loginCookie   = "registry_login"
	cookiePath    = "/staff/"
)

// Gate is what the console shares with the API server it runs in: the login
// throttle and device tokens (one budget per client IP, account and device for
// both), and whether a request came over TLS, directly or as a trusted proxy says.
type Gate interface {
	// ThrottleLogin counts a login attempt for account; succeeded gives a device
	// its attempt back. Over the limit it returns a 429 error.
	ThrottleLogin(w http.ResponseWriter, r *http.Request, account string, now time.Time) (succeeded func(), err error)
	// IssueDevice sets the device-token cookie for the console's login form.
	IssueDevice(w http.ResponseWriter, r *http.Request, account string, now time.Time) error
	// Secure reports whether the client reached the registry over TLS.
	Secure(r *http.Request) bool
	// Intake takes a file in as drafts for review (the API's POST /api/v1/intake),
	// as the context's viewer.
	Intake(ctx context.Context, f IntakeFile) (intake.Report, error)
}

// StaffOptions configure the console.
type StaffOptions struct {
	// Review is the publishing mode (REGISTRY_REVIEW): "single" (default) or
	// "two-person". The console shows it; the store enforces it.
	Review string
	// Require2FA is whose accounts need a second factor (REGISTRY_REQUIRE_2FA): a
	// covered account without one may use only its account page, to enrol.
	Require2FA string
	// Now is the clock (tests move it to expire sessions).
	Now func() time.Time
}

// staff is the console's server.
type staff struct {
	st    *store.Store
	log   *slog.Logger
	gate  Gate
	opts  StaffOptions
	pages map[string]*template.Template
	colls []collection
	byURL map[string]collection
}

// staffHandler is a handler of a logged-in staffer's request.
type staffHandler func(w http.ResponseWriter, r *http.Request, c *staffCtx)

// staffCtx is what a logged-in request carries: the session and its CSRF token.
type staffCtx struct {
	sess store.ConsoleSession
	sid  string
	csrf string
}

func (c *staffCtx) isAdmin() bool { return c.sess.User.Role == domain.RoleAdmin }

// NewStaff returns the console's handler, for every path under StaffPrefix.
func NewStaff(st *store.Store, log *slog.Logger, gate Gate, opts StaffOptions) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Review == "" {
		opts.Review = "single"
	}
	s := &staff{st: st, log: log, gate: gate, opts: opts, pages: parseStaffTemplates(), colls: collections(st), byURL: map[string]collection{}}
	for _, c := range s.colls {
		s.byURL[c.Plural()] = c
	}
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.HandleFunc(rt.pattern, rt.h)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, nil, http.StatusNotFound, "Not found", "There is no console page at this address.")
	})
	return mux
}

type staffRoute struct {
	pattern string
	h       http.HandlerFunc
}

// routes is the console's route table: every page and form action, with who may
// use it. Anonymous requests to the rest are sent to the login page.
func (s *staff) routes() []staffRoute {
	return []staffRoute{
		{"GET /staff/login", s.loginPage},
		{"POST /staff/login", s.loginSubmit},
		{"POST /staff/logout", s.auth(s.logout, false)},
		{"GET /staff/{$}", s.auth(s.home, false)},
		{"GET /staff", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/staff/", http.StatusMovedPermanently)
		}},
		{"GET /staff/account", s.auth(s.account, false)},
		{"POST /staff/account", s.auth(s.accountSubmit, false)},
		{"POST /staff/account/totp", s.auth(s.totpStart, false)},
		{"GET /staff/account/totp", s.auth(s.totpPage, false)},
		{"GET /staff/account/totp.png", s.auth(s.totpQR, false)},
		{"POST /staff/account/totp/confirm", s.auth(s.totpConfirm, false)},
		{"POST /staff/account/totp/disable", s.auth(s.totpDisable, false)},
		{"GET /staff/intake", s.auth(s.intakePage, false)},
		{"POST /staff/intake", s.auth(s.intakeSubmit, false)},
		{"GET /staff/users", s.auth(s.users, true)},
		{"POST /staff/users", s.auth(s.usersPost, true)},
		{"GET /staff/lookup", s.auth(s.lookup, false)},
		{"GET /staff/{collection}/{$}", s.auth(s.list, false)},
		{"GET /staff/{collection}/new", s.auth(s.newRecord, false)},
		{"POST /staff/{collection}/new", s.auth(s.createRecord, false)},
		{"GET /staff/{collection}/{id}", s.auth(s.record, false)},
		{"POST /staff/{collection}/{id}", s.auth(s.saveRecord, false)},
		{"POST /staff/{collection}/{id}/publish", s.auth(s.publish, false)},
		{"POST /staff/{collection}/{id}/retract", s.auth(s.retract, false)},
		{"POST /staff/{collection}/{id}/cite", s.auth(s.cite, false)},
		{"POST /staff/{collection}/{id}/citations/{cid}/delete", s.auth(s.uncite, false)},
	}
}

// parseStaffTemplates parses each console page with the console's layout and
// partials and the public pages' template helpers.
func parseStaffTemplates() map[string]*template.Template {
	base := template.Must(template.New("").Funcs(funcs).Funcs(staffFuncs).ParseFS(staffFS, "templates/staff/layout.html", "templates/staff/partials.html"))
	names, err := fs.Glob(staffFS, "templates/staff/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/staff/"), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		out[name] = template.Must(template.Must(base.Clone()).ParseFS(staffFS, n))
	}
	return out
}

// staffPage is what the console's layout needs, and the page's own data.
type staffPage struct {
	Title string
	// User is the staffer logged in; nil on the login page.
	User *store.User
	// CSRF is the token every form of the page carries.
	CSRF   string
	Nav    []link
	Notice string
	Status int
	Data   any
}

// render writes a console page. Console pages are private: never cached, never
// framed, with the public pages' strict policy (styles from the registry's
// stylesheet, forms post here only), except that the console's one script file
// runs (no inline script).
func (s *staff) render(w http.ResponseWriter, r *http.Request, c *staffCtx, name string, p staffPage) {
	if c != nil {
		u := c.sess.User
		p.User, p.CSRF = &u, c.csrf
		for _, col := range s.colls {
			if s.mustEnrol(c) {
				break // confined to the account page: no links it would refuse
			}
			p.Nav = append(p.Nav, link{Label: col.Title(), URL: "/staff/" + col.Plural() + "/"})
		}
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "staff-layout", p); err != nil {
		s.log.ErrorContext(r.Context(), "console page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	setStaffHeaders(w.Header())
	status := p.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// setStaffHeaders sets the headers of every console answer.
func setStaffHeaders(h http.Header) {
	setPageHeaders(h)
	h.Set("Content-Security-Policy", staffCSP)
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Del("Access-Control-Allow-Origin")
	h.Del("Access-Control-Expose-Headers")
}

// errorPage answers with the console's error page.
func (s *staff) errorPage(w http.ResponseWriter, r *http.Request, c *staffCtx, status int, title, msg string) {
	s.render(w, r, c, "error", staffPage{Title: title, Status: status, Data: msg})
}

// fail answers a store error that no form can show: its status (httpx.Status) and
// message; internal errors are logged and not described.
func (s *staff) fail(w http.ResponseWriter, r *http.Request, c *staffCtx, err error) {
	status := httpx.Status(err)
	msg := domain.ErrorMessage(err)
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "console", "path", r.URL.Path, "err", err)
		msg = "The registry could not do this. Please try again later."
	}
	s.errorPage(w, r, c, status, http.StatusText(status), msg)
}

// auth runs h for a logged-in staffer (an admin, if admin), with the session's
// viewer in the context; a form post must carry the session's CSRF token (403
// otherwise). An anonymous request goes to the login page; an account that must
// enrol a second factor (REGISTRY_REQUIRE_2FA) goes to the account page from any
// other.
func (s *staff) auth(h staffHandler, admin bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		now := s.opts.Now()
		var sess store.ConsoleSession
		ck, err := r.Cookie(sessionCookie)
		if err == nil {
			sess, err = s.st.ConsoleSessionOf(r.Context(), ck.Value, now)
		}
		if err != nil {
			if domain.ErrorCode(err) != domain.EUNAUTHORIZED && !errors.Is(err, http.ErrNoCookie) {
				s.fail(w, r, nil, err)
				return
			}
			setStaffHeaders(w.Header())
			next := "/staff/"
			if r.Method == http.MethodGet {
				next = r.URL.RequestURI()
			}
			http.Redirect(w, r, "/staff/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		c := &staffCtx{sess: sess, sid: ck.Value, csrf: csrfToken(ck.Value)}
		if r.Method == http.MethodPost && !validCSRF(r, c.csrf) {
			s.errorPage(w, r, c, http.StatusForbidden, "Forbidden", "This form was not sent from this console's page (its CSRF token is missing or wrong). Reload the page and send it again.")
			return
		}
		if s.mustEnrol(c) && !enrolmentPath(r.URL.Path) {
			// REGISTRY_REQUIRE_2FA: the account page only, until the account enrols.
			setStaffHeaders(w.Header())
			http.Redirect(w, r, "/staff/account", http.StatusSeeOther)
			return
		}
		if admin && !c.isAdmin() {
			s.errorPage(w, r, c, http.StatusForbidden, "Forbidden", "This page is for admins.")
			return
		}
		h(w, r.WithContext(domain.WithViewer(r.Context(), sess.Viewer())), c)
	}
}

// csrfLabel separates the CSRF tokens' MAC from any other use of a session id.
const csrfLabel = "registry console csrf v1"

// csrfToken is the synchronizer token of the session (or the pre-login cookie)
// secret: a MAC of a fixed label keyed by it. It is tied to that session, and
// tells nobody the secret.
func csrfToken(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(csrfLabel))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validCSRF compares a form's token with want in constant time.
func validCSRF(r *http.Request, want string) bool {
	got := r.PostFormValue("csrf")
	return got != "" && hmac.Equal([]byte(got), []byte(want))
}

// setCookie sets one of the console's cookies: HttpOnly, SameSite=Lax (a link to a
// console page from elsewhere still opens it; forms need the CSRF token anyway),
// Secure over TLS, for /staff/ only. maxAge < 0 deletes it.
func (s *staff) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: cookiePath, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.gate.Secure(r)})
}

// randomToken returns 32 random bytes, base64url.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// safeNext is where to go after login: a console path, never another site.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/staff/") && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n") &&
		!strings.HasPrefix(next, "/staff/login") {
		return next
	}
	return "/staff/"
}
