package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	if *out == "" {
		return usageError{errors.New("export: --out DIR is required")}
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
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
	var bar *bar
	done := 0
	counts, err := dataset.LoadPath(domain.SystemContext(ctx), st, path, store.ImportOptions{
		DryRun:   *dry,
		Progress: func() { done++; bar.set(done) },
	}, func(total int) { bar = newBar(stdout, total, "importing") })
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		return explain(err)
	}
	verb := "imported"
	if *dry {
		verb = "checked (dry run, nothing written)"
	}
	fmt.Fprintf(stdout, "%s %v\n", verb, counts)
	return nil
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
	fmt.Fprintf(stdout, "synthetic registry (marked synthetic; not real data) in %s: %v\n", time.Since(start).Round(time.Millisecond), counts)
	return nil
}
