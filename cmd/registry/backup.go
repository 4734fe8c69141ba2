package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/export-registry/registry/internal/config"
)

// backupCommand writes a consistent copy of a SQLite registry while it serves,
// without the signing key, sessions and refresh tokens (see store.Backup).
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
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (without signing key and sessions: everyone logs in again after a restore)\n", cfg.RedactedDB(), *out)
	return nil
}
