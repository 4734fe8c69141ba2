package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/export-registry/registry/internal/config"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/intake"
)

// mapFlags collects repeated --map header=field flags.
type mapFlags []string

func (m *mapFlags) String() string     { return strings.Join(*m, ",") }
func (m *mapFlags) Set(v string) error { *m = append(*m, v); return nil }

// intakeCommand takes a file in as drafts, as the API's POST /api/v1/intake does,
// acting as the registry itself.
func intakeCommand(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flags("intake", &cfg, stderr)
	collection := fs.String("collection", "", "a sheet's collection (vendors, products, agencies, sources, licenses, terminations, allegations, communications)")
	format := fs.String("format", "", "csv, xlsx or misp-galaxy (default: from the file's name)")
	mapping := fs.String("mapping", "", "a JSON file mapping the sheet's headers to fields ({\"Company\": \"name\"})")
	source := fs.String("source", "", "id of the existing source every created record cites (required for a sheet, unless of sources)")
	dry := fs.Bool("dry-run", false, "report what would be created, matched and refused; write nothing")
	asJSON := fs.Bool("json", false, "write the report as JSON")
	var maps mapFlags
	fs.Var(&maps, "map", "header=field: a sheet's column and the field it gives (repeatable)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("intake: want one FILE")}
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	path := fs.Arg(0)
	body, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	m, err := intake.ParseMapping(maps)
	if err != nil {
		return usageError{fmt.Errorf("intake --map: %w", err)}
	}
	if *mapping != "" {
		b, err := os.ReadFile(*mapping)
		if err != nil {
			return err
		}
		var fromFile map[string]string
		if err := json.Unmarshal(b, &fromFile); err != nil {
			return usageError{fmt.Errorf("intake --mapping %s: want a JSON object of header: field: %w", *mapping, err)}
		}
		for h, f := range fromFile {
			if _, ok := m[h]; !ok { // a --map flag overrides the file
				m[h] = f
			}
		}
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	req := httpapi.IntakeRequest{Name: path, Body: body, Source: *source, DryRun: *dry}
	req.Format, req.Collection, req.Mapping = *format, *collection, m
	rep, err := httpapi.Intake(domain.SystemContext(ctx), st, req)
	if rep.Format != "" || len(rep.Refused) > 0 {
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			if werr := enc.Encode(rep); werr != nil {
				return werr
			}
		} else if werr := rep.WriteText(stdout); werr != nil {
			return werr
		}
	}
	if err != nil && len(rep.Refused) > 0 {
		return fmt.Errorf("intake: %d problems in %s; nothing was written", len(rep.Refused), path)
	}
	return err
}
