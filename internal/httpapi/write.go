package httpapi

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// The shared shapes of the write handlers; each resource's file holds its annotated
// handlers, which call these. Every write runs behind requireWriter and, in the
// store, behind the ent privacy policy.

// retractRequest is the body of a retraction.
type retractRequest struct {
	// Reason says why the record is withdrawn; it is shown with the record.
	Reason string `json:"reason" example:"the source was misread" maxLength:"2000"`
}

// citationRequest is the body that cites a source for a record.
type citationRequest struct {
	SourceID domain.ID `json:"source_id" example:"1"`
	// Fields are the record's fields the source supports; empty: the whole record.
	Fields []string `json:"fields" maxLength:"64"`
	// Locator is where in the source: a page, paragraph or short quote.
	Locator    *string `json:"locator" extensions:"x-nullable" maxLength:"20000"`
	Confidence string  `json:"confidence" enums:"confirmed,reported,alleged"`
}

// edit says which request a change comes from.
func edit(c echo.Context) store.Edit {
	return store.Edit{RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
}

// respondWritten answers a write with the record as it now is, its revision as ETag.
func respondWritten[R record](s *Server, c echo.Context, status int, rec R) error {
	version, err := s.version(c)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("ETag", revisionTag(rec.Base().Revision))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Dataset-Version", version)
	return c.JSON(status, itemEnvelope[R]{Data: rec, Meta: itemMeta{DatasetVersion: version}})
}

// idFunc reads the record id of a write's path.
type idFunc func(echo.Context) (int, error)

// numericID reads :id as a record id.
func numericID(kind string) idFunc {
	return func(c echo.Context) (int, error) { return pathID(c, kind) }
}

// createRecord creates a draft from the body.
func createRecord[F any, R record](s *Server, c echo.Context, k store.Kind[F, R], plural string) error {
	f, err := decodeValid[F](c)
	if err != nil {
		return err
	}
	rec, err := store.Create(c.Request().Context(), s.store, k, f, edit(c))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/"+plural+"/"+rec.Base().ID.String())
	return respondWritten(s, c, http.StatusCreated, rec)
}

// patchRecord applies a JSON merge patch to a record, if If-Match is its revision.
func patchRecord[F any, R record](s *Server, c echo.Context, k store.Kind[F, R], id idFunc) error {
	n, err := id(c)
	if err != nil {
		return err
	}
	rev, err := ifMatch(c, true)
	if err != nil {
		return err
	}
	body, err := readJSON(c, echo.MIMEApplicationJSON, "application/merge-patch+json")
	if err != nil {
		return err
	}
	rec, err := store.Update(c.Request().Context(), s.store, k, n, *rev, func(cur F) (F, error) { return mergePatch(cur, body) }, edit(c))
	if err != nil {
		return err
	}
	return respondWritten(s, c, http.StatusOK, rec)
}

// publishRecord publishes a draft.
func publishRecord[F any, R record](s *Server, c echo.Context, k store.Kind[F, R], id idFunc) error {
	return markRecord(s, c, id, func(ctx context.Context, n int, rev *int) (R, error) {
		return store.Publish(ctx, s.store, k, n, rev, edit(c))
	})
}

// retractRecord retracts a published record, with the body's reason.
func retractRecord[F any, R record](s *Server, c echo.Context, k store.Kind[F, R], id idFunc) error {
	req, err := decodeValid[retractRequest](c)
	if err != nil {
		return err
	}
	return markRecord(s, c, id, func(ctx context.Context, n int, rev *int) (R, error) {
		return store.Retract(ctx, s.store, k, n, rev, req.Reason, edit(c))
	})
}

// citeRecord adds a citation to a record.
func citeRecord[F any, R record](s *Server, c echo.Context, k store.Kind[F, R], id idFunc) error {
	req, err := decodeValid[citationRequest](c)
	if err != nil {
		return err
	}
	cite := domain.Citation{SourceID: req.SourceID, Fields: req.Fields, Locator: req.Locator, Confidence: req.Confidence}
	return markRecord(s, c, id, func(ctx context.Context, n int, rev *int) (R, error) {
		return store.AddCitation(ctx, s.store, k, n, rev, cite, edit(c))
	})
}

// uncite removes a citation from a record.
func uncite[F any, R record](s *Server, c echo.Context, k store.Kind[F, R], id idFunc) error {
	cid, err := domain.ParseID(c.Param("citation_id"))
	if err != nil {
		return domain.NotFound("citation", c.Param("citation_id"))
	}
	return markRecord(s, c, id, func(ctx context.Context, n int, rev *int) (R, error) {
		return store.DeleteCitation(ctx, s.store, k, n, rev, int(cid), edit(c))
	})
}

// markRecord runs a write on the record of the path, honouring If-Match when given.
func markRecord[R record](s *Server, c echo.Context, id idFunc, do func(context.Context, int, *int) (R, error)) error {
	n, err := id(c)
	if err != nil {
		return err
	}
	rev, err := ifMatch(c, false)
	if err != nil {
		return err
	}
	rec, err := do(c.Request().Context(), n, rev)
	if err != nil {
		return err
	}
	return respondWritten(s, c, http.StatusOK, rec)
}

// vendorID reads a vendor's path id or slug as its id, among the records staff see.
func (s *Server) vendorID(c echo.Context) (int, error) {
	v, err := s.store.GetVendor(c.Request().Context(), c.Param("id"), true)
	if err != nil {
		return 0, err
	}
	return int(v.ID), nil
}
