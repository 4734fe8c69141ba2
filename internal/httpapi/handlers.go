package httpapi

import (
	"context"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// The shared shapes of list, item and history handlers; each resource's file holds
// its routes' annotated handlers, which call these.

// list answers a list request with the collection's filters.
func list[T any](s *Server, c echo.Context, spec listSpec, fetch func(context.Context, store.ListParams) ([]T, string, error)) error {
	p, format, err := s.parseListFormat(c, spec)
	if err != nil {
		return err
	}
	return listPage(s, c, spec, p, format, fetch)
}

// parseListFormat reads a list request: its parameters and its format.
func (s *Server) parseListFormat(c echo.Context, spec listSpec) (store.ListParams, string, error) {
	p, err := s.parseList(c, spec)
	if err != nil {
		return p, "", err
	}
	format, err := listFormat(c)
	return p, format, err
}

// listPage answers a list request already read.
func listPage[T any](s *Server, c echo.Context, spec listSpec, p store.ListParams, format string, fetch func(context.Context, store.ListParams) ([]T, string, error)) error {
	if at := askedAsOf(c); at != nil {
		// The registry as it was: the list rebuilt from the revisions.
		fetch = func(ctx context.Context, p store.ListParams) ([]T, string, error) {
			return store.ListAt[T](ctx, s.store, spec.kind, p, *at)
		}
	}
	rows, next, err := fetch(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return respondList(s, c, rows, next, format)
}

// record is what every record type offers the item handler.
type record interface{ Base() domain.Record }

// pathID reads the :id path parameter; anything that is not an id names no record.
func pathID(c echo.Context, kind string) (int, error) {
	id, err := domain.ParseID(c.Param("id"))
	if err != nil {
		return 0, domain.NotFound(kind, c.Param("id"))
	}
	return int(id), nil
}

// item answers a request for one record by id.
func item[T record](s *Server, c echo.Context, kind string, get func(context.Context, int, bool) (T, error)) error {
	id, err := pathID(c, kind)
	if err != nil {
		return err
	}
	at, err := asOf(c)
	if err != nil {
		return err
	}
	if at != nil {
		get = func(ctx context.Context, id int, _ bool) (T, error) {
			return store.RecordAt[T](ctx, s.store, kind, id, *at)
		}
	}
	rec, err := get(c.Request().Context(), id, s.canSeeDrafts(c))
	if err != nil {
		return err
	}
	return respondItem(s, c, rec, rec.Base().Revision)
}

// history answers a request for a record's changes, once the record is known to be
// visible to the reader.
func history[T record](s *Server, c echo.Context, kind string, get func(context.Context, int, bool) (T, error)) error {
	id, err := pathID(c, kind)
	if err != nil {
		return err
	}
	drafts := s.canSeeDrafts(c)
	if _, err := get(c.Request().Context(), id, drafts); err != nil {
		return err
	}
	return respondHistory(s, c, kind, id, drafts)
}

// respondHistory writes a visible record's changes.
func respondHistory(s *Server, c echo.Context, kind string, id int, drafts bool) error {
	changes, err := s.store.History(c.Request().Context(), kind, id, drafts)
	if err != nil {
		return err
	}
	return respondList(s, c, changes, "", formatJSON)
}
