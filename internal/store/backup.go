package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
)

// Backup writes a consistent copy of a SQLite registry to path while it serves:
// VACUUM INTO reads one snapshot (WAL lets writers go on) and writes a compact,
// self-contained file. PostgreSQL has its own tools for this (pg_dump).
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != dialect.SQLite {
		return errors.New("this registry is on PostgreSQL; back it up with pg_dump (see the README)")
	}
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return err
	}
	// The copy is checked before it is called a backup.
	c, err := Open(ctx, path)
	if err != nil {
		return fmt.Errorf("open the copy: %w", err)
	}
	defer c.Close()
	return c.Check(ctx)
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
			cols := make([]any, 0, 4)
			var first string
			cols = append(cols, &first)
			if pragma == "PRAGMA foreign_key_check" {
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
