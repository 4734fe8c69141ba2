package httpapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
)

// negotiate refuses, with a 406 naming format, a representation an API route cannot
// give, instead of silently answering JSON: format=csv or xlsx (or any value but json) on a
// route that answers JSON only (a record, a profile, a history, the search), an
// unknown format on a list, and an Accept that asks for CSV and not for JSON from a
// route without CSV. Exports are named by their extension; the pages are HTML.
func negotiate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		route := c.Path()
		if c.Request().Method != http.MethodGet || !strings.HasPrefix(route, "/api/v1/") || strings.HasPrefix(route, "/api/v1/export/") {
			return next(c)
		}
		csvToo := slices.Contains(routeQuery[route], "format") && slices.Contains(routeQuery[route], "cursor") // the lists
		switch f := c.QueryParam("format"); {
		case f == "" || f == "json" || csvToo && (f == "csv" || f == "xlsx"):
		case csvToo:
			return notAcceptable("must be json, csv or xlsx")
		default:
			return notAcceptable("this route answers JSON only (format=json or none)")
		}
		if !csvToo && c.QueryParam("format") == "" && acceptsCSV(c.Request()) && !acceptsJSON(c.Request().Header.Get(echo.HeaderAccept)) {
			return &domain.Error{Code: domain.ENOTACCEPTABLE, Message: "this route answers JSON only",
				Fields: map[string]string{"Accept": "asks for CSV, which this route cannot give; accept application/json"}}
		}
		return next(c)
	}
}

func notAcceptable(why string) error {
	return &domain.Error{Code: domain.ENOTACCEPTABLE, Message: "no such format for this route", Fields: map[string]string{"format": why}}
}

// acceptsJSON reports whether an Accept header takes JSON: application/json,
// application/*, */* or a +json type, not refused with q=0.
func acceptsJSON(header string) bool {
	for _, part := range strings.Split(header, ",") {
		typ, params, _ := strings.Cut(part, ";")
		typ = strings.ToLower(strings.TrimSpace(typ))
		if strings.ReplaceAll(strings.TrimSpace(params), " ", "") == "q=0" {
			continue
		}
		if typ == "application/json" || typ == "application/*" || typ == "*/*" || strings.HasSuffix(typ, "+json") {
			return true
		}
	}
	return false
}
