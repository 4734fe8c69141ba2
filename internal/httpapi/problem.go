package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpx"
)

// Problem is an RFC 9457 problem details object, the body of every error.
type Problem struct {
	// A URI naming the kind of problem; about:blank when the status says it all.
	Type string `json:"type" example:"about:blank"`
	// The status's short text.
	Title string `json:"title" example:"Bad Request"`
	// The HTTP status code.
	Status int `json:"status" example:"400"`
	// What went wrong in this request, for a person.
	Detail string `json:"detail,omitempty" example:"invalid country"`
	// The path of the request that failed.
	Instance string `json:"instance,omitempty"`
	// What is wrong with each field, by field name (dotted inside lists:
	// statements.quote).
	Errors map[string]string `json:"errors,omitempty"`
}

// handleError writes any error as problem+json. Internal errors are logged with the
// request id and shown only as "internal error": no stack trace or driver text ever
// reaches a client.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.Canceled) {
		// The client went away mid-request: nothing to answer, nothing broken.
		c.Response().WriteHeader(499)
		return
	}
	if s.pageNotFound(err, c) {
		return
	}
	p := Problem{Type: "about:blank", Instance: c.Request().URL.Path}
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		p.Status = he.Code
		if msg, ok := he.Message.(string); ok && he.Code < 500 {
			p.Detail = msg
		}
		if he.Code >= 500 {
			s.logInternal(c, err)
		}
	default:
		code := domain.ErrorCode(err)
		p.Status = httpx.Status(err)
		p.Detail = domain.ErrorMessage(err)
		p.Errors = domain.ErrorFields(err)
		if code == domain.EINTERNAL {
			s.logInternal(c, err)
		}
		var re *retryError
		if errors.As(err, &re) {
			c.Response().Header().Set("Retry-After", re.seconds())
		}
		if code == domain.EUNAUTHORIZED {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="registry"`)
		}
	}
	if p.Status == 0 {
		p.Status = http.StatusInternalServerError
	}
	p.Title = http.StatusText(p.Status)
	if p.Detail == "" && p.Status == http.StatusNotFound {
		p.Detail = "no such resource"
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	if c.Request().Method != http.MethodHead {
		_ = jsonEncoder(c.Response()).Encode(p)
	}
}

func (s *Server) logInternal(c echo.Context, err error) {
	s.log.ErrorContext(c.Request().Context(), "internal error", "err", err,
		"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
}

// pageNotFound answers a browser's GET of a path no route serves (outside the API)
// with the pages' HTML 404, and reports whether it did. Clients that do not ask for
// HTML, and anything under /api/, get the problem+json 404.
func (s *Server) pageNotFound(err error, c echo.Context) bool {
	r := c.Request()
	if !errors.Is(err, echo.ErrNotFound) || c.Path() != "" && c.Path() != "/*" || s.pages == nil ||
		(r.Method != http.MethodGet && r.Method != http.MethodHead) ||
		strings.HasPrefix(r.URL.Path, "/api/") || !strings.Contains(r.Header.Get(echo.HeaderAccept), "text/html") {
		return false
	}
	s.pages.ServeHTTP(c.Response(), r)
	return true
}
