package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// terminationsSpec are the filters of the termination list.
var terminationsSpec = listSpec{filters: []string{fCountry, fVendor, fAgency, fStatus, fUpdatedSince}, kind: "termination"}

// listTerminations lists terminations.
//
//	@Summary		List terminations
//	@Description	Published terminations (and retracted ones when status=retracted is asked for), oldest first. country: the state whose customer the termination ended, named directly or through the agency (when the agency is public). vendor: id or slug. agency: agency id. In CSV (Accept: text/csv or format=csv) null, which is unknown, is the empty cell and an empty list, which is known to be none, is [].
//	@Tags			terminations
//	@Produce		json,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/problem+json
//	@Param			country			query		string	false	"ISO 3166-1 alpha-2 code (either case)"
//	@Param			vendor			query		string	false	"vendor id or slug"
//	@Param			agency			query		string	false	"agency id"
//	@Param			status			query		string	false	"comma-separated statuses (default: published)"
//	@Param			updated_since	query		string	false	"YYYY-MM-DD or RFC 3339 time"
//	@Param			limit			query		int		false	"page size, 1-500 (default 50; larger is clamped to 500)"
//	@Param			cursor			query		string	false	"the meta.next_cursor of the previous page"
//	@Param			format			query		string	false	"json (default), csv or xlsx (a workbook: the records' sheet with the CSV's columns, typed cells, a sheet of the sources they cite and one saying the dataset version and how to cite it)"	Enums(json, csv, xlsx)
//	@Param			as_of			query		string	false	"a time to read the list at: a date (YYYY-MM-DD, the end of that day in UTC) or an RFC 3339 time, not in the future. The list is rebuilt from the public history, with meta.as_of; its cursor is bound to that time. It applies status, updated_since and the filters a record alone answers (country, exporter_country, vendor, agency, as each list takes them; not country on products and terminations); any other filter is a 400 naming it"
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
//	@ID				listTerminations
func (s *Server) listTerminations(c echo.Context) error {
	return list[domain.Termination](s, c, terminationsSpec, s.store.ListTerminations)
}

// getTermination returns one termination.
//
//	@Summary		Get a termination
//	@Description	A published or retracted termination with its citations; a retracted record stays at its URL, marked retracted. The ETag is the record's revision.
//	@Tags			terminations
//	@Produce		json,application/problem+json
//	@Param			id		path		string	true	"termination id"
//	@Param			as_of	query		string	false	"a time to read the record at: a date (YYYY-MM-DD, the end of that day in UTC) or an RFC 3339 time, not in the future. The answer is the record as it was public then, rebuilt from its public history (404 when it was not public then; a retracted record stays, marked retracted), with meta.as_of"
//	@Success		200		{object}	itemEnvelope[domain.Termination]
//	@Header			200		{string}	ETag	"the record's revision"
//	@Success		304		"not modified"
//	@Failure		400		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Failure		503		{object}	Problem
//	@Router			/api/v1/terminations/{id} [get]
//	@ID				getTermination
func (s *Server) getTermination(c echo.Context) error {
	return item(s, c, "termination", s.store.GetTermination)
}

// getTerminationHistory returns the public changes of one termination.
//
//	@Summary		History of a termination
//	@Description	Every public change of the termination, oldest first: action, time, the staff member by display name ("registry" for the registry's own imports), reason, and the record before and after. Before and after show only what is public now: a citation of a source that is not public is left out, as in the record, and each cited source is summarised as it is now, not as it was when cited.
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
//	@ID				getTerminationHistory
func (s *Server) getTerminationHistory(c echo.Context) error {
	return history(s, c, "termination", s.store.GetTermination)
}

// createTermination creates a draft termination.
//
//	@Summary		Create a termination
//	@Description	Creates a draft, visible only to staff until it is published, with the citations the body carries (in one transaction). Every invalid field is named at once in the problem's errors (citations[i].field for a citation); unknown fields are refused. A reference takes an id (a string or a number) or, for a vendor, its slug; a field whose values include unknown may be left out or null (unknown); a date may be sent as 2014, 2014-03 or 2014-03-05 without its *_precision, which its form then gives.
//	@Tags			terminations
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			body	body		createTerminationRequest	true	"the termination, with its citations if any"
//	@Success		201		{object}	itemEnvelope[domain.Termination]
//	@Header			201		{string}	Location	"the record's URL"
//	@Header			201		{string}	ETag		"the record's revision"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/terminations [post]
//	@ID				createTermination
func (s *Server) createTermination(c echo.Context) error {
	return createRecord[domain.TerminationFields, domain.Termination](s, c, store.Terminations, "terminations")
}

// updateTermination changes a termination.
//
//	@Summary		Change a termination
//	@Description	A JSON merge patch (RFC 7396) of the termination's fields: fields present replace, null clears, absent fields stay. If-Match must be the record's current ETag (428 without it, 412 when stale). A change to a published record is public at once and recorded in its history. A retracted record refuses changes (409, saying when and why it was retracted). Every invalid field is named at once; references, open questions and dates read as on create.
//	@Tags			terminations
//	@Accept			json,application/merge-patch+json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string						true	"termination id"
//	@Param			If-Match	header		string						true	"the record's ETag"
//	@Param			body		body		domain.TerminationFields	true	"the fields to change"
//	@Success		200			{object}	itemEnvelope[domain.Termination]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		428			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/terminations/{id} [patch]
//	@ID				updateTermination
func (s *Server) updateTermination(c echo.Context) error {
	return patchRecord(s, c, store.Terminations, numericID("termination"))
}

// publishTermination publishes a draft termination.
//
//	@Summary		Publish a termination
//	@Description	Makes the draft public. The record needs a citation of a published source first (409 otherwise). If-Match, when sent, must be the current ETag. In two-person review (REGISTRY_REVIEW=two-person) a publish by the staff member who made the draft's last change publishes nothing: it records a review request and answers 202 "awaiting review" with the draft unchanged; a publish by anyone else publishes and closes the request, and the publish in the history names who asked (requested_by) and who approved (actor).
//	@Tags			terminations
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string	true	"termination id"
//	@Param			If-Match	header		string	false	"the record's ETag"
//	@Success		200			{object}	itemEnvelope[domain.Termination]
//	@Success		202			{object}	awaitingReview[domain.Termination]
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/terminations/{id}/publish [post]
//	@ID				publishTermination
func (s *Server) publishTermination(c echo.Context) error {
	return publishRecord(s, c, store.Terminations, numericID("termination"))
}

// retractTermination retracts a published termination.
//
//	@Summary		Retract a termination
//	@Description	Withdraws a published record with a reason: it stays at its URL, marked retracted with the reason and date, and leaves the lists unless status=retracted is asked for.
//	@Tags			terminations
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string			true	"termination id"
//	@Param			If-Match	header		string			false	"the record's ETag"
//	@Param			body		body		retractRequest	true	"why"
//	@Success		200			{object}	itemEnvelope[domain.Termination]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/terminations/{id}/retract [post]
//	@ID				retractTermination
func (s *Server) retractTermination(c echo.Context) error {
	return retractRecord(s, c, store.Terminations, numericID("termination"))
}

// citeTermination cites a source for a termination.
//
//	@Summary		Cite a source for a termination
//	@Description	Ties a source to the record, optionally to named fields, with a locator and a confidence. The record's revision moves.
//	@Tags			terminations
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string			true	"termination id"
//	@Param			If-Match	header		string			false	"the record's ETag"
//	@Param			body		body		citationRequest	true	"the citation"
//	@Success		200			{object}	itemEnvelope[domain.Termination]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/terminations/{id}/citations [post]
//	@ID				citeTermination
func (s *Server) citeTermination(c echo.Context) error {
	return citeRecord(s, c, store.Terminations, numericID("termination"))
}

// unciteTermination removes a citation from a termination.
//
//	@Summary		Remove a citation from a termination
//	@Description	A published record keeps at least one citation of a published source (409 otherwise).
//	@Tags			terminations
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string	true	"termination id"
//	@Param			citation_id	path		string	true	"citation id"
//	@Param			If-Match	header		string	false	"the record's ETag"
//	@Success		200			{object}	itemEnvelope[domain.Termination]
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/terminations/{id}/citations/{citation_id} [delete]
//	@ID				unciteTermination
func (s *Server) unciteTermination(c echo.Context) error {
	return uncite(s, c, store.Terminations, numericID("termination"))
}
