package store

import (
	"context"
	"database/sql"
	"fmt"

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
