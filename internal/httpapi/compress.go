package httpapi

import (
	"compress/gzip"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// compressMinBytes is the smallest answer worth compressing: below about one packet
// gzip saves nothing a reader would notice.
const compressMinBytes = 1400

// compress gzips public answers larger than compressMinBytes for clients that accept
// gzip: a country profile shrinks to a tenth. The compressed bytes are another
// representation, so the ETag a gzip-accepting client is given is weak (RFC 9110
// 8.8.1), on a 304 as on a 200, whether or not this answer was large enough to
// compress. A record's ETag is its revision, which a client sends back in If-Match,
// where only strong tags match: so single records (small anyway) and every staff
// answer go as they are. Exports keep a gzip file of their own.
func compress() echo.MiddlewareFunc {
	gz := middleware.GzipWithConfig(middleware.GzipConfig{
		Level:     gzip.BestSpeed, // on every answer, including cached ones: CPU over the last bytes
		MinLength: compressMinBytes,
	})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		zipped := weakenETag(gz(next))
		return func(c echo.Context) error {
			if !compressible(c) || cacheable(c) { // the response cache compresses what it keeps, once
				return next(c)
			}
			if !acceptsGzip(c.Request().Header.Get(echo.HeaderAcceptEncoding)) {
				// The answer differs by Accept-Encoding even when this one is not zipped.
				c.Response().Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
				return next(c)
			}
			return zipped(c)
		}
	}
}

// compressible reports whether a request's answer may be gzipped: a public answer,
// but not a single record (its ETag goes back in If-Match) or an export (which keeps a
// gzip file of its own).
func compressible(c echo.Context) bool {
	route := c.Path()
	return c.Request().Header.Get(echo.HeaderAuthorization) == "" && !strings.HasPrefix(route, "/api/v1/export/") &&
		!(strings.HasPrefix(route, "/api/v1/") && strings.HasSuffix(route, "/:id"))
}

// weakenETag marks an answer's ETag weak. It wraps the writer under the compressor,
// which may set Content-Encoding before it writes the header.
func weakenETag(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error { return withHeaders(c, next, weakETag) }
}

// weakETag marks an answer's ETag weak.
func weakETag(h http.Header, _ int) {
	if etag := h.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
		h.Set("ETag", "W/"+etag)
	}
}

// withHeaders runs next with edit called on its answer's headers once, just before
// they are written, with the answer's status.
func withHeaders(c echo.Context, next echo.HandlerFunc, edit func(h http.Header, status int)) error {
	w := &headerWriter{ResponseWriter: c.Response().Writer, edit: edit}
	c.Response().Writer = w
	defer func() { c.Response().Writer = w.ResponseWriter }()
	return next(c)
}

type headerWriter struct {
	http.ResponseWriter
	edit  func(http.Header, int)
	wrote bool
}

func (w *headerWriter) WriteHeader(code int) {
	w.before(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *headerWriter) Write(b []byte) (int, error) {
	w.before(http.StatusOK)
	return w.ResponseWriter.Write(b)
}

func (w *headerWriter) before(code int) {
	if !w.wrote {
		w.wrote = true
		w.edit(w.Header(), code)
	}
}

func (w *headerWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

func (w *headerWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
