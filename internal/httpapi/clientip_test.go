package httpapi_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestClientIPIsThePeer: the client the read limit counts is the connection's peer;
// X-Forwarded-For and X-Real-IP name another client only when the peer is one of the
// configured trusted proxies. So a client rotating those headers keeps one budget
// without trusted proxies, and with trusted proxies that do not include it (echo
// before v4.16.3 took the headers from anyone when no extractor was set; the server
// sets its own, and this test holds it to the rule whatever echo's default).
func TestClientIPIsThePeer(t *testing.T) {
	_, elsewhere, _ := net.ParseCIDR("10.0.0.0/8")
	_, loopback, _ := net.ParseCIDR("127.0.0.1/32")
	for _, tc := range []struct {
		name    string
		proxies []*net.IPNet
		limited bool // the fourth read, from the same peer with new headers
	}{
		{"no trusted proxies", nil, true},
		{"the peer is not a trusted proxy", []*net.IPNet{elsewhere}, true},
		{"the peer is a trusted proxy", []*net.IPNet{loopback}, false}, // the headers name the clients
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := storetest.Open(t, "sqlite")
			a := newAPIWith(t, st, httpapi.Options{ReadRate: 0.001, ReadBurst: 3, TrustedProxies: tc.proxies})
			read := func(i int) response {
				ip := "198.51.100." + strconv.Itoa(i+1)
				return a.do(http.MethodGet, "/api/v1/states/IL", map[string]string{"X-Forwarded-For": ip, "X-Real-IP": ip})
			}
			for i := range 3 {
				if r := read(i); r.status != 200 {
					t.Fatalf("read %d: %d", i+1, r.status)
				}
			}
			r := read(3)
			if tc.limited && r.status != http.StatusTooManyRequests {
				t.Errorf("fourth read with new forwarding headers: %d, want 429 (the headers chose the client)", r.status)
			}
			if !tc.limited && r.status != 200 {
				t.Errorf("fourth read, another client behind the trusted proxy: %d, want 200", r.status)
			}
		})
	}
}

// TestFeedSchemeIsTheCacheKeys: the Atom feed's links use the scheme the response
// cache keys answers by (httpx.Scheme), not echo's, which ignores X-Forwarded-Proto
// from a public peer: a proxy or CDN on a public address would otherwise get http
// links under the https key.
func TestFeedSchemeIsTheCacheKeys(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	a := newAPI(t, st)
	req := httptest.NewRequest(http.MethodGet, "http://registry.example/feeds/changes.atom", nil)
	req.RemoteAddr = "203.0.113.7:40000" // a public peer
	req.Header.Set("X-Forwarded-Proto", "https")
	rec := httptest.NewRecorder()
	a.server.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `href="https://registry.example/feeds/changes.atom"`) {
		t.Errorf("feed behind a public TLS proxy: %d, self link not https\n%.1000s", rec.Code, rec.Body.String())
	}
}
