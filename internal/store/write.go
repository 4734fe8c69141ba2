package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/citation"
	"github.com/export-registry/registry/ent/reviewrequest"
	"github.com/export-registry/registry/ent/revision"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/internal/domain"
)

// Edit says where a change comes from: the request that made it, and why.
type Edit struct {
	RequestID string
	Reason    *string
	// Review is the publishing rule (domain.ReviewSingle, the default, or
	// domain.ReviewTwoPerson); Publish reads it.
	Review string
	// requestedBy is who asked for a reviewed publication (set by Publish).
	requestedBy *int
}

// inTxStore runs a change to records in a write transaction, with a store whose
// reads see the transaction.
func (s *Store) inTxStore(ctx context.Context, f func(tx *ent.Tx, ts *Store) error) error {
	return s.inWriteTx(ctx, func(tx *ent.Tx) error {
		return f(tx, s.within(tx.Client()))
	})
}

// Snapshot runs f on a store that reads one consistent state of the database: a
// repeatable-read transaction on PostgreSQL, a transaction on SQLite (which holds
// the write lock meanwhile: exports are short and rare).
func (s *Store) Snapshot(ctx context.Context, f func(ts *Store) error) error {
	opts := &sql.TxOptions{}
	if s.dialect == dialect.Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := s.client.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return f(s.within(tx.Client()))
}

// inWriteTx runs a transaction that writes revisions. The change feed hands out
// revisions by id, so ids must become visible in the order they were given: on
// PostgreSQL, where transactions commit in any order, such transactions take turns
// under one advisory lock, held until commit. SQLite has a single writer already.
// Staff writes are few; their serialization costs nothing the public notices.
func (s *Store) inWriteTx(ctx context.Context, f func(tx *ent.Tx) error) error {
	return s.inTx(ctx, func(tx *ent.Tx) error {
		if s.dialect == dialect.Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7262618)"); err != nil {
				return err
			}
		}
		return f(tx)
	})
}

// Create writes a new draft, and its "create" revision, in one transaction.
func Create[F, R any](ctx context.Context, s *Store, k Kind[F, R], f F, e Edit) (R, error) {
	return CreateCited(ctx, s, k, f, nil, e)
}

// CreateCited writes a new draft with its citations, and its "create" revision, in
// one transaction: a record and the evidence for it arrive together or not at all.
// A citation's problems are named citations[i].field.
func CreateCited[F, R any](ctx context.Context, s *Store, k Kind[F, R], f F, cites []domain.Citation, e Edit) (R, error) {
	var out R
	if err := k.resolveCheck(&f); err != nil {
		return out, err
	}
	if len(cites) > 0 && !k.cites {
		return out, domain.Invalid("citations", "a source is its own evidence and takes no citations")
	}
	p := domain.Problems{}
	for i, c := range cites {
		for field, problem := range CitationProblems[F](c) {
			p.Add(fmt.Sprintf("citations[%d].%s", i, field), problem)
		}
	}
	if err := p.Err("invalid citation"); err != nil {
		return out, err
	}
	err := s.inTxStore(ctx, func(tx *ent.Tx, ts *Store) error {
		if err := checkRefs(ctx, tx.Client(), f); err != nil {
			return err
		}
		id, err := k.create(ctx, tx.Client(), domain.Record{Status: domain.StatusDraft, Revision: 1}, f)
		if err != nil {
			return translate(err)
		}
		for i, c := range cites {
			if err := addCitation(ctx, tx.Client(), k.name, id, c); err != nil {
				if fields := domain.ErrorFields(err); fields != nil {
					for field, problem := range fields {
						p.Add(fmt.Sprintf("citations[%d].%s", i, field), problem)
					}
					continue
				}
				return translate(err)
			}
		}
		if err := p.Err("invalid citation"); err != nil {
			return err
		}
		if out, err = k.get(ctx, ts, id); err != nil {
			return err
		}
		return revise(ctx, tx.Client(), k.name, id, 1, revision.ActionCreate, false, nil, out, e)
	})
	return out, err
}

// Update changes a record's fields if its revision is still ifMatch: apply receives
// the current fields and returns the new ones. A change to a public record is public.
func Update[F, R any](ctx context.Context, s *Store, k Kind[F, R], id, ifMatch int, apply func(F) (F, error), e Edit) (R, error) {
	var out R
	err := s.inTxStore(ctx, func(tx *ent.Tx, ts *Store) error {
		before, err := k.get(ctx, ts, id)
		if err != nil {
			return err
		}
		rec, fields := k.split(before)
		if rec.Status == domain.StatusRetracted {
			return domain.Errorf(domain.ECONFLICT, "this record is retracted (%s): a retraction is final and its record stays as it was withdrawn; create a new record instead", retractionSummary(rec))
		}
		if rec.Revision != ifMatch {
			return stale(rec.Revision)
		}
		if fields, err = apply(fields); err != nil {
			return err
		}
		if err := k.resolveCheck(&fields); err != nil {
			return err
		}
		if err := checkRefs(ctx, tx.Client(), fields); err != nil {
			return err
		}
		n, err := k.update(ctx, tx.Client(), id, ifMatch, fields)
		if err != nil {
			return translate(err)
		}
		if n == 0 {
			return stale(rec.Revision)
		}
		if out, err = k.get(ctx, ts, id); err != nil {
			return err
		}
		return revise(ctx, tx.Client(), k.name, id, ifMatch+1, revision.ActionUpdate, rec.Status != domain.StatusDraft, before, out, e)
	})
	return out, err
}

// stale is the error of a change against a revision that is no longer current.
func stale(current int) error {
	return domain.Errorf(domain.EPRECONDITION, "the record has changed (its revision is now %d); fetch it again and reapply your change", current)
}

// Publish makes a draft public. A record needs a citation of a published source
// first; a source is its own evidence.
//
// In two-person review (e.Review is domain.ReviewTwoPerson) the staff member who
// made the draft's last change may not publish it: their publish records a review
// request instead, changes nothing else and returns the record as it is with
// ErrAwaitingReview's error (domain code EAWAITINGREVIEW, which is not a failure:
// the API answers 202). Any other staff member's publish publishes, closes the
// request and records who asked (in the publish revision's requested_by) and who
// approved (its actor). A draft whose last change the registry itself made (an
// import) has no last editor: anyone may publish it.
func Publish[F, R any](ctx context.Context, s *Store, k Kind[F, R], id int, ifMatch *int, e Edit) (R, error) {
	return mark(ctx, s, k, id, ifMatch, e, revision.ActionPublish, func(ctx context.Context, c *ent.Client, rec domain.Record) (marking, error) {
		if rec.Status != domain.StatusDraft {
			return marking{}, domain.Errorf(domain.ECONFLICT, "only a draft can be published; this record is %s", rec.Status)
		}
		if k.cites {
			n, err := publishedCitations(ctx, c, k.name, int(rec.ID))
			if err != nil {
				return marking{}, err
			}
			if n == 0 {
				return marking{}, &domain.Error{Code: domain.ECONFLICT, Message: "a record needs a citation of a published source before it is published",
					Fields: map[string]string{"citations": "none of a published source"}}
			}
		}
		return review(ctx, c, k.name, rec, e.Review == domain.ReviewTwoPerson, marking{status: domain.StatusPublished})
	})
}

// review applies the publishing rule to a publish of rec by the context's viewer: in
// two-person review the draft's last editor asks instead of publishing. A publish
// (in either mode: the rule may have changed since) answers the open request.
func review(ctx context.Context, c *ent.Client, recordType string, rec domain.Record, twoPerson bool, m marking) (marking, error) {
	v, _ := domain.ViewerFrom(ctx)
	open := c.ReviewRequest.Query().Where(reviewrequest.RecordTypeEQ(reviewrequest.RecordType(recordType)),
		reviewrequest.RecordID(int(rec.ID)), reviewrequest.ResolvedAtIsNil())
	last, err := c.Revision.Query().
		Where(revision.RecordTypeEQ(revision.RecordType(recordType)), revision.RecordID(int(rec.ID))).
		Order(ent.Desc(revision.FieldRevision)).First(ctx)
	if err != nil {
		return m, err
	}
	if twoPerson && !v.System && last.ActorID != nil && *last.ActorID == v.UserID {
		// The last editor asks; one open request per revision is enough.
		ok, err := open.Clone().Where(reviewrequest.Revision(rec.Revision), reviewrequest.RequestedByID(v.UserID)).Exist(ctx)
		if err != nil {
			return m, err
		}
		if !ok {
			if err := c.ReviewRequest.Create().SetRecordType(reviewrequest.RecordType(recordType)).SetRecordID(int(rec.ID)).
				SetRevision(rec.Revision).SetRequestedByID(v.UserID).SetRequestedAt(time.Now().UTC()).Exec(ctx); err != nil {
				return m, err
			}
		}
		return marking{pending: true}, nil
	}
	// Another staff member approves: the latest open request is the one answered.
	req, err := open.Clone().Order(ent.Desc(reviewrequest.FieldID)).First(ctx)
	switch {
	case ent.IsNotFound(err):
		return m, nil
	case err != nil:
		return m, err
	}
	m.requestedBy = &req.RequestedByID
	_, err = c.ReviewRequest.Update().Where(reviewrequest.RecordTypeEQ(reviewrequest.RecordType(recordType)),
		reviewrequest.RecordID(int(rec.ID)), reviewrequest.ResolvedAtIsNil()).
		SetResolvedAt(time.Now().UTC()).SetNillableResolvedByID(viewerID(v)).Save(ctx)
	return m, err
}

// viewerID is a staff viewer's user id, nil for the registry itself.
func viewerID(v domain.Viewer) *int {
	if v.System || v.UserID <= 0 {
		return nil
	}
	return &v.UserID
}

// ErrAwaitingReview is what Publish returns, beside the unchanged record, when in
// two-person review it recorded a review request instead of publishing.
var ErrAwaitingReview = domain.Errorf(domain.EAWAITINGREVIEW, "awaiting review: you made this draft's last change, so another staff member must publish it; your request is recorded")

// retractionReason is the rule of a retraction's reason, shown with the record:
// prose of at most 2,000 bytes (the maxLength of the retract request).
var retractionReason = domain.TextRule{Max: 2000, Prose: true}

// Retract withdraws a published record: it stays at its URL, marked retracted with the
// reason and date, and leaves the lists.
func Retract[F, R any](ctx context.Context, s *Store, k Kind[F, R], id int, ifMatch *int, reason string, e Edit) (R, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return *new(R), domain.Invalid("reason", "required: say why the record is retracted")
	}
	if problem := retractionReason.Problem(reason); problem != "" {
		return *new(R), domain.Invalid("reason", problem)
	}
	e.Reason = &reason
	return mark(ctx, s, k, id, ifMatch, e, revision.ActionRetract, func(_ context.Context, _ *ent.Client, rec domain.Record) (marking, error) {
		if rec.Status != domain.StatusPublished {
			return marking{}, domain.Errorf(domain.ECONFLICT, "only a published record can be retracted; this record is %s", rec.Status)
		}
		now := time.Now().UTC()
		return marking{status: domain.StatusRetracted, retractedAt: &now, reason: &reason}, nil
	})
}

// mark changes a record's status as decide says, with its revision.
func mark[F, R any](ctx context.Context, s *Store, k Kind[F, R], id int, ifMatch *int, e Edit, action revision.Action,
	decide func(context.Context, *ent.Client, domain.Record) (marking, error)) (R, error) {
	var out R
	pending := false
	err := s.inTxStore(ctx, func(tx *ent.Tx, ts *Store) error {
		before, err := k.get(ctx, ts, id)
		if err != nil {
			return err
		}
		rec, _ := k.split(before)
		if ifMatch != nil && *ifMatch != rec.Revision {
			return stale(rec.Revision)
		}
		m, err := decide(ctx, tx.Client(), rec)
		if err != nil {
			return err
		}
		if m.pending {
			out, pending = before, true
			return nil // the decision's own writes (a review request) stand
		}
		e.requestedBy = m.requestedBy
		n, err := k.mark(ctx, tx.Client(), id, rec.Revision, m)
		if err != nil {
			return translate(err)
		}
		if n == 0 {
			return stale(rec.Revision)
		}
		if out, err = k.get(ctx, ts, id); err != nil {
			return err
		}
		return revise(ctx, tx.Client(), k.name, id, rec.Revision+1, action, true, before, out, e)
	})
	if err == nil && pending {
		return out, ErrAwaitingReview
	}
	return out, err
}

// AddCitation cites a source for a record; the record's revision moves.
func AddCitation[F, R any](ctx context.Context, s *Store, k Kind[F, R], id int, ifMatch *int, c domain.Citation, e Edit) (R, error) {
	if !k.cites {
		return *new(R), domain.Errorf(domain.EINVALID, "a source is its own evidence and takes no citations")
	}
	if p := CitationProblems[F](c); len(p) > 0 {
		return *new(R), p.Err("invalid citation")
	}
	return citationChange(ctx, s, k, id, ifMatch, e, func(ctx context.Context, cl *ent.Client, rec domain.Record) error {
		return addCitation(ctx, cl, k.name, id, c)
	})
}

// CitationProblems checks a citation of a record whose written fields are F: the
// citation's own rules, and that the fields it names are fields of the record.
func CitationProblems[F any](c domain.Citation) domain.Problems {
	p := domain.Problems{}
	for field, problem := range domain.ErrorFields(c.Check()) {
		p.Add(field, problem)
	}
	names := domain.FieldNames[F]()
	for _, f := range c.Fields {
		if !slices.Contains(names, f) {
			p.Add("fields", fmt.Sprintf("%q is not a field of this record (its fields: %s)", f, strings.Join(names, ", ")))
		}
	}
	return p
}

// addCitation writes a citation of an existing source.
func addCitation(ctx context.Context, cl *ent.Client, recordType string, id int, c domain.Citation) error {
	if ok, err := cl.Source.Query().Where(source.ID(int(c.SourceID))).Exist(ctx); err != nil || !ok {
		if err == nil {
			err = &domain.Error{Code: domain.EINVALID, Message: "invalid citation", Fields: map[string]string{"source_id": "no source has this id"}}
		}
		return err
	}
	return cl.Citation.Create().
		SetRecordType(citation.RecordType(recordType)).SetRecordID(id).SetSourceID(int(c.SourceID)).
		SetFields(c.Fields).SetNillableLocator(c.Locator).SetConfidence(citation.Confidence(c.Confidence)).
		Exec(ctx)
}

// retractionSummary says when and why a record was retracted.
func retractionSummary(r domain.Record) string {
	var parts []string
	if r.RetractedAt != nil {
		parts = append(parts, "on "+r.RetractedAt.Format("2006-01-02"))
	}
	if r.RetractionReason != nil {
		parts = append(parts, "because "+strconv.Quote(*r.RetractionReason))
	}
	if len(parts) == 0 {
		return "no reason recorded"
	}
	return strings.Join(parts, ", ")
}

// DeleteCitation removes a record's citation. A published record keeps at least one
// citation of a published source.
func DeleteCitation[F, R any](ctx context.Context, s *Store, k Kind[F, R], id int, ifMatch *int, citationID int, e Edit) (R, error) {
	return citationChange(ctx, s, k, id, ifMatch, e, func(ctx context.Context, cl *ent.Client, rec domain.Record) error {
		n, err := cl.Citation.Delete().Where(citation.ID(citationID), citation.RecordTypeEQ(citation.RecordType(k.name)), citation.RecordID(id)).Exec(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return domain.NotFound("citation", domain.ID(citationID).String())
		}
		if rec.Status == domain.StatusPublished {
			left, err := publishedCitations(ctx, cl, k.name, id)
			if err != nil {
				return err
			}
			if left == 0 {
				return domain.Errorf(domain.ECONFLICT, "a published record keeps at least one citation of a published source; add another first")
			}
		}
		return nil
	})
}

// citationChange applies a change to a record's citations and raises its revision.
func citationChange[F, R any](ctx context.Context, s *Store, k Kind[F, R], id int, ifMatch *int, e Edit,
	change func(context.Context, *ent.Client, domain.Record) error) (R, error) {
	var out R
	err := s.inTxStore(ctx, func(tx *ent.Tx, ts *Store) error {
		before, err := k.get(ctx, ts, id)
		if err != nil {
			return err
		}
		rec, _ := k.split(before)
		if ifMatch != nil && *ifMatch != rec.Revision {
			return stale(rec.Revision)
		}
		if err := change(ctx, tx.Client(), rec); err != nil {
			return translate(err)
		}
		n, err := k.mark(ctx, tx.Client(), id, rec.Revision, marking{status: rec.Status, retractedAt: rec.RetractedAt, reason: rec.RetractionReason})
		if err != nil {
			return translate(err)
		}
		if n == 0 {
			return stale(rec.Revision)
		}
		if out, err = k.get(ctx, ts, id); err != nil {
			return err
		}
		return revise(ctx, tx.Client(), k.name, id, rec.Revision+1, revision.ActionUpdate, rec.Status != domain.StatusDraft, before, out, e)
	})
	return out, err
}

// publishedCitations counts a record's citations of published sources.
func publishedCitations(ctx context.Context, c *ent.Client, recordType string, id int) (int, error) {
	return c.Citation.Query().Where(citation.RecordTypeEQ(citation.RecordType(recordType)), citation.RecordID(id),
		citation.HasSourceWith(source.StatusEQ(source.StatusPublished))).Count(ctx)
}

// revise writes a change's revision: who (the context's viewer; none for the
// registry itself), what, and the record before and after.
func revise(ctx context.Context, c *ent.Client, recordType string, id, rev int, action revision.Action, public bool, before, after any, e Edit) error {
	b := c.Revision.Create().
		SetRecordType(revision.RecordType(recordType)).SetRecordID(id).SetRevision(rev).
		SetAction(action).SetPublic(public).SetAt(time.Now().UTC()).
		SetNillableReason(e.Reason).SetNillableRequestedByID(e.requestedBy)
	if e.RequestID != "" {
		b.SetRequestID(e.RequestID)
	}
	if v, ok := domain.ViewerFrom(ctx); ok && !v.System && v.UserID > 0 {
		b.SetActorID(v.UserID)
	}
	if before != nil {
		m, err := asMap(before)
		if err != nil {
			return err
		}
		b.SetBefore(m)
	}
	var m map[string]any
	if after != nil {
		var err error
		if m, err = asMap(after); err != nil {
			return err
		}
		b.SetAfter(m)
	}
	r, err := b.Save(ctx)
	if err != nil {
		return err
	}
	if !public {
		return nil // the change feed reads public revisions only: a draft's names nothing
	}
	// What the change feed's filters look up, in the same transaction.
	countries, vendors := mentions(recordType, id, m)
	ms := make([]*ent.RevisionMentionCreate, 0, len(countries)+len(vendors))
	for _, code := range countries {
		ms = append(ms, c.RevisionMention.Create().SetRevisionID(r.ID).SetCountry(code))
	}
	for _, v := range vendors {
		ms = append(ms, c.RevisionMention.Create().SetRevisionID(r.ID).SetVendorID(v))
	}
	if len(ms) == 0 {
		return nil
	}
	return c.RevisionMention.CreateBulk(ms...).Exec(ctx)
}
