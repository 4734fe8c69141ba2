package httpapi

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestCompressorWeakensTheETag: a public answer the response cache does not keep
// (a route of its own here; no route of the registry's sends an ETag that way today,
// but the compressor must not hand a gzip client a strong tag for bytes that differ)
// goes to a gzip client with its ETag weak, zipped or too small to zip, on a 304 as on
// a 200, and as it is to a client that does not take gzip, with Vary saying why.
func TestCompressorWeakensTheETag(t *testing.T) {
	e := echo.New()
	e.Use(compress())
	body := strings.Repeat("a public answer, ", 200) // over compressMinBytes
	e.GET("/uncached/:size", func(c echo.Context) error {
		c.Response().Header().Set("ETag", `"t1"`)
		if c.Request().Header.Get("If-None-Match") != "" {
			return c.NoContent(http.StatusNotModified)
		}
		if c.Param("size") == "small" {
			return c.String(http.StatusOK, "small")
		}
		return c.String(http.StatusOK, body)
	})

	for _, tc := range []struct {
		name, path, encoding, ifNoneMatch string
		status                            int
		etag, contentEncoding, want       string
	}{
		{"gzip, zipped", "/uncached/large", "gzip", "", http.StatusOK, `W/"t1"`, "gzip", body},
		{"gzip, too small to zip", "/uncached/small", "gzip", "", http.StatusOK, `W/"t1"`, "", "small"},
		{"gzip, not modified", "/uncached/large", "gzip", `W/"t1"`, http.StatusNotModified, `W/"t1"`, "", ""},
		{"identity", "/uncached/large", "", "", http.StatusOK, `"t1"`, "", body},
		{"identity, not modified", "/uncached/large", "", `"t1"`, http.StatusNotModified, `"t1"`, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			if tc.encoding != "" {
				req.Header.Set(echo.HeaderAcceptEncoding, tc.encoding)
			}
			if tc.ifNoneMatch != "" {
				req.Header.Set("If-None-Match", tc.ifNoneMatch)
			}
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if got := rec.Header().Get("ETag"); got != tc.etag {
				t.Errorf("ETag %s, want %s", got, tc.etag)
			}
			if got := rec.Header().Get(echo.HeaderContentEncoding); got != tc.contentEncoding {
				t.Errorf("Content-Encoding %q, want %q", got, tc.contentEncoding)
			}
			if got := rec.Header().Values(echo.HeaderVary); !strings.Contains(strings.Join(got, ","), echo.HeaderAcceptEncoding) {
				t.Errorf("Vary %q does not name Accept-Encoding", got)
			}
			got := rec.Body.String()
			if tc.contentEncoding == "gzip" {
				zr, err := gzip.NewReader(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				got = string(b)
			}
			if got != tc.want {
				t.Errorf("body %d bytes, want %d", len(got), len(tc.want))
			}
		})
	}
}
