package httpapi

import (
	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// createCommunication creates a draft communication.
//
//	@Summary		Create a communication
//	@Description	Creates a draft, visible only to staff until it is published. Unknown fields are refused.
//	@Tags			communications
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			body	body		domain.CommunicationFields	true	"the communication"
//	@Success		201		{object}	itemEnvelope[domain.Communication]
//	@Header			201		{string}	Location	"the record's URL"
//	@Header			201		{string}	ETag		"the record's revision"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Router			/api/v1/communications [post]
func (s *Server) createCommunication(c echo.Context) error {
	return createRecord[domain.CommunicationFields, domain.Communication](s, c, store.Communications, "communications")
}

// updateCommunication changes a communication.
//
//	@Summary		Change a communication
//	@Description	A JSON merge patch (RFC 7396) of the communication's fields: fields present replace, null clears, absent fields stay. If-Match must be the record's current ETag (428 without it, 412 when stale). A change to a published record is public at once and recorded in its history.
//	@Tags			communications
//	@Accept			json,application/merge-patch+json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string						true	"communication id"
//	@Param			If-Match	header		string						true	"the record's ETag"
//	@Param			body		body		domain.CommunicationFields	true	"the fields to change"
//	@Success		200			{object}	itemEnvelope[domain.Communication]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		428			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/communications/{id} [patch]
func (s *Server) updateCommunication(c echo.Context) error {
	return patchRecord(s, c, store.Communications, numericID("communication"))
}

// publishCommunication publishes a draft communication.
//
//	@Summary		Publish a communication
//	@Description	Makes the draft public. The record needs a citation of a published source first (409 otherwise). If-Match, when sent, must be the current ETag.
//	@Tags			communications
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string	true	"communication id"
//	@Param			If-Match	header		string	false	"the record's ETag"
//	@Success		200			{object}	itemEnvelope[domain.Communication]
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/communications/{id}/publish [post]
func (s *Server) publishCommunication(c echo.Context) error {
	return publishRecord(s, c, store.Communications, numericID("communication"))
}

// retractCommunication retracts a published communication.
//
//	@Summary		Retract a communication
//	@Description	Withdraws a published record with a reason: it stays at its URL, marked retracted with the reason and date, and leaves the lists unless status=retracted is asked for.
//	@Tags			communications
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string			true	"communication id"
//	@Param			If-Match	header		string			false	"the record's ETag"
//	@Param			body		body		retractRequest	true	"why"
//	@Success		200			{object}	itemEnvelope[domain.Communication]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/communications/{id}/retract [post]
func (s *Server) retractCommunication(c echo.Context) error {
	return retractRecord(s, c, store.Communications, numericID("communication"))
}

// citeCommunication cites a source for a communication.
//
//	@Summary		Cite a source for a communication
//	@Description	Ties a source to the record, optionally to named fields, with a locator and a confidence. The record's revision moves.
//	@Tags			communications
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string			true	"communication id"
//	@Param			If-Match	header		string			false	"the record's ETag"
//	@Param			body		body		citationRequest	true	"the citation"
//	@Success		200			{object}	itemEnvelope[domain.Communication]
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		415			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/communications/{id}/citations [post]
func (s *Server) citeCommunication(c echo.Context) error {
	return citeRecord(s, c, store.Communications, numericID("communication"))
}

// unciteCommunication removes a citation from a communication.
//
//	@Summary		Remove a citation from a communication
//	@Description	A published record keeps at least one citation of a published source (409 otherwise).
//	@Tags			communications
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Param			id			path		string	true	"communication id"
//	@Param			citation_id	path		string	true	"citation id"
//	@Param			If-Match	header		string	false	"the record's ETag"
//	@Success		200			{object}	itemEnvelope[domain.Communication]
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem
//	@Failure		412			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Router			/api/v1/communications/{id}/citations/{citation_id} [delete]
func (s *Server) unciteCommunication(c echo.Context) error {
	return uncite(s, c, store.Communications, numericID("communication"))
}
