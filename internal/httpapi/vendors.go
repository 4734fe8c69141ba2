package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
)

// vendorsSpec are the filters of the vendor list.
var vendorsSpec = listSpec{filters: []string{fCountry, fStatus, fUpdatedSince, fQ}}

// listVendors lists vendors.
//
//	@Summary		List vendors
//	@Description	Published vendors (and retracted ones when status=retracted is asked for), oldest first. country: headquarters country. q: name or slug.
//	@Tags			vendors
//	@Produce		json,text/csv,application/problem+json
//	@Param			country			query		string	false	"ISO 3166-1 alpha-2 code (either case)"
//	@Param			status			query		string	false	"comma-separated statuses (default: published)"
//	@Param			updated_since	query		string	false	"YYYY-MM-DD or RFC 3339 time"
//	@Param			q				query		string	false	"text to look for (case-insensitive substring)"
//	@Param			limit			query		int		false	"page size, 1-500 (default 50; larger is clamped to 500)"
//	@Param			cursor			query		string	false	"the meta.next_cursor of the previous page"
//	@Param			format			query		string	false	"json (default) or csv"	Enums(json, csv)
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
func (s *Server) listVendors(c echo.Context) error {
	return list[domain.Vendor](s, c, vendorsSpec, s.store.ListVendors)
}

// getVendor returns one vendor.
//
//	@Summary		Get a vendor
//	@Description	A published or retracted vendor with its citations; a retracted record stays at its URL, marked retracted. The ETag is the record's revision.
//	@Tags			vendors
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"vendor id or slug"
//	@Success		200	{object}	itemEnvelope[domain.Vendor]
//	@Header			200	{string}	ETag	"the record's revision"
//	@Success		304	"not modified"
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/vendors/{id} [get]
func (s *Server) getVendor(c echo.Context) error {
	v, err := s.store.GetVendor(c.Request().Context(), c.Param("id"), s.canSeeDrafts(c))
	if err != nil {
		return err
	}
	return respondItem(s, c, v, v.Revision)
}

// getVendorHistory returns the public changes of one vendor.
//
//	@Summary		History of a vendor
//	@Description	Every public change of the vendor, oldest first: action, time, the staff member by display name ("registry" for the registry's own imports), reason, and the record before and after.
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
func (s *Server) getVendorHistory(c echo.Context) error {
	v, err := s.store.GetVendor(c.Request().Context(), c.Param("id"), s.canSeeDrafts(c))
	if err != nil {
		return err
	}
	return respondHistory(s, c, "vendor", int(v.ID), s.canSeeDrafts(c))
}
