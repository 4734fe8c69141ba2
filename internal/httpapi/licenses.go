package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// licensesSpec are the filters of the license list.
var licensesSpec = listSpec{filters: []string{fCountry, fExporterCountry, fVendor, fAgency, fStatus, fActiveOn, fCovers, fUpdatedSince, fQ}, kindStatuses: domain.LicenseStatuses, kind: "license"}

// listLicenses lists licenses.
//
//	@Summary		List licenses
//	@Description	Published licenses (and retracted ones when status=retracted is asked for), oldest first. country: end-user state. exporter_country: exporting state. vendor: id or slug. agency: end-user agency id. status: record status (published, retracted) or the licence's own (applied, granted, refused, revoked, suspended, expired, unknown). active_on: licences whose known validity covers the day (a start on or before it, and no end or an end period reaching it; a start or end known only to its month or year counts as that whole period; a licence with no known start is not listed). covers: licences whose permitted geography includes the country. q: reference or description. In CSV (Accept: text/csv or format=csv) null, which is unknown, is the empty cell and an empty list, which is known to be none, is [].
//	@Tags			licenses
//	@Produce		json,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/problem+json
//	@Param			country				query		string	false	"ISO 3166-1 alpha-2 code (either case)"
//	@Param			exporter_country	query		string	false	"exporting state, ISO 3166-1 alpha-2"
//	@Param			vendor				query		string	false	"vendor id or slug"
//	@Param			agency				query		string	false	"agency id"
//	@Param			status				query		string	false	"comma-separated statuses (default: published)"
//	@Param			active_on			query		string	false	"a day, YYYY-MM-DD (an instant: 2021 or 2021-07 is refused)"
//	@Param			covers				query		string	false	"ISO 3166-1 alpha-2 code in the permitted geography"
//	@Param			updated_since		query		string	false	"YYYY-MM-DD or RFC 3339 time"
//	@Param			q					query		string	false	"text to look for (case-insensitive substring)"
//	@Param			limit				query		int		false	"page size, 1-500 (default 50; larger is clamped to 500)"
//	@Param			cursor				query		string	false	"the meta.next_cursor of the previous page"
//	@Param			format				query		string	false	"json (default), csv or xlsx (a workbook: the records' sheet with the CSV's columns, typed cells, a sheet of the sources they cite and one saying the dataset version and how to cite it)"	Enums(json, csv, xlsx)
//	@Param			as_of				query		string	false	"a time to read the list at: a date (YYYY-MM-DD, the end of that day in UTC) or an RFC 3339 time, not in the future. The list is rebuilt from the public history, with meta.as_of; its cursor is bound to that time. It applies status, updated_since and the filters a record alone answers (country, exporter_country, vendor, agency, as each list takes them; not country on products and terminations); any other filter is a 400 naming it"
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
//	@ID				listLicenses
func (s *Server) listLicenses(c echo.Context) error {
	p, format, err := s.parseListFormat(c, licensesSpec)
	if err != nil {
		return err
	}
	if format == formatJSON && !p.Drafts && askedAsOf(c) == nil {
		// The public JSON list: the licences' documents (store/licensedocs.go).
		return respondDocuments(s, c, func(dst []byte, version string) ([]byte, string, error) {
			dst, next, from, err := s.store.AppendLicenseDocuments(c.Request().Context(), dst, p, version)
			s.metrics.documentsCached.Add(float64(from.Cached))
			s.metrics.documentsRead.Add(float64(from.Read))
			if from.Rendered > 0 {
				s.metrics.documentsRendered.Add(float64(from.Rendered))
				s.documents.wake()
			}
			return dst, next, err
		})
	}
	return listPage(s, c, licensesSpec, p, format, s.store.ListLicenses)
}

// getLicense returns one license.
//
//	@Summary		Get a license
//	@Description	A published or retracted license with its citations; a retracted record stays at its URL, marked retracted. The ETag is the record's revision.
//	@Tags			licenses
//	@Produce		json,application/problem+json
//	@Param			id		path		string	true	"license id"
//	@Param			as_of	query		string	false	"a time to read the record at: a date (YYYY-MM-DD, the end of that day in UTC) or an RFC 3339 time, not in the future. The answer is the record as it was public then, rebuilt from its public history (404 when it was not public then; a retracted record stays, marked retracted), with meta.as_of"
//	@Success		200		{object}	itemEnvelope[domain.License]
//	@Header			200		{string}	ETag	"the record's revision"
//	@Success		304		"not modified"
//	@Failure		400		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Failure		503		{object}	Problem
//	@Router			/api/v1/licenses/{id} [get]
//	@ID				getLicense
func (s *Server) getLicense(c echo.Context) error {
	return item(s, c, "license", s.store.GetLicense)
}

// getLicenseHistory returns the public changes of one license.
//
//	@Summary		History of a license
//	@Description	Every public change of the license, oldest first: action, time, the staff member by display name ("registry" for the registry's own imports), reason, and the record before and after. Before and after show only what is public now: a citation of a source that is not public is left out, as in the record, and each cited source is summarised as it is now, not as it was when cited.
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
//	@ID				getLicenseHistory
func (s *Server) getLicenseHistory(c echo.Context) error {
	return history(s, c, "license", s.store.GetLicense)
}

// createLicense creates a draft license.
//
//	@Summary		Create a license
//	@Description	Creates a draft, visible only to staff until it is published, with the citations the body carries (in one transaction). Every invalid field is named at once in the problem's errors (citations[i].field for a citation); unknown fields are refused. A reference takes an id (a string or a number) or, for a vendor, its slug; a field whose values include unknown may be left out or null (unknown); a date may be sent as 2014, 2014-03 or 2014-03-05 without its *_precision, which its form then gives.
//	@Tags			licenses
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			body	body		createLicenseRequest	true	"the license, with its citations if any"
//	@Success		201		{object}	itemEnvelope[domain.License]
//	@Header			201		{string}	Location	"the record's URL"
//	@Header			201		{string}	ETag		"the record's revision"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/licenses [post]
//	@ID				createLicense
func (s *Server) createLicense(c echo.Context) error {
	return createRecord[domain.LicenseFields, domain.License](s, c, store.Licenses, "licenses")
}

// updateLicense changes a license.
//
//	@Summary		Change a license
//	@Description	A JSON merge patch (RFC 7396) of the license's fields: fields present replace, null clears, absent fields stay. If-Match must be the record's current ETag (428 without it, 412 when stale). A change to a published record is public at once and recorded in its history. A retracted record refuses changes (409, saying when and why it was retracted). Every invalid field is named at once; references, open questions and dates read as on create.
//	@Tags			licenses
//	@Accept			json,application/merge-patch+json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string					true	"license id"
//	@Param			If-Match	header		string					true	"the record's ETag"
//	@Param			body		body		domain.LicenseFields	true	"the fields to change"
//	@Success		200			{object}	itemEnvelope[domain.License]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		428			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/licenses/{id} [patch]
//	@ID				updateLicense
func (s *Server) updateLicense(c echo.Context) error {
	return patchRecord(s, c, store.Licenses, numericID("license"))
}

// publishLicense publishes a draft license.
//
//	@Summary		Publish a license
//	@Description	Makes the draft public. The record needs a citation of a published source first (409 otherwise). If-Match, when sent, must be the current ETag. In two-person review (REGISTRY_REVIEW=two-person) a publish by the staff member who made the draft's last change publishes nothing: it records a review request and answers 202 "awaiting review" with the draft unchanged; a publish by anyone else publishes and closes the request, and the publish in the history names who asked (requested_by) and who approved (actor).
//	@Tags			licenses
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string	true	"license id"
//	@Param			If-Match	header		string	false	"the record's ETag"
//	@Success		200			{object}	itemEnvelope[domain.License]
//	@Success		202			{object}	awaitingReview[domain.License]
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/licenses/{id}/publish [post]
//	@ID				publishLicense
func (s *Server) publishLicense(c echo.Context) error {
	return publishRecord(s, c, store.Licenses, numericID("license"))
}

// retractLicense retracts a published license.
//
//	@Summary		Retract a license
//	@Description	Withdraws a published record with a reason: it stays at its URL, marked retracted with the reason and date, and leaves the lists unless status=retracted is asked for.
//	@Tags			licenses
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string			true	"license id"
//	@Param			If-Match	header		string			false	"the record's ETag"
//	@Param			body		body		retractRequest	true	"why"
//	@Success		200			{object}	itemEnvelope[domain.License]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/licenses/{id}/retract [post]
//	@ID				retractLicense
func (s *Server) retractLicense(c echo.Context) error {
	return retractRecord(s, c, store.Licenses, numericID("license"))
}

// citeLicense cites a source for a license.
//
//	@Summary		Cite a source for a license
//	@Description	Ties a source to the record, optionally to named fields, with a locator and a confidence. The record's revision moves.
//	@Tags			licenses
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string			true	"license id"
//	@Param			If-Match	header		string			false	"the record's ETag"
//	@Param			body		body		citationRequest	true	"the citation"
//	@Success		200			{object}	itemEnvelope[domain.License]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/licenses/{id}/citations [post]
//	@ID				citeLicense
func (s *Server) citeLicense(c echo.Context) error {
	return citeRecord(s, c, store.Licenses, numericID("license"))
}

// unciteLicense removes a citation from a license.
//
//	@Summary		Remove a citation from a license
//	@Description	A published record keeps at least one citation of a published source (409 otherwise).
//	@Tags			licenses
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string	true	"license id"
//	@Param			citation_id	path		string	true	"citation id"
//	@Param			If-Match	header		string	false	"the record's ETag"
//	@Success		200			{object}	itemEnvelope[domain.License]
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/licenses/{id}/citations/{citation_id} [delete]
//	@ID				unciteLicense
func (s *Server) unciteLicense(c echo.Context) error {
	return uncite(s, c, store.Licenses, numericID("license"))
}
