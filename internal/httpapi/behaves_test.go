package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

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
