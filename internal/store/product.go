package store

import (
	"context"
	"strconv"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/citation"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/ent/product"
	"github.com/export-registry/registry/internal/domain"
)

// Products is the products collection.
var Products = Kind[domain.ProductFields, domain.Product]{
	name: "product", cites: true,
	get: func(ctx context.Context, s *Store, id int) (domain.Product, error) {
		return s.GetProduct(ctx, id, true)
	},
	split: func(r domain.Product) (domain.Record, domain.ProductFields) { return r.Record, r.ProductFields },
	check: domain.ProductFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.ProductFields) (int, error) {
		b := withID(c.Product.Create(), r.ID).SetStatus(product.Status(r.Status))
		setBase(b.Mutation(), r)
		if err := setProduct(b.Mutation(), f); err != nil {
			return 0, err
		}
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		return v.ID, nil
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.ProductFields) (int, error) {
		u := c.Product.Update().Where(product.ID(id), product.Revision(rev)).SetRevision(rev + 1)
		if err := setProduct(u.Mutation(), f); err != nil {
			return 0, err
		}
		return u.Save(ctx)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.Product.Update().Where(product.ID(id), product.Revision(rev)).SetRevision(rev + 1).SetStatus(product.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// GetProduct returns a product by id.
func (s *Store) GetProduct(ctx context.Context, id int, drafts bool) (domain.Product, error) {
	rows, err := s.client.Product.Query().Where(product.ID(id), product.StatusIn(statusValues[product.Status](visible(drafts))...)).All(ctx)
	if err != nil {
		return domain.Product{}, err
	}
	out, err := s.products(ctx, rows, drafts)
	return one(out, err, "product", strconv.Itoa(id))
}

// ListProducts lists products; country is their vendor's headquarters country.
func (s *Store) ListProducts(ctx context.Context, p ListParams) ([]domain.Product, string, error) {
	q := s.client.Product.Query().Where(as[predicate.Product](p.common())...)
	if p.Vendor != "" {
		id, err := s.vendorID(ctx, p.Vendor, p.Statuses)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(product.VendorID(id))
	}
	if p.Country != "" {
		q = q.Where(vendorIn(product.FieldVendorID, p.Country, p.Drafts))
	}
	if p.Q != "" {
		match, err := s.qFilter(ctx, product.Table, p.Q)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(match)
	}
	rows, err := q.Order(ent.Asc(product.FieldID)).Limit(p.limit() + 1).All(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(v *ent.Product) int { return v.ID })
	out, err := s.products(ctx, rows, p.Drafts)
	return out, next, err
}

// products converts product rows, with their citations.
func (s *Store) products(ctx context.Context, rows []*ent.Product, drafts bool) ([]domain.Product, error) {
	return withCitations(ctx, s, citation.RecordTypeProduct, rows, drafts, func(v *ent.Product) int { return v.ID },
		func(v *ent.Product, c []domain.Citation) domain.Product {
			return domain.Product{
				Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, c),
				ProductFields: domain.ProductFields{
					VendorID:           domain.ID(v.VendorID),
					Name:               v.Name,
					Categories:         v.Categories,
					Capabilities:       v.Capabilities,
					ControlListEntries: v.ControlListEntries,
					Description:        v.Description,
				},
			}
		})
}

// setProduct writes a product's fields onto a mutation, its control-list entries
// in EU notation.
func setProduct(m *ent.ProductMutation, f domain.ProductFields) error {
	entries, err := normalizeEntries(f.ControlListEntries)
	if err != nil {
		return err
	}
	m.SetVendorID(int(f.VendorID))
	m.SetName(f.Name)
	optList(f.Categories, m.SetCategories, m.ClearCategories)
	optList(f.Capabilities, m.SetCapabilities, m.ClearCapabilities)
	optList(entries, m.SetControlListEntries, m.ClearControlListEntries)
	opt(f.Description, m.SetDescription, m.ClearDescription)
	return nil
}
