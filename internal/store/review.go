package store

import (
	"context"
	"time"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/reviewrequest"
	"github.com/export-registry/registry/internal/domain"
)

// Review is an open request, in two-person review, for another staff member to
// publish a draft (see Publish).
type Review struct {
	// The request's id.
	ID domain.ID `json:"id"`
	// The kind of record to publish.
	RecordType string `json:"record_type" example:"license"`
	// The draft's id.
	RecordID domain.ID `json:"record_id"`
	// Revision is the record's revision when review was asked for.
	Revision int `json:"revision"`
	// The id of the staff member who asked.
	RequestedByID domain.ID `json:"requested_by_id"`
	// RequestedBy is the staff member's display name.
	RequestedBy string `json:"requested_by"`
	// When review was asked for (RFC 3339, UTC).
	RequestedAt time.Time `json:"requested_at"`
}

// OpenReviews lists the open review requests, oldest first. A reviewer's own are
// among them: the caller shows "awaiting my review" as those requested by others.
func (s *Store) OpenReviews(ctx context.Context) ([]Review, error) {
	rows, err := s.client.ReviewRequest.Query().Where(reviewrequest.ResolvedAtIsNil()).
		WithRequestedBy().Order(ent.Asc(reviewrequest.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Review, len(rows))
	for i, r := range rows {
		out[i] = Review{ID: domain.ID(r.ID), RecordType: string(r.RecordType), RecordID: domain.ID(r.RecordID), Revision: r.Revision,
			RequestedByID: domain.ID(r.RequestedByID), RequestedAt: r.RequestedAt.UTC()}
		if u := r.Edges.RequestedBy; u != nil {
			out[i].RequestedBy = u.DisplayName
		}
	}
	return out, nil
}
