package store

import (
	"context"
	"strconv"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/citation"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/ent/vendor"
	"github.com/export-registry/registry/internal/domain"
)

// Vendors is the vendors collection.
var Vendors = Kind[domain.VendorFields, domain.Vendor]{
	name: "vendor", cites: true,
	get: func(ctx context.Context, s *Store, id int) (domain.Vendor, error) {
		return s.GetVendor(ctx, strconv.Itoa(id), true)
	},
	split: func(r domain.Vendor) (domain.Record, domain.VendorFields) { return r.Record, r.VendorFields },
	check: domain.VendorFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.VendorFields) (int, error) {
		if f.Slug == "" {
			// A new vendor without a slug gets one made from its name (an intake's
			// vendors come numbered, without slugs).
			slug, err := freeSlug(ctx, c, f.Name)
			if err != nil {
				return 0, err
			}
			f.Slug = slug
		}
		b := withID(c.Vendor.Create(), r.ID).SetStatus(vendor.Status(r.Status))
		setBase(b.Mutation(), r)
		setVendor(b.Mutation(), f)
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.VendorFields) (int, error) {
		u := c.Vendor.Update().Where(vendor.ID(id), vendor.Revision(rev)).SetRevision(rev + 1)
		setVendor(u.Mutation(), f)
		return u.Save(ctx)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.Vendor.Update().Where(vendor.ID(id), vendor.Revision(rev)).SetRevision(rev + 1).SetStatus(vendor.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// GetVendor returns a vendor by id or slug.
func (s *Store) GetVendor(ctx context.Context, ref string, drafts bool) (domain.Vendor, error) {
	rows, err := s.vendorRef(ref, visible(drafts)).All(ctx)
	if err != nil {
		return domain.Vendor{}, err
	}
	out, err := s.vendors(ctx, rows, drafts)
	return one(out, err, "vendor", ref)
}

// ListVendors lists vendors; country is the headquarters country.
func (s *Store) ListVendors(ctx context.Context, p ListParams) ([]domain.Vendor, string, error) {
	q := s.client.Vendor.Query().Where(as[predicate.Vendor](p.common())...)
	if p.Country != "" {
		q = q.Where(vendor.HeadquartersCountry(p.Country))
	}
	if p.Q != "" {
		match, err := s.qFilter(ctx, vendor.Table, p.Q)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(match)
	}
	rows, err := q.Order(ent.Asc(vendor.FieldID)).Limit(p.limit() + 1).All(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(v *ent.Vendor) int { return v.ID })
	out, err := s.vendors(ctx, rows, p.Drafts)
	return out, next, err
}

// vendorRef queries the vendor an id or slug names among those of the statuses.
func (s *Store) vendorRef(ref string, statuses []string) *ent.VendorQuery {
	q := s.client.Vendor.Query().Where(vendor.StatusIn(statusValues[vendor.Status](statuses)...))
	switch id, err := domain.ParseID(ref); {
	case err == nil:
		return q.Where(vendor.ID(int(id)))
	case domain.ValidSlug(ref):
		return q.Where(vendor.Slug(ref))
	default:
		return q.Where(vendor.ID(0)) // names no vendor
	}
}

// vendorID resolves a vendor filter (id or slug) among the records the reader may see.
func (s *Store) vendorID(ctx context.Context, ref string, statuses []string) (int, error) {
	id, err := s.vendorRef(ref, statuses).OnlyID(ctx)
	if ent.IsNotFound(err) {
		return 0, domain.Invalid("vendor", "no vendor has this id or slug")
	}
	return id, err
}

// vendors converts vendor rows, with their citations.
func (s *Store) vendors(ctx context.Context, rows []*ent.Vendor, drafts bool) ([]domain.Vendor, error) {
	return withCitations(ctx, s, citation.RecordTypeVendor, rows, drafts, func(v *ent.Vendor) int { return v.ID },
		func(v *ent.Vendor, c []domain.Citation) domain.Vendor {
			return domain.Vendor{
				Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, c),
				VendorFields: domain.VendorFields{
					Slug:                   v.Slug,
					Name:                   v.Name,
					Aliases:                aliasDates(v.Aliases, readDate),
					HeadquartersCountry:    v.HeadquartersCountry,
					OtherJurisdictions:     v.OtherJurisdictions,
					Website:                v.Website,
					ParentID:               domain.IDPtr(v.ParentID),
					UNGPCommitment:         string(v.UngpCommitment),
					HumanRightsPolicyURL:   v.HumanRightsPolicyURL,
					WhistleblowerPolicyURL: v.WhistleblowerPolicyURL,
					Designations:           v.Designations,
					Description:            v.Description,
				},
			}
		})
}

// setVendor writes a vendor's fields onto a mutation.
func setVendor(m *ent.VendorMutation, f domain.VendorFields) {
	m.SetSlug(f.Slug)
	m.SetName(f.Name)
	optList(aliasDates(f.Aliases, storedDate), m.SetAliases, m.ClearAliases)
	opt(f.HeadquartersCountry, m.SetHeadquartersCountry, m.ClearHeadquartersCountry)
	optList(f.OtherJurisdictions, m.SetOtherJurisdictions, m.ClearOtherJurisdictions)
	opt(f.Website, m.SetWebsite, m.ClearWebsite)
	opt(intPtr(f.ParentID), m.SetParentID, m.ClearParentID)
	m.SetUngpCommitment(vendor.UngpCommitment(orDefault(f.UNGPCommitment, domain.Unknown)))
	opt(f.HumanRightsPolicyURL, m.SetHumanRightsPolicyURL, m.ClearHumanRightsPolicyURL)
	opt(f.WhistleblowerPolicyURL, m.SetWhistleblowerPolicyURL, m.ClearWhistleblowerPolicyURL)
	optList(f.Designations, m.SetDesignations, m.ClearDesignations)
	opt(f.Description, m.SetDescription, m.ClearDescription)
}

// aliasDates returns a copy of aliases with their dates converted (nil stays nil). The
// aliases column keeps each date as every date column does: the first day of its
// period, beside its precision.
func aliasDates(aliases []domain.Alias, conv func(*domain.Date, *string) *domain.Date) []domain.Alias {
	if aliases == nil {
		return nil
	}
	out := make([]domain.Alias, len(aliases))
	for i, a := range aliases {
		a.ValidFrom, a.ValidUntil = conv(a.ValidFrom, a.ValidFromPrecision), conv(a.ValidUntil, a.ValidUntilPrecision)
		out[i] = a
	}
	return out
}

// readDate reads a date kept as the first day of its period.
func readDate(d *domain.Date, precision *string) *domain.Date {
	return domain.StoredDate((*string)(d), precision)
}

// storedDate is the form a date is kept in: the first day of its period.
func storedDate(d *domain.Date, _ *string) *domain.Date {
	return (*domain.Date)(domain.StoreDate(d))
}
