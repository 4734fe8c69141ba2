package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// healthResponse is the body of the health checks.
type healthResponse struct {
	Status string `json:"status" example:"ok"`
}

// healthz reports that the process serves.
//
//	@Summary	Liveness
//	@Tags		operations
//	@Produce	json,application/problem+json
//	@Success	200	{object}	healthResponse
//	@Router		/healthz [get]
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, healthResponse{Status: "ok"})
}

// readyz reports whether the database answers.
//
//	@Summary	Readiness
//	@Tags		operations
//	@Produce	json,application/problem+json
//	@Success	200	{object}	healthResponse
//	@Failure	503	{object}	Problem
//	@Router		/readyz [get]
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "database not ready", "err", err)
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the database does not answer")
	}
	return c.JSON(http.StatusOK, healthResponse{Status: "ok"})
}
