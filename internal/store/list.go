package store

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/agency"
	"github.com/export-registry/registry/ent/allegation"
	"github.com/export-registry/registry/ent/communication"
	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/ent/product"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/ent/termination"
	"github.com/export-registry/registry/ent/vendor"
	"github.com/export-registry/registry/internal/domain"
)

// Page sizes: DefaultLimit when none is asked for; a larger limit than MaxLimit is
// clamped to it.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// ListParams are the filters and paging of a list. Fields a collection does not have
// are ignored by its list; the HTTP layer refuses them before they get here.
type ListParams struct {
	// Statuses are the record statuses to list: never empty.
	Statuses []string
	// Drafts is whether the reader may see drafts (staff); it decides which cited
	// sources show.
	Drafts bool
	// KindStatuses filter a licence's or allegation's own status.
	KindStatuses    []string
	Country         string
	ExporterCountry string
	// Vendor is a vendor's id or slug.
	Vendor       string
	AgencyID     int
	ActiveOn     *time.Time
	Covers       string
	UpdatedSince *time.Time
	Q            string
	Limit        int
	// Batch, when set, is the page size instead of Limit, which is clamped to
	// MaxLimit: exports read whole id ranges a page at a time.
	Batch int
	// After is the id the page starts after (the decoded cursor).
	After int
	// Before, when set, keeps ids below it (exports read id ranges in parallel).
	Before int
	// AfterCode is where a page of states starts (states are keyed by code).
	AfterCode string
}

// EncodeCursor returns the opaque cursor of a page that starts after id.
func EncodeCursor(id int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c1:" + strconv.Itoa(id)))
}

// DecodeCursor reads a cursor made by EncodeCursor.
func DecodeCursor(s string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		if v, ok := strings.CutPrefix(string(b), "c1:"); ok {
			if id, err := strconv.Atoi(v); err == nil && id > 0 && EncodeCursor(id) == s {
				return id, nil
			}
		}
	}
	return 0, domain.Invalid("cursor", "not a cursor this registry issued")
}

// EncodeCodeCursor returns the opaque cursor of a page of states after code.
func EncodeCodeCursor(code string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("s1:" + code))
}

// DecodeCodeCursor reads a cursor made by EncodeCodeCursor.
func DecodeCodeCursor(s string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		if v, ok := strings.CutPrefix(string(b), "s1:"); ok && domain.ValidCountry(v) && EncodeCodeCursor(v) == s {
			return v, nil
		}
	}
	return "", domain.Invalid("cursor", "not a cursor this registry issued")
}

// limit returns the page size to fetch.
func (p ListParams) limit() int {
	switch {
	case p.Batch > 0:
		return p.Batch
	case p.Limit <= 0:
		return DefaultLimit
	case p.Limit > MaxLimit:
		return MaxLimit
	default:
		return p.Limit
	}
}

// common returns the predicates every record list shares: status, cursor and
// updated_since, as selector functions any ent predicate type converts from.
func (p ListParams) common() []func(*sql.Selector) {
	preds := []func(*sql.Selector){
		sql.FieldIn("status", p.Statuses...),
	}
	if p.After > 0 {
		preds = append(preds, sql.FieldGT("id", p.After))
	}
	if p.Before > 0 {
		preds = append(preds, sql.FieldLT("id", p.Before))
	}
	if p.UpdatedSince != nil {
		preds = append(preds, sql.FieldGTE("updated_at", *p.UpdatedSince))
	}
	return preds
}

// as converts generic selector predicates to an entity's predicate type.
func as[P ~func(*sql.Selector)](fs []func(*sql.Selector)) []P {
	out := make([]P, len(fs))
	for i, f := range fs {
		out[i] = P(f)
	}
	return out
}

// page cuts the extra row fetched to learn whether there is a next page, and returns
// the cursor of that page ("" when this is the last).
func page[T any](rows []T, limit int, id func(T) int) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	return rows, EncodeCursor(id(rows[len(rows)-1]))
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

// statusValues converts record statuses to an entity's status enum type.
func statusValues[S ~string](statuses []string) []S {
	out := make([]S, len(statuses))
	for i, s := range statuses {
		out[i] = S(s)
	}
	return out
}

// ListVendors lists vendors; country is the headquarters country.
func (s *Store) ListVendors(ctx context.Context, p ListParams) ([]domain.Vendor, string, error) {
	q := s.client.Vendor.Query().Where(as[predicate.Vendor](p.common())...)
	if p.Country != "" {
		q = q.Where(vendor.HeadquartersCountry(p.Country))
	}
	if p.Q != "" {
		q = q.Where(vendor.Or(vendor.NameContainsFold(p.Q), vendor.SlugContainsFold(p.Q)))
	}
	rows, err := q.Order(ent.Asc(vendor.FieldID)).Limit(p.limit() + 1).All(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(v *ent.Vendor) int { return v.ID })
	out, err := s.vendors(ctx, rows, p.Drafts)
	return out, next, err
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
		q = q.Where(product.HasVendorWith(vendorIn(p.Country, p.Drafts)))
	}
	if p.Q != "" {
		q = q.Where(product.NameContainsFold(p.Q))
	}
	rows, err := q.Order(ent.Asc(product.FieldID)).Limit(p.limit() + 1).All(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(v *ent.Product) int { return v.ID })
	out, err := s.products(ctx, rows, p.Drafts)
	return out, next, err
}

// ListAgencies lists agencies; country is the agency's state.
func (s *Store) ListAgencies(ctx context.Context, p ListParams) ([]domain.Agency, string, error) {
	q := s.client.Agency.Query().Where(as[predicate.Agency](p.common())...)
	if p.Country != "" {
		q = q.Where(agency.StateCode(p.Country))
	}
	if p.Q != "" {
		q = q.Where(agency.NameContainsFold(p.Q))
	}
	rows, err := q.Order(ent.Asc(agency.FieldID)).Limit(p.limit() + 1).All(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(v *ent.Agency) int { return v.ID })
	out, err := s.agencies(ctx, rows, p.Drafts)
	return out, next, err
}

// ListLicenses lists licences. country is the end-user state, exporter_country the
// exporting state; active_on keeps licences whose known validity covers the day
// (a start on or before it, and no end or an end period reaching it); covers keeps
// licences whose permitted geography includes the country.
func (s *Store) ListLicenses(ctx context.Context, p ListParams) ([]domain.License, string, error) {
	q := s.client.License.Query().Where(as[predicate.License](p.common())...)
	if len(p.KindStatuses) > 0 {
		q = q.Where(license.LicenseStatusIn(statusValues[license.LicenseStatus](p.KindStatuses)...))
	}
	if p.Vendor != "" {
		id, err := s.vendorID(ctx, p.Vendor, p.Statuses)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(license.VendorID(id))
	}
	if p.Country != "" {
		q = q.Where(license.EndUserState(p.Country))
	}
	if p.ExporterCountry != "" {
		q = q.Where(license.ExportingState(p.ExporterCountry))
	}
	if p.AgencyID > 0 {
		q = q.Where(license.EndUserAgencyID(p.AgencyID))
	}
	if p.Covers != "" {
		q = q.Where(func(s *sql.Selector) {
			s.Where(sqljson.ValueContains(s.C(license.FieldGeography), p.Covers))
		})
	}
	if p.ActiveOn != nil {
		q = q.Where(activeOn(*p.ActiveOn))
	}
	if p.Q != "" {
		q = q.Where(license.Or(license.ReferenceContainsFold(p.Q), license.DescriptionContainsFold(p.Q)))
	}
	rows, err := q.Order(ent.Asc(license.FieldID)).Limit(p.limit() + 1).WithProducts(func(pq *ent.ProductQuery) {
		pq.Select(product.FieldID)
	}).All(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(v *ent.License) int { return v.ID })
	out, err := s.licenses(ctx, rows, p.Drafts)
	return out, next, err
}

// activeOn is the predicate of a licence valid on day d. Dates are stored as the first
// day of their period, so an end known only to the month or year reaches d when that
// period's first day is on or before the first day of d's month or year.
func activeOn(d time.Time) predicate.License {
	day := d.Format(domain.DateLayout)
	month := domain.PeriodStart(d, domain.PrecisionMonth).Format(domain.DateLayout)
	year := domain.PeriodStart(d, domain.PrecisionYear).Format(domain.DateLayout)
	return license.And(
		license.ValidFromNotNil(),
		license.ValidFromLTE(day),
		license.Or(
			license.ValidUntilIsNil(),
			license.And(license.Or(license.ValidUntilPrecisionIsNil(), license.ValidUntilPrecisionEQ(license.ValidUntilPrecisionDay)), license.ValidUntilGTE(day)),
			license.And(license.ValidUntilPrecisionEQ(license.ValidUntilPrecisionMonth), license.ValidUntilGTE(month)),
			license.And(license.ValidUntilPrecisionEQ(license.ValidUntilPrecisionYear), license.ValidUntilGTE(year)),
		),
	)
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
		q = q.Where(termination.Or(termination.StateCode(p.Country), termination.HasAgencyWith(agencyIn(p.Country, p.Drafts))))
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

// ListCommunications lists communications; country is the recipient state or a state
// copied; vendor is the recipient vendor.
func (s *Store) ListCommunications(ctx context.Context, p ListParams) ([]domain.Communication, string, error) {
	q := s.client.Communication.Query().Where(as[predicate.Communication](p.common())...)
	if p.Vendor != "" {
		id, err := s.vendorID(ctx, p.Vendor, p.Statuses)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(communication.RecipientVendorID(id))
	}
	if p.Country != "" {
		q = q.Where(communication.Or(communication.RecipientState(p.Country), func(s *sql.Selector) {
			s.Where(sqljson.ValueContains(s.C(communication.FieldCopiedStates), p.Country))
		}))
	}
	if p.Q != "" {
		q = q.Where(communication.Or(communication.ReferenceContainsFold(p.Q), communication.SummaryContainsFold(p.Q)))
	}
	rows, err := q.Order(ent.Asc(communication.FieldID)).Limit(p.limit() + 1).WithQuestions().All(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(v *ent.Communication) int { return v.ID })
	out, err := s.communications(ctx, rows, p.Drafts)
	return out, next, err
}

// ListSources lists sources; q matches the title or the document symbol.
func (s *Store) ListSources(ctx context.Context, p ListParams) ([]domain.Source, string, error) {
	q := s.client.Source.Query().Where(as[predicate.Source](p.common())...)
	if p.Q != "" {
		q = q.Where(source.Or(source.TitleContainsFold(p.Q), source.DocumentSymbolContainsFold(p.Q)))
	}
	rows, err := q.Order(ent.Asc(source.FieldID)).Limit(p.limit() + 1).All(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(v *ent.Source) int { return v.ID })
	return mapAll(rows, toSource), next, nil
}
