package httpx

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"
)

func TestNoneMatch(t *testing.T) {
	for _, tc := range []struct {
		header, etag string
		want         bool
	}{
		{"", `"a"`, false},
		{`"a"`, `"a"`, true},
		{`W/"a"`, `"a"`, true},
		{`"a"`, `W/"a"`, true},
		{`"b", "a"`, `"a"`, true},
		{`*`, `"a"`, true},
		{`"b"`, `"a"`, false},
	} {
		if got := NoneMatch(tc.header, tc.etag); got != tc.want {
			t.Errorf("NoneMatch(%q, %q) = %v", tc.header, tc.etag, got)
		}
	}
}

func TestScheme(t *testing.T) {
	plain := httptest.NewRequest("GET", "/", nil)
	proxied := httptest.NewRequest("GET", "/", nil)
	proxied.Header.Set("X-Forwarded-Proto", "HTTPS")
	direct := httptest.NewRequest("GET", "/", nil)
	direct.TLS = &tls.ConnectionState{}
	if Scheme(plain) != "http" || Scheme(proxied) != "https" || Scheme(direct) != "https" {
		t.Errorf("schemes: %s %s %s", Scheme(plain), Scheme(proxied), Scheme(direct))
	}
}
