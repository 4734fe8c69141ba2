package store

import (
	"context"
	"database/sql"

	"github.com/export-registry/registry/ent"
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

// DeltaBatch is how many records a delta reads at a time (tests make it small).
var DeltaBatch = &deltaBatch
