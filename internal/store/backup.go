package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/setting"
	"github.com/export-registry/registry/internal/domain"
)

// Backup writes a consistent copy of a SQLite registry to path, a file that must not
// exist, while the registry serves: VACUUM INTO reads one snapshot (WAL lets writers
// go on) and writes a compact, self-contained file; restoring is copying it back.
//
// The copy leaves out what would let its reader act as staff: the generated signing
// key and every session and refresh token are deleted from it, and it is vacuumed
// again so that their bytes do not stay behind in free pages. A registry restored
// from it makes a new signing key at start, and everyone logs in again. Password
// hashes (argon2id) stay: the accounts must survive a restore. Second factors (TOTP
// secrets and recovery-code hashes) do not: a restored account enrols again. The file is made
// readable by its owner only.
//
// A PostgreSQL registry is refused: it is backed up with pg_dump (see the README).
func (s *Store) Backup(ctx context.Context, path string) (err error) {
	if s.dialect != dialect.SQLite {
		return errors.New("backup: this registry is on PostgreSQL; back it up with pg_dump (see the README)")
	}
	// Created empty here, which VACUUM INTO accepts, so that an existing file is
	// refused without a race and the copy gets private permissions from the start.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("backup: %s exists; choose a new file", path)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer func() {
		if err != nil { // a copy that may still hold keys must not be left behind
			for _, p := range []string{path, path + "-journal", path + "-wal", path + "-shm"} {
				os.Remove(p)
			}
		}
	}()
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := stripSecrets(ctx, path); err != nil {
		return fmt.Errorf("backup: remove keys and sessions from the copy: %w", err)
	}
	return nil
}

// stripSecrets deletes the signing key, the sessions and the refresh tokens from the
// SQLite file at path, then vacuums it. The copy is opened with a rollback journal,
// not WAL, so that it stays one file and no -wal file holds the deleted pages.
func stripSecrets(ctx context.Context, path string) error {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(DELETE)")
	q.Add("_pragma", "secure_delete(1)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	cp := &Store{client: ent.NewClient(ent.Driver(entsql.OpenDB(dialect.SQLite, db))), db: db, dialect: dialect.SQLite, seal: &secretSeal{}}
	ctx = domain.SystemContext(ctx) // the registry's own bookkeeping
	err = cp.inTx(ctx, func(tx *ent.Tx) error {
		// Refresh tokens first: they reference their sessions.
		if _, err := tx.RefreshToken.Delete().Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.Session.Delete().Exec(ctx); err != nil {
			return err
		}
		// Second factors: a secret in a backup would let its reader make codes. A
		// restored account logs in with its password and enrols again (which
		// REGISTRY_REQUIRE_2FA then demands).
		if _, err := tx.User.Update().ClearTotpSecret().SetTotpEnabled(false).ClearRecoveryCodes().ClearTotpLastStep().Save(ctx); err != nil {
			return err
		}
		_, err := tx.Setting.Delete().Where(setting.ID(signingKeySetting)).Exec(ctx)
		return err
	})
	if err != nil {
		return err
	}
	// VACUUM rebuilds the file from the live rows only: no free page keeps a key.
	if _, err := db.ExecContext(ctx, "VACUUM"); err != nil {
		return err
	}
	// The copy is checked before it is called a backup.
	if err := cp.Check(ctx); err != nil {
		return err
	}
	return db.Close()
}

// Check verifies a SQLite database's structure (integrity_check) and its references
// (foreign_key_check), and returns what it found wrong. PostgreSQL keeps both itself.
func (s *Store) Check(ctx context.Context) error {
	if s.dialect != dialect.SQLite {
		return nil
	}
	var problems []string
	for _, pragma := range []string{"PRAGMA integrity_check", "PRAGMA foreign_key_check"} {
		err := s.scanRows(ctx, pragma, nil, func(scan func(...any) error) error {
			var first string
			cols := []any{&first}
			if pragma == "PRAGMA foreign_key_check" { // table, rowid, parent, fkid
				var rowid, parent, fk any
				cols = append(cols, &rowid, &parent, &fk)
			}
			if err := scan(cols...); err != nil {
				return err
			}
			if first != "ok" {
				problems = append(problems, pragma+": "+first)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("database check failed: %s", strings.Join(problems, "; "))
	}
	return nil
}
