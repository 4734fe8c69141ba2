// Package httpx holds the HTTP rules the API (package httpapi) and the pages (package
// web) share, so that the two, and the response cache in front of both, cannot
// disagree.
package httpx

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/export-registry/registry/internal/domain"
)

// statuses maps domain error codes to HTTP statuses: the one place that decision is
// made, for the API's problems and the pages' error pages alike.
var statuses = map[string]int{
	domain.EINVALID:      http.StatusBadRequest,
	domain.ENOTFOUND:     http.StatusNotFound,
	domain.ECONFLICT:     http.StatusConflict,
	domain.EFORBIDDEN:    http.StatusForbidden,
	domain.EUNAUTHORIZED: http.StatusUnauthorized,
	domain.EINTERNAL:     http.StatusInternalServerError,

	domain.EPRECONDITION:         http.StatusPreconditionFailed,
	domain.EPRECONDITIONREQUIRED: http.StatusPreconditionRequired,
	domain.ETOOMANY:              http.StatusTooManyRequests,
	domain.EUNAVAILABLE:          http.StatusServiceUnavailable,
	domain.ENOTACCEPTABLE:        http.StatusNotAcceptable,
	domain.EAWAITINGREVIEW:       http.StatusAccepted,
}

// Status returns the HTTP status of an error by its domain code: 503 for a database
// read that ran out of time behind other requests (the server is busy, not broken),
// and 500 for any other error without a code.
func Status(err error) int {
	if errors.Is(err, context.DeadlineExceeded) && domain.ErrorCode(err) == domain.EINTERNAL {
		return http.StatusServiceUnavailable
	}
	if st, ok := statuses[domain.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

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
