package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// createProduct creates a draft product.
//
//	@Summary		Create a product
//	@Description	Creates a draft, visible only to staff until it is published. Unknown fields are refused.
//	@Tags			products
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			body	body		domain.ProductFields	true	"the product"
//	@Success		201		{object}	itemEnvelope[domain.Product]
//	@Header			201		{string}	Location	"the record's URL"
//	@Header			201		{string}	ETag		"the record's revision"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/products [post]
func (s *Server) createProduct(c echo.Context) error {
	return createRecord[domain.ProductFields, domain.Product](s, c, store.Products, "products")
}

// updateProduct changes a product.
//
//	@Summary		Change a product
//	@Description	A JSON merge patch (RFC 7396) of the product's fields: fields present replace, null clears, absent fields stay. If-Match must be the record's current ETag (428 without it, 412 when stale). A change to a published record is public at once and recorded in its history.
//	@Tags			products
//	@Accept			json,application/merge-patch+json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string					true	"product id"
//	@Param			If-Match	header		string					true	"the record's ETag"
//	@Param			body		body		domain.ProductFields	true	"the fields to change"
//	@Success		200			{object}	itemEnvelope[domain.Product]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		428			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/products/{id} [patch]
func (s *Server) updateProduct(c echo.Context) error {
	return patchRecord(s, c, store.Products, numericID("product"))
}

// publishProduct publishes a draft product.
//
//	@Summary		Publish a product
//	@Description	Makes the draft public. The record needs a citation of a published source first (409 otherwise). If-Match, when sent, must be the current ETag.
//	@Tags			products
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string	true	"product id"
//	@Param			If-Match	header		string	false	"the record's ETag"
//	@Success		200			{object}	itemEnvelope[domain.Product]
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/products/{id}/publish [post]
func (s *Server) publishProduct(c echo.Context) error {
	return publishRecord(s, c, store.Products, numericID("product"))
}

// retractProduct retracts a published product.
//
//	@Summary		Retract a product
//	@Description	Withdraws a published record with a reason: it stays at its URL, marked retracted with the reason and date, and leaves the lists unless status=retracted is asked for.
//	@Tags			products
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string			true	"product id"
//	@Param			If-Match	header		string			false	"the record's ETag"
//	@Param			body		body		retractRequest	true	"why"
//	@Success		200			{object}	itemEnvelope[domain.Product]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/products/{id}/retract [post]
func (s *Server) retractProduct(c echo.Context) error {
	return retractRecord(s, c, store.Products, numericID("product"))
}

// citeProduct cites a source for a product.
//
//	@Summary		Cite a source for a product
//	@Description	Ties a source to the record, optionally to named fields, with a locator and a confidence. The record's revision moves.
//	@Tags			products
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string			true	"product id"
//	@Param			If-Match	header		string			false	"the record's ETag"
//	@Param			body		body		citationRequest	true	"the citation"
//	@Success		200			{object}	itemEnvelope[domain.Product]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/products/{id}/citations [post]
func (s *Server) citeProduct(c echo.Context) error {
	return citeRecord(s, c, store.Products, numericID("product"))
}

// unciteProduct removes a citation from a product.
//
//	@Summary		Remove a citation from a product
//	@Description	A published record keeps at least one citation of a published source (409 otherwise).
//	@Tags			products
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string	true	"product id"
//	@Param			citation_id	path		string	true	"citation id"
//	@Param			If-Match	header		string	false	"the record's ETag"
//	@Success		200			{object}	itemEnvelope[domain.Product]
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/products/{id}/citations/{citation_id} [delete]
func (s *Server) unciteProduct(c echo.Context) error {
	return uncite(s, c, store.Products, numericID("product"))
}
