// Package httpx holds the HTTP rules the API (package httpapi) and the pages (package
// web) share, so that the two, and the response cache in front of both, cannot
// disagree.
package httpx

import (
	"net/http"
	"strings"
)

// NoneMatch reports whether an If-None-Match header matches etag (weak comparison,
// as RFC 9110 asks for this header).
func NoneMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	strip := func(t string) string { return strings.TrimPrefix(strings.TrimSpace(t), "W/") }
	for _, t := range strings.Split(header, ",") {
		if t = strings.TrimSpace(t); t == "*" || strip(t) == strip(etag) {
			return true
		}
	}
	return false
}

// Scheme is the scheme the reader reached the registry by. Behind a TLS-terminating
// proxy X-Forwarded-Proto tells it; a forged one only changes what its own sender
// sees (pages show their absolute address, and are cached by it).
func Scheme(r *http.Request) string {
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		return "https"
	}
	return "http"
}
