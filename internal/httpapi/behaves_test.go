package httpapi_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// concrete fills a route's parameters with values the bundled dataset has.
func concrete(route string) string {
	r := strings.NewReplacer(":id", "1", ":ref", "nso-group", ":iso2", "IL", ":file", "licenses.csv",
		":name", "site.css", "*", "index.html")
	return r.Replace(route)
}

// varies are the headers that differ between any two answers, or that a HEAD may leave
// out (RFC 9110 §9.3.2: a chunked GET's framing).
var varies = map[string]bool{"Date": true, "X-Request-Id": true, "Transfer-Encoding": true}

// TestHeadOnEveryGet: HEAD on every GET route (pages, API, exports, feeds, docs)
// answers what GET does, headers and all, without a body.
func TestHeadOnEveryGet(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	seed(t, st)
	a := newAPI(t, st)
	seen := 0
	for _, rt := range a.server.Routes() {
		if rt.Method != http.MethodGet {
			continue
		}
		seen++
		path := concrete(rt.Path)
		for _, header := range []map[string]string{
			// Go's client asks a GET, never a HEAD, for gzip unless told: say it each time.
			{"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip"}, {"Accept": "text/html", "Accept-Encoding": "identity"}} {
			get := a.sendRaw(http.MethodGet, path, header, nil)
			head := a.sendRaw(http.MethodHead, path, header, nil)
			if head.status != get.status {
				t.Errorf("HEAD %s %v: %d, GET %d", path, header, head.status, get.status)
				continue
			}
			if len(head.body) != 0 {
				t.Errorf("HEAD %s: a body of %d bytes", path, len(head.body))
			}
			for k := range mergeKeys(get.header, head.header) {
				if varies[k] || k == "Content-Length" && (get.header.Get(k) == "" || get.header.Get(k) == "0") {
					continue
				}
				if g, h := get.header.Values(k), head.header.Values(k); strings.Join(g, ",") != strings.Join(h, ",") {
					t.Errorf("HEAD %s %v: %s is %q, GET's %q", path, header, k, h, g)
				}
			}
		}
	}
	if seen < 30 {
		t.Fatalf("only %d GET routes", seen)
	}
	// An export's HEAD says how long the file is, as its GET does.
	if r := a.sendRaw(http.MethodHead, "/api/v1/export/licenses.ndjson", map[string]string{"Accept-Encoding": "identity"}, nil); r.status != 200 || r.header.Get("Content-Length") == "" || r.header.Get("Content-Length") == "0" {
		t.Errorf("HEAD of an export: %d, Content-Length %q", r.status, r.header.Get("Content-Length"))
	}
}

func mergeKeys(a, b http.Header) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// seed loads the bundled dataset.
func seed(t *testing.T, st *store.Store) {
	t.Helper()
	if _, err := dataset.Load(domain.SystemContext(context.Background()), st, dataset.Bundled()); err != nil {
		t.Fatal(err)
	}
}

// TestCursorBoundToItsList: a list's cursor pages that list only; given to another
// list it is a 400 naming cursor, never a page that skips records or ends early.
func TestCursorBoundToItsList(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	seed(t, st)
	a := newAPI(t, st)
	next := func(path string) string {
		t.Helper()
		r := a.do(http.MethodGet, path, nil)
		cursor, _ := r.json(t)["meta"].(map[string]any)["next_cursor"].(string)
		if r.status != 200 || cursor == "" {
			t.Fatalf("%s: %d, no next cursor", path, r.status)
		}
		return cursor
	}
	// The bundled dataset has one licence, three communications and eight sources.
	sources, states := next("/api/v1/sources?limit=1"), next("/api/v1/states?limit=1")
	for _, tc := range []struct{ path, cursor string }{
		{"/api/v1/licenses", sources}, {"/api/v1/vendors", sources}, {"/api/v1/communications", sources},
		{"/api/v1/states", sources}, {"/api/v1/sources", states},
	} {
		r := a.do(http.MethodGet, tc.path+"?cursor="+tc.cursor, nil)
		if r.status != 400 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s with another list's cursor: %d %s", tc.path, r.status, truncate(r.body))
			continue
		}
		if errs, _ := r.json(t)["errors"].(map[string]any); errs["cursor"] == nil {
			t.Errorf("%s: the problem does not name cursor: %s", tc.path, r.body)
		}
	}
	// Its own list takes it, and pages on.
	for _, path := range []string{"/api/v1/sources?limit=1&cursor=" + sources, "/api/v1/states?limit=1&cursor=" + states} {
		if r := a.do(http.MethodGet, path, nil); r.status != 200 || len(r.json(t)["data"].([]any)) != 1 {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
}

// TestAtomEntriesLinkPages: an Atom entry is titled as its record's page names it,
// in the pages' words, and links first to that page, then to the JSON.
func TestAtomEntriesLinkPages(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	seed(t, st)
	a := newAPI(t, st)
	r := a.do(http.MethodGet, "/feeds/changes.atom", nil)
	var feed struct {
		Entries []struct {
			Title string `xml:"title"`
			Links []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
				Type string `xml:"type,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(r.body, &feed); err != nil || r.status != 200 {
		t.Fatalf("%d %v", r.status, err)
	}
	titles := map[string]string{} // page path: title
	for _, e := range feed.Entries {
		if len(e.Links) != 2 || e.Links[0].Type != "text/html" || e.Links[1].Type != "application/json" ||
			!strings.HasPrefix(e.Links[0].Href, a.url+"/") || strings.Contains(e.Links[0].Href, "/api/") {
			t.Errorf("%q: links %+v, want the page then the JSON", e.Title, e.Links)
			continue
		}
		titles[strings.TrimPrefix(e.Links[0].Href, a.url)] = e.Title
	}
	for path, want := range map[string]string{
		"/licenses/1":        "Licence 1: ",
		"/vendors/nso-group": "Vendor: NSO Group — added",
		"/terminations/1":    "Termination 1: NSO Group",
	} {
		if got, ok := titles[path]; !ok || !strings.HasPrefix(got, want) {
			t.Errorf("entry of %s: title %q, want it to start %q (entries: %v)", path, got, want, titles)
		}
	}
	if got := titles["/licenses/1"]; !strings.Contains(got, "NSO Group") || !strings.HasSuffix(got, " — added") {
		t.Errorf("the licence's entry %q does not name its vendor and what happened", got)
	}
}

// TestFormatNotGivenIs406: a format a route cannot give is a 406 problem naming what
// asked for it, never JSON in its place; what a route can give is still given.
func TestFormatNotGivenIs406(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	seed(t, st)
	a := newAPI(t, st)
	csv := map[string]string{"Accept": "text/csv"}
	for _, tc := range []struct {
		path   string
		header map[string]string
		status int
		field  string // named by the problem
	}{
		{"/api/v1/licenses/1?format=csv", nil, 406, "format"},
		{"/api/v1/states/IL?format=csv", nil, 406, "format"},
		{"/api/v1/vendors/nso-group/history?format=csv", nil, 406, "format"},
		{"/api/v1/version?format=csv", nil, 406, "format"},
		{"/api/v1/licenses/1?format=xlsx", nil, 406, "format"},
		{"/api/v1/licenses?format=xml", nil, 406, "format"},
		{"/api/v1/licenses/1", csv, 406, "Accept"},
		{"/api/v1/states/IL", csv, 406, "Accept"},
		// What the routes give.
		{"/api/v1/licenses/1?format=json", nil, 200, ""},
		{"/api/v1/licenses/1", map[string]string{"Accept": "text/csv, application/json;q=0.5"}, 200, ""},
		{"/api/v1/licenses/1", map[string]string{"Accept": "text/html,*/*;q=0.8"}, 200, ""},
		{"/api/v1/licenses?format=csv", nil, 200, ""},
		{"/api/v1/licenses", csv, 200, ""},
		{"/api/v1/states/IL", nil, 200, ""},
	} {
		r := a.do(http.MethodGet, tc.path, tc.header)
		if r.status != tc.status {
			t.Errorf("%s %v: %d, want %d\n%s", tc.path, tc.header, r.status, tc.status, truncate(r.body))
			continue
		}
		if tc.status != 406 {
			continue
		}
		if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s: Content-Type %q", tc.path, ct)
		}
		if errs, _ := r.json(t)["errors"].(map[string]any); errs[tc.field] == nil {
			t.Errorf("%s: the problem does not name %s: %s", tc.path, tc.field, r.body)
		}
	}
}

// TestCSVByteOrderMark: bom=1 puts a UTF-8 byte order mark before a CSV (lists and
// exports, plain and gzipped), for Excel on Windows; without it the bytes are as
// before, and NDJSON and JSON ignore it.
func TestCSVByteOrderMark(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	seed(t, st)
	a := newAPI(t, st)
	bom := "\xEF\xBB\xBF"
	for _, path := range []string{"/api/v1/communications?format=csv", "/api/v1/states?format=csv", "/api/v1/export/licenses.csv", "/api/v1/export/sources.csv"} {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		for _, enc := range []string{"identity", "gzip"} {
			h := map[string]string{"Accept-Encoding": enc}
			plain := a.do(http.MethodGet, path, h)
			zero := a.do(http.MethodGet, path+sep+"bom=0", h)
			with := a.do(http.MethodGet, path+sep+"bom=1", h)
			if plain.status != 200 || with.status != 200 || zero.status != 200 {
				t.Fatalf("%s (%s): %d, %d with bom=1, %d with bom=0", path, enc, plain.status, with.status, zero.status)
			}
			if strings.HasPrefix(string(plain.plain), bom) || string(zero.plain) != string(plain.plain) {
				t.Errorf("%s (%s): without bom=1 the bytes changed", path, enc)
			}
			if string(with.plain) != bom+string(plain.plain) {
				t.Errorf("%s (%s) bom=1: starts %q, want the BOM then the same CSV", path, enc, truncate(with.plain[:min(10, len(with.plain))]))
			}
			if with.header.Get("ETag") == plain.header.Get("ETag") {
				t.Errorf("%s (%s): the CSV with a BOM has the ETag of the one without", path, enc)
			}
		}
	}
	for _, path := range []string{"/api/v1/export/licenses.ndjson?bom=1", "/api/v1/licenses?bom=1"} {
		if r := a.do(http.MethodGet, path, nil); r.status != 200 || strings.HasPrefix(string(r.plain), bom) {
			t.Errorf("%s: %d, a BOM before what is not CSV", path, r.status)
		}
	}
	for _, path := range []string{"/api/v1/export/licenses.csv?bom=yes", "/api/v1/licenses?format=csv&bom=2"} {
		if r := a.do(http.MethodGet, path, nil); r.status != 400 || !strings.Contains(string(r.body), `"bom"`) {
			t.Errorf("%s: %d %s, want a 400 naming bom", path, r.status, r.body)
		}
	}
}

// TestOpenAPIForGenerators: /openapi.json is the OpenAPI 3 contract (api/openapi.yaml,
// the same document), and what client generators need: every operation has a unique
// camelCase operationId, a description and defined tags, each with a description, and
// servers (one relative server).
func TestOpenAPIForGenerators(t *testing.T) {
	a := newAPI(t, storetest.Open(t, "sqlite"))
	r := a.do(http.MethodGet, "/openapi.json", nil)
	served, err := openapi3.NewLoader().LoadFromData(r.body)
	if err != nil || r.status != 200 {
		t.Fatalf("/openapi.json: %d %v", r.status, err)
	}
	if err := served.Validate(context.Background()); err != nil {
		t.Fatalf("/openapi.json is not valid OpenAPI 3: %v", err)
	}
	contract, err := openapi3.NewLoader().LoadFromFile(filepath.Join("..", "..", "api", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sj, _ := json.Marshal(served)
	cj, _ := json.Marshal(contract)
	if string(sj) != string(cj) {
		t.Errorf("/openapi.json differs from api/openapi.yaml: run make docs")
	}
	// One relative server: "/" resolves against the instance the document was read from.
	if len(served.Servers) != 1 || served.Servers[0].URL != "/" || served.Servers[0].Description == "" {
		t.Errorf("servers %+v, want one relative server \"/\" with a description", served.Servers)
	}
	tags := map[string]bool{}
	for _, tag := range served.Tags {
		if tag.Description == "" {
			t.Errorf("tag %s has no description", tag.Name)
		}
		tags[tag.Name] = true
	}
	camel := regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)
	ids := map[string]string{}
	n := 0
	for path, item := range served.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			where := method + " " + path
			if !camel.MatchString(op.OperationID) {
				t.Errorf("%s: operationId %q is not camelCase", where, op.OperationID)
			}
			if other, ok := ids[op.OperationID]; ok {
				t.Errorf("%s and %s share the operationId %q", where, other, op.OperationID)
			}
			ids[op.OperationID] = where
			if op.Description == "" {
				t.Errorf("%s (%s) has no description", where, op.OperationID)
			}
			for _, tag := range op.Tags {
				if !tags[tag] {
					t.Errorf("%s: tag %q is not defined", where, tag)
				}
			}
		}
	}
	for _, id := range []string{"listLicenses", "getVendor", "publishVendor", "getLicenseHistory", "exportCollection"} {
		if _, ok := ids[id]; !ok {
			t.Errorf("no operation %s", id)
		}
	}
	if n < 90 {
		t.Errorf("%d operations", n)
	}
	// The Swagger UI reads the OpenAPI 3 document.
	if r := a.sendRaw(http.MethodGet, "/docs/index.html", nil, nil); r.status != 200 || !strings.Contains(string(r.body), "/openapi.json") {
		t.Errorf("the Swagger UI does not read /openapi.json: %d\n%s", r.status, truncate(r.body))
	}
}
