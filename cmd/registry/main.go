// Command registry serves and maintains the Surveillance Export Registry.
//
//	registry serve   [--addr A] [--metrics-addr M] [--db D] [--seed]   serve the API
//	registry migrate [--db D]                       apply migrations
//	registry user add|list|disable [--db D] …       manage staff accounts
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"syscall"
	"time"

	"github.com/export-registry/registry/internal/config"
	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "registry:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a mistake in the command line.
type usageError struct{ error }

const usage = `usage: registry COMMAND [flags]

commands:
  serve     serve the registry's API (--addr, --metrics-addr, --db, --seed, --review, --require-2fa)
  migrate   apply the database migrations (--db)
  export    write a snapshot of the public records: export --out DIR [--ftm FILE] (FollowTheMoney entities)
            [--delta FILE --from V [--to W]] (the changes between two dataset versions)
  import    load the export format, all or nothing: import [--dry-run] FILE|DIR
  intake    take a CSV, XLSX or MISP galaxy file in as drafts for review, matched against
            existing records, all or nothing: intake [--collection C] [--source ID]
            [--mapping M.json | --map header=field ...] [--dry-run] [--json] FILE
  backup    copy a SQLite registry while it serves: backup --out FILE
  seed-synthetic  fill an empty database with a generated registry, marked synthetic,
            for benchmarks: seed-synthetic --licenses N (default 100000)
  user      manage staff accounts:
              user add --email E --role admin|editor [--name N] --password-stdin
              user list
              user enable|disable --email E
              user reset-password --email E --password-stdin
              user role --email E --role admin|editor
              user reset-2fa --email E   (turn off a lost second factor)
              (disable, reset-password, reset-2fa and role end the account's sessions and tokens)

Run "registry COMMAND -h" for a command's flags.`

// run is the whole program, testable: it wires configuration, store and server.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return usageError{errors.New("no command")}
	}
	cfg := config.Load(getenv)
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		tuneGC(getenv)
		return serve(ctx, cfg, rest, stdout, stderr)
	case "migrate":
		return migrate(ctx, cfg, rest, stdout, stderr)
	case "user":
		return userCommand(ctx, cfg, rest, stdin, stdout, stderr)
	case "export":
		return exportCommand(ctx, cfg, rest, stdout, stderr)
	case "import":
		return importCommand(ctx, cfg, rest, stdout, stderr)
	case "intake":
		return intakeCommand(ctx, cfg, rest, stdout, stderr)
	case "backup":
		return backupCommand(ctx, cfg, rest, stdout, stderr)
	case "seed-synthetic":
		return seedSyntheticCommand(ctx, cfg, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		fmt.Fprintln(stderr, usage)
		return usageError{fmt.Errorf("unknown command %q", cmd)}
	}
}

// flags returns a command's flag set with the flags every data command shares.
func flags(name string, cfg *config.Config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "SQLite path or postgres:// URL (env REGISTRY_DB)")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error (env REGISTRY_LOG_LEVEL)")
	return fs
}

// parse parses a command's flags into cfg and validates the result.
func parse(fs *flag.FlagSet, args []string, cfg *config.Config) error {
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	return nil
}

// logger returns the structured logger, JSON on stderr.
func logger(cfg config.Config, stderr io.Writer) *slog.Logger {
	level, _ := cfg.Level()
	return slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
}

// openStore opens and migrates the database.
func openStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.DB, store.SQLiteMmap(int64(cfg.SQLiteMmapMiB)<<20), store.DocumentCache(cfg.DocumentCacheMiB<<20))
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return st, nil
}

func migrate(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flags("migrate", &cfg, stderr)
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(stdout, "migrated", cfg.RedactedDB())
	return nil
}

// tuneGC trades memory the registry has to spare for CPU: the collector runs a quarter
// as often (GOGC 400) until the heap nears 72 MiB, then as often as it must. Exports
// and profiles allocate much and keep little. With 100 MiB the process peaked at
// 148–154 MB while making an export, at the 150 MB budget; 80 MiB kept it near 135 MB
// for 7% more time (BENCHMARKS.md). The limit is the Go runtime's memory only: on
// SQLite the process also holds SQLite's page cache (a pool of 13 MB, store's
// sqlitecache.go) and its other allocations, outside it. 72 MiB keeps that scenario
// near 137 MB (145 MB with 80 MiB), and since exports read 2,500-licence pages the
// heap live during an export after it (33–39 MB with the cache full) leaves the
// collector more room under 72 MiB than the 5,000-licence pages left under 80. The
// response cache and the store's document cache (8 MiB unless
// REGISTRY_DOCUMENT_CACHE_MB says otherwise) take a quarter of whatever limit is set
// together (httpapi's cacheBudget), so full caches leave the collector room. GOGC and GOMEMLIMIT in the environment take
// precedence.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" && getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(gcMemoryLimit)
	}
}

// gcMemoryLimit is the Go runtime's soft memory limit when the environment sets none.
const gcMemoryLimit = 72 << 20

func serve(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flags("serve", &cfg, stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address host:port (env REGISTRY_ADDR)")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", cfg.MetricsAddr, "serve /metrics on this host:port of its own; unset: none (env REGISTRY_METRICS_ADDR)")
	fs.StringVar(&cfg.Review, "review", cfg.Review, "publishing rule: single, or two-person (a draft's last editor may not publish it) (env REGISTRY_REVIEW)")
	fs.StringVar(&cfg.Require2FA, "require-2fa", cfg.Require2FA, "whose accounts need a second factor: none, admins or all (env REGISTRY_REQUIRE_2FA)")
	seed := fs.Bool("seed", false, "load the bundled sourced dataset into an empty database")
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	log := logger(cfg, stderr)
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.PagePool(); err != nil {
		log.Warn("SQLite's page cache is not bounded by its pool: more memory, more reads of the file", "error", err)
	}
	if asked := int64(cfg.SQLiteMmapMiB) << 20; st.SQLiteMmap() != asked {
		log.Warn("SQLite maps less of its file than REGISTRY_SQLITE_MMAP_MB asks", "asked_mib", cfg.SQLiteMmapMiB, "mapped_bytes", st.SQLiteMmap())
	}
	if *seed {
		if err := seedBundled(ctx, st, log); err != nil {
			return err
		}
	}

	secret, err := cfg.Secret()
	if err != nil {
		return err
	}
	keys, err := st.SigningKeys(ctx, secret)
	if err != nil {
		return fmt.Errorf("signing keys: %w", err)
	}
	// Second factors enrolled before their secrets were sealed are sealed now.
	if n, err := st.SealTOTPSecrets(ctx); err != nil {
		return fmt.Errorf("seal TOTP secrets: %w", err)
	} else if n > 0 {
		log.Info("sealed TOTP secrets stored in plain text", "accounts", n)
	}
	proxies, _ := cfg.Proxies() // validated with the configuration
	synthetic, err := st.IsSynthetic(ctx)
	if err != nil {
		return err
	}
	if synthetic {
		log.Warn("this database holds a synthetic registry: generated data, not facts")
	}
	api := httpapi.New(st, log, httpapi.Options{Keys: keys, TrustedProxies: proxies, ReadRate: cfg.ReadRate, ReadBurst: cfg.ReadBurst, Synthetic: synthetic,
		ClientConcurrency: cfg.ClientConcurrency, MaxInFlight: cfg.MaxInFlight, Review: cfg.Review, Require2FA: cfg.Require2FA})
	defer func() {
		if err := api.Close(); err != nil {
			log.Warn("removing kept exports", "err", err)
		}
	}()
	// The public server first, then the metrics one: it shuts down last, so the
	// draining can still be watched.
	servers := []*http.Server{api.HTTPServer(cfg.Addr)}
	if cfg.MetricsAddr != "" {
		servers = append(servers, api.MetricsServer(cfg.MetricsAddr))
	}
	listeners := make([]net.Listener, 0, len(servers))
	defer func() {
		for _, ln := range listeners {
			ln.Close() // after Shutdown, already closed
		}
	}()
	for _, srv := range servers {
		ln, err := net.Listen("tcp", srv.Addr)
		if err != nil {
			return err
		}
		listeners = append(listeners, ln)
	}
	// The public listener closes a client's connections beyond its share at once.
	listeners[0] = httpapi.LimitConnections(listeners[0], cfg.ClientConnections, proxies)
	if len(listeners) > 1 {
		log.Info("serving metrics", "addr", listeners[1].Addr().String())
		fmt.Fprintf(stdout, "registry metrics on http://%s/metrics\n", listeners[1].Addr())
	}
	log.Info("serving", "addr", listeners[0].Addr().String(), "db", cfg.RedactedDB(), "sqlite_mmap_bytes", st.SQLiteMmap(), "document_cache_bytes", st.DocumentCacheBytes())
	fmt.Fprintf(stdout, "registry serving on http://%s\n", listeners[0].Addr())

	errc := make(chan error, len(servers))
	for i, srv := range servers {
		go func() { errc <- srv.Serve(listeners[i]) }()
	}
	var errs []error
	running := len(servers)
	select {
	case err := <-errc: // one server failed: stop the other too
		errs = append(errs, err)
		running--
	case <-ctx.Done():
	}
	// SIGTERM: stop accepting, let in-flight requests finish, then exit cleanly.
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	for _, srv := range servers {
		if err := srv.Shutdown(shutdownCtx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown: %w", err))
		}
	}
	for range running {
		errs = append(errs, <-errc)
	}
	return errors.Join(slices.DeleteFunc(errs, func(err error) bool { return errors.Is(err, http.ErrServerClosed) })...)
}

// seedBundled loads the bundled sourced dataset when the database holds no records
// yet; a database with records is left as it is.
func seedBundled(ctx context.Context, st *store.Store, log *slog.Logger) error {
	empty, err := st.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		log.Info("database holds records; bundled dataset not loaded")
		return nil
	}
	if synthetic, err := st.IsSynthetic(ctx); err != nil || synthetic {
		return errors.Join(err, errors.New("--seed: this database is marked synthetic; the sourced dataset is never mixed with generated data"))
	}
	counts, err := dataset.Load(domain.SystemContext(ctx), st, dataset.Bundled())
	if err != nil {
		return fmt.Errorf("load bundled dataset: %w", err)
	}
	log.Info("bundled dataset loaded", "counts", counts)
	return nil
}
