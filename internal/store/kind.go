package store

import (
	"context"
	"time"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/internal/domain"
)

// Kind describes one record collection to the write path (create, update, publish,
// retract, citations, import). F is what staff write, R the record as read.
type Kind[F any, R any] struct {
	// name is the record type of revisions and citations.
	name string
	// cites says whether the record needs a citation to be published (a source is its
	// own evidence).
	cites bool
	// get reads a record whatever its status.
	get func(ctx context.Context, s *Store, id int) (R, error)
	// split returns a record's common part and its written fields.
	split func(R) (domain.Record, F)
	check func(F) error
	// create writes a new record with base's id (0: a new one), status, revision and
	// times, and returns its id.
	create func(ctx context.Context, c *ent.Client, base domain.Record, f F) (int, error)
	// update writes the fields and raises the revision, if the revision is still rev;
	// it returns the number of records changed.
	update func(ctx context.Context, c *ent.Client, id, rev int, f F) (int, error)
	// mark sets the status (and retraction) and raises the revision, if it is still rev.
	mark func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error)
}

// resolveCheck settles the precision of the fields' dates (see domain.ResolveDates),
// then checks them.
func (k Kind[F, R]) resolveCheck(f *F) error {
	if err := domain.ResolveDates(f); err != nil {
		return err
	}
	return k.check(*f)
}

// marking is a change of a record's status.
type marking struct {
	status      string
	retractedAt *time.Time
	reason      *string
	// pending: nothing changes, the publish awaits review (two-person review).
	pending bool
	// requestedBy is who asked for the review this publication answers.
	requestedBy *int
}

// recordMutation is what every record mutation offers for the common fields.
type recordMutation interface {
	SetCreatedAt(time.Time)
	SetUpdatedAt(time.Time)
	SetRevision(int)
	SetRetractedAt(time.Time)
	ClearRetractedAt()
	SetRetractionReason(string)
	ClearRetractionReason()
}

// setBase writes a new record's common fields.
func setBase(m recordMutation, r domain.Record) {
	now := time.Now().UTC()
	created, updated := r.CreatedAt, r.UpdatedAt
	if created.IsZero() {
		created = now
	}
	if updated.IsZero() {
		updated = created
	}
	m.SetCreatedAt(created)
	m.SetUpdatedAt(updated)
	m.SetRevision(max(r.Revision, 1))
	opt(r.RetractedAt, m.SetRetractedAt, m.ClearRetractedAt)
	opt(r.RetractionReason, m.SetRetractionReason, m.ClearRetractionReason)
}

// setMark writes a status change's retraction fields.
func setMark(m recordMutation, mk marking) {
	opt(mk.retractedAt, m.SetRetractedAt, m.ClearRetractedAt)
	opt(mk.reason, m.SetRetractionReason, m.ClearRetractionReason)
}

// withID sets an explicit id when the base has one (an import).
func withID[B interface{ SetID(int) B }](b B, id domain.ID) B {
	if id > 0 {
		return b.SetID(int(id))
	}
	return b
}
