package httpapi

import (
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/web"
)

// routeQuery names the query parameters each public route reads, by route: the one
// table the response cache keys by and the API refuses unknown parameters by. The
// lists' entries come from the specs their handlers parse with, the feeds' and the
// search's from the names their parsers take, so a filter added to a parser is in the
// key at once; the pages' come from package web's route table. A route absent here
// reads no parameter.
var routeQuery = map[string][]string{
	"/api/v1/states":         statesSpec.params(),
	"/api/v1/vendors":        vendorsSpec.params(),
	"/api/v1/products":       productsSpec.params(),
	"/api/v1/agencies":       agenciesSpec.params(),
	"/api/v1/licenses":       licensesSpec.params(),
	"/api/v1/terminations":   terminationsSpec.params(),
	"/api/v1/allegations":    allegationsSpec.params(),
	"/api/v1/communications": communicationsSpec.params(),
	"/api/v1/sources":        sourcesSpec.params(),
	"/api/v1/changes":        changesParams(true),
	"/feeds/changes.atom":    changesParams(false),
	"/api/v1/search":         searchParams,
	"/api/v1/export/:file":   {"bom"},
	// A record, and a country profile, may be read as of a time; they read format
	// too, to refuse with a 406 what is not JSON (negotiate).
	"/api/v1/states/:iso2":       {pAsOf, "format"},
	"/api/v1/vendors/:id":        {pAsOf, "format"},
	"/api/v1/products/:id":       {pAsOf, "format"},
	"/api/v1/agencies/:id":       {pAsOf, "format"},
	"/api/v1/licenses/:id":       {pAsOf, "format"},
	"/api/v1/terminations/:id":   {pAsOf, "format"},
	"/api/v1/allegations/:id":    {pAsOf, "format"},
	"/api/v1/communications/:id": {pAsOf, "format"},
	"/api/v1/sources/:id":        {pAsOf, "format"},
	// The FtM export reads no parameter, and refuses any (a misspelt one must not
	// pass for a filter).
	"/api/v1/export/" + ftmFile:   {},
	"/api/v1/export/" + deltaFile: deltaParams,
	// The reconciliation routes (reconcile.go) refuse unknown parameters too.
	"/reconcile":                reconcileParams,
	"/reconcile/preview":        previewParams,
	"/reconcile/suggest/entity": suggestParams,
	"/api/v1/intake":            intakeParams,
}

// The pages' parameters come from package web's table of its routes.
func init() {
	for _, r := range web.Routes() {
		if len(r.Query) > 0 {
			routeQuery[echoPath(r.Path)] = r.Query
		}
	}
}

// params are the names a list takes: its filters and paging, and as_of for a list
// of records.
func (spec listSpec) params() []string {
	out := append(slices.Clone(spec.filters), paging...)
	if spec.kind != "" {
		out = append(out, pAsOf)
	}
	return out
}

// refusesUnknown reports whether a route answers an unknown parameter with a 400:
// the API's routes that take parameters, where a misspelt filter must not silently
// return everything. The pages ignore what they do not read (links arrive with
// tracking tags), and so do the API's routes that read none.
func refusesUnknown(route string) bool {
	_, reads := routeQuery[route]
	return reads && (strings.HasPrefix(route, "/api/") || strings.HasPrefix(route, "/feeds/") || strings.HasPrefix(route, "/reconcile"))
}

// checkQuery refuses, on the routes that refuse them, the parameters a route does not
// read, naming each, before the response cache is asked: a kept answer must never
// stand for a request its handler would refuse.
func checkQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		route := c.Path()
		if !refusesUnknown(route) {
			return next(c)
		}
		takes := routeQuery[route]
		var unknown map[string]string
		for name := range c.Request().URL.Query() {
			if !slices.Contains(takes, name) {
				if unknown == nil {
					unknown = map[string]string{}
				}
				unknown[name] = "not a parameter of this route; it takes " + strings.Join(takes, ", ")
			}
		}
		if unknown != nil {
			return &domain.Error{Code: domain.EINVALID, Message: "unknown parameter", Fields: unknown}
		}
		return next(c)
	}
}

// canonicalQuery is the part of a query string a route reads, in one order: the
// parameters the route takes, sorted, each with its values as given (a repeated
// parameter stays repeated, for the handler to refuse).
func canonicalQuery(route string, q url.Values) string {
	kept := url.Values{}
	for _, name := range routeQuery[route] {
		if v, ok := q[name]; ok {
			kept[name] = v
		}
	}
	return kept.Encode() // sorted by name
}
