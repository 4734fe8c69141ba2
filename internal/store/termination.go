package store

import (
	"context"
	"strconv"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/citation"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/ent/termination"
	"github.com/export-registry/registry/internal/domain"
)

// Terminations is the terminations collection.
var Terminations = Kind[domain.TerminationFields, domain.Termination]{
	name: "termination", cites: true,
	get: func(ctx context.Context, s *Store, id int) (domain.Termination, error) {
		return s.GetTermination(ctx, id, true)
	},
	split: func(r domain.Termination) (domain.Record, domain.TerminationFields) {
		return r.Record, r.TerminationFields
	},
	check: domain.TerminationFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.TerminationFields) (int, error) {
		b := withID(c.Termination.Create(), r.ID).SetStatus(termination.Status(r.Status))
		setBase(b.Mutation(), r)
		setTermination(b.Mutation(), f)
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.TerminationFields) (int, error) {
		u := c.Termination.Update().Where(termination.ID(id), termination.Revision(rev)).SetRevision(rev + 1)
		setTermination(u.Mutation(), f)
		return u.Save(ctx)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.Termination.Update().Where(termination.ID(id), termination.Revision(rev)).SetRevision(rev + 1).SetStatus(termination.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// GetTermination returns a termination by id.
func (s *Store) GetTermination(ctx context.Context, id int, drafts bool) (domain.Termination, error) {
	out, err := s.GetTerminations(ctx, []int{id}, drafts)
	return one(out, err, "termination", strconv.Itoa(id))
}

// GetTerminations returns the terminations among ids that the reader may see, in id order, in
// one read: a feed's or a page's records at once.
func (s *Store) GetTerminations(ctx context.Context, ids []int, drafts bool) ([]domain.Termination, error) {
	rows, err := s.client.Termination.Query().Where(termination.IDIn(ids...), termination.StatusIn(statusValues[termination.Status](visible(drafts))...)).
		Order(ent.Asc(termination.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	return s.terminations(ctx, rows, drafts)
}

// ListTerminations lists terminations; country is the state whose customer it ended
// (named directly or through the agency).
func (s *Store) ListTerminations(ctx context.Context, p ListParams) ([]domain.Termination, string, error) {
	q := s.client.Termination.Query().Where(as[predicate.Termination](p.common())...)
	if p.Vendor != "" {
		id, err := s.vendorID(ctx, p.Vendor, p.Statuses)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(termination.VendorID(id))
	}
	if p.Country != "" {
		q = q.Where(terminationsOf(p.Country, p.Drafts))
	}
	if p.AgencyID > 0 {
		q = q.Where(termination.AgencyID(p.AgencyID))
	}
	rows, err := q.Order(ent.Asc(termination.FieldID)).Limit(p.limit() + 1).All(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(v *ent.Termination) int { return v.ID })
	out, err := s.terminations(ctx, rows, p.Drafts)
	return out, next, err
}

// terminations converts termination rows, with their citations.
func (s *Store) terminations(ctx context.Context, rows []*ent.Termination, drafts bool) ([]domain.Termination, error) {
	return withCitations(ctx, s, citation.RecordTypeTermination, rows, drafts, func(v *ent.Termination) int { return v.ID },
		func(v *ent.Termination, c []domain.Citation) domain.Termination {
			return domain.Termination{
				Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, c),
				TerminationFields: domain.TerminationFields{
					VendorID:              domain.ID(v.VendorID),
					LicenseID:             domain.IDPtr(v.LicenseID),
					StateCode:             v.StateCode,
					AgencyID:              domain.IDPtr(v.AgencyID),
					TerminatedOn:          domain.StoredDate(v.TerminatedOn, enumPtr(v.TerminatedOnPrecision)),
					TerminatedOnPrecision: enumPtr(v.TerminatedOnPrecision),
					InitiatedBy:           string(v.InitiatedBy),
					Reason:                string(v.Reason),
					HumanRightsBasis:      string(v.HumanRightsBasis),
					RightsInvolved:        v.RightsInvolved,
					Scope:                 string(v.Scope),
					ReportedTo:            v.ReportedTo,
					Description:           v.Description,
				},
			}
		})
}

// setTermination writes a termination's fields onto a mutation.
func setTermination(m *ent.TerminationMutation, f domain.TerminationFields) {
	m.SetVendorID(int(f.VendorID))
	opt(intPtr(f.LicenseID), m.SetLicenseID, m.ClearLicenseID)
	opt(f.StateCode, m.SetStateCode, m.ClearStateCode)
	opt(intPtr(f.AgencyID), m.SetAgencyID, m.ClearAgencyID)
	opt(domain.StoreDate(f.TerminatedOn), m.SetTerminatedOn, m.ClearTerminatedOn)
	opt(enumOf[termination.TerminatedOnPrecision](f.TerminatedOnPrecision), m.SetTerminatedOnPrecision, m.ClearTerminatedOnPrecision)
	m.SetInitiatedBy(termination.InitiatedBy(orDefault(f.InitiatedBy, "unknown")))
	m.SetReason(termination.Reason(orDefault(f.Reason, "unknown")))
	m.SetHumanRightsBasis(termination.HumanRightsBasis(orDefault(f.HumanRightsBasis, domain.Unknown)))
	optList(f.RightsInvolved, m.SetRightsInvolved, m.ClearRightsInvolved)
	m.SetScope(termination.Scope(orDefault(f.Scope, "unknown")))
	optList(f.ReportedTo, m.SetReportedTo, m.ClearReportedTo)
	opt(f.Description, m.SetDescription, m.ClearDescription)
}
