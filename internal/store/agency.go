package store

import (
	"context"
	"strconv"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/agency"
	"github.com/export-registry/registry/ent/citation"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/internal/domain"
)

// Agencies is the agencies collection.
var Agencies = Kind[domain.AgencyFields, domain.Agency]{
	name: "agency", cites: true,
	get:   func(ctx context.Context, s *Store, id int) (domain.Agency, error) { return s.GetAgency(ctx, id, true) },
	split: func(r domain.Agency) (domain.Record, domain.AgencyFields) { return r.Record, r.AgencyFields },
	check: domain.AgencyFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.AgencyFields) (int, error) {
		b := withID(c.Agency.Create(), r.ID).SetStatus(agency.Status(r.Status))
		setBase(b.Mutation(), r)
		setAgency(b.Mutation(), f)
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.AgencyFields) (int, error) {
		u := c.Agency.Update().Where(agency.ID(id), agency.Revision(rev)).SetRevision(rev + 1)
		setAgency(u.Mutation(), f)
		return u.Save(ctx)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.Agency.Update().Where(agency.ID(id), agency.Revision(rev)).SetRevision(rev + 1).SetStatus(agency.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// GetAgency returns an agency by id.
func (s *Store) GetAgency(ctx context.Context, id int, drafts bool) (domain.Agency, error) {
	rows, err := s.client.Agency.Query().Where(agency.ID(id), agency.StatusIn(statusValues[agency.Status](visible(drafts))...)).All(ctx)
	if err != nil {
		return domain.Agency{}, err
	}
	out, err := s.agencies(ctx, rows, drafts)
	return one(out, err, "agency", strconv.Itoa(id))
}

// ListAgencies lists agencies; country is the agency's state.
func (s *Store) ListAgencies(ctx context.Context, p ListParams) ([]domain.Agency, string, error) {
	q := s.client.Agency.Query().Where(as[predicate.Agency](p.common())...)
	if p.Country != "" {
		q = q.Where(agency.StateCode(p.Country))
	}
	if p.Q != "" {
		match, err := s.qFilter(ctx, agency.Table, p.Q)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(match)
	}
	rows, err := q.Order(ent.Asc(agency.FieldID)).Limit(p.limit() + 1).All(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(v *ent.Agency) int { return v.ID })
	out, err := s.agencies(ctx, rows, p.Drafts)
	return out, next, err
}

// agencies converts agency rows, with their citations.
func (s *Store) agencies(ctx context.Context, rows []*ent.Agency, drafts bool) ([]domain.Agency, error) {
	return withCitations(ctx, s, citation.RecordTypeAgency, rows, drafts, func(v *ent.Agency) int { return v.ID },
		func(v *ent.Agency, c []domain.Citation) domain.Agency {
			return domain.Agency{
				Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, c),
				AgencyFields: domain.AgencyFields{
					StateCode:   v.StateCode,
					Name:        v.Name,
					Kind:        string(v.Kind),
					ParentID:    domain.IDPtr(v.ParentID),
					Aliases:     v.Aliases,
					Description: v.Description,
				},
			}
		})
}

// setAgency writes an agency's fields onto a mutation.
func setAgency(m *ent.AgencyMutation, f domain.AgencyFields) {
	m.SetStateCode(f.StateCode)
	m.SetName(f.Name)
	m.SetKind(agency.Kind(orDefault(f.Kind, "unknown")))
	opt(intPtr(f.ParentID), m.SetParentID, m.ClearParentID)
	optList(f.Aliases, m.SetAliases, m.ClearAliases)
	opt(f.Description, m.SetDescription, m.ClearDescription)
}
