package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
)

// sourcesSpec are the filters of the source list.
var sourcesSpec = listSpec{filters: []string{fStatus, fUpdatedSince, fQ}}

// listSources lists sources.
//
//	@Summary		List sources
//	@Description	Published sources (and retracted ones when status=retracted is asked for), oldest first. q: title or document symbol.
//	@Tags			sources
//	@Produce		json,text/csv,application/problem+json
//	@Param			status			query		string	false	"comma-separated statuses (default: published)"
//	@Param			updated_since	query		string	false	"YYYY-MM-DD or RFC 3339 time"
//	@Param			q				query		string	false	"text to look for (case-insensitive substring)"
//	@Param			limit			query		int		false	"page size, 1-500 (default 50; larger is clamped to 500)"
//	@Param			cursor			query		string	false	"the meta.next_cursor of the previous page"
//	@Param			format			query		string	false	"json (default) or csv"	Enums(json, csv)
//	@Success		200				{object}	listEnvelope[domain.Source]
//	@Header			200				{string}	ETag				"validator of the representation"
//	@Header			200				{string}	Link				"the next page, rel=next"
//	@Header			200				{string}	X-Dataset-Version	"the dataset version"
//	@Success		304				"not modified"
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		429				{object}	Problem
//	@Failure		500				{object}	Problem
//	@Failure		503				{object}	Problem
//	@Router			/api/v1/sources [get]
func (s *Server) listSources(c echo.Context) error {
	return list[domain.Source](s, c, sourcesSpec, s.store.ListSources)
}

// getSource returns one source.
//
//	@Summary		Get a source
//	@Description	A published or retracted source with its citations; a retracted record stays at its URL, marked retracted. The ETag is the record's revision.
//	@Tags			sources
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"source id"
//	@Success		200	{object}	itemEnvelope[domain.Source]
//	@Header			200	{string}	ETag	"the record's revision"
//	@Success		304	"not modified"
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/sources/{id} [get]
func (s *Server) getSource(c echo.Context) error {
	return item(s, c, "source", s.store.GetSource)
}

// getSourceHistory returns the public changes of one source.
//
//	@Summary		History of a source
//	@Description	Every public change of the source, oldest first: action, time, the staff member by display name ("registry" for the registry's own imports), reason, and the record before and after.
//	@Tags			sources
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"source id"
//	@Success		200	{object}	listEnvelope[domain.Change]
//	@Success		304	"not modified"
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/sources/{id}/history [get]
func (s *Server) getSourceHistory(c echo.Context) error {
	return history(s, c, "source", s.store.GetSource)
}
