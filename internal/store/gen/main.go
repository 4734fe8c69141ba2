// Command gen writes a new versioned migration for each dialect from the difference
// between the ent schema and the committed migrations, replayed on a scratch
// database: an in-memory SQLite, and a temporary database on the PostgreSQL server
// named by REGISTRY_DEV_POSTGRES_DSN (default: the local test server). A run with no
// schema change writes nothing.
//
// The objects the ent schema cannot describe and the migrations make by hand are
// left out of the comparison, so that gen never drops them: the q= filter's FTS5
// tables (<table>_fts and their shadow tables <table>_fts_*, whose triggers Atlas
// does not read) and pg_trgm GIN indexes (<table>_<column>_trgm), see
// internal/store/textsearch.go; and the licence documents (license_documents, its
// triggers and functions), see internal/store/licensedocs.go.
//
//	go run ./internal/store/gen NAME
package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	atlas "ariga.io/atlas/sql/migrate"
	atlasschema "ariga.io/atlas/sql/schema"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/export-registry/registry/ent/migrate"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gen NAME")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, name string) error {
	sqlite, err := sql.Open("sqlite", "file:gen?mode=memory&_pragma=foreign_keys(1)")
	if err != nil {
		return err
	}
	defer sqlite.Close()
	sqlite.SetMaxOpenConns(1) // one connection: the in-memory database lives in it
	if err := diff(ctx, sqlite, dialect.SQLite, "internal/store/migrations/sqlite", name); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}

	dsn := os.Getenv("REGISTRY_DEV_POSTGRES_DSN")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer admin.Close()
	scratch := fmt.Sprintf("registry_gen_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+scratch); err != nil {
		return fmt.Errorf("postgres: create scratch database: %w", err)
	}
	defer admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+scratch+" WITH (FORCE)")
	u, err := url.Parse(dsn)
	if err != nil {
		return err
	}
	u.Path = "/" + scratch
	pg, err := sql.Open("pgx", u.String())
	if err != nil {
		return err
	}
	defer pg.Close()
	if err := diff(ctx, pg, dialect.Postgres, "internal/store/migrations/postgres", name); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// diff replays the migrations in dir on the empty database db and writes the
// statements that bring it to the ent schema as a new migration file.
func diff(ctx context.Context, db *sql.DB, d, path, name string) error {
	dir, err := atlas.NewLocalDir(path)
	if err != nil {
		return err
	}
	return migrate.NewSchema(entsql.OpenDB(d, db)).NamedDiff(ctx, name,
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(d),
		schema.WithDropIndex(true),
		schema.WithDropColumn(true),
		schema.WithDiffHook(withoutHandMade),
		// Atlas's own format: one forward file per version, which replay can apply.
		schema.WithFormatter(atlas.DefaultFormatter),
	)
}

// withoutHandMade removes the hand-made text-search objects and licence documents from the replayed
// database's schema before it is compared with ent's.
func withoutHandMade(next schema.Differ) schema.Differ {
	return schema.DiffFunc(func(current, desired *atlasschema.Schema) ([]atlasschema.Change, error) {
		current.Tables = slices.DeleteFunc(current.Tables, func(t *atlasschema.Table) bool {
			return strings.HasSuffix(t.Name, "_fts") || strings.Contains(t.Name, "_fts_") || t.Name == "license_documents"
		})
		handMade := func(i *atlasschema.Index) bool { return strings.HasSuffix(i.Name, "_trgm") }
		for _, t := range current.Tables {
			t.Indexes = slices.DeleteFunc(t.Indexes, handMade)
			for _, c := range t.Columns {
				c.Indexes = slices.DeleteFunc(c.Indexes, handMade)
			}
		}
		return next.Diff(current, desired)
	})
}
