package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// maxPageBytes is the budget for any page.
const maxPageBytes = 200 << 10

// response is a page as a reader's browser receives it.
type response struct {
	status int
	header http.Header
	body   string
}

// site is the registry's real HTTP handler over st: the API server, which routes
// the pages' paths to package web, so a page missing from the route table is a 404
// here as it would be for a reader.
func site(t testing.TB, st *store.Store) http.Handler {
	t.Helper()
	keys, err := st.SigningKeys(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httpapi.New(st, slog.New(slog.DiscardHandler), httpapi.Options{Keys: keys, ReadRate: 1e6, ReadBurst: 1e6})
	t.Cleanup(func() { srv.Close() })
	return srv.Handler()
}

// get requests path from the registry's handler.
func get(t *testing.T, h http.Handler, path string, header ...string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Host = "registry.test"
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8") // as a browser asks
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return response{rec.Code, rec.Header(), rec.Body.String()}
}

// scenario is one page request and what its answer must hold.
type scenario struct {
	name       string
	path       string
	wantStatus int
	// want are substrings of the page's text (tags stripped, entities decoded);
	// wantHTML are substrings of its markup.
	want     []string
	wantHTML []string
	// notWant must appear nowhere in the markup.
	notWant  []string
	location string
}

// run checks each scenario, and every HTML answer's structure.
func run(t *testing.T, h http.Handler, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := get(t, h, sc.path)
			if r.status != sc.wantStatus {
				t.Fatalf("GET %s: status %d, want %d\n%s", sc.path, r.status, sc.wantStatus, r.body)
			}
			if sc.location != "" {
				if got := r.header.Get("Location"); got != sc.location {
					t.Errorf("Location %q, want %q", got, sc.location)
				}
				return
			}
			text := checkPage(t, r)
			for _, w := range sc.want {
				if !strings.Contains(text, w) {
					t.Errorf("GET %s: the page does not say %q", sc.path, w)
				}
			}
			for _, w := range sc.wantHTML {
				if !strings.Contains(r.body, w) {
					t.Errorf("GET %s: the markup lacks %q", sc.path, w)
				}
			}
			for _, w := range sc.notWant {
				if strings.Contains(r.body, w) {
					t.Errorf("GET %s: the markup has %q", sc.path, w)
				}
			}
		})
	}
}

// checkPage checks what every page must be: HTML with the pages' headers, under the
// size budget, parseable, with one <h1>, the landmarks, a title, headers of tables
// with a scope, labelled inputs, and no inline script or style (the CSP forbids
// them). It returns the page's text.
func checkPage(t *testing.T, r response) string {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'none'") || !strings.Contains(csp, "style-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	if len(r.body) > maxPageBytes {
		t.Errorf("page is %d bytes, over the %d budget", len(r.body), maxPageBytes)
	}
	doc, err := html.Parse(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	count := map[string]int{}
	labels := map[string]bool{}
	var inputs []string
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			text.WriteString(n.Data)
		case html.ElementNode:
			count[n.Data]++
			switch n.Data {
			case "th":
				if attr(n, "scope") == "" {
					t.Errorf("a <th> without scope: %q", textOf(n))
				}
			case "label":
				labels[attr(n, "for")] = true
			case "input":
				if attr(n, "type") != "hidden" {
					inputs = append(inputs, attr(n, "id"))
				}
			}
			if attr(n, "style") != "" {
				t.Errorf("inline style on <%s>", n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("inline script %s on <%s>", a.Key, n.Data)
				}
			}
			if n.Data == "p" || n.Data == "li" || n.Data == "dt" || n.Data == "dd" || n.Data == "td" || n.Data == "th" || n.Data == "h1" || n.Data == "h2" || n.Data == "h3" {
				defer text.WriteString("\n")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if count["h1"] != 1 {
		t.Errorf("%d <h1> elements, want 1", count["h1"])
	}
	for _, el := range []string{"title", "header", "nav", "main", "footer"} {
		if count[el] == 0 {
			t.Errorf("no <%s>", el)
		}
	}
	if count["script"] > 0 || count["style"] > 0 {
		t.Errorf("%d <script> and %d <style> elements: the pages have none", count["script"], count["style"])
	}
	for _, id := range inputs {
		if id == "" || !labels[id] {
			t.Errorf("input %q has no <label>", id)
		}
	}
	// Spaces as a reader sees them, so that wanted phrases match across lines.
	return regexp.MustCompile(`[ \t\r]+`).ReplaceAllString(strings.ReplaceAll(text.String(), "\u00a0", " "), " ")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// version returns the dataset version the pages must cite.
func version(t *testing.T, st *store.Store) string {
	t.Helper()
	v, err := st.DatasetVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestPages walks the pages of the bundled dataset: the path a newcomer takes from
// the map to Israel, NSO Group, Pegasus, the licence and termination claims and
// their sources.
func TestPages(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		h := site(t, st)
		v := version(t, st)
		cite := func(title, path string) string {
			return `Surveillance Export Registry, "` + title + `", http://registry.test` + path + `, dataset version ` + v + `, retrieved `
		}
		run(t, h, []scenario{
			{name: "home", path: "/", wantStatus: 200,
				want: []string{"Surveillance technology exports by country", "Licences by country", "Countries with licences or vendors recorded",
					"All 250 countries and territories", "Latest changes", "NSO Group", "Pegasus", "Cite this",
					cite("Surveillance technology exports by country", "/")},
				wantHTML: []string{`<svg class="worldmap"`, `<a href="/countries/IL"><title>Israel: 0 licences; 1 vendor headquartered there</title><path class="s0"`,
					`<title>France: 0 licences</title>`, `<label for="q">`, `action="/search"`, `<th scope="row"><a href="/countries/IL">Israel</a></th>`,
					`href="/countries/MC"`, `href="/api/v1/export/states.csv"`, `href="/assets/site.css?v=`}},
			{name: "Israel", path: "/countries/IL", wantStatus: 200,
				want: []string{"Vendors headquartered in Israel", "NSO Group", "Pegasus", "Intrusion spyware",
					"Licence 1: end-user licence, NSO Group", "Maximum targets: Unknown", "Maximum concurrent targets: Unknown",
					"NSO Group states that its licences are “limited in volume”", "limited in “geography”", "limited in “duration”",
					"Valid from: Unknown", "Stated purpose: Unknown",
					"Termination 1: NSO Group, reason material breach", "Reason\nMaterial breach", "Human rights violation the basis\nUnknown",
					"Scope\nUnknown", "Reported to\nUnknown",
					"OL OTH 2/2020", "confidence: reported", "confidence: confirmed",
					"No licence to or from Israel, or of a vendor headquartered there, has a known start date, so there is no timeline to draw.",
					"1 licence has no known validity period",
					// NSO Group's licence and termination name no state: they are its
					// vendor's, under that name, and not Israel's.
					"Licences from Israel\n0", "Licences of vendors headquartered in Israel\n1",
					"Terminations naming Israel\n0", "Terminations involving vendors headquartered in Israel\n1",
					"A licence whose sources name no exporting state is from no country",
					"This list by vendor: licences of NSO Group (CSV)", "This list by vendor: terminations by NSO Group (CSV)",
					cite("Israel", "/countries/IL")},
				wantHTML: []string{`href="/sources/1"`, `href="/sources/2"`, `href="/sources/8"`, `href="/vendors/nso-group"`,
					`href="/products/1"`, `href="/licenses/1"`, `href="/terminations/1"`, `href="/communications/3"`,
					`href="/api/v1/states/IL"`, `href="/api/v1/licenses?format=csv&amp;limit=500&amp;vendor=nso-group"`,
					`href="/api/v1/licenses?country=IL&amp;format=csv&amp;limit=500"`, `<link rel="canonical" href="http://registry.test/countries/IL">`},
				notWant: []string{"https://", "http://www.", "<script", "The registry holds no records about"}},
			{name: "a lower-case code redirects", path: "/countries/il", wantStatus: 301, location: "/countries/IL"},
			{name: "an unknown country", path: "/countries/ZZ", wantStatus: 404, want: []string{"Not found", "There is no public record at this address"}},
			{name: "alpha-3 redirects", path: "/countries/ISR", wantStatus: 308, location: "/countries/IL"},
			{name: "not a code", path: "/countries/ISRX", wantStatus: 404, want: []string{"Not found"}},
			{name: "a country without records", path: "/countries/FR", wantStatus: 200,
				want: []string{"France", "Vendors headquartered in France", "None recorded.", "No licence to or from France, or of a vendor headquartered there, has a known start date"}},
			{name: "an absence of records is not evidence", path: "/countries/NO", wantStatus: 200,
				want: []string{"The registry holds no records about Norway. That is not evidence that no surveillance technology was exported to or from Norway: the registry holds only what public sources document."}},
			{name: "vendor", path: "/vendors/nso-group", wantStatus: 200,
				want: []string{"NSO Group", "Slug\nnso-group", "Stated commitment to the UN Guiding Principles\nYes", "Pegasus",
					"Licence 1: end-user licence, NSO Group", "Termination 1", "Communication 3: OL OTH 2/2020",
					cite("NSO Group", "/vendors/nso-group"),
					// The claims the letter attributes to NSO Group and Mr. Hulio, not the Rapporteur's.
					"Statements attributed to it", "Mr. Hulio, 2019 (year only):", "“operational visibility is simply not permitted.”"},
				wantHTML: []string{`href="/api/v1/vendors/nso-group"`, `href="/api/v1/licenses?format=csv&amp;limit=500&amp;vendor=nso-group"`,
					`Recorded in <a href="/communications/3#statement-5">`, `Recorded in <a href="/communications/3#statement-7">`},
				notWant: []string{"Such a claim appears to be at odds", "There does not seem to be an independent nature"}},
			{name: "a vendor by id redirects to its slug", path: "/vendors/1", wantStatus: 301, location: "/vendors/nso-group"},
			{name: "a licence by its British spelling redirects", path: "/licences/1", wantStatus: 301, location: "/licenses/1"},
			{name: "an unknown vendor", path: "/vendors/acme", wantStatus: 404},
			{name: "product", path: "/products/1", wantStatus: 200,
				want:     []string{"Pegasus (NSO Group)", "Intrusion spyware", "Capabilities\nUnknown", "UN surveillance expert urges global moratorium"},
				wantHTML: []string{`href="/api/v1/products/1"`, `href="/api/v1/export/products.csv"`}},
			{name: "licence", path: "/licenses/1", wantStatus: 200,
				want: []string{"Licence 1: end-user licence, NSO Group", "Licence status\nUnknown", "End-user state\nUnknown",
					"Geography\nUnknown", "Not a specific licence", cite("Licence 1: end-user licence, NSO Group", "/licenses/1")},
				wantHTML: []string{`<th scope="row">Volume</th>`, `href="/api/v1/licenses/1"`, `href="/api/v1/licenses/1/history"`, `href="/api/v1/export/licenses.csv"`}},
			{name: "termination", path: "/terminations/1", wantStatus: 200,
				want: []string{"Material breach", "Initiated by\nVendor", "Rights involved\nUnknown"}},
			{name: "communication", path: "/communications/3", wantStatus: 200,
				want: []string{"Communication 3: OL OTH 2/2020", "Copied to\nIsrael", "In reply to\nCommunication 2",
					"The 34 questions and requests of", "Request (no question mark): I would be interested to know more about this assertion", "what are you doing to identify, rectify and prevent abuse and remedy violations?",
					// The statements it records, attributed, with where they are from.
					"Vendor statement by NSO Group, 10 December 2019:", "given the nature of government security investigations, “operational visibility is simply not permitted.”",
					"Vendor statement by Mr. Hulio (NSO Group), 2019 (year only):", "Where: Letter of the Special Rapporteur on the promotion and protection of the right to freedom of opinion and expression to NSO Group (reference OL OTH 2/2020), 20 February 2020, “Operational visibility and monitoring”, first paragraph; first said in",
					"Assessment by Special Rapporteur", "Such a claim appears to be at odds", "About: statement 5, statement 6",
					"Recommendation by Special Rapporteur", "until legal mechanisms to govern their export and use are in place",
					"is counterintuitive to whistleblowing as a principle", "extremely limited global framework",
					// The law it invokes.
					"ICCPR, provision 17", "ICCPR, provision 19", "Statements recorded\n11", "Legal framework\nICCPR 17, ICCPR 19, UN Guiding Principles on Business and Human Rights 17", "UN Guiding Principles on Business and Human Rights, provision 17"},
				wantHTML: []string{`<th scope="col">Question or request</th>`, `href="/countries/IL"`, `<a href="#statement-5">statement 5</a>`, `<li id="statement-8" value="8">`,
					`first said in <a href="/sources/7">`, `first said in <a href="/sources/4">`, `<strong>Vendor statement</strong> by <a href="/vendors/nso-group">NSO Group</a>,`,
					`by Mr. Hulio (<a href="/vendors/nso-group">NSO Group</a>)`}},
			{name: "source with an address", path: "/sources/8", wantStatus: 200,
				want:     []string{"UN surveillance expert urges global moratorium on sale of spyware", "Kind\nMedia"},
				wantHTML: []string{`rel="noopener noreferrer"`}},
			{name: "source without one", path: "/sources/1", wantStatus: 200,
				want: []string{"Address\nUnknown (no public address was verified)", "Document symbol\nUnknown"}},
			{name: "a source dated to the month", path: "/sources/4", wantStatus: 200,
				want: []string{"Published on\nMay 2019 (month only)"}, wantHTML: []string{`<time datetime="2019-05">`},
				notWant: []string{"2019-05-01", "1 May 2019"}},
			{name: "a source dated to the day", path: "/sources/1", wantStatus: 200,
				want: []string{"Published on\n20 February 2020"}, wantHTML: []string{`<time datetime="2020-02-20">`}},
			{name: "search", path: "/search?q=NSO+Grup", wantStatus: 200,
				want: []string{"Search: NSO Grup", "NSO Group"}, wantHTML: []string{`href="/vendors/1"`, `value="NSO Grup"`}},
			{name: "search by document symbol", path: "/search?q=A/HRC/41/35", wantStatus: 200,
				wantHTML: []string{`href="/sources/4"`}},
			{name: "empty search", path: "/search", wantStatus: 200, want: []string{"Search"}},
			{name: "search with control characters", path: "/search?q=%00x", wantStatus: 200, want: []string{"The search text is not valid text without control characters."}},
			{name: "no such licence", path: "/licenses/999", wantStatus: 404},
			{name: "not an id", path: "/licenses/abc", wantStatus: 404},
			{name: "a zero-padded id", path: "/licenses/01", wantStatus: 404},
			{name: "no allegations in the dataset", path: "/allegations/1", wantStatus: 404},
			{name: "no agencies in the dataset", path: "/agencies/1", wantStatus: 404},
			{name: "an unknown path", path: "/nothing/here", wantStatus: 404, want: []string{"Not found"}},
			{name: "an unknown top-level path", path: "/nosuchpage", wantStatus: 404, want: []string{"Not found"}},
		})
	})
}

// TestPageHeaders checks the headers pages carry and revalidation.
func TestPageHeaders(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		h := site(t, st)
		r := get(t, h, "/countries/IL")
		if r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		for k, want := range map[string]string{
			"Cache-Control":           "public, no-cache",
			"Content-Security-Policy": "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
			"X-Dataset-Version":       version(t, st),
			"X-Content-Type-Options":  "nosniff",
		} {
			if got := r.header.Get(k); got != want {
				t.Errorf("%s: %q, want %q", k, got, want)
			}
		}
		etag := r.header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		if again := get(t, h, "/countries/IL", "If-None-Match", etag); again.status != http.StatusNotModified || again.body != "" {
			t.Errorf("If-None-Match: status %d with %d bytes, want 304 and none", again.status, len(again.body))
		}
		if other := get(t, h, "/countries/IL", "If-None-Match", `"other"`); other.status != 200 {
			t.Errorf("a stale ETag: status %d", other.status)
		}
		if nf := get(t, h, "/countries/ZZ"); nf.header.Get("Content-Security-Policy") == "" || nf.header.Get("ETag") == "" {
			t.Errorf("the 404 page lacks the page headers: %v", nf.header)
		}
		css := get(t, h, "/assets/site.css")
		if css.status != 200 || !strings.HasPrefix(css.header.Get("Content-Type"), "text/css") || css.header.Get("Cache-Control") != "public, no-cache" {
			t.Errorf("stylesheet: %d %v", css.status, css.header)
		}
		home := get(t, h, "/")
		v := regexp.MustCompile(`/assets/site\.css\?v=([A-Za-z0-9_-]+)`).FindStringSubmatch(home.body)
		if v == nil {
			t.Fatal("the home page does not link the stylesheet by version")
		}
		if pinned := get(t, h, "/assets/site.css?v="+v[1]); !strings.Contains(pinned.header.Get("Cache-Control"), "immutable") {
			t.Errorf("a versioned asset is not cached for good: %q", pinned.header.Get("Cache-Control"))
		}
		if missing := get(t, h, "/assets/app.js"); missing.status != 404 {
			t.Errorf("/assets/app.js: %d", missing.status)
		}
	})
}

// TestPageSizes keeps the heaviest pages of the bundled dataset within budget and
// reports their sizes.
func TestPageSizes(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		h := site(t, st)
		for _, p := range []string{"/", "/countries/IL", "/vendors/nso-group", "/communications/3"} {
			r := get(t, h, p)
			t.Logf("%s: %d bytes", p, len(r.body))
			if r.status != 200 || len(r.body) > maxPageBytes {
				t.Errorf("%s: status %d, %d bytes (budget %d)", p, r.status, len(r.body), maxPageBytes)
			}
		}
	})
}

// fixture adds records the bundled dataset lacks: dated licences to Mexico for the
// timeline, an agency and an allegation, a draft, and retractions (one imported as
// retracted, one retracted through the store as staff would).
func fixture(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := domain.SystemContext(context.Background())
	s := func(v string) *string { return &v }
	d := func(v string) *domain.Date { x := domain.Date(v); return &x }
	id := func(n int) *domain.ID { v := domain.ID(n); return &v }
	cites := []domain.Citation{{SourceID: 100, Confidence: "reported", Locator: s("p. 3")}}
	pub := func(n int) domain.Record {
		return domain.Record{ID: domain.ID(n), Status: domain.StatusPublished, Citations: cites}
	}
	lic := func(r domain.Record, from *domain.Date, fromP *string, until *domain.Date, untilP *string) domain.License {
		return domain.License{Record: r, LicenseFields: domain.LicenseFields{Kind: "export_authorization", VendorID: id(100),
			EndUserState: s("MX"), EndUserAgencyID: id(100), ExportingState: s("IT"), LicenseStatus: "granted",
			ValidFrom: from, ValidFromPrecision: fromP, ValidUntil: until, ValidUntilPrecision: untilP,
			MaxTargets: func() *int { n := 50; return &n }(), Geography: []string{"MX", "GT"}, StatedPurpose: s("serious_crime"), PurposeSpecificity: "specific"}}
	}
	b := store.Batch{
		Sources: []domain.Source{{Record: domain.Record{ID: 100, Status: domain.StatusPublished},
			SourceFields: domain.SourceFields{Kind: "media", Title: "Test source", URL: s("https://example.org/report")}}},
		Vendors: []domain.Vendor{
			{Record: pub(100), VendorFields: domain.VendorFields{Slug: "test-vendor", Name: "Test Vendor", HeadquartersCountry: s("IT")}},
			{Record: domain.Record{ID: 101, Status: domain.StatusDraft}, VendorFields: domain.VendorFields{Slug: "draft-vendor", Name: "Draft Vendor", HeadquartersCountry: s("IT")}},
			{Record: domain.Record{ID: 102, Status: domain.StatusRetracted, RetractionReason: s("wrong company"), Citations: cites},
				VendorFields: domain.VendorFields{Slug: "retracted-vendor", Name: "Retracted Vendor", HeadquartersCountry: s("IT")}},
		},
		Agencies: []domain.Agency{{Record: pub(100), AgencyFields: domain.AgencyFields{StateCode: "MX", Name: "Test Agency", Kind: "intelligence"}}},
		Licenses: []domain.License{
			lic(pub(100), d("2020-01-01"), s("day"), d("2021"), s("year")),
			lic(pub(101), d("2019"), s("year"), nil, nil),
			lic(pub(102), d("2018-03"), s("month"), d("2019-06-30"), s("day")),
			lic(pub(103), nil, nil, nil, nil),
			lic(domain.Record{ID: 104, Status: domain.StatusDraft}, d("2020-01-01"), s("day"), nil, nil),
		},
		Allegations: []domain.Allegation{{Record: pub(100), AllegationFields: domain.AllegationFields{VendorID: id(100), OperatorState: s("MX"),
			OperatorAgencyID: id(100), TargetCategory: "journalist", TargetCountry: s("MX"), AllegationStatus: "forensically_confirmed",
			PeriodStart: d("2017"), PeriodStartPrecision: s("year")}}},
	}
	if _, err := st.Import(ctx, b); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	if _, err := store.Retract(ctx, st, store.Licenses, 102, nil, "duplicate of licence 100", store.Edit{}); err != nil {
		t.Fatalf("retract: %v", err)
	}
}

// TestDraftsAndRetractions checks that drafts never show, retracted records keep
// their pages with the retraction first, and the timeline draws known periods at
// their precision.
// retractionReason is why the retracted records of TestDraftsAndRetractions were.
var retractionReason = "entered in error"

func TestDraftsAndRetractions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fixture(t, st)
		h := site(t, st)
		run(t, h, []scenario{
			{name: "a draft licence is not found", path: "/licenses/104", wantStatus: 404},
			{name: "a draft vendor is not found", path: "/vendors/draft-vendor", wantStatus: 404},
			{name: "a draft vendor by id is not found", path: "/vendors/101", wantStatus: 404},
			{name: "a retracted licence shows its retraction", path: "/licenses/102", wantStatus: 200,
				want:     []string{"This record was retracted on", "Reason: duplicate of licence 100", "Licence 102"},
				wantHTML: []string{`<time datetime="2018-03">March 2018 (month only)</time>`, `<time datetime="2019-06-30">30 June 2019</time>`}},
			{name: "an imported retraction without a date", path: "/vendors/retracted-vendor", wantStatus: 200,
				want: []string{"This record was retracted.", "Reason: wrong company"}},
			{name: "Mexico", path: "/countries/MX", wantStatus: 200,
				want: []string{"Test Agency", "Licence 100: export authorization, Test Vendor to Mexico", "Licence 101", "Licence 103",
					"Maximum targets: 50", "Mexico, Guatemala", "Stated purpose: Serious crime", "End use stated: Specific",
					"Valid from: 1 January 2020", "Valid until: 2021 (year only)", "Valid from: 2019 (year only)",
					"Validity periods of 2 licences", "Unknown (not given by the sources)", "1 licence has no known validity period",
					"Forensically confirmed, targets: journalist, in Mexico", "Period\nfrom 2017 (year only) until Unknown"},
				wantHTML: []string{`class="fuzzy"`, `class="solid"`, `class="open"`, `end unknown`, `href="/agencies/100"`, `href="/vendors/test-vendor"`,
					`<time datetime="2021">2021 (year only)</time>`, `<time datetime="2020-01-01">1 January 2020</time>`},
				notWant: []string{"Licence 102", "Licence 104", "Draft Vendor", "Retracted Vendor", "https://example.org"}},
			{name: "Italy's vendors leave out drafts and retractions", path: "/countries/IT", wantStatus: 200,
				want: []string{"Test Vendor"}, notWant: []string{"Draft Vendor", "Retracted Vendor"}},
			{name: "agency", path: "/agencies/100", wantStatus: 200,
				want: []string{"Test Agency", "Kind\nIntelligence", "Licence 100", "Forensically confirmed"}, notWant: []string{"Licence 102"}},
			{name: "allegation", path: "/allegations/100", wantStatus: 200,
				want: []string{"Targets\nJournalist", "Vendor's reply: Unknown", "Where: p. 3"}},
			{name: "a source's address is a link on its page", path: "/sources/100", wantStatus: 200,
				wantHTML: []string{`<a href="https://example.org/report" rel="noopener noreferrer">`}},
		})
		// Every kind of record page shows a retraction first.
		retracted := func(n int) domain.Record {
			return domain.Record{ID: domain.ID(n), Status: domain.StatusRetracted, RetractionReason: &retractionReason,
				Citations: []domain.Citation{{SourceID: 100, Confidence: "reported"}}}
		}
		vendor := domain.ID(100)
		b := store.Batch{
			Sources:        []domain.Source{{Record: domain.Record{ID: 900, Status: domain.StatusRetracted, RetractionReason: &retractionReason}, SourceFields: domain.SourceFields{Kind: "media", Title: "Retracted source"}}},
			Products:       []domain.Product{{Record: retracted(900), ProductFields: domain.ProductFields{VendorID: vendor, Name: "Retracted product"}}},
			Agencies:       []domain.Agency{{Record: retracted(900), AgencyFields: domain.AgencyFields{StateCode: "MX", Name: "Retracted agency"}}},
			Terminations:   []domain.Termination{{Record: retracted(900), TerminationFields: domain.TerminationFields{VendorID: vendor}}},
			Allegations:    []domain.Allegation{{Record: retracted(900), AllegationFields: domain.AllegationFields{VendorID: &vendor}}},
			Communications: []domain.Communication{{Record: retracted(900), CommunicationFields: domain.CommunicationFields{Sender: "A mandate"}}},
		}
		if _, err := st.Import(domain.SystemContext(context.Background()), b); err != nil {
			t.Fatal(err)
		}
		var pages []scenario
		for _, c := range []string{"sources", "products", "agencies", "terminations", "allegations", "communications"} {
			pages = append(pages, scenario{name: "a retracted record of " + c, path: "/" + c + "/900", wantStatus: 200,
				want: []string{"This record was retracted.", "Reason: " + retractionReason}})
		}
		run(t, h, pages)

		home := get(t, h, "/")
		if !strings.Contains(home.body, `<title>Mexico: 3 licences</title><path class="s2"`) {
			t.Errorf("the map does not shade Mexico by its 3 published licences")
		}
		if !strings.Contains(home.body, "duplicate of licence 100") {
			t.Errorf("the latest changes do not show the retraction's reason")
		}
	})
}

// TestWorldOutlines checks the embedded boundaries file the converter wrote.
func TestWorldOutlines(t *testing.T) {
	b, err := os.ReadFile("assets/world.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 150<<10 {
		t.Errorf("assets/world.json is %d bytes; keep it under 150 KB", len(b))
	}
	for _, code := range []string{`"code":"IL"`, `"code":"XK"`, `"code":"MX"`, `"code":"FJ"`} {
		if !bytes.Contains(b, []byte(code)) {
			t.Errorf("no outline with %s", code)
		}
	}
	for _, m := range regexp.MustCompile(`"code":"([^"]*)"`).FindAllStringSubmatch(string(b), -1) {
		if !domain.ValidCountry(m[1]) {
			t.Errorf("outline code %q is not a registry country", m[1])
		}
	}
}

// TestPageBudget fills a country with more and longer records than a page can show
// in full: the page drops to less detail rather than exceed the budget, and says
// where the rest is.
func TestPageBudget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := func(v string) *string { return &v }
		long := strings.Repeat("A long description of a licence, as sources sometimes give. ", 160) // ~10 KB
		b := store.Batch{
			Sources: []domain.Source{{Record: domain.Record{ID: 1, Status: domain.StatusPublished}, SourceFields: domain.SourceFields{Kind: "media", Title: "Source"}}},
		}
		for i := 1; i <= 120; i++ {
			from := domain.Date(fmt.Sprintf("%d", 2000+i%20))
			b.Licenses = append(b.Licenses, domain.License{
				Record: domain.Record{ID: domain.ID(i), Status: domain.StatusPublished, Citations: []domain.Citation{{SourceID: 1, Confidence: "reported"}}},
				LicenseFields: domain.LicenseFields{Kind: "export_authorization", EndUserState: s("BR"), LicenseStatus: "granted",
					ValidFrom: &from, ValidFromPrecision: s("year"), Description: s(long), StatedPurpose: s("unspecified"), PurposeSpecificity: "unknown"},
			})
		}
		if _, err := st.Import(domain.SystemContext(context.Background()), b); err != nil {
			t.Fatal(err)
		}
		h := site(t, st)
		run(t, h, []scenario{{name: "Brazil", path: "/countries/BR", wantStatus: 200,
			want: []string{"Licence 1: export authorization to Brazil", "The registry holds 120 of these; this page lists the first ones.",
				"later licences are not drawn"}}})
		r := get(t, h, "/countries/BR")
		t.Logf("/countries/BR: %d bytes, %d licences in full", len(r.body), strings.Count(r.body, "<caption>Limits of"))
		if n := strings.Count(r.body, "<caption>Limits of"); n == 0 || n >= 20 {
			t.Errorf("%d licences shown in full; want fewer than the 20 that would not fit", n)
		}
	})
}
