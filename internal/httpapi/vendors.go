package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// vendorsSpec are the filters of the vendor list.
var vendorsSpec = listSpec{filters: []string{fCountry, fStatus, fUpdatedSince, fQ}, kind: "vendor"}

// listVendors lists vendors.
//
//	@Summary		List vendors
//	@Description	Published vendors (and retracted ones when status=retracted is asked for), oldest first. country: headquarters country. q: name or slug. In CSV (Accept: text/csv or format=csv) null, which is unknown, is the empty cell and an empty list, which is known to be none, is [].
//	@Tags			vendors
//	@Produce		json,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/problem+json
//	@Param			country			query		string	false	"ISO 3166-1 alpha-2 code (either case)"
//	@Param			status			query		string	false	"comma-separated statuses (default: published)"
//	@Param			updated_since	query		string	false	"YYYY-MM-DD or RFC 3339 time"
//	@Param			q				query		string	false	"text to look for (case-insensitive substring)"
//	@Param			limit			query		int		false	"page size, 1-500 (default 50; larger is clamped to 500)"
//	@Param			cursor			query		string	false	"the meta.next_cursor of the previous page"
//	@Param			format			query		string	false	"json (default), csv or xlsx (a workbook: the records' sheet with the CSV's columns, typed cells, a sheet of the sources they cite and one saying the dataset version and how to cite it)"	Enums(json, csv, xlsx)
//	@Param			as_of			query		string	false	"a time to read the list at: a date (YYYY-MM-DD, the end of that day in UTC) or an RFC 3339 time, not in the future. The list is rebuilt from the public history, with meta.as_of; its cursor is bound to that time. It applies status, updated_since and the filters a record alone answers (country, exporter_country, vendor, agency, as each list takes them; not country on products and terminations); any other filter is a 400 naming it"
//	@Success		200				{object}	listEnvelope[domain.Vendor]
//	@Header			200				{string}	ETag				"validator of the representation"
//	@Header			200				{string}	Link				"the next page, rel=next"
//	@Header			200				{string}	X-Dataset-Version	"the dataset version"
//	@Success		304				"not modified"
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		429				{object}	Problem
//	@Failure		500				{object}	Problem
//	@Failure		503				{object}	Problem
//	@Router			/api/v1/vendors [get]
//	@ID				listVendors
func (s *Server) listVendors(c echo.Context) error {
	return list[domain.Vendor](s, c, vendorsSpec, s.store.ListVendors)
}

// getVendor returns one vendor.
//
//	@Summary		Get a vendor
//	@Description	A published or retracted vendor with its citations; a retracted record stays at its URL, marked retracted. The ETag is the record's revision.
//	@Tags			vendors
//	@Produce		json,application/problem+json
//	@Param			id		path		string	true	"vendor id or slug"
//	@Param			as_of	query		string	false	"a time to read the record at: a date (YYYY-MM-DD, the end of that day in UTC) or an RFC 3339 time, not in the future. The answer is the record as it was public then, rebuilt from its public history (404 when it was not public then; a retracted record stays, marked retracted), with meta.as_of"
//	@Success		200		{object}	itemEnvelope[domain.Vendor]
//	@Header			200		{string}	ETag	"the record's revision"
//	@Success		304		"not modified"
//	@Failure		400		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Failure		503		{object}	Problem
//	@Router			/api/v1/vendors/{id} [get]
//	@ID				getVendor
func (s *Server) getVendor(c echo.Context) error {
	at, err := asOf(c)
	if err != nil {
		return err
	}
	var v domain.Vendor
	if at != nil {
		v, err = s.store.VendorAt(c.Request().Context(), c.Param("id"), *at)
	} else {
		v, err = s.store.GetVendor(c.Request().Context(), c.Param("id"), s.canSeeDrafts(c))
	}
	if err != nil {
		return err
	}
	return respondItem(s, c, v, v.Revision)
}

// getVendorHistory returns the public changes of one vendor.
//
//	@Summary		History of a vendor
//	@Description	Every public change of the vendor, oldest first: action, time, the staff member by display name ("registry" for the registry's own imports), reason, and the record before and after. Before and after show only what is public now: a citation of a source that is not public is left out, as in the record, and each cited source is summarised as it is now, not as it was when cited.
//	@Tags			vendors
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"vendor id or slug"
//	@Success		200	{object}	listEnvelope[domain.Change]
//	@Success		304	"not modified"
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/vendors/{id}/history [get]
//	@ID				getVendorHistory
func (s *Server) getVendorHistory(c echo.Context) error {
	v, err := s.store.GetVendor(c.Request().Context(), c.Param("id"), s.canSeeDrafts(c))
	if err != nil {
		return err
	}
	return respondHistory(s, c, "vendor", int(v.ID), s.canSeeDrafts(c))
}

// createVendor creates a draft vendor.
//
//	@Summary		Create a vendor
//	@Description	Creates a draft, visible only to staff until it is published, with the citations the body carries (in one transaction). Every invalid field is named at once in the problem's errors (citations[i].field for a citation); unknown fields are refused. A reference takes an id (a string or a number) or, for a vendor, its slug; a field whose values include unknown may be left out or null (unknown); a date may be sent as 2014, 2014-03 or 2014-03-05 without its *_precision, which its form then gives.
//	@Tags			vendors
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			body	body		createVendorRequest	true	"the vendor, with its citations if any"
//	@Success		201		{object}	itemEnvelope[domain.Vendor]
//	@Header			201		{string}	Location	"the record's URL"
//	@Header			201		{string}	ETag		"the record's revision"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/vendors [post]
//	@ID				createVendor
func (s *Server) createVendor(c echo.Context) error {
	return createRecord[domain.VendorFields, domain.Vendor](s, c, store.Vendors, "vendors")
}

// updateVendor changes a vendor.
//
//	@Summary		Change a vendor
//	@Description	A JSON merge patch (RFC 7396) of the vendor's fields: fields present replace, null clears, absent fields stay. If-Match must be the record's current ETag (428 without it, 412 when stale). A change to a published record is public at once and recorded in its history. A retracted record refuses changes (409, saying when and why it was retracted). Every invalid field is named at once; references, open questions and dates read as on create.
//	@Tags			vendors
//	@Accept			json,application/merge-patch+json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string				true	"vendor id or slug"
//	@Param			If-Match	header		string				true	"the record's ETag"
//	@Param			body		body		domain.VendorFields	true	"the fields to change"
//	@Success		200			{object}	itemEnvelope[domain.Vendor]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		428			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/vendors/{id} [patch]
//	@ID				updateVendor
func (s *Server) updateVendor(c echo.Context) error {
	return patchRecord(s, c, store.Vendors, s.vendorID)
}

// publishVendor publishes a draft vendor.
//
//	@Summary		Publish a vendor
//	@Description	Makes the draft public. The record needs a citation of a published source first (409 otherwise). If-Match, when sent, must be the current ETag. In two-person review (REGISTRY_REVIEW=two-person) a publish by the staff member who made the draft's last change publishes nothing: it records a review request and answers 202 "awaiting review" with the draft unchanged; a publish by anyone else publishes and closes the request, and the publish in the history names who asked (requested_by) and who approved (actor).
//	@Tags			vendors
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string	true	"vendor id or slug"
//	@Param			If-Match	header		string	false	"the record's ETag"
//	@Success		200			{object}	itemEnvelope[domain.Vendor]
//	@Success		202			{object}	awaitingReview[domain.Vendor]
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/vendors/{id}/publish [post]
//	@ID				publishVendor
func (s *Server) publishVendor(c echo.Context) error {
	return publishRecord(s, c, store.Vendors, s.vendorID)
}

// retractVendor retracts a published vendor.
//
//	@Summary		Retract a vendor
//	@Description	Withdraws a published record with a reason: it stays at its URL, marked retracted with the reason and date, and leaves the lists unless status=retracted is asked for.
//	@Tags			vendors
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string			true	"vendor id or slug"
//	@Param			If-Match	header		string			false	"the record's ETag"
//	@Param			body		body		retractRequest	true	"why"
//	@Success		200			{object}	itemEnvelope[domain.Vendor]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/vendors/{id}/retract [post]
//	@ID				retractVendor
func (s *Server) retractVendor(c echo.Context) error {
	return retractRecord(s, c, store.Vendors, s.vendorID)
}

// citeVendor cites a source for a vendor.
//
//	@Summary		Cite a source for a vendor
//	@Description	Ties a source to the record, optionally to named fields, with a locator and a confidence. The record's revision moves.
//	@Tags			vendors
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string			true	"vendor id or slug"
//	@Param			If-Match	header		string			false	"the record's ETag"
//	@Param			body		body		citationRequest	true	"the citation"
//	@Success		200			{object}	itemEnvelope[domain.Vendor]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/vendors/{id}/citations [post]
//	@ID				citeVendor
func (s *Server) citeVendor(c echo.Context) error {
	return citeRecord(s, c, store.Vendors, s.vendorID)
}

// unciteVendor removes a citation from a vendor.
//
//	@Summary		Remove a citation from a vendor
//	@Description	A published record keeps at least one citation of a published source (409 otherwise).
//	@Tags			vendors
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string	true	"vendor id or slug"
//	@Param			citation_id	path		string	true	"citation id"
//	@Param			If-Match	header		string	false	"the record's ETag"
//	@Success		200			{object}	itemEnvelope[domain.Vendor]
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/vendors/{id}/citations/{citation_id} [delete]
//	@ID				unciteVendor
func (s *Server) unciteVendor(c echo.Context) error {
	return uncite(s, c, store.Vendors, s.vendorID)
}
