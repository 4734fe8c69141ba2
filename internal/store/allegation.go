package store

import (
	"context"
	"strconv"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/allegation"
	"github.com/export-registry/registry/ent/citation"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/internal/domain"
)

// Allegations is the allegations collection.
var Allegations = Kind[domain.AllegationFields, domain.Allegation]{
	name: "allegation", cites: true,
	get: func(ctx context.Context, s *Store, id int) (domain.Allegation, error) {
		return s.GetAllegation(ctx, id, true)
	},
	split: func(r domain.Allegation) (domain.Record, domain.AllegationFields) {
		return r.Record, r.AllegationFields
	},
	check: domain.AllegationFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.AllegationFields) (int, error) {
		b := withID(c.Allegation.Create(), r.ID).SetStatus(allegation.Status(r.Status))
		setBase(b.Mutation(), r)
		setAllegation(b.Mutation(), f)
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.AllegationFields) (int, error) {
		u := c.Allegation.Update().Where(allegation.ID(id), allegation.Revision(rev)).SetRevision(rev + 1)
		setAllegation(u.Mutation(), f)
		return u.Save(ctx)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.Allegation.Update().Where(allegation.ID(id), allegation.Revision(rev)).SetRevision(rev + 1).SetStatus(allegation.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// GetAllegation returns an allegation by id.
func (s *Store) GetAllegation(ctx context.Context, id int, drafts bool) (domain.Allegation, error) {
	out, err := s.GetAllegations(ctx, []int{id}, drafts)
	return one(out, err, "allegation", strconv.Itoa(id))
}

// GetAllegations returns the allegations among ids that the reader may see, in id order, in
// one read: a feed's or a page's records at once.
func (s *Store) GetAllegations(ctx context.Context, ids []int, drafts bool) ([]domain.Allegation, error) {
	rows, err := s.client.Allegation.Query().Where(allegation.IDIn(ids...), allegation.StatusIn(statusValues[allegation.Status](visible(drafts))...)).
		Order(ent.Asc(allegation.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	return s.allegations(ctx, rows, drafts)
}

// ListAllegations lists allegations; country is the alleged operator state or the
// targets' country.
func (s *Store) ListAllegations(ctx context.Context, p ListParams) ([]domain.Allegation, string, error) {
	q := s.client.Allegation.Query().Where(as[predicate.Allegation](p.common())...)
	if len(p.KindStatuses) > 0 {
		q = q.Where(allegation.AllegationStatusIn(statusValues[allegation.AllegationStatus](p.KindStatuses)...))
	}
	if p.Vendor != "" {
		id, err := s.vendorID(ctx, p.Vendor, p.Statuses)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(allegation.VendorID(id))
	}
	if p.Country != "" {
		q = q.Where(allegation.Or(allegation.OperatorState(p.Country), allegation.TargetCountry(p.Country)))
	}
	if p.AgencyID > 0 {
		q = q.Where(allegation.OperatorAgencyID(p.AgencyID))
	}
	rows, err := q.Order(ent.Asc(allegation.FieldID)).Limit(p.limit() + 1).All(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(v *ent.Allegation) int { return v.ID })
	out, err := s.allegations(ctx, rows, p.Drafts)
	return out, next, err
}

// allegations converts allegation rows, with their citations.
func (s *Store) allegations(ctx context.Context, rows []*ent.Allegation, drafts bool) ([]domain.Allegation, error) {
	return withCitations(ctx, s, citation.RecordTypeAllegation, rows, drafts, func(v *ent.Allegation) int { return v.ID },
		func(v *ent.Allegation, c []domain.Citation) domain.Allegation {
			return domain.Allegation{
				Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, c),
				AllegationFields: domain.AllegationFields{
					VendorID:             domain.IDPtr(v.VendorID),
					ProductID:            domain.IDPtr(v.ProductID),
					OperatorState:        v.OperatorState,
					OperatorAgencyID:     domain.IDPtr(v.OperatorAgencyID),
					TargetCategory:       string(v.TargetCategory),
					TargetCountry:        v.TargetCountry,
					PeriodStart:          domain.StoredDate(v.PeriodStart, enumPtr(v.PeriodStartPrecision)),
					PeriodStartPrecision: enumPtr(v.PeriodStartPrecision),
					PeriodEnd:            domain.StoredDate(v.PeriodEnd, enumPtr(v.PeriodEndPrecision)),
					PeriodEndPrecision:   enumPtr(v.PeriodEndPrecision),
					AllegationStatus:     string(v.AllegationStatus),
					Summary:              v.Summary,
					VendorReply:          v.VendorReply,
				},
			}
		})
}

// setAllegation writes an allegation's fields onto a mutation.
func setAllegation(m *ent.AllegationMutation, f domain.AllegationFields) {
	opt(intPtr(f.VendorID), m.SetVendorID, m.ClearVendorID)
	opt(intPtr(f.ProductID), m.SetProductID, m.ClearProductID)
	opt(f.OperatorState, m.SetOperatorState, m.ClearOperatorState)
	opt(intPtr(f.OperatorAgencyID), m.SetOperatorAgencyID, m.ClearOperatorAgencyID)
	m.SetTargetCategory(allegation.TargetCategory(orDefault(f.TargetCategory, "unknown")))
	opt(f.TargetCountry, m.SetTargetCountry, m.ClearTargetCountry)
	opt(domain.StoreDate(f.PeriodStart), m.SetPeriodStart, m.ClearPeriodStart)
	opt(enumOf[allegation.PeriodStartPrecision](f.PeriodStartPrecision), m.SetPeriodStartPrecision, m.ClearPeriodStartPrecision)
	opt(domain.StoreDate(f.PeriodEnd), m.SetPeriodEnd, m.ClearPeriodEnd)
	opt(enumOf[allegation.PeriodEndPrecision](f.PeriodEndPrecision), m.SetPeriodEndPrecision, m.ClearPeriodEndPrecision)
	m.SetAllegationStatus(allegation.AllegationStatus(orDefault(f.AllegationStatus, "alleged")))
	opt(f.Summary, m.SetSummary, m.ClearSummary)
	opt(f.VendorReply, m.SetVendorReply, m.ClearVendorReply)
}
