package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// sourcesSpec are the filters of the source list.
var sourcesSpec = listSpec{filters: []string{fStatus, fUpdatedSince, fQ}, kind: "source"}

// listSources lists sources.
//
//	@Summary		List sources
//	@Description	Published sources (and retracted ones when status=retracted is asked for), oldest first. q: title or document symbol. In CSV (Accept: text/csv or format=csv) null, which is unknown, is the empty cell and an empty list, which is known to be none, is [].
//	@Tags			sources
//	@Produce		json,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/problem+json
//	@Param			status			query		string	false	"comma-separated statuses (default: published)"
//	@Param			updated_since	query		string	false	"YYYY-MM-DD or RFC 3339 time"
//	@Param			q				query		string	false	"text to look for (case-insensitive substring)"
//	@Param			limit			query		int		false	"page size, 1-500 (default 50; larger is clamped to 500)"
//	@Param			cursor			query		string	false	"the meta.next_cursor of the previous page"
//	@Param			format			query		string	false	"json (default), csv or xlsx (a workbook: the records' sheet with the CSV's columns, typed cells, a sheet of the sources they cite and one saying the dataset version and how to cite it)"	Enums(json, csv, xlsx)
//	@Param			as_of			query		string	false	"a time to read the list at: a date (YYYY-MM-DD, the end of that day in UTC) or an RFC 3339 time, not in the future. The list is rebuilt from the public history, with meta.as_of; its cursor is bound to that time. It applies status, updated_since and the filters a record alone answers (country, exporter_country, vendor, agency, as each list takes them; not country on products and terminations); any other filter is a 400 naming it"
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
//	@ID				listSources
func (s *Server) listSources(c echo.Context) error {
	return list[domain.Source](s, c, sourcesSpec, s.store.ListSources)
}

// getSource returns one source.
//
//	@Summary		Get a source
//	@Description	A published or retracted source with its citations; a retracted record stays at its URL, marked retracted. The ETag is the record's revision.
//	@Tags			sources
//	@Produce		json,application/problem+json
//	@Param			id		path		string	true	"source id"
//	@Param			as_of	query		string	false	"a time to read the record at: a date (YYYY-MM-DD, the end of that day in UTC) or an RFC 3339 time, not in the future. The answer is the record as it was public then, rebuilt from its public history (404 when it was not public then; a retracted record stays, marked retracted), with meta.as_of"
//	@Success		200		{object}	itemEnvelope[domain.Source]
//	@Header			200		{string}	ETag	"the record's revision"
//	@Success		304		"not modified"
//	@Failure		400		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Failure		503		{object}	Problem
//	@Router			/api/v1/sources/{id} [get]
//	@ID				getSource
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
//	@ID				getSourceHistory
func (s *Server) getSourceHistory(c echo.Context) error {
	return history(s, c, "source", s.store.GetSource)
}

// createSource creates a draft source.
//
//	@Summary		Create a source
//	@Description	Creates a draft, visible only to staff until it is published. Unknown fields are refused.
//	@Tags			sources
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			body	body		domain.SourceFields	true	"the source"
//	@Success		201		{object}	itemEnvelope[domain.Source]
//	@Header			201		{string}	Location	"the record's URL"
//	@Header			201		{string}	ETag		"the record's revision"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/sources [post]
//	@ID				createSource
func (s *Server) createSource(c echo.Context) error {
	return createRecord[domain.SourceFields, domain.Source](s, c, store.Sources, "sources")
}

// updateSource changes a source.
//
//	@Summary		Change a source
//	@Description	A JSON merge patch (RFC 7396) of the source's fields: fields present replace, null clears, absent fields stay. If-Match must be the record's current ETag (428 without it, 412 when stale). A change to a published record is public at once and recorded in its history. A retracted record refuses changes (409, saying when and why it was retracted). Every invalid field is named at once; references, open questions and dates read as on create.
//	@Tags			sources
//	@Accept			json,application/merge-patch+json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string				true	"source id"
//	@Param			If-Match	header		string				true	"the record's ETag"
//	@Param			body		body		domain.SourceFields	true	"the fields to change"
//	@Success		200			{object}	itemEnvelope[domain.Source]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		428			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/sources/{id} [patch]
//	@ID				updateSource
func (s *Server) updateSource(c echo.Context) error {
	return patchRecord(s, c, store.Sources, numericID("source"))
}

// publishSource publishes a draft source.
//
//	@Summary		Publish a source
//	@Description	Makes the draft source public; a source is its own evidence. If-Match, when sent, must be the current ETag.
//	@Tags			sources
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string	true	"source id"
//	@Param			If-Match	header		string	false	"the record's ETag"
//	@Success		200			{object}	itemEnvelope[domain.Source]
//	@Success		202			{object}	awaitingReview[domain.Source]
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/sources/{id}/publish [post]
//	@ID				publishSource
func (s *Server) publishSource(c echo.Context) error {
	return publishRecord(s, c, store.Sources, numericID("source"))
}

// retractSource retracts a published source.
//
//	@Summary		Retract a source
//	@Description	Withdraws a published record with a reason: it stays at its URL, marked retracted with the reason and date, and leaves the lists unless status=retracted is asked for.
//	@Tags			sources
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string			true	"source id"
//	@Param			If-Match	header		string			false	"the record's ETag"
//	@Param			body		body		retractRequest	true	"why"
//	@Success		200			{object}	itemEnvelope[domain.Source]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/sources/{id}/retract [post]
//	@ID				retractSource
func (s *Server) retractSource(c echo.Context) error {
	return retractRecord(s, c, store.Sources, numericID("source"))
}
