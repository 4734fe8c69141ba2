package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/export-registry/registry/internal/config"
	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// exportCommand writes a snapshot of the public records.
func exportCommand(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flags("export", &cfg, stderr)
	out := fs.String("out", "", "the directory to write the snapshot to")
	ftm := fs.String("ftm", "", "also (or only) write every public record as FollowTheMoney entities, one a line, to this file")
	delta := fs.String("delta", "", "also (or only) write the changes between dataset versions --from and --to, one operation a line, to this file")
	from := fs.Int64("from", -1, "with --delta: the earlier dataset version (0: the empty registry)")
	to := fs.Int64("to", -1, "with --delta: the later dataset version (default: the current one)")
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	if *out == "" && *ftm == "" && *delta == "" {
		return usageError{errors.New("export: --out DIR (a snapshot), --ftm FILE (FollowTheMoney entities) or --delta FILE --from V [--to W] (the changes between two versions) is required")}
	}
	if *delta != "" && *from < 0 {
		return usageError{errors.New("export --delta: --from V, the dataset version the delta starts from (0 for the empty registry), is required")}
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if *ftm != "" {
		if err := exportFile(ctx, st, *ftm, func(ts *store.Store, w io.Writer) error { return dataset.WriteFtM(ctx, ts, w) }); err != nil {
			return fmt.Errorf("export --ftm: %w", err)
		}
		fmt.Fprintf(stdout, "wrote FollowTheMoney entities to %s\n", *ftm)
	}
	if *delta != "" {
		var until int64
		err := exportFile(ctx, st, *delta, func(ts *store.Store, w io.Writer) error {
			if until = *to; until < 0 {
				v, err := ts.DatasetVersion(ctx)
				if err != nil {
					return err
				}
				if until, err = strconv.ParseInt(v, 10, 64); err != nil {
					return err
				}
			}
			if err := ts.CheckDeltaVersions(ctx, *from, until); err != nil {
				return err
			}
			return dataset.WriteDelta(ctx, ts, w, *from, until)
		})
		if err != nil {
			return fmt.Errorf("export --delta: %w", err)
		}
		fmt.Fprintf(stdout, "wrote the changes from dataset version %d to %d to %s\n", *from, until, *delta)
	}
	if *out == "" {
		return nil
	}
	bar := newBar(stdout, -1, "exporting")
	m, err := dataset.Export(ctx, st, *out, func(n int) { bar.set(n) })
	bar.finish()
	if err != nil {
		return err
	}
	total := 0
	for _, n := range m.Counts {
		total += n
	}
	fmt.Fprintf(stdout, "exported %d records, dataset version %s, to %s\n%s\n", total, m.DatasetVersion, *out, m.HowToCite)
	return nil
}

// importCommand loads the export format.
func importCommand(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flags("import", &cfg, stderr)
	dry := fs.Bool("dry-run", false, "check everything, change nothing")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("import: want one FILE or DIR")}
	}
	path := fs.Arg(0)
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	b, lines, err := dataset.ReadPath(path)
	if err != nil {
		return err
	}
	dryRun := ""
	if *dry {
		dryRun = "dry run, nothing written: "
	}
	// An import creates records with their ids and never overwrites one: records the
	// database holds already are named before anything is tried.
	existing, err := st.Existing(ctx, b)
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return errors.New(dryRun + existingReport(path, b, existing))
	}
	bar := newBar(stdout, dataset.Count(b), "importing")
	done := 0
	counts, err := st.ImportWith(domain.SystemContext(ctx), b, store.ImportOptions{
		DryRun:   *dry,
		Progress: func() { done++; bar.set(done) },
	})
	bar.finish()
	if err != nil {
		return explainImport(dryRun+"the import would fail at ", lines.Locate(err))
	}
	verb := "imported"
	if *dry {
		verb = dryRun + "the import would create"
	}
	fmt.Fprintf(stdout, "%s %s\n", verb, summary(counts))
	return nil
}

// summary says how many records of each collection, in the import's order:
// "23 records: 8 sources, 1 vendor, 0 agencies, …".
func summary(counts map[string]int) string {
	total, parts := 0, []string{}
	for _, c := range store.Collections {
		total += counts[c]
		parts = append(parts, records(counts[c], c))
	}
	return records(total, "records") + ": " + strings.Join(parts, ", ")
}

// records says n records of a collection, singular for one ("1 licence").
func records(n int, collection string) string {
	name := strings.ReplaceAll(collection, "license", "licence") // as the pages spell it
	if n == 1 {
		switch {
		case strings.HasSuffix(name, "ies"):
			name = strings.TrimSuffix(name, "ies") + "y"
		default:
			name = strings.TrimSuffix(name, "s")
		}
	}
	return strconv.Itoa(n) + " " + name
}

// existingReport says which of a batch's records the database holds already.
func existingReport(path string, b store.Batch, existing map[string][]int) string {
	inBatch := map[string]int{"sources": len(b.Sources), "vendors": len(b.Vendors), "products": len(b.Products),
		"agencies": len(b.Agencies), "licenses": len(b.Licenses), "terminations": len(b.Terminations),
		"allegations": len(b.Allegations), "communications": len(b.Communications)}
	n := 0
	var lines []string
	for _, c := range store.Collections {
		if ids := existing[c]; len(ids) > 0 {
			n += len(ids)
			lines = append(lines, fmt.Sprintf("  %s: %d of %d, %s", strings.ReplaceAll(c, "license", "licence"), len(ids), inBatch[c], idRanges(ids)))
		}
	}
	return fmt.Sprintf("the import would fail: %d of the %s in %s already exist in this database, by id "+
		"(an import creates records with their ids and never overwrites one):\n%s\n"+
		"Import into an empty database (--db), or leave these records out of %s.",
		n, records(dataset.Count(b), "records"), path, strings.Join(lines, "\n"), path)
}

// idRanges writes ascending ids as ranges: "ids 1-8, 12", at most 20 ranges.
func idRanges(ids []int) string {
	var parts []string
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		if len(parts) == 20 {
			parts = append(parts, "…")
			break
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", ids[i], ids[j]))
		} else {
			parts = append(parts, strconv.Itoa(ids[i]))
		}
		i = j + 1
	}
	if len(ids) == 1 {
		return "id " + parts[0]
	}
	return "ids " + strings.Join(parts, ", ")
}

// explainImport says where an import failed (file and line) and why, in words.
func explainImport(prefix string, err error) error {
	var le *dataset.LineError
	if !errors.As(err, &le) || domain.ErrorCode(err) == domain.EINTERNAL {
		return explain(err)
	}
	where := fmt.Sprintf("%s line %d", le.File, le.Line)
	return fmt.Errorf("%s%s: %w", prefix, where, explain(le.Err))
}

// bar is a progress bar shown only when the output is a terminal.
type bar struct{ pb *progressbar.ProgressBar }

func newBar(w io.Writer, total int, what string) *bar {
	f, ok := w.(*os.File)
	if !ok || !isatty.IsTerminal(f.Fd()) {
		return &bar{}
	}
	return &bar{pb: progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())}
}

func (b *bar) set(n int) {
	if b != nil && b.pb != nil {
		_ = b.pb.Set(n)
	}
}

func (b *bar) finish() {
	if b != nil && b.pb != nil {
		_ = b.pb.Finish()
	}
}

// seedSyntheticCommand builds a synthetic registry for benchmarks.
func seedSyntheticCommand(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flags("seed-synthetic", &cfg, stderr)
	n := fs.Int("licenses", 100_000, "how many licences; the other collections are proportional")
	seed := fs.Uint64("seed", 1, "the generator's seed: the same seed gives the same registry")
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	var bar *bar
	counts, err := dataset.Synthetic(domain.SystemContext(ctx), st, dataset.SyntheticOptions{Licenses: *n, Seed: *seed,
		Progress: func(done, total int) {
			if bar == nil {
				bar = newBar(stdout, total, "generating")
			}
			bar.set(done)
		}})
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "synthetic registry (marked synthetic; not real data) in %s: %s\n", time.Since(start).Round(time.Millisecond), summary(counts))
	return nil
}

// exportFile writes what write makes of one consistent state of the database to
// path, whole or not at all (a temporary file renamed into place).
func exportFile(ctx context.Context, st *store.Store, path string, write func(ts *store.Store, w io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	w := bufio.NewWriter(f)
	if err := st.Snapshot(ctx, func(ts *store.Store) error { return write(ts, w) }); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
