package store

import (
	"context"
	"slices"
	"strconv"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/citation"
	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/ent/licensegeography"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/ent/product"
	"github.com/export-registry/registry/internal/domain"
)

// Licenses is the licenses collection.
var Licenses = Kind[domain.LicenseFields, domain.License]{
	name: "license", cites: true,
	get: func(ctx context.Context, s *Store, id int) (domain.License, error) {
		return s.GetLicense(ctx, id, true)
	},
	split: func(r domain.License) (domain.Record, domain.LicenseFields) { return r.Record, r.LicenseFields },
	check: domain.LicenseFields.Check,
	create: func(ctx context.Context, c *ent.Client, r domain.Record, f domain.LicenseFields) (int, error) {
		b := withID(c.License.Create(), r.ID).SetStatus(license.Status(r.Status))
		setBase(b.Mutation(), r)
		if err := setLicense(b.Mutation(), f); err != nil {
			return 0, err
		}
		v, err := b.Save(ctx)
		if err != nil {
			return 0, err
		}
		return v.ID, setGeography(ctx, c, v.ID, f.Geography)
	},
	update: func(ctx context.Context, c *ent.Client, id, rev int, f domain.LicenseFields) (int, error) {
		u := c.License.Update().Where(license.ID(id), license.Revision(rev)).SetRevision(rev + 1)
		if err := setLicense(u.Mutation(), f); err != nil {
			return 0, err
		}
		n, err := u.Save(ctx)
		if err != nil || n == 0 {
			return n, err
		}
		return n, setGeography(ctx, c, id, f.Geography)
	},
	mark: func(ctx context.Context, c *ent.Client, id, rev int, m marking) (int, error) {
		u := c.License.Update().Where(license.ID(id), license.Revision(rev)).SetRevision(rev + 1).SetStatus(license.Status(m.status))
		setMark(u.Mutation(), m)
		return u.Save(ctx)
	},
}

// GetLicense returns a licence by id.
func (s *Store) GetLicense(ctx context.Context, id int, drafts bool) (domain.License, error) {
	out, err := s.GetLicenses(ctx, []int{id}, drafts)
	return one(out, err, "license", strconv.Itoa(id))
}

// GetLicenses returns the licences among ids that the reader may see, in id order, in
// one read: a feed's or a page's records at once.
func (s *Store) GetLicenses(ctx context.Context, ids []int, drafts bool) ([]domain.License, error) {
	rows, err := s.client.License.Query().Where(license.IDIn(ids...), license.StatusIn(statusValues[license.Status](visible(drafts))...)).
		WithProducts(func(q *ent.ProductQuery) { q.Select(product.FieldID) }).
		Order(ent.Asc(license.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	return s.licenses(ctx, rows, drafts)
}

// ListLicenses lists licences. country is the end-user state, exporter_country the
// exporting state; active_on keeps licences whose known validity covers the day
// (a start on or before it, and no end or an end period reaching it); covers keeps
// licences whose permitted geography includes the country. It is the licences' raw
// read (licenseread.go): every uncached list and export page of licences.
func (s *Store) ListLicenses(ctx context.Context, p ListParams) ([]domain.License, string, error) {
	preds, err := s.licenseFilters(ctx, p)
	if err != nil {
		return nil, "", err
	}
	return s.readLicenses(ctx, preds, p.limit(), p.Drafts)
}

// licenseFilters are the predicates of a licence list's filters, for ent's query
// and the raw read alike.
func (s *Store) licenseFilters(ctx context.Context, p ListParams) ([]predicate.License, error) {
	preds := as[predicate.License](p.common())
	if len(p.KindStatuses) > 0 {
		preds = append(preds, license.LicenseStatusIn(statusValues[license.LicenseStatus](p.KindStatuses)...))
	}
	if p.Vendor != "" {
		id, err := s.vendorID(ctx, p.Vendor, p.Statuses)
		if err != nil {
			return nil, err
		}
		preds = append(preds, license.VendorID(id))
	}
	if p.Country != "" {
		preds = append(preds, license.EndUserState(p.Country))
	}
	if p.ExporterCountry != "" {
		preds = append(preds, license.ExportingState(p.ExporterCountry))
	}
	if p.AgencyID > 0 {
		preds = append(preds, license.EndUserAgencyID(p.AgencyID))
	}
	if p.Covers != "" {
		// The licences whose geography names the country, through the geography
		// rows' (country, license_id) index; see valueIn.
		preds = append(preds, valueIn(license.FieldID, licensegeography.Table, licensegeography.FieldLicenseID, licensegeography.Country(p.Covers)))
	}
	if p.ActiveOn != nil {
		preds = append(preds, activeOn(*p.ActiveOn))
	}
	if p.Q != "" {
		match, err := s.qFilter(ctx, license.Table, p.Q)
		if err != nil {
			return nil, err
		}
		preds = append(preds, predicate.License(match))
	}
	return preds, nil
}

// activeOn is the predicate of a licence valid on day d. Dates are stored as the first
// day of their period, so an end known only to the month or year reaches d when that
// period's first day is on or before the first day of d's month or year. A licence
// with no known start is not active on any day: valid_from <= day is not true of
// NULL. (An explicit IS NOT NULL beside it made the start a two-sided range, which
// SQLite, with no samples of the dates, weighs as selective enough to read the
// start's index and sort, rather than a country's or exporter's index in id order.)
func activeOn(d time.Time) predicate.License {
	day := d.Format(domain.DateLayout)
	month := domain.PeriodStart(d, domain.PrecisionMonth).Format(domain.DateLayout)
	year := domain.PeriodStart(d, domain.PrecisionYear).Format(domain.DateLayout)
	// valid_from <= day AND (valid_until IS NULL OR ((valid_until_precision IS NULL
	// OR valid_until_precision = 'day') AND valid_until >= day) OR (… 'month' …
	// month) OR (… 'year' … year)), written by one builder: composed of ent's
	// field predicates, it was 215 of the 329 allocations and two thirds of the
	// time of building an uncached list's query (BenchmarkLicenseListQuery).
	return func(s *entsql.Selector) {
		from, until, precision := s.C(license.FieldValidFrom), s.C(license.FieldValidUntil), s.C(license.FieldValidUntilPrecision)
		s.Where(entsql.P(func(b *entsql.Builder) {
			// In parentheses, so that it stays one condition under NOT or OR.
			b.WriteString("(").WriteString(from).WriteString(" <= ").Arg(day).
				WriteString(" AND (").WriteString(until).WriteString(" IS NULL").
				WriteString(" OR ((").WriteString(precision).WriteString(" IS NULL OR ").WriteString(precision).WriteString(" = ").Arg(license.ValidUntilPrecisionDay.String()).
				WriteString(") AND ").WriteString(until).WriteString(" >= ").Arg(day).WriteString(")")
			for _, end := range [...]struct {
				precision license.ValidUntilPrecision
				on        string
			}{{license.ValidUntilPrecisionMonth, month}, {license.ValidUntilPrecisionYear, year}} {
				b.WriteString(" OR (").WriteString(precision).WriteString(" = ").Arg(end.precision.String()).
					WriteString(" AND ").WriteString(until).WriteString(" >= ").Arg(end.on).WriteString(")")
			}
			b.WriteString("))")
		}))
	}
}

// licenses converts licences; their product ids must have been loaded with
// WithProducts.
func (s *Store) licenses(ctx context.Context, rows []*ent.License, drafts bool) ([]domain.License, error) {
	return withCitations(ctx, s, citation.RecordTypeLicense, rows, drafts, func(v *ent.License) int { return v.ID },
		func(v *ent.License, c []domain.Citation) domain.License {
			var products []domain.ID // null: unknown
			if v.ProductsKnown {
				products = make([]domain.ID, len(v.Edges.Products))
				for i, p := range v.Edges.Products {
					products[i] = domain.ID(p.ID)
				}
			}
			return domain.License{
				Record: rec(v.ID, v.Revision, string(v.Status), v.CreatedAt, v.UpdatedAt, v.RetractedAt, v.RetractionReason, c),
				LicenseFields: domain.LicenseFields{
					Kind:                  string(v.Kind),
					VendorID:              domain.IDPtr(v.VendorID),
					ProductIDs:            products,
					EndUserState:          v.EndUserState,
					EndUserAgencyID:       domain.IDPtr(v.EndUserAgencyID),
					ExportingState:        v.ExportingState,
					IssuingAuthority:      v.IssuingAuthority,
					Reference:             v.Reference,
					LicenseStatus:         string(v.LicenseStatus),
					DecisionDate:          domain.StoredDate(v.DecisionDate, enumPtr(v.DecisionDatePrecision)),
					DecisionDatePrecision: enumPtr(v.DecisionDatePrecision),
					MaxTargets:            v.MaxTargets,
					MaxConcurrentTargets:  v.MaxConcurrentTargets,
					VolumeNote:            v.VolumeNote,
					Geography:             v.Geography,
					GeographyNote:         v.GeographyNote,
					ValidFrom:             domain.StoredDate(v.ValidFrom, enumPtr(v.ValidFromPrecision)),
					ValidFromPrecision:    enumPtr(v.ValidFromPrecision),
					ValidUntil:            domain.StoredDate(v.ValidUntil, enumPtr(v.ValidUntilPrecision)),
					ValidUntilPrecision:   enumPtr(v.ValidUntilPrecision),
					DurationNote:          v.DurationNote,
					StatedPurpose:         enumPtr(v.StatedPurpose),
					PurposeSpecificity:    string(v.PurposeSpecificity),
					ControlListEntries:    v.ControlListEntries,
					Description:           v.Description,
				},
			}
		})
}

// setGeography rewrites a licence's geography rows (what the covers filter reads)
// from its geography list, in the transaction that writes the list.
func setGeography(ctx context.Context, c *ent.Client, id int, geography []string) error {
	if _, err := c.LicenseGeography.Delete().Where(licensegeography.LicenseID(id)).Exec(ctx); err != nil {
		return err
	}
	codes := slices.Compact(slices.Sorted(slices.Values(geography)))
	if len(codes) == 0 {
		return nil
	}
	rows := make([]*ent.LicenseGeographyCreate, len(codes))
	for i, code := range codes {
		rows[i] = c.LicenseGeography.Create().SetLicenseID(id).SetCountry(code)
	}
	return c.LicenseGeography.CreateBulk(rows...).Exec(ctx)
}

// setLicense writes a licence's fields, its products included, onto a mutation.
func setLicense(m *ent.LicenseMutation, f domain.LicenseFields) error {
	entries, err := normalizeEntries(f.ControlListEntries)
	if err != nil {
		return err
	}
	m.SetKind(license.Kind(f.Kind))
	opt(intPtr(f.VendorID), m.SetVendorID, m.ClearVendorID)
	m.ClearProducts()
	m.SetProductsKnown(f.ProductIDs != nil)
	for _, p := range f.ProductIDs {
		m.AddProductIDs(int(p))
	}
	opt(f.EndUserState, m.SetEndUserState, m.ClearEndUserState)
	opt(intPtr(f.EndUserAgencyID), m.SetEndUserAgencyID, m.ClearEndUserAgencyID)
	opt(f.ExportingState, m.SetExportingState, m.ClearExportingState)
	opt(f.IssuingAuthority, m.SetIssuingAuthority, m.ClearIssuingAuthority)
	opt(f.Reference, m.SetReference, m.ClearReference)
	m.SetLicenseStatus(license.LicenseStatus(orDefault(f.LicenseStatus, "unknown")))
	opt(domain.StoreDate(f.DecisionDate), m.SetDecisionDate, m.ClearDecisionDate)
	opt(enumOf[license.DecisionDatePrecision](f.DecisionDatePrecision), m.SetDecisionDatePrecision, m.ClearDecisionDatePrecision)
	opt(f.MaxTargets, m.SetMaxTargets, m.ClearMaxTargets)
	opt(f.MaxConcurrentTargets, m.SetMaxConcurrentTargets, m.ClearMaxConcurrentTargets)
	opt(f.VolumeNote, m.SetVolumeNote, m.ClearVolumeNote)
	optList(f.Geography, m.SetGeography, m.ClearGeography)
	opt(f.GeographyNote, m.SetGeographyNote, m.ClearGeographyNote)
	opt(domain.StoreDate(f.ValidFrom), m.SetValidFrom, m.ClearValidFrom)
	opt(enumOf[license.ValidFromPrecision](f.ValidFromPrecision), m.SetValidFromPrecision, m.ClearValidFromPrecision)
	opt(domain.StoreDate(f.ValidUntil), m.SetValidUntil, m.ClearValidUntil)
	opt(enumOf[license.ValidUntilPrecision](f.ValidUntilPrecision), m.SetValidUntilPrecision, m.ClearValidUntilPrecision)
	opt(f.DurationNote, m.SetDurationNote, m.ClearDurationNote)
	opt(enumOf[license.StatedPurpose](f.StatedPurpose), m.SetStatedPurpose, m.ClearStatedPurpose)
	m.SetPurposeSpecificity(license.PurposeSpecificity(orDefault(f.PurposeSpecificity, "unknown")))
	optList(entries, m.SetControlListEntries, m.ClearControlListEntries)
	opt(f.Description, m.SetDescription, m.ClearDescription)
	return nil
}
