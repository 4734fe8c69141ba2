package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	// SourceID is the cited source's id, as a string or a number.
	SourceID domain.ID `json:"source_id" example:"1" ref:"source"`
	// Fields are the record's fields the source supports (each must be a field of the
	// record); empty: the whole record.
	Fields []string `json:"fields" maxLength:"64"`
	// Locator is where in the source: a page, paragraph or short quote.
	Locator    *string `json:"locator" extensions:"x-nullable" maxLength:"20000"`
	Confidence string  `json:"confidence" enums:"confirmed,reported,alleged"`
}

// citation is the domain form of a citation request.
func (r citationRequest) citation() domain.Citation {
	return domain.Citation{SourceID: r.SourceID, Fields: r.Fields, Locator: r.Locator, Confidence: r.Confidence}
}

// readCitation reads one citation of a record whose fields are F from o, adding its
// problems to p under prefix.
func readCitation[F any](s *Server, c echo.Context, o object, prefix string, p domain.Problems) (domain.Citation, error) {
	own := domain.Problems{}
	if err := resolveRefs[citationRequest](c.Request().Context(), o, s.store.RefID, own); err != nil {
		return domain.Citation{}, err
	}
	cite := decodeObject[citationRequest](o, true, own).citation()
	for name, problem := range store.CitationProblems[F](cite) {
		own.Add(name, problem)
	}
	for name, problem := range own {
		p.Add(prefix+name, problem)
	}
	return cite, nil
}

// readCitations reads the citations a new record's body carries (its "citations"
// member, a list of citation requests), adding their problems to p as
// citations[i].field.
func readCitations[F any](s *Server, c echo.Context, raw json.RawMessage, p domain.Problems) ([]domain.Citation, error) {
	var items []json.RawMessage
	if isNull(raw) {
		return nil, nil
	}
	if err := json.Unmarshal(raw, &items); err != nil {
		p.Add("citations", "wrong type: want a list of citations")
		return nil, nil
	}
	cites := make([]domain.Citation, 0, len(items))
	for i, item := range items {
		prefix := fmt.Sprintf("citations[%d].", i)
		var o object
		if err := json.Unmarshal(item, &o); err != nil || o == nil {
			p.Add(prefix[:len(prefix)-1], "wrong type: want a citation object")
			continue
		}
		cite, err := readCitation[F](s, c, o, prefix, p)
		if err != nil {
			return nil, err
		}
		cites = append(cites, cite)
	}
	return cites, nil
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

// createRecord creates a draft from the body, with the citations it carries; every
// field's problem is answered at once.
func createRecord[F any, R record](s *Server, c echo.Context, k store.Kind[F, R], plural string) error {
	b, err := readJSON(c)
	if err != nil {
		return err
	}
	o, err := readObject(b)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := domain.Problems{}
	var cites []domain.Citation
	if raw, ok := o["citations"]; ok {
		delete(o, "citations")
		if cites, err = readCitations[F](s, c, raw, p); err != nil {
			return err
		}
	}
	if err := resolveRefs[F](ctx, o, s.store.RefID, p); err != nil {
		return err
	}
	f := decodeObject[F](o, true, p, "slug") // a vendor without a slug gets one from its name
	checkAll(&f, p)
	if err := p.Err("the record has invalid fields"); err != nil {
		return err
	}
	rec, err := store.CreateCited(ctx, s.store, k, f, cites, edit(c))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/"+plural+"/"+rec.Base().ID.String())
	return respondWritten(s, c, http.StatusCreated, rec)
}

// patchRecord applies a JSON merge patch to a record, if If-Match is its revision;
// every field's problem is answered at once.
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
	patch, err := readObject(body)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := domain.Problems{}
	if err := resolveRefs[F](ctx, patch, s.store.RefID, p); err != nil {
		return err
	}
	rec, err := store.Update(ctx, s.store, k, n, *rev, func(cur F) (F, error) { return applyPatch(cur, patch, p) }, edit(c))
	if err != nil {
		return err
	}
	return respondWritten(s, c, http.StatusOK, rec)
}

// applyPatch applies a merge patch (RFC 7396: present fields replace, null clears)
// to a record's current fields, collecting every field's problem with those in p.
func applyPatch[F any](cur F, patch object, p domain.Problems) (F, error) {
	b, err := json.Marshal(cur)
	if err != nil {
		return cur, err
	}
	var m object
	if err := json.Unmarshal(b, &m); err != nil {
		return cur, err
	}
	for k, v := range patch {
		if _, ok := m[k]; !ok {
			p.Add(k, "not a field of this record that staff can write")
			continue
		}
		m[k] = v
		if _, ok := patch[k+"_precision"]; !ok {
			delete(m, k+"_precision") // a date sent alone takes the precision its form says
		}
	}
	f := decodeObject[F](m, false, p)
	checkAll(&f, p)
	return f, p.Err("the record has invalid fields")
}

// publishRecord publishes a draft; in two-person review, a publish by the draft's
// last editor is a review request, answered 202 with the unchanged record.
func publishRecord[F any, R record](s *Server, c echo.Context, k store.Kind[F, R], id idFunc) error {
	n, err := id(c)
	if err != nil {
		return err
	}
	rev, err := ifMatch(c, false)
	if err != nil {
		return err
	}
	e := edit(c)
	e.Review = s.review
	rec, err := store.Publish(c.Request().Context(), s.store, k, n, rev, e)
	if errors.Is(err, store.ErrAwaitingReview) {
		c.Response().Header().Set("Cache-Control", "private, no-store")
		c.Response().Header().Set("ETag", revisionTag(rec.Base().Revision))
		return c.JSON(http.StatusAccepted, awaitingReview[R]{Status: "awaiting_review", Detail: domain.ErrorMessage(err), Data: rec})
	}
	if err != nil {
		return err
	}
	return respondWritten(s, c, http.StatusOK, rec)
}

// awaitingReview answers a publish that became a review request (two-person review).
type awaitingReview[R any] struct {
	// Status is always awaiting_review.
	Status string `json:"status" example:"awaiting_review"`
	// Detail says why nothing was published and what happens next.
	Detail string `json:"detail" example:"awaiting review: you made this draft's last change, so another staff member must publish it; your request is recorded"`
	// Data is the record, unchanged: still a draft.
	Data R `json:"data"`
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
	b, err := readJSON(c)
	if err != nil {
		return err
	}
	o, err := readObject(b)
	if err != nil {
		return err
	}
	p := domain.Problems{}
	cite, err := readCitation[F](s, c, o, "", p)
	if err != nil {
		return err
	}
	if err := p.Err("invalid citation"); err != nil {
		return err
	}
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

// The bodies that create a record: its fields and, optionally, its citations.
type (
	// createVendorRequest creates a vendor; a slug left out is made from the name
	// (suffixed -2, -3… when taken).
	createVendorRequest struct {
		domain.VendorFields
		// Sources to cite on the new record, each as POST …/citations takes it; null or [] for
		// none yet.
		Citations []citationRequest `json:"citations" extensions:"x-nullable"`
	}
	// createProductRequest creates a product.
	createProductRequest struct {
		domain.ProductFields
		// Sources to cite on the new record, each as POST …/citations takes it; null or [] for
		// none yet.
		Citations []citationRequest `json:"citations" extensions:"x-nullable"`
	}
	// createAgencyRequest creates an agency.
	createAgencyRequest struct {
		domain.AgencyFields
		// Sources to cite on the new record, each as POST …/citations takes it; null or [] for
		// none yet.
		Citations []citationRequest `json:"citations" extensions:"x-nullable"`
	}
	// createLicenseRequest creates a licence.
	createLicenseRequest struct {
		domain.LicenseFields
		// Sources to cite on the new record, each as POST …/citations takes it; null or [] for
		// none yet.
		Citations []citationRequest `json:"citations" extensions:"x-nullable"`
	}
	// createTerminationRequest creates a termination.
	createTerminationRequest struct {
		domain.TerminationFields
		// Sources to cite on the new record, each as POST …/citations takes it; null or [] for
		// none yet.
		Citations []citationRequest `json:"citations" extensions:"x-nullable"`
	}
	// createAllegationRequest creates an allegation.
	createAllegationRequest struct {
		domain.AllegationFields
		// Sources to cite on the new record, each as POST …/citations takes it; null or [] for
		// none yet.
		Citations []citationRequest `json:"citations" extensions:"x-nullable"`
	}
	// createCommunicationRequest creates a communication.
	createCommunicationRequest struct {
		domain.CommunicationFields
		// Sources to cite on the new record, each as POST …/citations takes it; null or [] for
		// none yet.
		Citations []citationRequest `json:"citations" extensions:"x-nullable"`
	}
)
