package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestMigrationsMatchSchema proves that migrating an empty database gives exactly the
// ent model: ent finds nothing left to change.
func TestMigrationsMatchSchema(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		var buf bytes.Buffer
		if err := store.Client(st).Schema.WriteTo(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		var stmts []string
		for _, line := range strings.Split(buf.String(), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || line == "BEGIN;" || line == "COMMIT;" || strings.HasPrefix(line, "--") {
				continue
			}
			stmts = append(stmts, line)
		}
		if len(stmts) > 0 {
			t.Errorf("the migrations differ from the ent schema; run `make migration name=…`. ent would still run:\n%s", strings.Join(stmts, "\n"))
		}
	})
}

// TestMigrateTwice shows that migrating is idempotent and keeps the reference data.
func TestMigrateTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		n, err := store.Client(st).State.Query().Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := len(domain.Countries()); n != want || want != 250 {
			t.Errorf("states = %d, want %d (249 ISO 3166-1 codes and XK)", n, want)
		}
		xk, err := st.GetState(ctx, "XK")
		if err != nil || xk.Official {
			t.Errorf("XK = %+v, %v; want present and not official", xk, err)
		}
		if _, err := st.GetState(ctx, "ZZ"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("ZZ: err = %v, want not found", err)
		}
	})
}
