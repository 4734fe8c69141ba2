package httpapi

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"
)

// headKey marks, in a request's context, a HEAD request served as a GET.
type headKey struct{}

// headAsGet serves HEAD as GET on every route that answers GET (pages, API, exports,
// feeds, docs), so `curl -I` sees the headers a GET gets. The router sees a GET, and
// net/http, which still knows the request as HEAD, discards the body and sets the
// Content-Length a GET of a short answer would have. Handlers that would do work
// only for the body (an export's copy) ask isHead.
func headAsGet(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			r = r.Clone(context.WithValue(r.Context(), headKey{}, true))
			r.Method = http.MethodGet
		}
		h.ServeHTTP(w, r)
	})
}

// isHead reports whether a request arrived as HEAD (and is served as GET).
func isHead(c echo.Context) bool {
	head, _ := c.Request().Context().Value(headKey{}).(bool)
	return head
}

// method is the request's method as the client sent it, for logs and metrics.
func method(c echo.Context) string {
	if isHead(c) {
		return http.MethodHead
	}
	return c.Request().Method
}
