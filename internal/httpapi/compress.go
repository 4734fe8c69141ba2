package httpapi

import (
	"bytes"
	"compress/gzip"
	"errors"
	"net/http"
	"strconv"
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

// zipStraight runs next for a client that takes gzip and sends its answer of 200 as
// serveCached sends a kept one: the ETag weak, Accept-Encoding added to the Vary,
// gzipped when it is compressMinBytes or more, with its Content-Length. The answer
// is compressed as the handler writes it, so only the compressed bytes are held
// (9 KB for a list of 100 licences, against the 108 KB a keeper holds). Any other
// answer goes as the handler writes it, with the ETag weakened and the Vary added.
func zipStraight(c echo.Context, next echo.HandlerFunc) error {
	z := &zipWriter{ResponseWriter: c.Response().Writer}
	c.Response().Writer = z
	err := next(c)
	c.Response().Writer = z.ResponseWriter
	return errors.Join(err, z.finish())
}

type zipWriter struct {
	http.ResponseWriter
	status int
	held   []byte       // the answer's first bytes, until there are compressMinBytes
	zw     *gzip.Writer // from gzipWriters, once there are
	out    bytes.Buffer // what zw wrote
}

func (z *zipWriter) WriteHeader(code int) {
	if z.status != 0 {
		return
	}
	z.status = code
	if code != http.StatusOK {
		weakETag(z.Header(), code)
		varyEncoding(z.Header(), code)
		z.ResponseWriter.WriteHeader(code)
	}
}

func (z *zipWriter) Write(b []byte) (int, error) {
	if z.status == 0 {
		z.WriteHeader(http.StatusOK)
	}
	if z.status != http.StatusOK {
		return z.ResponseWriter.Write(b)
	}
	if z.zw == nil {
		if len(z.held)+len(b) < compressMinBytes {
			z.held = append(z.held, b...)
			return len(b), nil
		}
		z.zw = gzipWriters.Get().(*gzip.Writer)
		z.zw.Reset(&z.out)
		z.zw.Write(z.held) // into a bytes.Buffer: no error
		z.held = nil
	}
	return z.zw.Write(b)
}

// Flush sends nothing: an answer of 200 is sent whole, once the handler returns.
func (z *zipWriter) Flush() {
	if z.status != 0 && z.status != http.StatusOK {
		_ = http.NewResponseController(z.ResponseWriter).Flush()
	}
}

func (z *zipWriter) Unwrap() http.ResponseWriter { return z.ResponseWriter }

// finish sends an answer of 200 that the handler wrote; nothing else is left to send.
func (z *zipWriter) finish() error {
	if z.status != http.StatusOK {
		return nil
	}
	h := z.ResponseWriter.Header()
	weakETag(h, http.StatusOK)
	varyEncoding(h, http.StatusOK)
	body := z.held
	if z.zw != nil {
		z.zw.Close()
		gzipWriters.Put(z.zw)
		z.zw = nil
		h.Set(echo.HeaderContentEncoding, "gzip")
		body = z.out.Bytes()
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	z.ResponseWriter.WriteHeader(http.StatusOK)
	_, err := z.ResponseWriter.Write(body)
	return err
}
