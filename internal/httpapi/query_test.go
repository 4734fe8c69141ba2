package httpapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
	"github.com/export-registry/registry/internal/web"
)

// counted is a real server over a store whose handlers can be counted: how often a
// route's handler ran tells a cached answer from a made one.
type counted struct {
	t   *testing.T
	s   *Server
	url string
}

func newCounted(t *testing.T, st *store.Store, opts Options) *counted {
	t.Helper()
	keys, err := st.SigningKeys(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	opts.Keys = keys
	if opts.ReadRate == 0 {
		opts.ReadRate, opts.ReadBurst = 1e6, 1e6
	}
	s := New(st, slog.New(slog.DiscardHandler), opts)
	t.Cleanup(func() { s.Close() })
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &counted{t: t, s: s, url: srv.URL}
}

// count routes GET path to h through the server's middleware, counting its runs
// (echo replaces a route's handler when it is added again).
func (c *counted) count(path string, h echo.HandlerFunc) *atomic.Int32 {
	var n atomic.Int32
	c.s.echo.GET(path, func(ctx echo.Context) error {
		n.Add(1)
		return h(ctx)
	})
	return &n
}

// get requests path with headers (Host sets the request's host).
func (c *counted) get(path string, header ...string) (int, http.Header, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.url+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return res.StatusCode, res.Header, b
}

// TestCacheKeyIsWhatTheRouteReads: requests that differ only in what their route
// does not read (an unknown parameter on a page or a record, the parameters' order,
// Accept beyond CSV, the host an API answer does not show, a percent-encoded
// letter) are one cache entry, made once; an API route that takes parameters
// refuses an unknown one with a 400 naming it, before the cache is asked.
func TestCacheKeyIsWhatTheRouteReads(t *testing.T) {
	st := seededSQLite(t)
	c := newCounted(t, st, Options{})
	pages := echo.WrapHandler(web.New(st, nil))
	for _, tc := range []struct {
		name, route string
		handler     echo.HandlerFunc
		requests    [][]string // path, then header pairs
	}{
		{"a page with any query string", "/", pages, [][]string{{"/?x=1"}, {"/?x=2"}, {"/?utm_source=news&utm_medium=mail"}, {"/"}}},
		{"the search page keeps q, drops the rest", "/search", pages, [][]string{{"/search?q=nso"}, {"/search?q=nso&x=1"}, {"/search?fbclid=abc&q=nso"}}},
		{"a country page, percent-encoded", "/countries/:iso2", pages, [][]string{{"/countries/IL"}, {"/countries/%49L"}, {"/countries/IL?x=9"}}},
		{"a list's parameters in any order", "/api/v1/licenses", c.s.listLicenses, [][]string{
			{"/api/v1/licenses?country=IL&limit=2"}, {"/api/v1/licenses?limit=2&country=IL"}}},
		{"Accept beyond CSV, and the host", "/api/v1/licenses", c.s.listLicenses, [][]string{
			{"/api/v1/licenses?limit=3"}, {"/api/v1/licenses?limit=3", "Accept", "application/json"},
			{"/api/v1/licenses?limit=3", "Accept", "x/bust-1"}, {"/api/v1/licenses?limit=3", "Host", "bust.example"}}},
		{"a route that reads no parameter ignores them", "/api/v1/vendors/:id/history", c.s.getVendorHistory, [][]string{
			{"/api/v1/vendors/nso-group/history"}, {"/api/v1/vendors/nso-group/history?x=1"}, {"/api/v1/vendors/nso-group/history?x=2&y=3"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runs := c.count(tc.route, tc.handler)
			// The doorkeeper keeps an answer the second time it is made: made once
			// beforehand, the first request's answer is then made and kept.
			c.get(tc.requests[0][0], tc.requests[0][1:]...)
			runs.Store(0)
			var first []byte
			for i, r := range tc.requests {
				status, _, body := c.get(r[0], r[1:]...)
				if status != http.StatusOK {
					t.Fatalf("%s: %d %.300s", r[0], status, body)
				}
				if i == 0 {
					first = body
				} else if string(body) != string(first) {
					t.Errorf("%s answered differently from %s", r[0], tc.requests[0][0])
				}
			}
			if n := runs.Load(); n != 1 {
				t.Errorf("the handler ran %d times for %d requests differing only in what it does not read, want once", n, len(tc.requests))
			}
		})
	}

	t.Run("CSV is another answer", func(t *testing.T) {
		runs := c.count("/api/v1/vendors", c.s.listVendors)
		c.get("/api/v1/vendors")
		c.get("/api/v1/vendors") // kept, the second time it is made
		_, h, _ := c.get("/api/v1/vendors", "Accept", "text/csv")
		if n := runs.Load(); n != 3 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
			t.Errorf("%d runs, Content-Type %q: JSON and CSV must be two entries", runs.Load(), h.Get("Content-Type"))
		}
	})

	t.Run("an API route refuses what it does not take", func(t *testing.T) {
		runs := c.count("/api/v1/licenses", c.s.listLicenses)
		c.get("/api/v1/licenses")
		c.get("/api/v1/licenses") // kept: the refusal must not come from the cache either
		for _, path := range []string{"/api/v1/licenses?foo=1", "/api/v1/licenses?country=IL&foo=1", "/feeds/changes.atom?x=1", "/api/v1/changes?foo=1"} {
			status, _, body := c.get(path)
			var p Problem
			json.Unmarshal(body, &p)
			want := "foo"
			if strings.Contains(path, "x=1") {
				want = "x"
			}
			if status != http.StatusBadRequest || p.Errors[want] == "" {
				t.Errorf("%s: %d %.300s, want 400 naming %s", path, status, body, want)
			}
		}
		if n := runs.Load(); n != 2 { // the two requests before, the second kept
			t.Errorf("the list handler ran %d times", n)
		}
	})
}

// TestRouteQueryMatchesTheParsers walks every public GET route: a route that takes
// parameters accepts every name routeQuery lists for it (so the table and the
// parsers agree) and refuses any other, and a route absent from the table answers
// an unknown parameter as it answers without one.
func TestRouteQueryMatchesTheParsers(t *testing.T) {
	st := seededSQLite(t)
	c := newCounted(t, st, Options{})
	for _, r := range c.s.Routes() {
		if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/api/v1/export/") || strings.HasPrefix(r.Path, "/api/v1/auth/") ||
			strings.HasPrefix(r.Path, "/api/v1/users") || strings.HasPrefix(r.Path, "/docs") {
			continue
		}
		path := strings.NewReplacer(":iso2", "IL", ":ref", "1", ":id", "1", ":name", "site.css").Replace(r.Path)
		takes := url.Values{}
		for _, name := range routeQuery[r.Path] {
			takes.Set(name, "")
		}
		if r.Path == "/api/v1/search" || r.Path == "/search" {
			takes.Set("q", "nso") // required
		}
		switch r.Path { // the reconciliation routes' required parameters
		case "/reconcile/preview":
			takes.Set("id", "vendors/1")
		case "/reconcile/suggest/entity":
			takes.Set("prefix", "nso")
		}
		base := path
		if len(takes) > 0 {
			base += "?" + takes.Encode()
		}
		status, _, body := c.get(base)
		if status == http.StatusBadRequest {
			t.Errorf("%s refuses the parameters routeQuery says it takes: %.300s", base, body)
			continue
		}
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		got, _, body := c.get(base + sep + "zz_unknown=1")
		switch {
		case refusesUnknown(r.Path) && (got != http.StatusBadRequest || !strings.Contains(string(body), "zz_unknown")):
			t.Errorf("%s with an unknown parameter: %d %.300s, want 400 naming it", base, got, body)
		case !refusesUnknown(r.Path) && got != status:
			t.Errorf("%s with an unknown parameter: %d, without: %d", base, got, status)
		}
	}
}

// TestFeedIsCached: the Atom feed is kept per filters and dataset version like the
// lists: a second identical request (in any parameter order) is served from the
// cache, a request reaching another host gets its own (the feed shows its address),
// and a write that moves the dataset version gives a fresh feed.
func TestFeedIsCached(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		c := newCounted(t, st, Options{})
		runs := c.count("/feeds/changes.atom", c.s.changesAtom)
		c.get("/feeds/changes.atom?country=IL&vendor=1") // made once: the doorkeeper keeps it the next time
		runs.Store(0)
		_, _, first := c.get("/feeds/changes.atom?country=IL&vendor=1")
		_, _, again := c.get("/feeds/changes.atom?vendor=1&country=IL")
		if n := runs.Load(); n != 1 || string(first) != string(again) {
			t.Fatalf("two requests for one feed: the handler ran %d times (want once), same body %v", n, string(first) == string(again))
		}
		if !strings.Contains(string(first), "changes.atom?country=IL&amp;vendor=1") {
			t.Errorf("the feed's self link is not its canonical address:\n%s", first)
		}
		_, _, other := c.get("/feeds/changes.atom?country=IL&vendor=1", "Host", "mirror.example")
		if n := runs.Load(); n != 2 || !strings.Contains(string(other), "http://mirror.example/feeds/changes.atom") {
			t.Errorf("another host: %d runs, want 2, with its own address in the feed", n)
		}

		// A write: the dataset version moves, and the feed shows the change.
		ctx := domain.SystemContext(context.Background())
		if _, err := st.CreateUser(ctx, store.NewUser{Email: "editor@example.org", Role: domain.RoleEditor, DisplayName: "Editor", Password: "correct horse battery staple 42"}); err != nil {
			t.Fatal(err)
		}
		token := c.login("editor@example.org", "correct horse battery staple 42")
		if status := c.send(http.MethodPatch, "/api/v1/vendors/1", token, `"1"`, `{"name":"NSO Group Technologies"}`); status != 200 {
			t.Fatalf("correction: %d", status)
		}
		_, _, fresh := c.get("/feeds/changes.atom?country=IL&vendor=1")
		if n := runs.Load(); n != 3 || !strings.Contains(string(fresh), "NSO Group Technologies") {
			t.Errorf("after a write: the handler ran %d times (want 3), the change in the feed: %v", n, strings.Contains(string(fresh), "NSO Group Technologies"))
		}
	})
}

// seededSQLite is a SQLite store with the bundled dataset: enough for what does not
// depend on the database.
func seededSQLite(t *testing.T) *store.Store {
	t.Helper()
	st := storetest.Open(t, "sqlite")
	if _, err := dataset.Load(domain.SystemContext(context.Background()), st, dataset.Bundled()); err != nil {
		t.Fatal(err)
	}
	return st
}

// login returns an access token.
func (c *counted) login(email, password string) string {
	c.t.Helper()
	res, err := http.Post(c.url+"/api/v1/auth/login", "application/json", strings.NewReader(`{"email":"`+email+`","password":"`+password+`"}`))
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var v struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil || v.AccessToken == "" {
		c.t.Fatalf("login: %d %v", res.StatusCode, err)
	}
	return v.AccessToken
}

// send sends a staff write and returns its status.
func (c *counted) send(method, path, token, ifMatch, body string) int {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("If-Match", ifMatch)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestFirstSightIsAnsweredLikeAKeptAnswer: an answer the doorkeeper has not seen
// goes straight from the handler to the client; made again it is kept, then served
// from the cache. The three answers are the same with the same headers, and the first
// answers a condition too. To a client that takes gzip the first is compressed as
// the handler writes it (or not, when it is too small), and carries the weak ETag,
// as a kept answer does.
func TestFirstSightIsAnsweredLikeAKeptAnswer(t *testing.T) {
	st := seededSQLite(t)
	for _, tc := range []struct {
		name, path, encoding string
		zipped               bool
	}{
		{"identity", "/api/v1/licenses?limit=2", "identity", false},
		{"gzip", "/api/v1/licenses?limit=2", "gzip", true},
		{"gzip, too small to zip", "/api/v1/licenses?limit=2&country=AQ", "gzip", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCounted(t, st, Options{})
			runs := c.count("/api/v1/licenses", c.s.listLicenses)
			type answer struct {
				status int
				header http.Header
				body   []byte // as sent
				plain  []byte // uncompressed
			}
			var answers []answer
			for range 3 {
				status, h, body := c.get(tc.path, "Accept-Encoding", tc.encoding)
				plain := body
				if h.Get("Content-Encoding") == "gzip" {
					zr, err := gzip.NewReader(bytes.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					if plain, err = io.ReadAll(zr); err != nil {
						t.Fatal(err)
					}
				}
				answers = append(answers, answer{status, h, body, plain})
			}
			if n := runs.Load(); n != 2 {
				t.Errorf("three requests made the answer %d times, want twice (sent straight, then kept)", n)
			}
			first := answers[0]
			etag := first.header.Get("ETag")
			if first.status != 200 || !strings.Contains(strings.Join(first.header.Values("Vary"), ", "), "Accept-Encoding") ||
				first.header.Get("Content-Length") != strconv.Itoa(len(first.body)) ||
				etag == "" || strings.HasPrefix(etag, "W/") != (tc.encoding == "gzip") ||
				(first.header.Get("Content-Encoding") == "gzip") != tc.zipped || !json.Valid(first.plain) {
				t.Errorf("the first answer: %d, Vary %q, Content-Length %q for %d bytes, ETag %q, Content-Encoding %q",
					first.status, first.header.Values("Vary"), first.header.Get("Content-Length"), len(first.body), etag, first.header.Get("Content-Encoding"))
			}
			for i, a := range answers[1:] {
				if a.status != first.status || string(a.plain) != string(first.plain) || a.header.Get("Content-Length") != strconv.Itoa(len(a.body)) {
					t.Errorf("answer %d differs from the first: %d, %d bytes, Content-Length %q for %d sent", i+2, a.status, len(a.plain), a.header.Get("Content-Length"), len(a.body))
				}
				for _, name := range []string{"Content-Type", "Content-Encoding", "ETag", "Vary", "Cache-Control", "X-Dataset-Version", "Link"} {
					if got, want := strings.Join(a.header.Values(name), ", "), strings.Join(first.header.Values(name), ", "); got != want {
						t.Errorf("answer %d: %s %q, the first's %q", i+2, name, got, want)
					}
				}
			}

			// A first sight answers a condition as a kept answer does.
			c = newCounted(t, st, Options{})
			status, h, body := c.get(tc.path, "Accept-Encoding", tc.encoding, "If-None-Match", etag)
			if status != http.StatusNotModified || len(body) != 0 || h.Get("ETag") != etag || h.Get("Content-Encoding") != "" ||
				!strings.Contains(strings.Join(h.Values("Vary"), ", "), "Accept-Encoding") {
				t.Errorf("a first sight with the answer's ETag: %d, ETag %q (want %q), Content-Encoding %q, Vary %q, %d bytes; want 304",
					status, h.Get("ETag"), etag, h.Get("Content-Encoding"), h.Values("Vary"), len(body))
			}
		})
	}
}
