package httpx

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/export-registry/registry/internal/domain"
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

// TestStatus: each domain code becomes its status, in the one table the API and the
// pages share; a database read out of time is a busy server (503), any other error
// without a code a 500.
func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{domain.Invalid("x", "bad"), 400},
		{domain.NotFound("vendor", "1"), 404},
		{domain.Errorf(domain.ECONFLICT, "c"), 409},
		{domain.Errorf(domain.EFORBIDDEN, "f"), 403},
		{domain.Errorf(domain.EUNAUTHORIZED, "u"), 401},
		{domain.Errorf(domain.EPRECONDITION, "p"), 412},
		{domain.Errorf(domain.EPRECONDITIONREQUIRED, "p"), 428},
		{domain.Errorf(domain.ETOOMANY, "t"), 429},
		{domain.Errorf(domain.EUNAVAILABLE, "u"), 503},
		{fmt.Errorf("read: %w", context.DeadlineExceeded), 503},
		{errors.New("driver: broken pipe"), 500},
	} {
		if got := Status(tc.err); got != tc.want {
			t.Errorf("Status(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
