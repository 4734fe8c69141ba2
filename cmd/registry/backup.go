package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/export-registry/registry/internal/config"
)

// backupCommand writes a consistent copy of a SQLite registry while it serves.
// VACUUM INTO reads one snapshot of the database (WAL lets writers go on meanwhile)
// and writes a compact, self-contained file: restoring is copying it back.
// PostgreSQL has its own tools for this: pg_dump (see the README).
func backupCommand(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flags("backup", &cfg, stderr)
	out := fs.String("out", "", "the file to write the copy to (must not exist)")
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	if *out == "" {
		return usageError{errors.New("backup: --out FILE is required")}
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("backup: %s exists; choose a new file", *out)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *out); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", cfg.RedactedDB(), *out)
	return nil
}
