package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/agency"
	"github.com/export-registry/registry/ent/allegation"
	"github.com/export-registry/registry/ent/communication"
	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/ent/product"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/ent/state"
	"github.com/export-registry/registry/ent/termination"
	"github.com/export-registry/registry/internal/domain"
)

// one returns the only converted record of a lookup, or ENOTFOUND.
func one[D any](out []D, err error, kind string, id string) (D, error) {
	var zero D
	if err != nil {
		return zero, err
	}
	if len(out) == 0 {
		return zero, domain.NotFound(kind, id)
	}
	return out[0], nil
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

// GetProduct returns a product by id.
func (s *Store) GetProduct(ctx context.Context, id int, drafts bool) (domain.Product, error) {
	rows, err := s.client.Product.Query().Where(product.ID(id), product.StatusIn(statusValues[product.Status](visible(drafts))...)).All(ctx)
	if err != nil {
		return domain.Product{}, err
	}
	out, err := s.products(ctx, rows, drafts)
	return one(out, err, "product", strconv.Itoa(id))
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

// GetLicense returns a licence by id.
func (s *Store) GetLicense(ctx context.Context, id int, drafts bool) (domain.License, error) {
	rows, err := s.client.License.Query().Where(license.ID(id), license.StatusIn(statusValues[license.Status](visible(drafts))...)).
		WithProducts(func(q *ent.ProductQuery) { q.Select(product.FieldID) }).All(ctx)
	if err != nil {
		return domain.License{}, err
	}
	out, err := s.licenses(ctx, rows, drafts)
	return one(out, err, "license", strconv.Itoa(id))
}

// GetTermination returns a termination by id.
func (s *Store) GetTermination(ctx context.Context, id int, drafts bool) (domain.Termination, error) {
	rows, err := s.client.Termination.Query().Where(termination.ID(id), termination.StatusIn(statusValues[termination.Status](visible(drafts))...)).All(ctx)
	if err != nil {
		return domain.Termination{}, err
	}
	out, err := s.terminations(ctx, rows, drafts)
	return one(out, err, "termination", strconv.Itoa(id))
}

// GetAllegation returns an allegation by id.
func (s *Store) GetAllegation(ctx context.Context, id int, drafts bool) (domain.Allegation, error) {
	rows, err := s.client.Allegation.Query().Where(allegation.ID(id), allegation.StatusIn(statusValues[allegation.Status](visible(drafts))...)).All(ctx)
	if err != nil {
		return domain.Allegation{}, err
	}
	out, err := s.allegations(ctx, rows, drafts)
	return one(out, err, "allegation", strconv.Itoa(id))
}

// GetCommunication returns a communication with its questions by id.
func (s *Store) GetCommunication(ctx context.Context, id int, drafts bool) (domain.Communication, error) {
	rows, err := s.client.Communication.Query().Where(communication.ID(id), communication.StatusIn(statusValues[communication.Status](visible(drafts))...)).
		WithQuestions().All(ctx)
	if err != nil {
		return domain.Communication{}, err
	}
	out, err := s.communications(ctx, rows, drafts)
	return one(out, err, "communication", strconv.Itoa(id))
}

// GetSource returns a source by id.
func (s *Store) GetSource(ctx context.Context, id int, drafts bool) (domain.Source, error) {
	rows, err := s.client.Source.Query().Where(source.ID(id), source.StatusIn(statusValues[source.Status](visible(drafts))...)).All(ctx)
	return one(mapAll(rows, toSource), err, "source", strconv.Itoa(id))
}

// ListStates lists the ISO 3166-1 reference data by code; q matches code or name.
func (s *Store) ListStates(ctx context.Context, p ListParams) ([]domain.State, string, error) {
	q := s.client.State.Query()
	if p.Q != "" {
		q = q.Where(state.Or(state.IDEqualFold(p.Q), state.NameContainsFold(p.Q)))
	}
	if p.AfterCode != "" {
		q = q.Where(state.IDGT(p.AfterCode))
	}
	rows, err := q.Order(ent.Asc(state.FieldID)).Limit(p.limit() + 1).All(ctx)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > p.limit() {
		rows = rows[:p.limit()]
		next = EncodeCodeCursor(rows[len(rows)-1].ID)
	}
	return mapAll(rows, toState), next, nil
}

// GetState returns a state of the reference data by its alpha-2 code.
func (s *Store) GetState(ctx context.Context, code string) (domain.State, error) {
	v, err := s.client.State.Get(ctx, code)
	if ent.IsNotFound(err) {
		return domain.State{}, domain.NotFound("state", code)
	}
	if err != nil {
		return domain.State{}, err
	}
	return toState(v), nil
}

// Empty reports whether the registry holds no records (reference data aside).
func (s *Store) Empty(ctx context.Context) (bool, error) {
	n, err := s.client.Revision.Query().Limit(1).Count(ctx)
	return n == 0, err
}

// tables are the record collections' tables, by collection name.
var tables = map[string]string{
	"vendors": "vendors", "products": "products", "agencies": "agencies", "licenses": "licenses",
	"terminations": "terminations", "allegations": "allegations", "communications": "communications", "sources": "sources",
}

// MaxID returns the highest id of a record collection (0 when empty).
func (s *Store) MaxID(ctx context.Context, collection string) (int, error) {
	table, ok := tables[collection]
	if !ok {
		return 0, fmt.Errorf("no collection %q", collection)
	}
	var n sql.NullInt64
	if err := s.db.QueryRowContext(ctx, "SELECT MAX(id) FROM "+table).Scan(&n); err != nil {
		return 0, err
	}
	return int(n.Int64), nil
}
