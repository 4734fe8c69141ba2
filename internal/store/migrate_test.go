package store_test

import (
	"context"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestMigrationKeepsRows: the migration that made a licence's products, its stated
// purpose and a communication's questions able to be unknown rebuilds those tables
// on SQLite; the rows pointing at them (a licence's products, a termination's
// licence, a communication's questions) survive it, a licence or communication that
// names some is known, one that names none is unknown, and the old default purpose
// "unspecified" becomes unknown.
func TestMigrationKeepsRows(t *testing.T) {
	migratedTo(t, "20261126233336_initial", func(t *testing.T, ctx context.Context, st *store.Store) {
		db := store.DB(st)
		now := "2026-01-01 00:00:00"
		for _, q := range []string{
			`INSERT INTO vendors (id, created_at, updated_at, status, slug, name) VALUES (1, '` + now + `', '` + now + `', 'published', 'v', 'V')`,
			`INSERT INTO products (id, created_at, updated_at, status, name, vendor_id) VALUES (1, '` + now + `', '` + now + `', 'published', 'P', 1)`,
			`INSERT INTO licenses (id, created_at, updated_at, status, kind, vendor_id, stated_purpose) VALUES (1, '` + now + `', '` + now + `', 'published', 'end_user_license', 1, 'serious_crime')`,
			`INSERT INTO licenses (id, created_at, updated_at, status, kind, vendor_id) VALUES (2, '` + now + `', '` + now + `', 'published', 'end_user_license', 1)`,
			`INSERT INTO license_products (license_id, product_id) VALUES (1, 1)`,
			`INSERT INTO terminations (id, created_at, updated_at, status, vendor_id, license_id) VALUES (1, '` + now + `', '` + now + `', 'published', 1, 1)`,
			`INSERT INTO communications (id, created_at, updated_at, status, sender) VALUES (1, '` + now + `', '` + now + `', 'published', 'S')`,
			`INSERT INTO communications (id, created_at, updated_at, status, sender) VALUES (2, '` + now + `', '` + now + `', 'published', 'S')`,
			`INSERT INTO questions (id, position, text, communication_id) VALUES (1, 1, 'Why?', 1)`,
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		ctx = domain.SystemContext(ctx)
		l1, err := st.GetLicense(ctx, 1, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(l1.ProductIDs) != 1 || l1.StatedPurpose == nil || *l1.StatedPurpose != "serious_crime" {
			t.Errorf("licence 1: products %v, purpose %v; want [1], serious_crime", l1.ProductIDs, l1.StatedPurpose)
		}
		l2, err := st.GetLicense(ctx, 2, true)
		if err != nil {
			t.Fatal(err)
		}
		if l2.ProductIDs != nil || l2.StatedPurpose != nil {
			t.Errorf("licence 2: products %#v, purpose %v; want both unknown", l2.ProductIDs, l2.StatedPurpose)
		}
		term, err := st.GetTermination(ctx, 1, true)
		if err != nil || term.LicenseID == nil {
			t.Errorf("termination 1 lost its licence: %+v, %v", term.LicenseID, err)
		}
		c1, err := st.GetCommunication(ctx, 1, true)
		if err != nil || len(c1.Questions) != 1 {
			t.Errorf("communication 1: questions %v, %v; want its one question", c1.Questions, err)
		}
		c2, err := st.GetCommunication(ctx, 2, true)
		if err != nil || c2.Questions != nil {
			t.Errorf("communication 2: questions %#v, %v; want unknown", c2.Questions, err)
		}
	})
}

// migratedTo runs f on each database with a new store migrated up to and including
// version, for a test that writes rows as they were before a later migration. On
// either database: migrations apply in the order of their names, so the later of a
// migration's two names (its SQLite and PostgreSQL timestamps may differ by a second)
// stops both after it.
func migratedTo(t *testing.T, version string, f func(t *testing.T, ctx context.Context, st *store.Store)) {
	t.Helper()
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			st, err := store.Open(ctx, storetest.DSN(t, d))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := store.MigrateTo(ctx, st, version); err != nil {
				t.Fatal(err)
			}
			f(t, ctx, st)
		})
	}
}
