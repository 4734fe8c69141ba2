package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
)

// licensesSpec are the filters of the license list.
var licensesSpec = listSpec{filters: []string{fCountry, fExporterCountry, fVendor, fAgency, fStatus, fActiveOn, fCovers, fUpdatedSince, fQ}, kindStatuses: licenseStatuses}

// listLicenses lists licenses.
//
//	@Summary		List licenses
//	@Description	Published licenses (and retracted ones when status=retracted is asked for), oldest first. country: end-user state. exporter_country: exporting state. vendor: id or slug. agency: end-user agency id. status: record status (published, retracted) or the licence's own (applied, granted, refused, revoked, suspended, expired, unknown). active_on: licences whose known validity covers the day (a start on or before it, and no end or an end period reaching it; a licence with no known start is not listed). covers: licences whose permitted geography includes the country. q: reference or description.
//	@Tags			licenses
//	@Produce		json,text/csv,application/problem+json
//	@Param			country				query		string	false	"ISO 3166-1 alpha-2 code (either case)"
//	@Param			exporter_country	query		string	false	"exporting state, ISO 3166-1 alpha-2"
//	@Param			vendor				query		string	false	"vendor id or slug"
//	@Param			agency				query		string	false	"agency id"
//	@Param			status				query		string	false	"comma-separated statuses (default: published)"
//	@Param			active_on			query		string	false	"a day, YYYY-MM-DD"
//	@Param			covers				query		string	false	"ISO 3166-1 alpha-2 code in the permitted geography"
//	@Param			updated_since		query		string	false	"YYYY-MM-DD or RFC 3339 time"
//	@Param			q					query		string	false	"text to look for (case-insensitive substring)"
//	@Param			limit				query		int		false	"page size, 1-500 (default 50; larger is clamped to 500)"
//	@Param			cursor				query		string	false	"the meta.next_cursor of the previous page"
//	@Param			format				query		string	false	"json (default) or csv"	Enums(json, csv)
//	@Success		200					{object}	listEnvelope[domain.License]
//	@Header			200					{string}	ETag				"validator of the representation"
//	@Header			200					{string}	Link				"the next page, rel=next"
//	@Header			200					{string}	X-Dataset-Version	"the dataset version"
//	@Success		304					"not modified"
//	@Failure		400					{object}	Problem
//	@Failure		401					{object}	Problem
//	@Failure		429					{object}	Problem
//	@Failure		500					{object}	Problem
//	@Failure		503					{object}	Problem
//	@Router			/api/v1/licenses [get]
func (s *Server) listLicenses(c echo.Context) error {
	return list[domain.License](s, c, licensesSpec, s.store.ListLicenses)
}

// getLicense returns one license.
//
//	@Summary		Get a license
//	@Description	A published or retracted license with its citations; a retracted record stays at its URL, marked retracted. The ETag is the record's revision.
//	@Tags			licenses
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"license id"
//	@Success		200	{object}	itemEnvelope[domain.License]
//	@Header			200	{string}	ETag	"the record's revision"
//	@Success		304	"not modified"
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/licenses/{id} [get]
func (s *Server) getLicense(c echo.Context) error {
	return item(s, c, "license", s.store.GetLicense)
}

// getLicenseHistory returns the public changes of one license.
//
//	@Summary		History of a license
//	@Description	Every public change of the license, oldest first: action, time, the staff member by display name ("registry" for the registry's own imports), reason, and the record before and after.
//	@Tags			licenses
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"license id"
//	@Success		200	{object}	listEnvelope[domain.Change]
//	@Success		304	"not modified"
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/licenses/{id}/history [get]
func (s *Server) getLicenseHistory(c echo.Context) error {
	return history(s, c, "license", s.store.GetLicense)
}
