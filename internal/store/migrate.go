package store

import (
	"context"
	stdsql "database/sql"
	"database/sql/driver"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	atlas "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/state"
	"github.com/export-registry/registry/internal/domain"
)

// migrations are generated from the ent schema by `make migration name=…` (see
// internal/store/gen) and committed; they are the only way the schema changes.
//
//go:embed migrations/sqlite/*.sql migrations/sqlite/atlas.sum migrations/postgres/*.sql migrations/postgres/atlas.sum
var migrations embed.FS

// Migrate applies every migration not yet applied, each in its own transaction, then
// makes sure the ISO 3166-1 reference data is present. It is safe to run at every
// start and from several instances at once on PostgreSQL (an advisory lock orders
// them).
func (s *Store) Migrate(ctx context.Context) error { return s.migrateTo(ctx, "") }

// migrateTo applies the migrations up to and including version last ("": all of
// them); a test stops at an earlier version to write rows a later one must keep.
func (s *Store) migrateTo(ctx context.Context, last string) error {
	files, err := s.migrationFiles()
	if err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if s.dialect == dialect.Postgres {
		// One migrator at a time; the lock ends with the session.
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7262617)"); err != nil {
			return fmt.Errorf("lock migrations: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(7262617)")
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(255) PRIMARY KEY, applied_at VARCHAR(40) NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	applied := map[string]bool{}
	rows, err := conn.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return err
	}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if s.dialect == dialect.SQLite {
		// SQLite changes a column by rebuilding its table: the old one is dropped, and
		// with foreign keys on that deletes the rows pointing at it (a licence's
		// products), nulls them (a termination's licence) or fails (a communication's
		// questions). PRAGMA foreign_keys is ignored inside a transaction, so the keys
		// are off around the migrations and checked before each commit: SQLite's own
		// procedure for schema changes. A connection that cannot turn them back on is
		// discarded, never returned to the pool without them.
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = off"); err != nil {
			return err
		}
		defer func() {
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = on"); err != nil {
				conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
	}
	ran := false
	for _, f := range files {
		if last != "" && f.version > last {
			break
		}
		if applied[f.version] {
			continue
		}
		ran = true
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, f.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", f.version, err)
		}
		if err := s.foreignKeyCheck(ctx, tx); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", f.version, err)
		}
		if _, err := tx.ExecContext(ctx, s.rebind("INSERT INTO schema_migrations (version, applied_at) VALUES (?, CURRENT_TIMESTAMP)"), f.version); err != nil {
			tx.Rollback()
			return fmt.Errorf("record migration %s: %w", f.version, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", f.version, err)
		}
	}
	if ran && s.dialect == dialect.SQLite {
		// An index a migration adds has no statistics beside the others' (SQLite
		// keeps them per index), and the planner would weigh it by its defaults:
		// refresh them when the database has any (an import wrote them).
		var analysed int
		if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").Scan(&analysed); err != nil {
			return err
		}
		if analysed > 0 {
			if err := s.analyze(ctx); err != nil {
				return err
			}
		}
	}
	return s.ensureStates(ctx)
}

// foreignKeyCheck fails when a SQLite migration left a row pointing at nothing (the
// check the keys would have made had they been on); PostgreSQL checks as it goes.
func (s *Store) foreignKeyCheck(ctx context.Context, tx *stdsql.Tx) error {
	if s.dialect != dialect.SQLite {
		return nil
	}
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid stdsql.NullInt64
		var parent string
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		return fmt.Errorf("a row of %s points at a missing row of %s", table, parent)
	}
	return rows.Err()
}

type migrationFile struct{ version, sql string }

// migrationFiles returns the dialect's up migrations in order, after checking them
// against their atlas.sum so that an edited or missing file is refused.
func (s *Store) migrationFiles() ([]migrationFile, error) {
	dir := "migrations/" + map[string]string{dialect.SQLite: "sqlite", dialect.Postgres: "postgres"}[s.dialect]
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	mem := &atlas.MemDir{}
	var files []migrationFile
	for _, e := range entries {
		b, err := fs.ReadFile(migrations, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if err := mem.WriteFile(e.Name(), b); err != nil {
			return nil, err
		}
		if v, ok := strings.CutSuffix(e.Name(), ".sql"); ok {
			files = append(files, migrationFile{version: v, sql: string(b)})
		}
	}
	if err := atlas.Validate(mem); err != nil {
		return nil, fmt.Errorf("migrations/%s do not match their atlas.sum: %w", s.dialect, err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].version < files[j].version })
	return files, nil
}

// rebind turns ? placeholders into PostgreSQL's $n.
func (s *Store) rebind(query string) string {
	if s.dialect != dialect.Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ensureStates inserts any missing ISO 3166-1 country: the reference data every
// country profile stands on.
func (s *Store) ensureStates(ctx context.Context) error {
	ctx = domain.SystemContext(ctx) // reference data is the registry's own
	all := domain.Countries()
	builders := make([]*ent.StateCreate, len(all))
	for i, c := range all {
		builders[i] = s.client.State.Create().SetID(c.Code).SetAlpha3(c.Alpha3).SetName(c.Name).SetOfficial(c.Official)
	}
	err := s.client.State.CreateBulk(builders...).
		OnConflict(sql.ConflictColumns(state.FieldID)).
		UpdateNewValues().
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("load ISO 3166-1 states: %w", err)
	}
	return nil
}
