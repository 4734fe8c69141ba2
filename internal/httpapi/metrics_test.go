package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/store/storetest"
)

// TestMetricsListener: the public listener has no /metrics (it showed draft creations
// by route and the Go version to anyone); the metrics server, on a listener of its
// own, serves the public server's request counts in Prometheus text, and nothing else.
func TestMetricsListener(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	a := newAPI(t, st)
	if r := a.do(http.MethodGet, "/api/v1/states/IL", nil); r.status != 200 {
		t.Fatalf("GET /api/v1/states/IL: %d", r.status)
	}
	if r := a.do(http.MethodGet, "/metrics", nil); r.status != http.StatusNotFound || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("GET /metrics on the public listener: %d %s, want a 404 problem", r.status, r.header.Get("Content-Type"))
	}

	listener := a.metricsListener(t)
	get := func(path string) (int, string, string) {
		t.Helper()
		res, err := http.Get(listener + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Content-Type"), string(b)
	}
	status, ct, body := get("/metrics")
	if status != 200 || !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("GET /metrics on the metrics listener: %d %s", status, ct)
	}
	for _, want := range []string{
		`registry_http_requests_total{method="GET",route="/api/v1/states/:iso2",status="200"} 1`,
		`registry_http_requests_total{method="GET",route="unmatched",status="404"} 1`, // the public /metrics
		`registry_http_request_duration_seconds_bucket{method="GET",route="/api/v1/states/:iso2",status="200",le=`,
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s\n%.3000s", want, body)
		}
	}
	for _, path := range []string{"/", "/api/v1/states/IL", "/healthz", "/metrics/x"} {
		if status, _, _ := get(path); status != http.StatusNotFound {
			t.Errorf("GET %s on the metrics listener: %d, want 404", path, status)
		}
	}
}
