package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// staffPassword is the test accounts' password (it passes the policy).
const staffPassword = "correct horse battery staple"

// addStaff creates an account.
func addStaff(t testing.TB, st *store.Store, email, role string) store.User {
	t.Helper()
	u, err := st.CreateUser(domain.SystemContext(context.Background()),
		store.NewUser{Email: email, DisplayName: strings.Split(email, "@")[0] + " Staffer", Role: role, Password: staffPassword})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// browser is a client of the console with its own cookies, which does not follow
// redirects (so a test sees them).
type browser struct {
	t    testing.TB
	base string
	c    *http.Client
}

func newBrowser(t testing.TB, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) get(path string) page {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	return readPage(b.t, resp)
}

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	return readPage(b.t, resp)
}

func readPage(t testing.TB, resp *http.Response) page {
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{resp.StatusCode, resp.Header, string(body)}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token of the forms of a page.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	p := b.get(path)
	m := csrfRE.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("GET %s: no CSRF token in the page (status %d)", path, p.status)
	}
	return m[1]
}

// login logs in through the login form.
func (b *browser) login(email, password string) page {
	b.t.Helper()
	tok := b.csrf("/staff/login")
	return b.post("/staff/login", url.Values{"csrf": {tok}, "email": {email}, "password": {password}, "next": {"/staff/"}})
}

// console starts the real server over st.
func console(t *testing.T, st *store.Store) string {
	srv := httptest.NewServer(site(t, st))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestStaffSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		addStaff(t, st, "editor@example.org", domain.RoleEditor)
		addStaff(t, st, "admin@example.org", domain.RoleAdmin)
		base := console(t, st)

		t.Run("anonymous is sent to the login page", func(t *testing.T) {
			for _, path := range []string{"/staff/", "/staff/licenses/", "/staff/licenses/new", "/staff/users", "/staff/account"} {
				p := newBrowser(t, base).get(path)
				if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/staff/login?next=") {
					t.Errorf("GET %s: %d to %q, want 303 to the login page", path, p.status, p.header.Get("Location"))
				}
			}
			p := newBrowser(t, base).post("/staff/vendors/new", url.Values{"name": {"X"}})
			if p.status != http.StatusSeeOther {
				t.Errorf("anonymous POST: %d, want 303 to the login page", p.status)
			}
		})

		t.Run("a wrong password is refused and the email kept", func(t *testing.T) {
			b := newBrowser(t, base)
			p := b.login("editor@example.org", "not the password at all")
			if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "Wrong email or password") ||
				!strings.Contains(p.body, `value="editor@example.org"`) {
				t.Errorf("wrong password: %d\n%s", p.status, p.body)
			}
			if b.get("/staff/").status != http.StatusSeeOther {
				t.Error("a failed login opened a session")
			}
		})

		t.Run("a login without the form's CSRF token is 403", func(t *testing.T) {
			b := newBrowser(t, base)
			b.get("/staff/login")
			p := b.post("/staff/login", url.Values{"email": {"editor@example.org"}, "password": {staffPassword}})
			if p.status != http.StatusForbidden {
				t.Errorf("login without CSRF: %d, want 403", p.status)
			}
		})

		t.Run("login sets a private session cookie; logout ends the session", func(t *testing.T) {
			b := newBrowser(t, base)
			p := b.login("editor@example.org", staffPassword)
			if p.status != http.StatusSeeOther || p.header.Get("Location") != "/staff/" {
				t.Fatalf("login: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
			}
			var cookie string
			for _, c := range p.header.Values("Set-Cookie") {
				if strings.HasPrefix(c, "registry_staff=") {
					cookie = c
				}
			}
			for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/staff/"} {
				if !strings.Contains(cookie, want) {
					t.Errorf("session cookie %q lacks %s", cookie, want)
				}
			}
			if strings.Contains(cookie, "Secure") {
				t.Errorf("session cookie %q is Secure over plain HTTP from an untrusted client", cookie)
			}
			home := b.get("/staff/")
			if home.status != http.StatusOK || !strings.Contains(home.body, "My drafts") {
				t.Fatalf("home: %d", home.status)
			}
			if cc := home.header.Get("Cache-Control"); cc != "private, no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			if csp := home.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'none'") {
				t.Errorf("CSP %q", csp)
			}
			tok := csrfRE.FindStringSubmatch(home.body)[1]
			if p := b.post("/staff/logout", url.Values{"csrf": {tok}}); p.status != http.StatusSeeOther {
				t.Fatalf("logout: %d", p.status)
			}
			if p := b.get("/staff/"); p.status != http.StatusSeeOther {
				t.Errorf("after logout: %d, want 303 to login", p.status)
			}
		})

		t.Run("a form without the session's CSRF token is 403", func(t *testing.T) {
			b := newBrowser(t, base)
			b.login("editor@example.org", staffPassword)
			other := newBrowser(t, base)
			other.login("admin@example.org", staffPassword)
			for name, form := range map[string]url.Values{
				"none":              {"kind": {"media"}, "title": {"No token"}},
				"wrong":             {"csrf": {"AAAA"}, "kind": {"media"}, "title": {"Wrong token"}},
				"another session's": {"csrf": {other.csrf("/staff/")}, "kind": {"media"}, "title": {"Other token"}},
			} {
				p := b.post("/staff/sources/new", form)
				if p.status != http.StatusForbidden || !strings.Contains(p.body, "CSRF") {
					t.Errorf("%s token: %d, want 403", name, p.status)
				}
			}
			if n := storetest.Count(t, st, "sources"); n != 0 {
				t.Errorf("%d sources written without a CSRF token", n)
			}
			if p := b.post("/staff/logout", url.Values{}); p.status != http.StatusForbidden {
				t.Errorf("logout without CSRF: %d, want 403", p.status)
			}
		})

		t.Run("an editor cannot see the accounts; an admin can", func(t *testing.T) {
			ed := newBrowser(t, base)
			ed.login("editor@example.org", staffPassword)
			if p := ed.get("/staff/users"); p.status != http.StatusForbidden {
				t.Errorf("editor GET /staff/users: %d, want 403", p.status)
			}
			tok := ed.csrf("/staff/")
			p := ed.post("/staff/users", url.Values{"csrf": {tok}, "email": {"x@example.org"}, "role": {"admin"}, "password": {staffPassword}})
			if p.status != http.StatusForbidden {
				t.Errorf("editor POST /staff/users: %d, want 403", p.status)
			}
			ad := newBrowser(t, base)
			ad.login("admin@example.org", staffPassword)
			if p := ad.get("/staff/users"); p.status != http.StatusOK || !strings.Contains(p.body, "editor@example.org") {
				t.Errorf("admin GET /staff/users: %d", p.status)
			}
		})

		t.Run("disabling an account ends its console session", func(t *testing.T) {
			addStaff(t, st, "leaver@example.org", domain.RoleEditor)
			lv := newBrowser(t, base)
			lv.login("leaver@example.org", staffPassword)
			if p := lv.get("/staff/"); p.status != http.StatusOK {
				t.Fatalf("leaver home: %d", p.status)
			}
			ad := newBrowser(t, base)
			ad.login("admin@example.org", staffPassword)
			u, err := st.UserByEmail(domain.SystemContext(context.Background()), "leaver@example.org")
			if err != nil {
				t.Fatal(err)
			}
			tok := ad.csrf("/staff/users")
			if p := ad.post("/staff/users", url.Values{"csrf": {tok}, "id": {u.ID.String()}, "action": {"disable"}}); p.status != http.StatusSeeOther {
				t.Fatalf("disable: %d\n%s", p.status, p.body)
			}
			if p := lv.get("/staff/"); p.status != http.StatusSeeOther {
				t.Errorf("a disabled account's session still works: %d", p.status)
			}
			if p := newBrowser(t, base).login("leaver@example.org", staffPassword); p.status != http.StatusUnauthorized {
				t.Errorf("a disabled account logged in: %d", p.status)
			}
		})
	})
}
