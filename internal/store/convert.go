package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/export-registry/registry/ent/citation"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/internal/domain"
)

// What every collection's conversion from ent entities to the registry's record
// types shares (each collection's own is in its file): the common fields, and each
// page's citations loaded in one query so that no list does a query per row.

// visible returns the record statuses a reader may see.
func visible(drafts bool) []string {
	if drafts {
		return []string{domain.StatusDraft, domain.StatusPublished, domain.StatusRetracted}
	}
	return domain.PublicStatuses
}

// citations loads the citations of records of one type, with their sources, keyed by
// record id. Citations of sources the reader may not see are left out. It is one
// query joining the two tables, prepared (the ids are one argument): every record
// list and export runs it per page.
func (s *Store) citations(ctx context.Context, recordType citation.RecordType, ids []int, drafts bool) (map[int][]domain.Citation, error) {
	out := make(map[int][]domain.Citation, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	b := entsql.Dialect(s.dialect)
	c, src := b.Table(citation.Table).As("c"), b.Table(source.Table).As("s")
	query, args := b.Select(
		c.C(citation.FieldID), c.C(citation.FieldRecordID), c.C(citation.FieldSourceID), c.C(citation.FieldFields), c.C(citation.FieldLocator), c.C(citation.FieldConfidence),
		src.C(source.FieldTitle), src.C(source.FieldKind), src.C(source.FieldURL), src.C(source.FieldDocumentSymbol), src.C(source.FieldPublishedOn), src.C(source.FieldPublishedOnPrecision),
	).From(c).Join(src).On(c.C(citation.FieldSourceID), src.C(source.FieldID)).
		Where(entsql.And(
			entsql.EQ(c.C(citation.FieldRecordType), string(recordType)),
			inIDs(s.dialect, c.C(citation.FieldRecordID), ids),
			entsql.In(src.C(source.FieldStatus), anys(visible(drafts))...),
		)).
		// In the order of the (record_type, record_id) index the query walks, so SQLite
		// sorts nothing (by id alone it sorted every page's citations: a 1 MB buffer for
		// an export's 5,000 licences); each record's citations stay in id order.
		OrderBy(c.C(citation.FieldRecordID), c.C(citation.FieldID)).Query()
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			dc       domain.Citation
			recordID int
			fields   []byte
			ref      domain.SourceRef
			on       *string
		)
		if err := rows.Scan(&dc.ID, &recordID, &dc.SourceID, &fields, &dc.Locator, &dc.Confidence,
			&ref.Title, &ref.Kind, &ref.URL, &ref.DocumentSymbol, &on, &ref.PublishedOnPrecision); err != nil {
			return nil, err
		}
		if len(fields) > 0 {
			if err := json.Unmarshal(fields, &dc.Fields); err != nil {
				return nil, fmt.Errorf("citation %d: fields: %w", dc.ID, err)
			}
		}
		dc.Fields = nonNil(dc.Fields)
		ref.PublishedOn = domain.StoredDate(on, ref.PublishedOnPrecision)
		dc.Source = &ref
		out[recordID] = append(out[recordID], dc)
	}
	return out, rows.Err()
}

// anys converts strings to query arguments.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// nonNil returns an empty list for nil, for lists where null has no meaning.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// mapAll applies f to every row.
func mapAll[E, D any](rows []E, f func(E) D) []D {
	out := make([]D, len(rows))
	for i, r := range rows {
		out[i] = f(r)
	}
	return out
}

// withCitations converts rows and attaches their citations.
func withCitations[E, D any](ctx context.Context, s *Store, rt citation.RecordType, rows []E, drafts bool, id func(E) int, conv func(E, []domain.Citation) D) ([]D, error) {
	ids := make([]int, len(rows))
	for i, r := range rows {
		ids[i] = id(r)
	}
	cites, err := s.citations(ctx, rt, ids, drafts)
	if err != nil {
		return nil, err
	}
	out := make([]D, len(rows))
	for i, r := range rows {
		out[i] = conv(r, nonNil(cites[ids[i]]))
	}
	return out, nil
}

// rec builds the common part of a record.
func rec(id, revision int, status string, created, updated time.Time, retractedAt *time.Time, reason *string, cites []domain.Citation) domain.Record {
	if retractedAt != nil {
		t := retractedAt.UTC()
		retractedAt = &t
	}
	return domain.Record{
		ID: domain.ID(id), Status: status, Revision: revision,
		CreatedAt: created.UTC(), UpdatedAt: updated.UTC(),
		RetractedAt: retractedAt, RetractionReason: reason,
		Citations: cites,
	}
}

// enumPtr converts an optional ent enum to an optional string.
func enumPtr[E ~string](v *E) *string {
	if v == nil {
		return nil
	}
	s := string(*v)
	return &s
}
