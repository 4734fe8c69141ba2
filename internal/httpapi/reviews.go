package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/store"
)

// reviewsResponse lists the open review requests.
type reviewsResponse struct {
	// The open requests, oldest first.
	Data []store.Review `json:"data"`
}

// listReviews lists the open review requests.
//
//	@Summary		Open review requests
//	@Description	In two-person review (REGISTRY_REVIEW=two-person), the drafts whose last editor asked for another staff member to publish them, oldest first. A request closes when the record is published. "Awaiting my review" is those requested by someone else.
//	@Tags			auth
//	@Produce		json,application/problem+json
//	@Security		Bearer
//	@Success		200	{object}	reviewsResponse
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Router			/api/v1/reviews [get]
//	@ID				listReviews
func (s *Server) listReviews(c echo.Context) error {
	reviews, err := s.store.OpenReviews(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.JSON(http.StatusOK, reviewsResponse{Data: reviews})
}
