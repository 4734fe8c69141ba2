package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
)

// agenciesSpec are the filters of the agency list.
var agenciesSpec = listSpec{filters: []string{fCountry, fStatus, fUpdatedSince, fQ}}

// listAgencies lists agencies.
//
//	@Summary		List agencies
//	@Description	Published agencies (and retracted ones when status=retracted is asked for), oldest first. country: the agency's state. q: name.
//	@Tags			agencies
//	@Produce		json,text/csv,application/problem+json
//	@Param			country			query		string	false	"ISO 3166-1 alpha-2 code (either case)"
//	@Param			status			query		string	false	"comma-separated statuses (default: published)"
//	@Param			updated_since	query		string	false	"YYYY-MM-DD or RFC 3339 time"
//	@Param			q				query		string	false	"text to look for (case-insensitive substring)"
//	@Param			limit			query		int		false	"page size, 1-500 (default 50; larger is clamped to 500)"
//	@Param			cursor			query		string	false	"the meta.next_cursor of the previous page"
//	@Param			format			query		string	false	"json (default) or csv"	Enums(json, csv)
//	@Success		200				{object}	listEnvelope[domain.Agency]
//	@Header			200				{string}	ETag				"validator of the representation"
//	@Header			200				{string}	Link				"the next page, rel=next"
//	@Header			200				{string}	X-Dataset-Version	"the dataset version"
//	@Success		304				"not modified"
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		429				{object}	Problem
//	@Failure		500				{object}	Problem
//	@Failure		503				{object}	Problem
//	@Router			/api/v1/agencies [get]
func (s *Server) listAgencies(c echo.Context) error {
	return list[domain.Agency](s, c, agenciesSpec, s.store.ListAgencies)
}

// getAgency returns one agency.
//
//	@Summary		Get a agency
//	@Description	A published or retracted agency with its citations; a retracted record stays at its URL, marked retracted. The ETag is the record's revision.
//	@Tags			agencies
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"agency id"
//	@Success		200	{object}	itemEnvelope[domain.Agency]
//	@Header			200	{string}	ETag	"the record's revision"
//	@Success		304	"not modified"
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/agencies/{id} [get]
func (s *Server) getAgency(c echo.Context) error {
	return item(s, c, "agency", s.store.GetAgency)
}

// getAgencyHistory returns the public changes of one agency.
//
//	@Summary		History of a agency
//	@Description	Every public change of the agency, oldest first: action, time, the staff member by display name ("registry" for the registry's own imports), reason, and the record before and after.
//	@Tags			agencies
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"agency id"
//	@Success		200	{object}	listEnvelope[domain.Change]
//	@Success		304	"not modified"
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/agencies/{id}/history [get]
func (s *Server) getAgencyHistory(c echo.Context) error {
	return history(s, c, "agency", s.store.GetAgency)
}
