package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
)

// productsSpec are the filters of the product list.
var productsSpec = listSpec{filters: []string{fCountry, fVendor, fStatus, fUpdatedSince, fQ}}

// listProducts lists products.
//
//	@Summary		List products
//	@Description	Published products (and retracted ones when status=retracted is asked for), oldest first. country: the vendor's headquarters country. vendor: id or slug. q: name.
//	@Tags			products
//	@Produce		json,text/csv,application/problem+json
//	@Param			country			query		string	false	"ISO 3166-1 alpha-2 code (either case)"
//	@Param			vendor			query		string	false	"vendor id or slug"
//	@Param			status			query		string	false	"comma-separated statuses (default: published)"
//	@Param			updated_since	query		string	false	"YYYY-MM-DD or RFC 3339 time"
//	@Param			q				query		string	false	"text to look for (case-insensitive substring)"
//	@Param			limit			query		int		false	"page size, 1-500 (default 50; larger is clamped to 500)"
//	@Param			cursor			query		string	false	"the meta.next_cursor of the previous page"
//	@Param			format			query		string	false	"json (default) or csv"	Enums(json, csv)
//	@Success		200				{object}	listEnvelope[domain.Product]
//	@Header			200				{string}	ETag				"validator of the representation"
//	@Header			200				{string}	Link				"the next page, rel=next"
//	@Header			200				{string}	X-Dataset-Version	"the dataset version"
//	@Success		304				"not modified"
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		429				{object}	Problem
//	@Failure		500				{object}	Problem
//	@Failure		503				{object}	Problem
//	@Router			/api/v1/products [get]
func (s *Server) listProducts(c echo.Context) error {
	return list[domain.Product](s, c, productsSpec, s.store.ListProducts)
}

// getProduct returns one product.
//
//	@Summary		Get a product
//	@Description	A published or retracted product with its citations; a retracted record stays at its URL, marked retracted. The ETag is the record's revision.
//	@Tags			products
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"product id"
//	@Success		200	{object}	itemEnvelope[domain.Product]
//	@Header			200	{string}	ETag	"the record's revision"
//	@Success		304	"not modified"
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/products/{id} [get]
func (s *Server) getProduct(c echo.Context) error {
	return item(s, c, "product", s.store.GetProduct)
}

// getProductHistory returns the public changes of one product.
//
//	@Summary		History of a product
//	@Description	Every public change of the product, oldest first: action, time, the staff member by display name ("registry" for the registry's own imports), reason, and the record before and after.
//	@Tags			products
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"product id"
//	@Success		200	{object}	listEnvelope[domain.Change]
//	@Success		304	"not modified"
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/api/v1/products/{id}/history [get]
func (s *Server) getProductHistory(c echo.Context) error {
	return history(s, c, "product", s.store.GetProduct)
}
