package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/export-registry/registry/ent/citation"
	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/internal/domain"
)

// The licences' raw read (see rawread.go): the list and the exports read licences
// through it; a single licence (GetLicense) is read through ent, and a test holds
// the two to the same answer.

// licenseRow is a licence as scanned, and the values its record points into.
type licenseRow struct {
	id, revision                                                   int64
	status, kind, licenseStatus, purposeSpecificity                string
	createdAt, updatedAt                                           time.Time
	retractedAt                                                    sql.NullTime
	retractionReason                                               sql.NullString
	vendorID, endUserAgencyID, maxTargets, maxConcurrentTargets    sql.NullInt64
	endUserState, exportingState, issuingAuthority, reference      sql.NullString
	volumeNote, geographyNote, durationNote, description           sql.NullString
	statedPurpose                                                  sql.NullString
	decisionDate, validFrom, validUntil                            sql.NullString
	decisionDatePrecision, validFromPrecision, validUntilPrecision sql.NullString
	geography, controlListEntries                                  sql.NullString // JSON lists
	productsKnown                                                  bool

	// What the record points to, read from the scanned values.
	vendor, agency                                     domain.ID
	targets, concurrentTargets                         int
	decisionDateValue, validFromValue, validUntilValue domain.Date
}

// licenseColumns is the licence read's column list.
var licenseColumns = columns[licenseRow]{
	{license.FieldID, func(r *licenseRow) any { return &r.id }},
	{license.FieldCreatedAt, func(r *licenseRow) any { return &r.createdAt }},
	{license.FieldUpdatedAt, func(r *licenseRow) any { return &r.updatedAt }},
	{license.FieldRevision, func(r *licenseRow) any { return &r.revision }},
	{license.FieldStatus, func(r *licenseRow) any { return &r.status }},
	{license.FieldRetractedAt, func(r *licenseRow) any { return &r.retractedAt }},
	{license.FieldRetractionReason, func(r *licenseRow) any { return &r.retractionReason }},
	{license.FieldKind, func(r *licenseRow) any { return &r.kind }},
	{license.FieldVendorID, func(r *licenseRow) any { return &r.vendorID }},
	{license.FieldEndUserState, func(r *licenseRow) any { return &r.endUserState }},
	{license.FieldEndUserAgencyID, func(r *licenseRow) any { return &r.endUserAgencyID }},
	{license.FieldExportingState, func(r *licenseRow) any { return &r.exportingState }},
	{license.FieldIssuingAuthority, func(r *licenseRow) any { return &r.issuingAuthority }},
	{license.FieldReference, func(r *licenseRow) any { return &r.reference }},
	{license.FieldLicenseStatus, func(r *licenseRow) any { return &r.licenseStatus }},
	{license.FieldMaxTargets, func(r *licenseRow) any { return &r.maxTargets }},
	{license.FieldMaxConcurrentTargets, func(r *licenseRow) any { return &r.maxConcurrentTargets }},
	{license.FieldVolumeNote, func(r *licenseRow) any { return &r.volumeNote }},
	{license.FieldGeography, func(r *licenseRow) any { return &r.geography }},
	{license.FieldGeographyNote, func(r *licenseRow) any { return &r.geographyNote }},
	{license.FieldDurationNote, func(r *licenseRow) any { return &r.durationNote }},
	{license.FieldStatedPurpose, func(r *licenseRow) any { return &r.statedPurpose }},
	{license.FieldPurposeSpecificity, func(r *licenseRow) any { return &r.purposeSpecificity }},
	{license.FieldControlListEntries, func(r *licenseRow) any { return &r.controlListEntries }},
	{license.FieldDescription, func(r *licenseRow) any { return &r.description }},
	{license.FieldProductsKnown, func(r *licenseRow) any { return &r.productsKnown }},
	{license.FieldDecisionDate, func(r *licenseRow) any { return &r.decisionDate }},
	{license.FieldDecisionDatePrecision, func(r *licenseRow) any { return &r.decisionDatePrecision }},
	{license.FieldValidFrom, func(r *licenseRow) any { return &r.validFrom }},
	{license.FieldValidFromPrecision, func(r *licenseRow) any { return &r.validFromPrecision }},
	{license.FieldValidUntil, func(r *licenseRow) any { return &r.validUntil }},
	{license.FieldValidUntilPrecision, func(r *licenseRow) any { return &r.validUntilPrecision }},
}

// readLicenses reads a page of licences: those the predicates keep, in id order,
// limit of them, with their product ids and citations, and the cursor of the next
// page ("" when this is the last).
func (s *Store) readLicenses(ctx context.Context, preds []predicate.License, limit int, drafts bool) ([]domain.License, string, error) {
	query, args := selectPage(s.dialect, license.Table, licenseColumns, preds, limit+1)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, "", err
	}
	scanned, err := licenseColumns.scanAll(rows)
	if err != nil {
		return nil, "", err
	}
	scanned, next := page(scanned, limit, func(r *licenseRow) int { return int(r.id) })
	ids := make([]int, len(scanned))
	known := make([]int, 0, len(scanned))
	for i, r := range scanned {
		ids[i] = int(r.id)
		if r.productsKnown {
			known = append(known, ids[i])
		}
	}
	products, err := s.licenseProducts(ctx, known)
	if err != nil {
		return nil, "", err
	}
	cites, err := s.citations(ctx, citation.RecordTypeLicense, ids, drafts)
	if err != nil {
		return nil, "", err
	}
	out := make([]domain.License, len(scanned))
	for i, r := range scanned {
		if out[i], err = r.license(products, cites); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// license is the record of a scanned licence, pointing into the row.
func (r *licenseRow) license(products map[int][]domain.ID, cites map[int][]domain.Citation) (domain.License, error) {
	id := int(r.id)
	geography, err := decodeStrings(r.geography)
	if err != nil {
		return domain.License{}, fmt.Errorf("license %d: geography: %w", id, err)
	}
	entries, err := decodeStrings(r.controlListEntries)
	if err != nil {
		return domain.License{}, fmt.Errorf("license %d: control_list_entries: %w", id, err)
	}
	var productIDs []domain.ID // null: unknown
	if r.productsKnown {
		productIDs = nonNil(products[id])
	}
	return domain.License{
		Record: rec(id, int(r.revision), r.status, r.createdAt, r.updatedAt, nullTime(&r.retractedAt), nullString(&r.retractionReason), nonNil(cites[id])),
		LicenseFields: domain.LicenseFields{
			Kind:                  r.kind,
			VendorID:              nullID(r.vendorID, &r.vendor),
			ProductIDs:            productIDs,
			EndUserState:          nullString(&r.endUserState),
			EndUserAgencyID:       nullID(r.endUserAgencyID, &r.agency),
			ExportingState:        nullString(&r.exportingState),
			IssuingAuthority:      nullString(&r.issuingAuthority),
			Reference:             nullString(&r.reference),
			LicenseStatus:         r.licenseStatus,
			DecisionDate:          nullDate(r.decisionDate, &r.decisionDatePrecision, &r.decisionDateValue),
			DecisionDatePrecision: nullString(&r.decisionDatePrecision),
			MaxTargets:            nullInt(r.maxTargets, &r.targets),
			MaxConcurrentTargets:  nullInt(r.maxConcurrentTargets, &r.concurrentTargets),
			VolumeNote:            nullString(&r.volumeNote),
			Geography:             geography,
			GeographyNote:         nullString(&r.geographyNote),
			ValidFrom:             nullDate(r.validFrom, &r.validFromPrecision, &r.validFromValue),
			ValidFromPrecision:    nullString(&r.validFromPrecision),
			ValidUntil:            nullDate(r.validUntil, &r.validUntilPrecision, &r.validUntilValue),
			ValidUntilPrecision:   nullString(&r.validUntilPrecision),
			DurationNote:          nullString(&r.durationNote),
			StatedPurpose:         nullString(&r.statedPurpose),
			PurposeSpecificity:    r.purposeSpecificity,
			ControlListEntries:    entries,
			Description:           nullString(&r.description),
		},
	}, nil
}

// licenseProducts returns the product ids of licences by licence id, in the order
// ent's eager load gives them.
func (s *Store) licenseProducts(ctx context.Context, ids []int) (map[int][]domain.ID, error) {
	out := make(map[int][]domain.ID, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	b := entsql.Dialect(s.dialect)
	t := b.Table(license.ProductsTable)
	licenseID, productID := t.C(license.ProductsPrimaryKey[0]), t.C(license.ProductsPrimaryKey[1])
	query, args := b.Select(licenseID, productID).From(t).Where(inIDs(s.dialect, licenseID, ids)).OrderBy(licenseID, productID).Query()
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var licenseID, productID int64
		if err := rows.Scan(&licenseID, &productID); err != nil {
			return nil, err
		}
		out[int(licenseID)] = append(out[int(licenseID)], domain.ID(productID))
	}
	return out, rows.Err()
}

// nullString is the value of a nullable text, nil when null; it points into v.
func nullString(v *sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	return &v.String
}

// nullTime is a nullable time, nil when null; it points into v.
func nullTime(v *sql.NullTime) *time.Time {
	if !v.Valid {
		return nil
	}
	return &v.Time
}

// nullID is a nullable id kept in *into, nil when null.
func nullID(v sql.NullInt64, into *domain.ID) *domain.ID {
	if !v.Valid {
		return nil
	}
	*into = domain.ID(v.Int64)
	return into
}

// nullInt is a nullable integer kept in *into, nil when null.
func nullInt(v sql.NullInt64, into *int) *int {
	if !v.Valid {
		return nil
	}
	*into = int(v.Int64)
	return into
}

// nullDate is a stored date and its precision as the Date kept in *into, nil when
// null (domain.StoredDate without its allocation).
func nullDate(v sql.NullString, precision *sql.NullString, into *domain.Date) *domain.Date {
	if !v.Valid {
		return nil
	}
	*into = domain.StoredDateOf(v.String, nullString(precision))
	return into
}
