// Package web serves the registry's public pages: server-rendered HTML for people
// who read the registry in a browser rather than through the API. Pages work without
// JavaScript and load nothing from outside the registry; every page has a permalink,
// a line to cite it by, and links to the same view as JSON and CSV from the API.
//
// The package reads only through the store's methods, with public visibility
// (drafts=false), so a draft can never reach a page: its id is a 404 like any
// unknown one.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpx"
	"github.com/export-registry/registry/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets/site.css assets/favicon.svg assets/staff.js
var assetFS embed.FS

// SiteName opens every citation and every page title.
const SiteName = "Surveillance Export Registry"

// pageCSP is the pages' Content-Security-Policy: styles from the registry's own
// stylesheet only, no script at all, no plugin, no framing, forms post back here.
// The pages need nothing else, so anything else is refused.
const pageCSP = "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'none'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// staffCSP is the console's: the pages' policy, except that the console's own
// script (assets/staff.js, reference suggestions) may run and ask the console for
// suggestions. Still no inline script.
const staffCSP = "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// server holds what the handlers share.
type server struct {
	st    *store.Store
	log   *slog.Logger
	pages map[string]*template.Template
	now   func() time.Time

	// The home page's per-country counts are derived from the whole dataset; they
	// are rebuilt only when the dataset version moves.
	mu     sync.Mutex
	counts cached[map[string]store.CountryCount]
}

// cached is a value derived from the dataset at one version.
type cached[T any] struct {
	version string
	value   T
	ok      bool
}

// pages are the public pages: the one table of their paths (net/http patterns, "/"
// being the home page alone), the query parameters each reads, and their handlers.
// The API server routes exactly these paths here, and its response cache keys a page
// by its path and those parameters only (Routes); anything else under them is this
// package's 404 page.
var pages = []struct {
	path  string
	query []string
	serve func(*server, http.ResponseWriter, *http.Request)
}{
	{"/", nil, (*server).home},
	{"/search", []string{"q"}, (*server).search},
	{"/countries/{iso2}", asOfQuery, (*server).country},
	{"/vendors/{ref}", asOfQuery, (*server).vendor},
	{"/products/{id}", asOfQuery, (*server).product},
	{"/agencies/{id}", asOfQuery, (*server).agency},
	{"/licenses/{id}", asOfQuery, (*server).license},
	{"/terminations/{id}", asOfQuery, (*server).termination},
	{"/allegations/{id}", asOfQuery, (*server).allegation},
	{"/communications/{id}", asOfQuery, (*server).communication},
	{"/sources/{id}", asOfQuery, (*server).source},
	// The pages say "Licence": a reader who types it so is sent to the address.
	{"/licences/{id}", nil, func(_ *server, w http.ResponseWriter, r *http.Request) { respell(w, r, "/licenses/") }},
	{"/assets/{name}", []string{"v"}, func(_ *server, w http.ResponseWriter, r *http.Request) { serveAsset(w, r) }},
}

// asOfQuery are the parameters of the pages that show the registry as it was at a
// time (asof.go).
var asOfQuery = []string{pAsOf}

// Route is a public page's path, with its wildcards in braces ("/countries/{iso2}"),
// and the query parameters it reads.
type Route struct {
	Path  string
	Query []string
}

// Routes returns the public pages' routes: those a server must send to New's handler.
func Routes() []Route {
	out := make([]Route, len(pages))
	for i, p := range pages {
		out[i] = Route{Path: p.path, Query: p.query}
	}
	return out
}

// New returns the handler of the public pages (Paths); anything else is the 404 page.
func New(st *store.Store, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &server{st: st, log: log, pages: parseTemplates(), now: time.Now}
	mux := http.NewServeMux()
	for _, p := range pages {
		pattern := p.path
		if pattern == "/" {
			pattern = "/{$}" // the home page only, not every path
		}
		asOf := slices.Contains(p.query, pAsOf)
		mux.HandleFunc("GET "+pattern, func(w http.ResponseWriter, r *http.Request) {
			if asOf {
				var ok bool
				if r, ok = s.withAsOf(w, r); !ok {
					return
				}
			}
			p.serve(s, w, r)
		})
	}
	mux.HandleFunc("/", s.notFound)
	return mux
}

// parseTemplates parses each page template together with the layout and the shared
// partials. A broken template is a programming error, caught by any test.
func parseTemplates() map[string]*template.Template {
	base := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html"))
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		pages[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, n))
	}
	return pages
}

// link is a labelled URL.
type link struct {
	Label string
	URL   string
}

// page is what the layout needs from every page, and the page's own data.
type page struct {
	// Title names the page in <title>, its <h1> and its citation.
	Title string
	// Path is the page's canonical path: its permalink.
	Path string
	// URL is the absolute permalink, as the reader reached the registry.
	URL       string
	Version   string
	Retrieved string
	// JSON and CSV are the same view in the API's formats; CSVNote explains a view
	// with no CSV form.
	JSON    []link
	CSV     []link
	CSVNote string
	// Retraction is set on a retracted record's page.
	Retraction *retraction
	// AsOf is set on a page that shows the registry as it was at a time.
	AsOf *asOfBanner
	// Status of an error page; 0 for 200.
	Status int
	// Query is the search box's current text.
	Query string
	Data  any
}

// retraction is what a retracted record's page shows first.
type retraction struct {
	Reason string
	At     *time.Time
}

// retractionOf returns the retraction notice of a record, or nil.
func retractionOf(r domain.Record) *retraction {
	if r.Status != domain.StatusRetracted {
		return nil
	}
	x := &retraction{Reason: "No reason was recorded.", At: r.RetractedAt}
	if r.RetractionReason != nil && *r.RetractionReason != "" {
		x.Reason = *r.RetractionReason
	}
	return x
}

// pageBudget is the most a page may weigh: the limit, so the registry stays
// usable on a slow phone connection.
const pageBudget = 200 << 10

// render writes a page: the template's bytes with their ETag, the pages' security
// headers, and 304 when the reader already has these bytes. The echo server's
// middleware sets an API policy first; Set here replaces it for pages.
func (s *server) render(w http.ResponseWriter, r *http.Request, name string, p page) {
	b, p, err := s.execute(r, name, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.write(w, r, p, b)
}

// renderFit renders a page with long lists at the first level of detail that keeps
// it within pageBudget: the data decides how long lists are, and their records how
// long their texts are, so no fixed limit could promise the budget.
func (s *server) renderFit(w http.ResponseWriter, r *http.Request, name string, build func(detail) page) {
	for i, d := range detailLevels {
		b, p, err := s.execute(r, name, build(d))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(b) <= pageBudget || i == len(detailLevels)-1 {
			if len(b) > pageBudget {
				s.log.WarnContext(r.Context(), "page over budget at the least detail", "path", r.URL.Path, "bytes", len(b))
			}
			s.write(w, r, p, b)
			return
		}
	}
}

// detail is how much of its lists a page shows: records in full per list, further
// records by name, and bars in a timeline. The rest is a link to the API away.
type detail struct {
	full, named, bars int
}

// detailLevels are tried in turn until a page fits its budget.
var detailLevels = []detail{{20, 100, 50}, {8, 40, 25}, {3, 15, 10}, {0, 10, 0}}

// execute fills in what every page shows (the dataset version, today's date, the
// absolute permalink) and runs the page's template.
func (s *server) execute(r *http.Request, name string, p page) ([]byte, page, error) {
	if p.Version == "" {
		v, err := s.versionOf(r)
		if err != nil {
			return nil, p, err
		}
		p.Version = v
	}
	p.Retrieved = s.now().UTC().Format(domain.DateLayout)
	if p.Status == 0 {
		p.AsOf = bannerOf(r, p.Path)
		if p.AsOf != nil && len(p.JSON) > 0 {
			// The view as data is the record or profile as of the same time.
			p.JSON = slices.Clone(p.JSON)
			p.JSON[0].URL = asOfURL(r, p.JSON[0].URL)
		}
	}
	if p.URL == "" {
		p.URL = asOfURL(r, absURL(r, p.Path))
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		return nil, p, fmt.Errorf("render page %s: %w", name, err)
	}
	return buf.Bytes(), p, nil
}

// write sends a rendered page with its validators.
func (s *server) write(w http.ResponseWriter, r *http.Request, p page, b []byte) {
	sum := sha256.Sum256(b)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	h := w.Header()
	setPageHeaders(h)
	h.Set("ETag", etag)
	h.Set("X-Dataset-Version", p.Version)
	status := p.Status
	if status == 0 {
		status = http.StatusOK
		if httpx.NoneMatch(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// setPageHeaders sets the headers every HTML answer carries.
func setPageHeaders(h http.Header) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Cache-Control", "public, no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Vary", "Accept-Encoding")
}

// absURL is the absolute URL of path as the reader reached this registry.
func absURL(r *http.Request, path string) string {
	return (&url.URL{Scheme: httpx.Scheme(r), Host: r.Host, Path: path}).String()
}

// notFound writes the 404 page: for paths no page has, and for records the public
// cannot see.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "error", page{
		Title:  "Not found",
		Path:   r.URL.Path,
		Status: http.StatusNotFound,
		Data:   "There is no public record at this address. It may never have existed, or not be published yet.",
	})
}

// fail answers a store error with its status (httpx.Status): not found and invalid
// path values are the 404 page; a busy server (the database did not answer in time
// behind other requests, a limit) is a 503 or 429 page with Retry-After, logged as a
// warning; anything else is logged as the registry's fault. No page shows driver text.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	status := httpx.Status(err)
	title, msg := "Internal error", "The registry could not answer this request. Please try again later."
	h := w.Header()
	switch {
	case status == http.StatusNotFound || status == http.StatusBadRequest:
		s.notFound(w, r)
		return
	case status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests:
		title, msg = "Busy", "The registry is busy. Please try again in a few seconds."
		h.Set("Retry-After", "1")
		s.log.WarnContext(r.Context(), "page", "path", r.URL.Path, "err", err)
	default:
		status = http.StatusInternalServerError
		s.log.ErrorContext(r.Context(), "page", "path", r.URL.Path, "err", err)
	}
	setPageHeaders(h)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	// The error page needs no data, so it renders without the store.
	var buf bytes.Buffer
	p := page{Title: title, Path: r.URL.Path, URL: absURL(r, r.URL.Path), Version: "unknown",
		Retrieved: s.now().UTC().Format(domain.DateLayout), Status: status, Data: msg}
	if err := s.pages["error"].ExecuteTemplate(&buf, "layout", p); err == nil {
		_, _ = w.Write(buf.Bytes())
	}
}

// parseID reads a record id from the path; anything but a public id is a 404.
func (s *server) parseID(w http.ResponseWriter, r *http.Request) (int, bool) {
	id, err := domain.ParseID(r.PathValue("id"))
	if err != nil {
		s.notFound(w, r)
		return 0, false
	}
	return int(id), true
}

// assetVersion is a digest of the embedded assets, added to their URLs so a browser
// may keep them for a year and still fetch a changed stylesheet at once.
var assetVersion = func() string {
	h := sha256.New()
	for _, n := range []string{"assets/site.css", "assets/favicon.svg", "assets/staff.js"} {
		b, err := assetFS.ReadFile(n)
		if err != nil {
			panic(err)
		}
		h.Write(b)
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:9])
}()

// assetTypes are the embedded assets and their media types.
var assetTypes = map[string]string{
	"site.css":    "text/css; charset=utf-8",
	"favicon.svg": "image/svg+xml",
	"staff.js":    "text/javascript; charset=utf-8",
}

// serveAsset serves an embedded stylesheet or icon.
func serveAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	typ, ok := assetTypes[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	b, err := assetFS.ReadFile("assets/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", typ)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'")
	etag := `"` + assetVersion + `"`
	h.Set("ETag", etag)
	if r.URL.Query().Get("v") == assetVersion {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, no-cache")
	}
	if httpx.NoneMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(b)
}

// respell sends a page asked for by its British spelling to its address (prefix and
// the same id), for good: 301, as for a vendor's id.
func respell(w http.ResponseWriter, r *http.Request, prefix string) {
	to := prefix + url.PathEscape(r.PathValue("id"))
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, to, http.StatusMovedPermanently)
}
