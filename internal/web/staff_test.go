package web_test

import (
	"context"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/pquerna/otp/totp"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

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
			if csp := home.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-inline") {
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

// formOf reads the values of a page's record form back, as a browser would send it:
// text inputs, textareas and selected options (a good enough reading of the
// console's generated markup for tests).
var (
	inputRE    = regexp.MustCompile(`<input id="f-([a-z_]+)" name="([a-z_]+)" type="(?:text|url)"[^>]*value="([^"]*)"`)
	textareaRE = regexp.MustCompile(`(?s)<textarea id="f-([a-z_]+)" name="([a-z_]+)"[^>]*>(.*?)</textarea>`)
)

func TestStaffRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		addStaff(t, st, "editor@example.org", domain.RoleEditor)
		addStaff(t, st, "second@example.org", domain.RoleEditor)
		base := console(t, st)
		b := newBrowser(t, base)
		b.login("editor@example.org", staffPassword)
		tok := b.csrf("/staff/")

		t.Run("every problem at once, beside its field, the input kept", func(t *testing.T) {
			p := b.post("/staff/licenses/new", url.Values{"csrf": {tok}, "kind": {"end_user_license"}, "license_status": {"granted"},
				"purpose_specificity": {"unknown"}, "max_targets": {"fifty"}, "valid_from": {"2014-13"}, "end_user_state": {"ZZ"},
				"geography.0": {"MX"}, "geography.1": {"GT"}, "geography.2": {""}, "reference": {"REF-KEEP-1"}})
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", p.status)
			}
			for _, want := range []string{`id="field-max_targets"`, "must be a whole number", "is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD",
				"not an ISO 3166-1 alpha-2 country code", `value="REF-KEEP-1"`, `value="fifty"`, `value="2014-13"`} {
				if !strings.Contains(p.body, want) {
					t.Errorf("the refused form lacks %q", want)
				}
			}
			if got := pickers(p.body, "geography"); got != "MX,GT," {
				t.Errorf("the geography's pickers show %q, want MX, GT and a blank one", got)
			}
			if n := storetest.Count(t, st, "licenses"); n != 0 {
				t.Errorf("%d licences written from a refused form", n)
			}
		})

		var vendorURL, licenseURL string
		t.Run("a vendor and a licence with its limits, cited and published", func(t *testing.T) {
			p := b.post("/staff/vendors/new", url.Values{"csrf": {tok}, "slug": {"acme-intercept"}, "name": {"Acme Intercept"},
				"headquarters_country": {"DE"}, "ungp_commitment": {"unknown"}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("create vendor: %d\n%s", p.status, p.body)
			}
			vendorURL, _, _ = strings.Cut(p.header.Get("Location"), "?")
			vid := strings.TrimPrefix(vendorURL, "/staff/vendors/")
			p = b.post("/staff/licenses/new", url.Values{"csrf": {tok}, "kind": {"end_user_license"}, "vendor_id": {vid},
				"license_status": {"granted"}, "purpose_specificity": {"generic_assertion"}, "stated_purpose": {"counter_terrorism"},
				"max_targets": {"50"}, "max_concurrent_targets": {"10"}, "geography.0": {"mx"}, "geography.1": {"GT"}, "valid_from": {"2014"},
				"valid_until": {"2016-03"}, "end_user_state": {"MX"}, "product_ids.none": {"1"}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("create licence: %d\n%s", p.status, p.body)
			}
			licenseURL, _, _ = strings.Cut(p.header.Get("Location"), "?")
			lid := strings.TrimPrefix(licenseURL, "/staff/licenses/")
			n, _ := domain.ParseID(lid)
			l, err := st.GetLicense(domain.SystemContext(context.Background()), int(n), true)
			if err != nil {
				t.Fatal(err)
			}
			if *l.MaxTargets != 50 || *l.MaxConcurrentTargets != 10 || strings.Join(l.Geography, ",") != "MX,GT" ||
				*l.ValidFrom != "2014" || *l.ValidFromPrecision != "year" || *l.ValidUntil != "2016-03" ||
				*l.ValidUntilPrecision != "month" || l.ProductIDs == nil || len(l.ProductIDs) != 0 || l.Status != domain.StatusDraft {
				t.Errorf("licence as stored: %+v", l.LicenseFields)
			}
			page := b.get(licenseURL)
			for _, want := range []string{`value="2014"`, `value="2016-03"`, "Cite a source", "History"} {
				if !strings.Contains(page.body, want) {
					t.Errorf("licence page lacks %q", want)
				}
			}
			if got := pickers(page.body, "geography"); got != "MX,GT," {
				t.Errorf("the licence page's geography pickers show %q, want MX, GT and a blank one", got)
			}
			// Publishing without a citation is refused, saying why.
			p = b.post(licenseURL+"/publish", url.Values{"csrf": {tok}})
			if p.status != http.StatusConflict {
				t.Errorf("publish uncited: %d, want 409", p.status)
			}
			// A citation of a new source made in the citation form.
			p = b.post(licenseURL+"/cite", url.Values{"csrf": {tok}, "new_source.kind": {"media"}, "new_source.title": {"A test report"},
				"new_source.url": {"https://example.org/report"}, "new_source.published_on": {"2019-05"},
				"fields": {"max_targets", "geography"}, "locator": {"p. 4"}, "confidence": {"reported"}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("cite: %d\n%s", p.status, p.body)
			}
			// A field the record does not have is refused.
			p = b.post(licenseURL+"/cite", url.Values{"csrf": {tok}, "source_id": {"1"}, "fields": {"headquarters_country"}, "confidence": {"reported"}})
			if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "not a field of this record") {
				t.Errorf("cite a field the licence has not: %d", p.status)
			}
			p = b.post(licenseURL+"/publish", url.Values{"csrf": {tok}})
			if p.status != http.StatusConflict || !strings.Contains(p.body, "published source") {
				t.Errorf("publish on a draft source's word: %d, want 409", p.status)
			}
			for _, path := range []string{"/staff/sources/1/publish", vendorURL + "/cite", vendorURL + "/publish", licenseURL + "/publish"} {
				form := url.Values{"csrf": {tok}}
				if strings.HasSuffix(path, "/cite") {
					form.Set("source_id", "1")
					form.Set("confidence", "reported")
				}
				if p := b.post(path, form); p.status != http.StatusSeeOther {
					t.Fatalf("POST %s: %d\n%s", path, p.status, p.body)
				}
			}
			pub := newBrowser(t, base).get("/licenses/" + lid)
			if pub.status != http.StatusOK || !strings.Contains(pub.body, "Acme Intercept") || !strings.Contains(pub.body, "A test report") {
				t.Errorf("public licence page: %d", pub.status)
			}
		})

		t.Run("a stale save shows both versions and keeps the input", func(t *testing.T) {
			other := newBrowser(t, base)
			other.login("second@example.org", staffPassword)
			mine := b.get(vendorURL) // read at revision r
			theirs := other.get(vendorURL)
			form := func(body, name string) url.Values {
				v := url.Values{"csrf": {csrfRE.FindStringSubmatch(body)[1]}}
				v.Set("revision", regexp.MustCompile(`name="revision" value="(\d+)"`).FindStringSubmatch(body)[1])
				for _, m := range inputRE.FindAllStringSubmatch(body, -1) {
					v.Set(m[2], m[3])
				}
				for _, m := range textareaRE.FindAllStringSubmatch(body, -1) {
					v.Set(m[2], m[3])
				}
				v.Set("headquarters_country", "DE")
				v.Set("ungp_commitment", "unknown")
				v.Set("name", name)
				return v
			}
			if p := other.post(vendorURL, form(theirs.body, "Acme Intercept GmbH")); p.status != http.StatusSeeOther {
				t.Fatalf("their save: %d\n%s", p.status, p.body)
			}
			p := b.post(vendorURL, form(mine.body, "Acme Intercept AG"))
			if p.status != http.StatusConflict {
				t.Fatalf("stale save: %d, want 409", p.status)
			}
			for _, want := range []string{"Someone else saved this record", "Acme Intercept GmbH", `value="Acme Intercept AG"`, "second Staffer"} {
				if !strings.Contains(p.body, want) {
					t.Errorf("conflict page lacks %q", want)
				}
			}
			v, _ := st.GetVendor(domain.SystemContext(context.Background()), "acme-intercept", true)
			if v.Name != "Acme Intercept GmbH" {
				t.Errorf("the stale save overwrote: %q", v.Name)
			}
			// Saving the kept input again applies it over theirs.
			again := form(p.body, "Acme Intercept AG")
			if p := b.post(vendorURL, again); p.status != http.StatusSeeOther {
				t.Fatalf("reapplied save: %d", p.status)
			}
			if v, _ := st.GetVendor(domain.SystemContext(context.Background()), "acme-intercept", true); v.Name != "Acme Intercept AG" {
				t.Errorf("reapplied: %q", v.Name)
			}
			hist := b.get(vendorURL)
			if !strings.Contains(hist.body, "Acme Intercept GmbH") || !strings.Contains(hist.body, "Revision 5") {
				t.Errorf("history lacks the field-by-field change")
			}
		})
	})
}

// TestStaffSecondFactor: an account with a second factor cannot open a console
// session with its password alone; the login page asks for the code, and takes a
// recovery code once.
func TestStaffSecondFactor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		u := addStaff(t, st, "twofa@example.org", domain.RoleEditor)
		ctx := domain.SystemContext(context.Background())
		enrol, err := st.StartTOTP(ctx, int(u.ID))
		if err != nil {
			t.Fatal(err)
		}
		code, err := totp.GenerateCode(enrol.Secret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		recovery, err := st.ConfirmTOTP(ctx, int(u.ID), code)
		if err != nil || len(recovery) == 0 {
			t.Fatalf("confirm: %v %v", recovery, err)
		}
		base := console(t, st)
		withOTP := func(b *browser, otp string) page {
			tok := b.csrf("/staff/login")
			return b.post("/staff/login", url.Values{"csrf": {tok}, "email": {"twofa@example.org"}, "password": {staffPassword}, "otp": {otp}, "next": {"/staff/"}})
		}
		b := newBrowser(t, base)
		if p := b.login("twofa@example.org", staffPassword); p.status != http.StatusUnauthorized || !strings.Contains(p.body, `name="otp"`) {
			t.Fatalf("password alone: %d, want 401 asking for the code\n%s", p.status, p.body)
		}
		if p := b.get("/staff/"); p.status != http.StatusSeeOther {
			t.Errorf("after the password alone the console answers %d, want 303 to the login page", p.status)
		}
		if p := withOTP(b, "000000"); p.status != http.StatusUnauthorized {
			t.Errorf("a wrong code: %d, want 401", p.status)
		}
		if p := withOTP(b, recovery[0]); p.status != http.StatusSeeOther || p.header.Get("Location") != "/staff/" {
			t.Fatalf("a recovery code: %d to %q, want 303 to /staff/", p.status, p.header.Get("Location"))
		}
		if p := b.get("/staff/"); p.status != http.StatusOK {
			t.Errorf("the console after a login with a code: %d", p.status)
		}
		if p := withOTP(newBrowser(t, base), recovery[0]); p.status != http.StatusUnauthorized {
			t.Errorf("a used recovery code again: %d, want 401", p.status)
		}
	})
}

// TestStaffTwoPersonReview: with REGISTRY_REVIEW=two-person, the console's publish by
// the draft's last editor asks for review and publishes nothing; the request is listed
// on another staffer's home under "Awaiting my review", whose publish approves it.
func TestStaffTwoPersonReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		addStaff(t, st, "writer@example.org", domain.RoleEditor)
		addStaff(t, st, "reviewer@example.org", domain.RoleEditor)
		ctx := domain.SystemContext(context.Background())
		src, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "media", Title: "A review test report"}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Publish(ctx, st, store.Sources, int(src.ID), nil, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		keys, err := st.SigningKeys(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		api := httpapi.New(st, slog.New(slog.DiscardHandler), httpapi.Options{Keys: keys, ReadRate: 1e6, ReadBurst: 1e6, Review: domain.ReviewTwoPerson})
		t.Cleanup(func() { api.Close() })
		srv := httptest.NewServer(api.Handler())
		t.Cleanup(srv.Close)

		writer := newBrowser(t, srv.URL)
		writer.login("writer@example.org", staffPassword)
		tok := writer.csrf("/staff/")
		p := writer.post("/staff/vendors/new", url.Values{"csrf": {tok}, "slug": {"reviewed-vendor"}, "name": {"Reviewed Vendor"}, "ungp_commitment": {"unknown"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", p.status, p.body)
		}
		vendorURL, _, _ := strings.Cut(p.header.Get("Location"), "?")
		if p := writer.post(vendorURL+"/cite", url.Values{"csrf": {tok}, "source_id": {src.ID.String()}, "confidence": {"reported"}}); p.status != http.StatusSeeOther {
			t.Fatalf("cite: %d\n%s", p.status, p.body)
		}
		p = writer.post(vendorURL+"/publish", url.Values{"csrf": {tok}})
		if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "done=review-requested") {
			t.Fatalf("the last editor's publish: %d to %q, want 303 to review-requested", p.status, p.header.Get("Location"))
		}
		if got := writer.get(p.header.Get("Location")); !strings.Contains(got.body, "Review requested") {
			t.Errorf("the record page does not say a review was requested")
		}
		if pub := newBrowser(t, srv.URL).get("/vendors/reviewed-vendor"); pub.status != http.StatusNotFound {
			t.Errorf("the public page of a draft awaiting review: %d, want 404", pub.status)
		}
		if home := writer.get("/staff/"); !strings.Contains(home.body, "Asked by me") {
			t.Errorf("the writer's home does not list the request as theirs")
		}

		reviewer := newBrowser(t, srv.URL)
		reviewer.login("reviewer@example.org", staffPassword)
		home := reviewer.get("/staff/")
		if !strings.Contains(home.body, "Awaiting my review") || !strings.Contains(home.body, `href="`+vendorURL+`"`) {
			t.Fatalf("the reviewer's home does not list the draft awaiting review:\n%s", home.body)
		}
		rtok := reviewer.csrf("/staff/")
		p = reviewer.post(vendorURL+"/publish", url.Values{"csrf": {rtok}})
		if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "done=published") {
			t.Fatalf("the reviewer's publish: %d to %q, want 303 to published", p.status, p.header.Get("Location"))
		}
		if pub := newBrowser(t, srv.URL).get("/vendors/reviewed-vendor"); pub.status != http.StatusOK {
			t.Errorf("the public page after approval: %d, want 200", pub.status)
		}
		if home := reviewer.get("/staff/"); strings.Contains(home.body, `href="`+vendorURL+`"`) && strings.Contains(home.body, "asked by") {
			t.Errorf("the approved draft is still listed for review")
		}
	})
}
