// Package httpapi is the registry's HTTP interface, and the only package that
// imports echo: the middleware order and error handler here, every route in
// routes.go, one file per resource with its swag annotations.
package httpapi

import (
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

//	@title						Surveillance Export Registry API
//	@version					1
//	@description				A public registry of surveillance-technology exports: vendors, the states and agencies that buy from them, the licences that limit each sale, terminations, allegations of misuse, UN communications, and the public sources behind every fact.
//	@description				Lists take `limit` (default 50; a larger value than 500 is clamped to 500) and an opaque `cursor`; the next page's URL is in `meta.next_cursor` and the `Link: rel=next` header. A value the sources do not settle is null, and a list known to be empty is `[]`: the two are never conflated. Every list answers CSV to `Accept: text/csv` or `format=csv`, with a UTF-8 byte order mark first for `bom=1` (for Excel on Windows; without it the bytes are UTF-8 alone) (null is the empty cell and an empty list `[]`; formula-safe: a text cell starting with =, +, -, @, tab or carriage return gets a leading '; JSON and NDJSON are exact). A text field's `maxLength` counts bytes of UTF-8; a `uri` field takes an absolute http or https URL; no text holds bidi embedding, override or isolate controls, and names, titles, codes and URLs no zero-width characters or directional marks either. Errors are RFC 9457 problem+json. Public answers over 1,400 bytes are gzip-compressed for clients that send `Accept-Encoding: gzip`, with a weak ETag; single records and answers to staff are sent as they are, so a record's ETag (its revision) stays strong for `If-Match`.
//	@description				Each client (IP) may have 8 requests in progress at once besides its rate limit; one more is a 429. A server with no room for a public read the cache cannot answer says so at once with a 503. Both carry Retry-After. A request body that has not arrived within 30 s is a 408. A route that takes parameters refuses any other with a 400 naming it; a route that takes none ignores them.
//	@license.name				Data: cite the registry and the sources each record names
//	@tag.name					states
//	@tag.description			Countries by ISO 3166-1 alpha-2 code (the 249 officially assigned and XK), and each country's profile: everything the registry holds about it in one call.
//	@tag.name					vendors
//	@tag.description			Companies that sell surveillance technology (spyware, interception tools), with their headquarters, aliases and designations.
//	@tag.name					products
//	@tag.description			What vendors sell, with categories, capabilities and the export-control list entries (Wassenaar, EU 2021/821) that cover them.
//	@tag.name					agencies
//	@tag.description			State bodies (police, intelligence, military…) that buy or operate surveillance technology.
//	@tag.name					licenses
//	@tag.description			Licences: a state's export authorisation, or a vendor's end-user licence to a customer, with their limits of volume, geography and duration where the sources give them.
//	@tag.name					terminations
//	@tag.description			Customer relationships a vendor ended, and why, where the sources say.
//	@tag.name					allegations
//	@tag.description			Documented allegations of misuse: who was targeted (by category and country, never by name), with what, by whom, and how far it is established.
//	@tag.name					communications
//	@tag.description			UN communications (letters of Special Rapporteurs such as OL OTH 2/2020) and replies, with the questions they asked and whether each was answered.
//	@tag.name					sources
//	@tag.description			The public documents behind every fact (UN documents, court records, reports, vendor statements cited as claims); every record cites them.
//	@tag.name					search
//	@tag.description			Typo-tolerant search across vendors, products, agencies, states and sources.
//	@tag.name					reconciliation
//	@tag.description			The W3C Entity Reconciliation API 0.2 for OpenRefine ("Add standard service" with the URL …/reconcile): match spreadsheet names to the registry's vendors, products, agencies, states and sources; previews and suggestions. Public, read-only, callable from any origin.
//	@tag.name					intake
//	@tag.description			Staff take CSV or XLSX sheets and MISP galaxy clusters in as drafts for review: matched against existing records, never published, all or nothing.
//	@tag.name					changes
//	@tag.description			Every public change, as a feed to poll (JSON) or to subscribe to (Atom).
//	@tag.name					export
//	@tag.description			Whole collections as NDJSON or CSV files, and the dataset version to cite.
//	@tag.name					auth
//	@tag.description			Staff sessions: log in for an access token, refresh it, log out.
//	@tag.name					users
//	@tag.description			Staff accounts (admins only).
//	@tag.name					operations
//	@tag.description			Health checks and this API's description (OpenAPI 3 at /openapi.json, Swagger 2.0 at /swagger.json, the Swagger UI at /docs).
//	@BasePath					/
//	@schemes					http https
//	@securityDefinitions.apikey	Bearer
//	@in							header
//	@name						Authorization
//	@description				"Bearer " followed by an access token from POST /api/v1/auth/login.

// maxBodyBytes bounds a request body.
const maxBodyBytes = "1M"

// Options configure a server.
type Options struct {
	// Keys sign and verify access tokens.
	Keys *auth.Keys
	// TrustedProxies may name the client in X-Forwarded-For; without them the
	// connection's address is the client's, and the header is ignored.
	TrustedProxies []*net.IPNet
	// LoginEvery and LoginBurst limit login attempts per client IP and per account
	// (defaults: one every 6 s, bursts of 10).
	LoginEvery time.Duration
	LoginBurst int
	// DeviceEvery and DeviceBurst limit the failed logins of one device token, which
	// count instead of the client IP's and the account's (defaults: one every 3
	// minutes, bursts of 5).
	DeviceEvery time.Duration
	DeviceBurst int
	// RefreshEvery and RefreshBurst limit refreshes per client IP (defaults: one a
	// second, bursts of 30).
	RefreshEvery time.Duration
	RefreshBurst int
	// ReadRate and ReadBurst limit reads per client IP (defaults: 50 a second,
	// bursts of 200: generous for people and notebooks, not for floods).
	ReadRate  float64
	ReadBurst int
	// Synthetic marks every answer as coming from a generated registry.
	Synthetic bool
	// ExportDir keeps finished exports (default: a private temporary directory,
	// removed by Close).
	ExportDir string
	// ClientConcurrency bounds the requests one client (IP) may have in progress
	// (default 8); MaxInFlight the public reads the response cache cannot answer
	// worked on at once (default: on SQLite one per core and one more, on PostgreSQL two per core; at least 2), each waiting at most SaturationWait
	// (default 100 ms) for room before a 503. See guard.go.
	ClientConcurrency int
	MaxInFlight       int
	SaturationWait    time.Duration
	// ReadTimeout bounds the reading of a request, body included (default 30 s): a
	// body that has not arrived by then is a 408.
	ReadTimeout time.Duration
	// Review is the publishing rule: domain.ReviewSingle (default) or
	// domain.ReviewTwoPerson (REGISTRY_REVIEW).
	Review string
	// Require2FA is whose accounts must have a second factor: none (default),
	// admins or all (REGISTRY_REQUIRE_2FA).
	Require2FA string
}

// Server serves the registry over HTTP.
type Server struct {
	store   *store.Store
	log     *slog.Logger
	echo    *echo.Echo
	metrics *metrics
	keys    *auth.Keys
	// pages is package web's handler of the public pages; console its staff console.
	pages   http.Handler
	console http.Handler
	// trustedProxies may say how the client reached the registry (see consoleGate).
	trustedProxies []*net.IPNet

	loginByIP      *limiter
	loginByAccount *limiter
	loginByDevice  *limiter
	refreshByIP    *limiter
	readsByIP      *limiter
	responses      *responseCache
	exports        *exportFiles
	documents      *documentKeeper

	clients           *flights // requests in progress per client
	working           *flights // uncached public reads in progress
	clientConcurrency int
	maxInFlight       int
	saturationWait    time.Duration
	readTimeout       time.Duration
	review            string
	require2FA        string
}

// New returns a server over the store, logging to log.
func New(st *store.Store, log *slog.Logger, opts Options) *Server {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	if opts.LoginEvery == 0 {
		opts.LoginEvery, opts.LoginBurst = 6*time.Second, 10
	}
	if opts.ReadRate == 0 {
		opts.ReadRate, opts.ReadBurst = 50, 200
	}
	if opts.DeviceEvery == 0 {
		opts.DeviceEvery, opts.DeviceBurst = 3*time.Minute, 5
	}
	if opts.RefreshEvery == 0 {
		opts.RefreshEvery, opts.RefreshBurst = time.Second, 30
	}
	if opts.ClientConcurrency == 0 {
		opts.ClientConcurrency = defaultClientConcurrency
	}
	if opts.MaxInFlight == 0 {
		opts.MaxInFlight = defaultMaxInFlight(st.Dialect() == dialect.Postgres)
	}
	if opts.SaturationWait == 0 {
		opts.SaturationWait = defaultSaturationWait
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = 30 * time.Second
	}
	s := &Server{store: st, log: log, echo: e, metrics: newMetrics(prometheus.NewRegistry()), keys: opts.Keys,
		loginByIP: newLimiter(opts.LoginEvery, opts.LoginBurst), loginByAccount: newLimiter(opts.LoginEvery, opts.LoginBurst),
		loginByDevice: newLimiter(opts.DeviceEvery, opts.DeviceBurst), refreshByIP: newLimiter(opts.RefreshEvery, opts.RefreshBurst),
		readsByIP: newLimiter(time.Duration(float64(time.Second)/opts.ReadRate), opts.ReadBurst),
		responses: newResponseCache(cacheBudget(debug.SetMemoryLimit(-1), st.DocumentCacheBytes())),
		clients:   newFlights(), working: newFlights(), clientConcurrency: opts.ClientConcurrency,
		maxInFlight: opts.MaxInFlight, saturationWait: opts.SaturationWait, readTimeout: opts.ReadTimeout,
		review: opts.Review, require2FA: opts.Require2FA}
	s.exports = newExportFiles(opts.ExportDir, st.DatasetVersion)
	s.documents = startDocumentKeeper(st, log, s.metrics)
	s.trustedProxies = opts.TrustedProxies
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = echo.ExtractIPDirect() // the connection's address: headers are not trusted
	if len(opts.TrustedProxies) > 0 {
		trust := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range opts.TrustedProxies {
			trust = append(trust, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(trust...)
	}

	// Outermost first: every request gets an id, is counted and logged, cannot crash
	// the process, and cannot send an oversized body.
	e.Use(middleware.RequestID())
	e.Use(s.observe)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisableStackAll:   true,
		DisablePrintStack: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.ErrorContext(c.Request().Context(), "panic", "err", err, "stack", string(stack),
				"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			return err
		},
	}))
	e.Use(deadlineIsBusy)
	e.Use(secureHeaders)
	if opts.Synthetic {
		e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error {
				c.Response().Header().Set("X-Registry-Synthetic", "true: generated data for benchmarks, not real facts")
				return next(c)
			}
		})
	}
	e.Use(s.limitReads)
	e.Use(s.limitInFlight)
	e.Use(limitHeaders)
	e.Use(checkQuery)
	e.Use(negotiate)
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: maxBodyBytes,
		Skipper: func(c echo.Context) bool { return c.Path() == "/api/v1/intake" }})) // its own limit, after auth
	e.Use(s.authenticate)
	e.Use(compress()) // outside the cache, which keeps answers as written
	e.Use(s.cache)
	e.Use(s.guard) // under the cache: only what it cannot answer
	s.routes()
	return s
}

// Close stops the licence documents' keeper and removes the exports the server kept.
func (s *Server) Close() error {
	s.documents.close()
	return s.exports.close()
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return headAsGet(s.echo) }

// HTTPServer returns an http.Server for the handler with timeouts set, so a slow or
// stalled client cannot hold a connection open.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       s.readTimeout,
		WriteTimeout:      120 * time.Second, // exports stream for a while
		IdleTimeout:       120 * time.Second,
		// net/http refuses larger headers with a bare 431; limitHeaders answers the
		// ones between with problem+json.
		MaxHeaderBytes: 1 << 20,
	}
}

// maxHeaderBytes bounds a request's headers, the bearer token aside (which the
// authentication refuses by its own, smaller limit with a 401).
const maxHeaderBytes = 32 << 10

// limitHeaders refuses requests whose headers are too large, and query strings that
// do not parse (Go drops the malformed pairs silently: "limit=1;DROP" would become
// no limit at all).
func limitHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, err := url.ParseQuery(c.Request().URL.RawQuery); err != nil {
			return domain.Errorf(domain.EINVALID, "the query string is malformed (use & between parameters)")
		}
		n := 0
		for k, vs := range c.Request().Header {
			if k == echo.HeaderAuthorization {
				continue
			}
			for _, v := range vs {
				n += len(k) + len(v) + 4
			}
		}
		if n > maxHeaderBytes {
			return echo.NewHTTPError(http.StatusRequestHeaderFieldsTooLarge, "the request's headers are too large")
		}
		return next(c)
	}
}

// limitReads limits reads per client IP. Health checks are exempt: the
// infrastructure polls them.
func (s *Server) limitReads(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		// A reconciliation batch by POST is a read too (OpenRefine's way of sending one).
		if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead && !(m == http.MethodPost && c.Path() == "/reconcile") {
			return next(c)
		}
		switch c.Request().URL.Path {
		case "/healthz", "/readyz":
			return next(c)
		}
		if err := s.readsByIP.allow(c.RealIP(), time.Now()); err != nil {
			return err
		}
		return next(c)
	}
}

// secureHeaders sets the headers every response carries. API answers are data, never
// documents to render; the Swagger UI under /docs needs its own scripts and styles.
func secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		if isDocs(c.Request().URL.Path) {
			h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
		} else {
			h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		}
		if m := c.Request().Method; m == http.MethodGet || m == http.MethodHead {
			// Public data: any origin may read it, without credentials.
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Expose-Headers", "ETag, Link, X-Dataset-Version, X-Request-Id")
		}
		return next(c)
	}
}

func isDocs(path string) bool {
	return path == "/docs" || strings.HasPrefix(path, "/docs/")
}

// Routes lists the server's routes, for tests that walk the whole surface.
func (s *Server) Routes() []*echo.Route { return s.echo.Routes() }
