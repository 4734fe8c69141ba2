package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// healthResponse is the body of the health checks.
type healthResponse struct {
	// ok when the check passes.
	Status string `json:"status" example:"ok"`
}

// healthz reports that the process serves.
//
//	@Summary		Liveness
//	@Description	Answers 200 while the process serves, without touching the database: for a load balancer or orchestrator deciding whether to restart it.
//	@Tags			operations
//	@Produce		json,application/problem+json
//	@Success		200	{object}	healthResponse
//	@Router			/healthz [get]
//	@ID				getHealth
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, healthResponse{Status: "ok"})
}

// readyz reports whether the database answers.
//
//	@Summary		Readiness
//	@Description	Answers 200 when the database answers too, and 503 when it does not: for a load balancer deciding whether to send traffic.
//	@Tags			operations
//	@Produce		json,application/problem+json
//	@Success		200	{object}	healthResponse
//	@Failure		503	{object}	Problem
//	@Router			/readyz [get]
//	@ID				getReadiness
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "database not ready", "err", err)
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the database does not answer")
	}
	return c.JSON(http.StatusOK, healthResponse{Status: "ok"})
}
