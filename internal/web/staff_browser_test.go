package web_test

import (
	"context"
	"github.com/export-registry/registry/internal/httpapi"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestBrowserStaff clicks through the staff console in headless Chromium, as a
// staffer who never used a terminal would: log in, add a vendor and a licence with
// its limits, cite a source made in the citation form, publish, see the public page;
// a stale save; a form whose CSRF token was removed. Each console page is
// screenshotted into SCREENSHOT_DIR (when set) to be looked at.
func TestBrowserStaff(t *testing.T) {
	bin := chromium(t)
	st := storetest.Open(t, "sqlite")
	addStaff(t, st, "editor@example.org", domain.RoleEditor)
	addStaff(t, st, "admin@example.org", domain.RoleAdmin)
	srv := httptest.NewServer(site(t, st))
	t.Cleanup(srv.Close)

	c := newChrome(t, bin, 3*time.Minute)
	ctx, shot, do, text := c.ctx, c.shot, c.do, c.text
	value := func(step, sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return s
	}
	location := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		s, _, _ = strings.Cut(s, "?")
		return s
	}
	u := srv.URL

	do("log in",
		chromedp.Navigate(u+"/staff/"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		shot("staff-login.png"),
		chromedp.SendKeys(chromedp.CSS(`#email`), "editor@example.org"),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`#drafts-h`)),
	)

	do("create a vendor",
		chromedp.Navigate(u+"/staff/vendors/new"),
		chromedp.WaitVisible(chromedp.CSS(`#f-name`)),
		shot("staff-vendor-new.png"),
		chromedp.SendKeys(chromedp.CSS(`#f-slug`), "acme-intercept"),
		chromedp.SendKeys(chromedp.CSS(`#f-name`), "Acme Intercept"),
		chromedp.SetValue(chromedp.CSS(`#f-headquarters_country`), "DE"),
		chromedp.SendKeys(chromedp.CSS(`#f-aliases\.0\.name`), "Acme Lawful Intercept GmbH"),
		chromedp.SendKeys(chromedp.CSS(`#f-aliases\.0\.valid_until`), "2019"),
		// "Add another" re-renders the form, the input kept, with one more blank alias.
		chromedp.Click(chromedp.CSS(`button[name=add][value=aliases]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-aliases\.1\.name`)),
		chromedp.SendKeys(chromedp.CSS(`#f-aliases\.1\.name`), "Acme Intercept Holdings"),
		shot("staff-vendor-aliases.png"),
		chromedp.Submit(chromedp.CSS(`#f-name`)),
		chromedp.WaitVisible(chromedp.CSS(`#citations-h`)),
	)
	vendorURL := location()
	if a := value("the first alias kept", `#f-aliases\.0\.name`); a != "Acme Lawful Intercept GmbH" {
		t.Errorf("the first alias after saving: %q", a)
	}
	if a := value("the added alias saved", `#f-aliases\.1\.name`); a != "Acme Intercept Holdings" {
		t.Errorf("the added alias after saving: %q", a)
	}

	do("a licence with an error keeps the input",
		chromedp.Navigate(u+"/staff/licenses/new"),
		chromedp.WaitVisible(chromedp.CSS(`#f-max_targets`)),
		chromedp.SetValue(chromedp.CSS(`#f-kind`), "end_user_license"),
		// The console's script narrows the suggestions as the staffer types: nothing
		// is named so, then Acme is.
		chromedp.WaitReady(chromedp.CSS(`#refs-vendor option`)),
		chromedp.SendKeys(chromedp.CSS(`#f-vendor_id`), "no such vendor"),
	)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('#refs-vendor option').length === 0`)); err != nil {
		t.Fatalf("the suggestions for a name nothing has: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('f-vendor_id').value = ''`)); err != nil {
		t.Fatal(err)
	}
	do("a vendor by name",
		chromedp.SendKeys(chromedp.CSS(`#f-vendor_id`), "acme intercept"), // by name: resolved when sent

		chromedp.SetValue(chromedp.CSS(`#f-license_status`), "granted"),
		chromedp.SetValue(chromedp.CSS(`#f-purpose_specificity`), "generic_assertion"),
		chromedp.SendKeys(chromedp.CSS(`#f-max_targets`), "fifty"),
		chromedp.SendKeys(chromedp.CSS(`#f-max_concurrent_targets`), "10"),
		// The geography: a country picker per country. "Add another" re-renders the
		// form, the input kept, with one more blank picker.
		chromedp.SetValue(chromedp.CSS(`#f-geography\.0`), "MX"),
		chromedp.Click(chromedp.CSS(`button[name=add][value=geography]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-geography\.1`)),
		chromedp.SetValue(chromedp.CSS(`#f-geography\.1`), "GT"),
		chromedp.ScrollIntoView(chromedp.CSS(`#field-geography`)),
		shot("staff-license-geography.png"),
		// The control-list entries: a text input per entry, the same way.
		chromedp.SendKeys(chromedp.CSS(`#f-control_list_entries\.0`), "4A005"),
		chromedp.Click(chromedp.CSS(`button[name=add][value=control_list_entries]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-control_list_entries\.1`)),
		chromedp.SendKeys(chromedp.CSS(`#f-control_list_entries\.1`), "5A001.j"),
		chromedp.ScrollIntoView(chromedp.CSS(`#field-control_list_entries`)),
		shot("staff-license-control-list.png"),
		chromedp.SendKeys(chromedp.CSS(`#f-valid_from`), "2014"),
		chromedp.SendKeys(chromedp.CSS(`#f-valid_until`), "2016-13"),
		chromedp.Submit(chromedp.CSS(`#f-max_targets`)),
		chromedp.WaitVisible(chromedp.CSS(`#field-max_targets .field-error`)),
		shot("staff-license-errors.png"),
	)
	if e := text("errors", `#field-valid_until .field-error`); !strings.Contains(e, "not a date") {
		t.Errorf("valid_until error %q", e)
	}
	for sel, want := range map[string]string{`#f-geography\.0`: "MX", `#f-geography\.1`: "GT", `#f-geography\.2`: "", `#f-max_concurrent_targets`: "10",
		`#f-control_list_entries\.0`: "4A005", `#f-control_list_entries\.1`: "5A001.j", `#f-control_list_entries\.2`: ""} {
		if got := value("kept", sel); got != want {
			t.Errorf("%s not kept: %q, want %q", sel, got, want)
		}
	}
	do("fix and create the licence",
		chromedp.SetValue(chromedp.CSS(`#f-max_targets`), "50"),
		chromedp.SetValue(chromedp.CSS(`#f-valid_until`), "2016-03"),
		chromedp.Submit(chromedp.CSS(`#f-max_targets`)),
		chromedp.WaitVisible(chromedp.CSS(`#citations-h`)),
	)
	licenseURL := location()
	if g := value("the first country saved", `#f-geography\.0`) + "," + value("the second country saved", `#f-geography\.1`); g != "MX,GT" {
		t.Errorf("the licence's geography after saving: %q, want MX,GT", g)
	}
	if e := value("the first entry saved", `#f-control_list_entries\.0`) + "," + value("the second entry saved", `#f-control_list_entries\.1`); e != "4A005,5A001.j" {
		t.Errorf("the licence's control-list entries after saving: %q, want 4A005,5A001.j", e)
	}
	if v := value("the vendor by name", `#f-vendor_id`); v != "Acme Intercept (#"+strings.TrimPrefix(vendorURL, u+"/staff/vendors/")+")" {
		t.Errorf("the licence's vendor shows as %q", v)
	}

	do("cite a source made in the citation picker",
		chromedp.SetValue(chromedp.CSS(`#f-new_source\.kind`), "media"),
		chromedp.SendKeys(chromedp.CSS(`#f-new_source\.title`), "A test report on licences"),
		chromedp.SendKeys(chromedp.CSS(`#f-new_source\.published_on`), "2019-05"),
		chromedp.Click(chromedp.CSS(`input[name=fields][value=max_targets]`)),
		chromedp.Click(chromedp.CSS(`input[name=fields][value=geography]`)),
		chromedp.SendKeys(chromedp.CSS(`#locator`), "p. 4"),
		chromedp.SetValue(chromedp.CSS(`#confidence`), "reported"),
		chromedp.Submit(chromedp.CSS(`#locator`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
		shot("staff-license.png"),
	)
	if c := text("citations", `ol.cites`); !strings.Contains(c, "A test report on licences") || !strings.Contains(c, "Max targets") {
		t.Errorf("citations: %q", c)
	}

	publish := func(step, pageURL string) {
		t.Helper()
		do(step, chromedp.Navigate(pageURL), chromedp.WaitVisible(chromedp.CSS(`#publish-h`)),
			chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`.notice`)))
		if n := text(step, `.notice`); !strings.Contains(n, "Published") {
			t.Errorf("%s: %q", step, n)
		}
	}
	do("the source's page", chromedp.Navigate(u+"/staff/sources/1"), chromedp.WaitVisible(chromedp.CSS(`#publish-h`)), shot("staff-source.png"))
	publish("publish the source", u+"/staff/sources/1")
	do("cite it for the vendor",
		chromedp.Navigate(vendorURL), chromedp.WaitVisible(chromedp.CSS(`#source_id`)),
		chromedp.SetValue(chromedp.CSS(`#source_id`), "1"),
		chromedp.SetValue(chromedp.CSS(`#confidence`), "reported"),
		chromedp.Submit(chromedp.CSS(`#locator`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	publish("publish the vendor", vendorURL)
	publish("publish the licence", licenseURL)

	lid := strings.TrimPrefix(licenseURL, u+"/staff/licenses/")
	do("the public page", chromedp.Navigate(u+"/licenses/"+lid), chromedp.WaitVisible(chromedp.CSS(`main`)))
	if p := text("public", `main`); !strings.Contains(p, "Acme Intercept") || !strings.Contains(p, "50") || !strings.Contains(p, "A test report on licences") {
		t.Errorf("public licence page: %q", p)
	}

	do("lists and home",
		chromedp.Navigate(u+"/staff/licenses/"), chromedp.WaitVisible(chromedp.CSS(`table`)), shot("staff-licenses.png"),
		chromedp.Navigate(u+"/staff/"), chromedp.WaitVisible(chromedp.CSS(`#recent-h`)), shot("staff-home.png"),
		chromedp.Navigate(u+"/staff/account"), chromedp.WaitVisible(chromedp.CSS(`#new_password`)), shot("staff-account.png"),
	)

	// Intake: a dry run of a (synthetic) MISP galaxy through the upload page.
	galaxy, err := filepath.Abs(filepath.Join("..", "intake", "testdata", "galaxy.json"))
	if err != nil {
		t.Fatal(err)
	}
	do("intake dry run",
		chromedp.Navigate(u+"/staff/intake"), chromedp.WaitVisible(chromedp.CSS(`#intake-file`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#intake-file`), []string{galaxy}),
		chromedp.Submit(chromedp.CSS(`#intake-file`)),
		chromedp.WaitVisible(chromedp.CSS(`#report-h`)), shot("staff-intake.png"),
	)
	if r := text("intake report", `main`); !strings.Contains(r, "Dry run: nothing written") || !strings.Contains(r, "Fictional Wiretap") ||
		!strings.Contains(r, "Relations in the file") || !strings.Contains(r, "would be recorded") {
		t.Errorf("intake report: %q", r)
	}

	// A stale save: someone else renames the vendor while this form is open.
	do("open the vendor", chromedp.Navigate(vendorURL), chromedp.WaitVisible(chromedp.CSS(`#f-name`)))
	sctx := domain.WithViewer(context.Background(), domain.Viewer{UserID: 2, Role: domain.RoleAdmin})
	v, err := st.GetVendor(sctx, "acme-intercept", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Update(sctx, st, store.Vendors, int(v.ID), v.Revision, func(f domain.VendorFields) (domain.VendorFields, error) {
		f.Name = "Acme Intercept GmbH"
		return f, nil
	}, store.Edit{}); err != nil {
		t.Fatal(err)
	}
	do("a stale save",
		chromedp.SetValue(chromedp.CSS(`#f-name`), "Acme Intercept AG"),
		chromedp.Submit(chromedp.CSS(`#f-name`)),
		chromedp.WaitVisible(chromedp.CSS(`#conflict`)),
		shot("staff-conflict.png"),
	)
	if c := text("conflict", `#conflict`); !strings.Contains(c, "Acme Intercept GmbH") || !strings.Contains(c, "Acme Intercept AG") {
		t.Errorf("conflict: %q", c)
	}
	kept := value("input kept", `#f-name`)
	if kept != "Acme Intercept AG" {
		t.Errorf("the stale save lost the input: %q", kept)
	}

	do("a form without its CSRF token",
		chromedp.Navigate(u+"/staff/sources/new"), chromedp.WaitVisible(chromedp.CSS(`#f-title`)),
		chromedp.SendKeys(chromedp.CSS(`#f-title`), "No token"),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[any](`document.querySelector('form.record input[name=csrf]').remove()`)(ctx, t)
			return err
		}),
		chromedp.Submit(chromedp.CSS(`#f-title`)),
		chromedp.WaitVisible(chromedp.CSS(`.problem`)),
	)
	if h := text("403", `h1`); h != "Forbidden" {
		t.Errorf("no CSRF token: %q, want the Forbidden page", h)
	}

	do("accounts, as an admin",
		chromedp.Navigate(u+"/staff/"), chromedp.WaitVisible(chromedp.CSS(`header form button`)),
		chromedp.Click(chromedp.CSS(`header form button`)),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "admin@example.org"),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`#drafts-h`)),
		chromedp.Navigate(u+"/staff/users"), chromedp.WaitVisible(chromedp.CSS(`#add-h`)), shot("staff-users.png"),
	)

	// The second factor: enrol by the QR code's page, keep a recovery code, log in
	// with it.
	do("start a second factor",
		chromedp.Navigate(u+"/staff/account"), chromedp.WaitVisible(chromedp.CSS(`#second-factor`)),
		chromedp.Click(chromedp.CSS(`form[action="/staff/account/totp"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`code.secret`)),
	)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('img.qr').complete && document.querySelector('img.qr').naturalWidth > 0`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the QR code does not load: %v", err)
	}
	do("the enrolment page", shot("staff-totp.png"))
	secret := text("secret", `code.secret`)
	otp, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	do("confirm the second factor",
		chromedp.SendKeys(chromedp.CSS(`#code`), otp),
		chromedp.Submit(chromedp.CSS(`#code`)),
		chromedp.WaitVisible(chromedp.CSS(`.recovery-codes`)),
		shot("staff-totp-recovery.png"),
	)
	recovery := text("recovery codes", `.recovery-codes li`)
	do("log in with a recovery code",
		chromedp.Click(chromedp.CSS(`header form button`)),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "admin@example.org"),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`#otp`)),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.SendKeys(chromedp.CSS(`#otp`), strings.TrimSpace(recovery)),
		chromedp.Submit(chromedp.CSS(`#otp`)),
		chromedp.WaitVisible(chromedp.CSS(`#drafts-h`)),
	)
}

// TestBrowserStaffReview: in two-person review, in Chromium, the draft's last editor
// asks for review and a second staffer, finding it on the console's home, publishes it.
func TestBrowserStaffReview(t *testing.T) {
	bin := chromium(t)
	st := storetest.Open(t, "sqlite")
	writer := addStaff(t, st, "writer@example.org", domain.RoleEditor)
	addStaff(t, st, "reviewer@example.org", domain.RoleEditor)
	sys := domain.SystemContext(context.Background())
	src, err := store.Create(sys, st, store.Sources, domain.SourceFields{Kind: "media", Title: "A review test report"}, store.Edit{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Publish(sys, st, store.Sources, int(src.ID), nil, store.Edit{}); err != nil {
		t.Fatal(err)
	}
	wctx := domain.WithViewer(context.Background(), domain.Viewer{UserID: int(writer.ID), Role: domain.RoleEditor})
	v, err := store.Create(wctx, st, store.Vendors, domain.VendorFields{Slug: "reviewed-vendor", Name: "Reviewed Vendor", UNGPCommitment: domain.Unknown}, store.Edit{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddCitation(wctx, st, store.Vendors, int(v.ID), nil, domain.Citation{SourceID: src.ID, Confidence: "reported"}, store.Edit{}); err != nil {
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

	c := newChrome(t, bin, 2*time.Minute)
	shot, do, text := c.shot, c.do, c.text
	login := func(email string) {
		t.Helper()
		do("log in as "+email,
			chromedp.Navigate(srv.URL+"/staff/login"),
			chromedp.WaitVisible(chromedp.CSS(`#email`)),
			chromedp.SendKeys(chromedp.CSS(`#email`), email),
			chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
			chromedp.Submit(chromedp.CSS(`#password`)),
			chromedp.WaitVisible(chromedp.CSS(`#drafts-h`)))
	}
	vendorURL := srv.URL + "/staff/vendors/" + v.ID.String()
	publish := func(step string, after ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		do(step, append([]chromedp.Action[chromedp.Void]{chromedp.Navigate(vendorURL), chromedp.WaitVisible(chromedp.CSS(`#publish-h`)),
			chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)), chromedp.WaitVisible(chromedp.CSS(`.notice`))}, after...)...)
	}

	login("writer@example.org")
	publish("the writer asks for review", shot("staff-review-requested.png"))
	if n := text("requested", `.notice`); !strings.Contains(n, "Review requested") {
		t.Errorf("the writer's publish says %q, want a review request", n)
	}
	do("log out", chromedp.Click(chromedp.CSS(`form[action="/staff/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`#email`)))
	login("reviewer@example.org")
	do("the reviewer's home", chromedp.WaitVisible(chromedp.CSS(`#review-h`)), shot("staff-review.png"))
	if h := text("home", `main`); !strings.Contains(h, "Reviewed Vendor") || !strings.Contains(h, "asked by writer Staffer") {
		t.Errorf("the reviewer's home does not list the draft awaiting review: %q", h)
	}
	publish("the reviewer publishes")
	if n := text("published", `.notice`); !strings.Contains(n, "Published") {
		t.Errorf("the reviewer's publish says %q", n)
	}
}

// chrome is a headless Chromium session for a browser test, with the steps the tests
// take: do runs actions (the test fails on an error), text reads an element's text,
// and shot saves a screenshot into SCREENSHOT_DIR when it is set.
type chrome struct {
	t     *testing.T
	ctx   context.Context
	shots string
}

// newChrome starts Chromium (bin) for t, ended with the test or after timeout.
func newChrome(t *testing.T, bin string, timeout time.Duration) *chrome {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"), chromedp.WindowSize(1200, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel)
	return &chrome{t: t, ctx: ctx, shots: os.Getenv("SCREENSHOT_DIR")}
}

// shot is an action saving a screenshot of the whole page as name.
func (c *chrome) shot(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if c.shots == "" {
			return nil
		}
		b, err := chromedp.FullScreenshot(100)(ctx, t)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(c.shots, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(c.shots, name), b, 0o644)
	})
}

// do runs a step's actions; the test fails if one does.
func (c *chrome) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	if err := chromedp.Do(c.ctx, actions...); err != nil {
		c.t.Fatalf("%s: %v", step, err)
	}
}

// text returns the text of the element sel names.
func (c *chrome) text(step, sel string) string {
	c.t.Helper()
	s, err := chromedp.Run(c.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		c.t.Fatalf("%s: %v", step, err)
	}
	return s
}
