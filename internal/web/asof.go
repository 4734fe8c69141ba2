package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/export-registry/registry/internal/store"
)

// A record's page, and a country's, read ?as_of= as the API does: the registry as
// it was public at that time, rebuilt from the revisions (store.RecordAt), with a
// banner saying so. The handler reads the parameter once (withAsOf) and leaves it in
// the request's context for the page's reads (getAt, listAt) and its layout.

// pAsOf is the parameter's name.
const pAsOf = "as_of"

// ParseAsOf reads an as_of value: a date (YYYY-MM-DD), meaning the end of that day
// in UTC, or an RFC 3339 time; it must not be after now. The API's routes and the
// pages read it alike.
func ParseAsOf(v string, now time.Time) (time.Time, error) {
	var at time.Time
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		at = t.UTC()
	} else if d, err := time.Parse(time.DateOnly, v); err == nil {
		at = d.AddDate(0, 0, 1).Add(-time.Nanosecond) // the end of the day
	} else {
		return time.Time{}, errors.New("must be a date (YYYY-MM-DD, meaning the end of that day in UTC) or an RFC 3339 time")
	}
	if at.After(now) {
		return time.Time{}, errors.New("must not be in the future (a date means the end of that day in UTC): the registry answers what was public then")
	}
	return at, nil
}

type asOfCtxKey struct{}

// asOfFrom is the as_of of a page's request (nil for none).
func asOfFrom(ctx context.Context) *time.Time {
	at, _ := ctx.Value(asOfCtxKey{}).(*time.Time)
	return at
}

// withAsOf reads a page's as_of into its request's context; an invalid one is
// answered with a 400 page saying what is wrong, and withAsOf returns false.
func (s *server) withAsOf(w http.ResponseWriter, r *http.Request) (*http.Request, bool) {
	v := r.URL.Query()[pAsOf]
	if len(v) == 0 || len(v) == 1 && v[0] == "" {
		return r, true // as every parameter, empty is not given
	}
	at, err := ParseAsOf(v[0], s.now())
	if err == nil && len(v) > 1 {
		err = errors.New("given more than once")
	}
	if err != nil {
		s.render(w, r, "error", page{Title: "Invalid as_of", Path: r.URL.Path, Status: http.StatusBadRequest,
			Data: "The as_of parameter " + err.Error() + "."})
		return r, false
	}
	return r.WithContext(context.WithValue(r.Context(), asOfCtxKey{}, &at)), true
}

// getAt is a record getter that reads the record as of the request's as_of, when
// it has one: the store's getter otherwise.
func getAt[R any](ctx context.Context, st *store.Store, recordType string, get func(context.Context, int, bool) (R, error)) func(context.Context, int, bool) (R, error) {
	at := asOfFrom(ctx)
	if at == nil {
		return get
	}
	return func(ctx context.Context, id int, _ bool) (R, error) {
		return store.RecordAt[R](ctx, st, recordType, id, *at)
	}
}

// listAt is a list reader that reads the list as of the request's as_of, when it
// has one: the store's list otherwise. Pages use only the filters a list as of a
// time applies (vendor and agency).
func listAt[R any](ctx context.Context, st *store.Store, recordType string, list func(context.Context, store.ListParams) ([]R, string, error)) func(context.Context, store.ListParams) ([]R, string, error) {
	at := asOfFrom(ctx)
	if at == nil {
		return list
	}
	return func(ctx context.Context, p store.ListParams) ([]R, string, error) {
		return store.ListAt[R](ctx, st, recordType, p, *at)
	}
}

// asOfBanner is what a page as of a time says first.
type asOfBanner struct {
	At time.Time
	// Now is the page as it is now.
	Now string
}

// bannerOf returns the banner of a page's request, or nil.
func bannerOf(r *http.Request, path string) *asOfBanner {
	at := asOfFrom(r.Context())
	if at == nil {
		return nil
	}
	return &asOfBanner{At: *at, Now: path}
}

// versionOf is the dataset version a page shows: the one at its as_of, or now.
func (s *server) versionOf(r *http.Request) (string, error) {
	if at := asOfFrom(r.Context()); at != nil {
		return s.st.DatasetVersionAt(r.Context(), *at)
	}
	return s.st.DatasetVersion(r.Context())
}

// asOfURL is a page's URL as of the request's as_of (its permalink keeps it).
func asOfURL(r *http.Request, u string) string {
	if at := asOfFrom(r.Context()); at != nil {
		return u + "?" + url.Values{pAsOf: {at.Format(time.RFC3339Nano)}}.Encode()
	}
	return u
}

// asOfTime writes the time a page is of for a reader: a day's end as the day.
func asOfTime(t time.Time) string {
	t = t.UTC()
	if end := t.Add(time.Nanosecond); end.Hour() == 0 && end.Minute() == 0 && end.Second() == 0 && end.Nanosecond() == 0 {
		return t.Format(time.DateOnly) + " (the end of that day, UTC)"
	}
	return t.Format("2006-01-02 15:04:05 UTC")
}

// withQuery is a path with the request's query: a redirect keeps as_of.
func withQuery(r *http.Request, path string) string {
	if r.URL.RawQuery != "" {
		return path + "?" + r.URL.RawQuery
	}
	return path
}

// goList runs a list read in g, into dst.
func goList[R any](g *errgroup.Group, ctx context.Context, dst *[]R, list func(context.Context, store.ListParams) ([]R, string, error), p store.ListParams) {
	g.Go(func() (err error) {
		*dst, _, err = list(ctx, p)
		return err
	})
}
