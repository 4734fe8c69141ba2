// Package storetest opens the registry's store for tests: SQLite always, and
// PostgreSQL too when REGISTRY_TEST_POSTGRES_DSN names a server, each test on a fresh
// database of its own.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// EnvPostgres names the PostgreSQL server the store suite also runs on.
const EnvPostgres = "REGISTRY_TEST_POSTGRES_DSN"

// Dialects are the databases a test runs on: "sqlite", and "postgres" when
// REGISTRY_TEST_POSTGRES_DSN is set. Without it the PostgreSQL runs are skipped, and
// say so.
func Dialects() []string { return []string{"sqlite", "postgres"} }

// Each runs f as a subtest on a fresh, migrated store of each dialect.
func Each(t *testing.T, f func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(d, func(t *testing.T) {
			f(t, Open(t, d))
		})
	}
}

// Seeded is like Each, with the bundled dataset loaded.
func Seeded(t *testing.T, f func(t *testing.T, st *store.Store)) {
	t.Helper()
	Each(t, func(t *testing.T, st *store.Store) {
		if _, err := dataset.Load(domain.SystemContext(context.Background()), st, dataset.Bundled()); err != nil {
			t.Fatalf("load bundled dataset: %v", err)
		}
		f(t, st)
	})
}

// Open returns a fresh migrated store of the dialect, closed and dropped when the test
// ends.
func Open(t testing.TB, dialect string) *store.Store {
	t.Helper()
	ctx := context.Background()
	dsn := DSN(t, dialect)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", dialect, err)
	}
	dsns.Store(st, dsn)
	t.Cleanup(func() { dsns.Delete(st) })
	return st
}

// dsns remembers the database each store of Open is on, for Count.
var dsns sync.Map

// Count returns the number of rows in a table of the database under a store that
// Open returned, read beneath the store on a connection of its own: for tests that
// must see what the store's methods would not show (a half-written change, a row
// the store filters out).
func Count(t testing.TB, st *store.Store, table string) int {
	t.Helper()
	dsn, ok := dsns.Load(st)
	if !ok {
		t.Fatal("storetest.Count: the store was not opened by storetest.Open")
	}
	driver, name := "sqlite", dsn.(string)
	if st.Dialect() == "postgres" {
		driver = "pgx"
	}
	db, err := sql.Open(driver, name)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

var seq atomic.Int64

// DSN returns the address of a fresh empty database of the dialect: a SQLite file in
// the test's temporary directory, or a new database on the PostgreSQL server.
func DSN(t testing.TB, dialect string) string {
	t.Helper()
	switch dialect {
	case "sqlite":
		return filepath.Join(t.TempDir(), "registry.db")
	case "postgres":
		base := os.Getenv(EnvPostgres)
		if base == "" {
			t.Skipf("PostgreSQL run skipped: %s is not set", EnvPostgres)
		}
		return freshPostgres(t, base)
	}
	t.Fatalf("unknown dialect %q", dialect)
	return ""
}

// freshPostgres creates a database for one test on the server base names and drops
// it when the test ends.
func freshPostgres(t testing.TB, base string) string {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := fmt.Sprintf("registry_t%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, seq.Add(1))
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("postgres at %s is unreachable or refuses to create a database: %v", redact(base), err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgres dsn: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	return strings.Replace(u.Redacted(), "xxxxx", "***", 1)
}
