package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
)

// terminationsSpec are the filters of the termination list.
var terminationsSpec = listSpec{filters: []string{fCountry, fVendor, fAgency, fStatus, fUpdatedSince}}

// listTerminations lists terminations.
//
//	@Summary		List terminations
//	@Description	Published terminations (and retracted ones when status=retracted is asked for), oldest first. country: the state whose customer the termination ended, named directly or through the agency. vendor: id or slug. agency: agency id.
//	@Tags			terminations
//	@Produce		json,text/csv,application/problem+json
//	@Param			country			query		string	false	"ISO 3166-1 alpha-2 code (either case)"
//	@Param			vendor			query		string	false	"vendor id or slug"
//	@Param			agency			query		string	false	"agency id"
//	@Param			status			query		string	false	"comma-separated statuses (default: published)"
//	@Param			updated_since	query		string	false	"YYYY-MM-DD or RFC 3339 time"
//	@Param			limit			query		int		false	"page size, 1-500 (default 50; larger is clamped to 500)"
//	@Param			cursor			query		string	false	"the meta.next_cursor of the previous page"
//	@Param			format			query		string	false	"json (default) or csv"	Enums(json, csv)
//	@Success		200				{object}	listEnvelope[domain.Termination]
//	@Header			200				{string}	ETag				"validator of the representation"
//	@Header			200				{string}	Link				"the next page, rel=next"
//	@Header			200				{string}	X-Dataset-Version	"the dataset version"
//	@Success		304				"not modified"
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		429				{object}	Problem
//	@Failure		500				{object}	Problem
//	@Failure		503				{object}	Problem
//	@Router			/api/v1/terminations [get]
func (s *Server) listTerminations(c echo.Context) error {
	return list[domain.Termination](s, c, terminationsSpec, s.store.ListTerminations)
}

// getTermination returns one termination.
//
//	@Summary		Get a termination
//	@Description	A published or retracted termination with its citations; a retracted record stays at its URL, marked retracted. The ETag is the record's revision.
//	@Tags			terminations
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"termination id"
//	@Success		200	{object}	itemEnvelope[domain.Termination]
//	@Header			200	{string}	ETag	"the record's revision"
//	@Success		304	"not modified"
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/terminations/{id} [get]
func (s *Server) getTermination(c echo.Context) error {
	return item(s, c, "termination", s.store.GetTermination)
}

// getTerminationHistory returns the public changes of one termination.
//
//	@Summary		History of a termination
//	@Description	Every public change of the termination, oldest first: action, time, the staff member by display name ("registry" for the registry's own imports), reason, and the record before and after.
//	@Tags			terminations
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"termination id"
//	@Success		200	{object}	listEnvelope[domain.Change]
//	@Success		304	"not modified"
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/terminations/{id}/history [get]
func (s *Server) getTerminationHistory(c echo.Context) error {
	return history(s, c, "termination", s.store.GetTermination)
}
