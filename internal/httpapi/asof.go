package httpapi

import (
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/web"
)

// as_of reads a record, a list or a country profile as it was public at a time,
// rebuilt from the revisions (see store.RecordAt). The parameter is parsed once per
// request (asOf) and the answer says which time it is of (meta.as_of); a list's
// cursor carries the time its pages are of.

// pAsOf is the parameter's name.
const pAsOf = "as_of"

// asOfKey is where a request's as_of, once read, is kept for the answer's meta.
const asOfKey = "registry.as_of"

// asOf reads the request's as_of (nil when none is given). The parsing is the
// pages' (web.ParseAsOf): the two read the same parameter alike.
func asOf(c echo.Context) (*time.Time, error) {
	if at, ok := c.Get(asOfKey).(*time.Time); ok {
		return at, nil
	}
	v := c.QueryParams()[pAsOf]
	if len(v) == 0 || len(v) == 1 && v[0] == "" {
		return nil, nil // as every parameter, empty is not given
	}
	if len(v) > 1 {
		return nil, domain.Invalid(pAsOf, "given more than once")
	}
	at, err := web.ParseAsOf(v[0], time.Now())
	if err != nil {
		return nil, domain.Invalid(pAsOf, err.Error())
	}
	c.Set(asOfKey, &at)
	return &at, nil
}

// askedAsOf is the as_of a handler has read for this request (nil for none).
func askedAsOf(c echo.Context) *time.Time {
	at, _ := c.Get(asOfKey).(*time.Time)
	return at
}

// asOfMeta is meta.as_of: the time an answer is of, nil for the present.
func asOfMeta(at *time.Time) *string {
	if at == nil {
		return nil
	}
	v := at.UTC().Format(time.RFC3339Nano)
	return &v
}

// answerVersion is the dataset version an answer comes from: the one at its as_of,
// or the present one.
func (s *Server) answerVersion(c echo.Context) (string, error) {
	if at := askedAsOf(c); at != nil {
		return s.store.DatasetVersionAt(c.Request().Context(), *at)
	}
	return s.version(c)
}

// A list's cursor as of a time names that time after the store's position
// ("position@time"), so that a page of the list as of one time never continues a list
// as of another, or the present one.

// cursorAt is the position a list's cursor carries for a page as of at (nil: now).
func cursorAt(position string, at *time.Time) string {
	if at == nil {
		return position
	}
	return position + "@" + *asOfMeta(at)
}

// positionAt reads the store's position from a cursor's, refusing one of a list as
// of another time than at (nil: now).
func positionAt(v string, at *time.Time) (string, error) {
	position, of, dated := strings.Cut(v, "@")
	switch {
	case v == "":
		return "", nil
	case at == nil && dated:
		return "", domain.Invalid("cursor", "a cursor of this list as of "+of+": pass as_of="+of+" with it")
	case at != nil && !dated:
		return "", domain.Invalid("cursor", "a cursor of this list as it is now, not as of "+*asOfMeta(at)+": leave as_of out with it")
	case at != nil && of != *asOfMeta(at):
		return "", domain.Invalid("cursor", "a cursor of this list as of "+of+", not as of "+*asOfMeta(at)+": pass as_of="+of+" with it")
	}
	return position, nil
}

// refuseAtFilters refuses, with a 400 naming each, the filters of a list that a list
// as of a time cannot apply (those not in store.ListAtFilters for its record type):
// a filter must never be silently ignored.
func refuseAtFilters(c echo.Context, spec listSpec, applies []string) error {
	p := domain.Problems{}
	for _, f := range spec.filters {
		if f == fStatus || f == fUpdatedSince || c.QueryParam(f) == "" {
			continue
		}
		if !slices.Contains(applies, f) {
			p.Add(f, "not applied to a list as of a time (as_of); such a list takes "+strings.Join(append([]string{fStatus, fUpdatedSince}, applies...), ", "))
		}
	}
	return p.Err("a filter a list as of a time cannot apply")
}
