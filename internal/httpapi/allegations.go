package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
)

// allegationsSpec are the filters of the allegation list.
var allegationsSpec = listSpec{filters: []string{fCountry, fVendor, fAgency, fStatus, fUpdatedSince}, kindStatuses: allegationStatuses}

// listAllegations lists allegations.
//
//	@Summary		List allegations
//	@Description	Published allegations (and retracted ones when status=retracted is asked for), oldest first. country: the alleged operator state or the targets' country. vendor: id or slug. agency: alleged operator agency id. status: record status or the allegation's own (alleged, forensically_confirmed, officially_acknowledged, denied, disputed).
//	@Tags			allegations
//	@Produce		json,text/csv,application/problem+json
//	@Param			country			query		string	false	"ISO 3166-1 alpha-2 code (either case)"
//	@Param			vendor			query		string	false	"vendor id or slug"
//	@Param			agency			query		string	false	"agency id"
//	@Param			status			query		string	false	"comma-separated statuses (default: published)"
//	@Param			updated_since	query		string	false	"YYYY-MM-DD or RFC 3339 time"
//	@Param			limit			query		int		false	"page size, 1-500 (default 50; larger is clamped to 500)"
//	@Param			cursor			query		string	false	"the meta.next_cursor of the previous page"
//	@Param			format			query		string	false	"json (default) or csv"	Enums(json, csv)
//	@Success		200				{object}	listEnvelope[domain.Allegation]
//	@Header			200				{string}	ETag				"validator of the representation"
//	@Header			200				{string}	Link				"the next page, rel=next"
//	@Header			200				{string}	X-Dataset-Version	"the dataset version"
//	@Success		304				"not modified"
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		429				{object}	Problem
//	@Failure		500				{object}	Problem
//	@Failure		503				{object}	Problem
//	@Router			/api/v1/allegations [get]
func (s *Server) listAllegations(c echo.Context) error {
	return list[domain.Allegation](s, c, allegationsSpec, s.store.ListAllegations)
}

// getAllegation returns one allegation.
//
//	@Summary		Get a allegation
//	@Description	A published or retracted allegation with its citations; a retracted record stays at its URL, marked retracted. The ETag is the record's revision.
//	@Tags			allegations
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"allegation id"
//	@Success		200	{object}	itemEnvelope[domain.Allegation]
//	@Header			200	{string}	ETag	"the record's revision"
//	@Success		304	"not modified"
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/allegations/{id} [get]
func (s *Server) getAllegation(c echo.Context) error {
	return item(s, c, "allegation", s.store.GetAllegation)
}

// getAllegationHistory returns the public changes of one allegation.
//
//	@Summary		History of a allegation
//	@Description	Every public change of the allegation, oldest first: action, time, the staff member by display name ("registry" for the registry's own imports), reason, and the record before and after.
//	@Tags			allegations
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"allegation id"
//	@Success		200	{object}	listEnvelope[domain.Change]
//	@Success		304	"not modified"
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/allegations/{id}/history [get]
func (s *Server) getAllegationHistory(c echo.Context) error {
	return history(s, c, "allegation", s.store.GetAllegation)
}
