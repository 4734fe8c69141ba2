package store

import (
	"context"
	"database/sql"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/ent/product"
	"github.com/export-registry/registry/internal/domain"
)

// The store's own tests (package store_test) look beneath its methods: at the ent
// client, to prove the privacy policy refuses what a forgotten check would let
// through, and at the database, to read what no method shows.

// Client returns the store's ent client.
func Client(s *Store) *ent.Client { return s.client }

// DB returns the store's database connection.
func DB(s *Store) *sql.DB { return s.db }

// MigrateTo applies the migrations up to and including version last.
func MigrateTo(ctx context.Context, s *Store, last string) error { return s.migrateTo(ctx, last) }

// Mentions returns the countries and vendors a revision's record names.
var Mentions = mentions

// QColumns are the columns the q= filter searches, by table.
var QColumns = qColumns

// SetQIndexRows sets how many rows may contain q for SQLite's text index to answer
// it (1: only a q no row holds) and returns what puts it back.
func SetQIndexRows(n int) (restore func()) {
	old := qIndexRows
	qIndexRows = n
	return func() { qIndexRows = old }
}

// ListLicensesEnt lists licences through ent, as ListLicenses did before the raw
// read: the answer the raw read is held to.
func ListLicensesEnt(ctx context.Context, s *Store, p ListParams) ([]domain.License, string, error) {
	preds, err := s.licenseFilters(ctx, p)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.client.License.Query().Where(preds...).Order(ent.Asc(license.FieldID)).Limit(p.limit() + 1).
		WithProducts(func(pq *ent.ProductQuery) { pq.Select(product.FieldID) }).All(ctx)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(rows, p.limit(), func(v *ent.License) int { return v.ID })
	out, err := s.licenses(ctx, rows, p.Drafts)
	return out, next, err
}

// LicenseColumns names the columns the licences' raw read selects.
func LicenseColumns() []string {
	out := make([]string, len(licenseColumns))
	for i, c := range licenseColumns {
		out[i] = c.name
	}
	return out
}

// SetAsOfBatch sets how many revisions a list as of a time reads at a time.
func SetAsOfBatch(n int) { asOfBatch = n }

// DeltaBatch is how many records a delta reads at a time (tests make it small).
var DeltaBatch = &deltaBatch

// Restarted makes the store behave as a new process would with the licence
// documents: its pass over the documents of other builds starts again, and its
// document cache holds none.
func Restarted(s *Store) {
	s.pass.mu.Lock()
	defer s.pass.mu.Unlock()
	s.pass.after, s.pass.done = 0, false
	ForgetDocuments(s)
}

// ForgetDocuments empties the store's document cache.
func ForgetDocuments(s *Store) {
	if dc := s.documents; dc != nil {
		dc.mu.Lock()
		defer dc.mu.Unlock()
		dc.reset("")
	}
}

// CachedDocuments is how many documents the store's cache holds.
func CachedDocuments(s *Store) int {
	if s.documents == nil {
		return 0
	}
	s.documents.mu.Lock()
	defer s.documents.mu.Unlock()
	return len(s.documents.entries)
}

// LicensePageQuery is the query of the ids of a public page of licences, and its
// arguments.
func LicensePageQuery(ctx context.Context, s *Store, p ListParams) (string, []any, error) {
	query, args, _, err := s.licensePageQuery(ctx, p)
	return query, args, err
}

// LicenseDocumentsQuery is the query of the documents of the licences ids, and its
// arguments.
func LicenseDocumentsQuery(s *Store, ids []int) (string, []any) { return s.documentsQuery(ids) }
