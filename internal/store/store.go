// Package store opens the registry's database (SQLite by default, PostgreSQL in
// production), applies its migrations, and holds the registry's use cases over ent.
package store

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"           // registers the "sqlite" database/sql driver

	"github.com/export-registry/registry/ent"
	_ "github.com/export-registry/registry/ent/runtime" // registers the schemas' privacy policies and defaults
)

// Store is the registry's database: an ent client and the connection under it. Both
// stay inside this package: every read and write of the registry goes through a
// Store method, so the rules of what the public may see live in one place.
type Store struct {
	client  *ent.Client
	db      *sql.DB
	dialect string

	search *searchCache
	// versions reads the dataset version for requests that arrive together; nil in a
	// transaction's store, which reads it through the transaction.
	versions *versionReads
	// stmts are the raw reads' prepared statements; nil in a transaction's
	// store, which reads through the transaction.
	stmts *stmtCache
	// tally counts the published licences of every country per dataset version
	// (tally.go); nil in a transaction's store.
	tally *licenseTally

	prepared         sync.Mutex
	versionStatement *sql.Stmt

	// seal seals the TOTP secrets (see totpseal.go).
	seal *secretSeal

	// pass is where the store's pass over the licence documents other builds wrote
	// stands (licensedocs.go).
	pass passOverBuilds

	// pagePool is why SQLite's page cache is not the pool of sqlitecache.go (nil
	// when it is, and on PostgreSQL).
	pagePool error
	// mmap is the bytes of a SQLite file read through a memory map (SQLiteMmap).
	mmap int64
	// documents holds the licence documents public lists read most
	// (documentcache.go); nil when none are held, and in a transaction's store.
	documents *documentCache
}

// pgReadBuffer is how much of what PostgreSQL sends a connection reads at once. pgx
// reads 8 KiB a call: a page of 100 licence documents (110 KB) took 14 reads, each a
// system call, which is dear on a virtual machine (BENCHMARKS.md).
const pgReadBuffer = 64 << 10

// openPostgres opens a pool of pgx connections to dsn, each reading through
// pgReadBuffer.
func openPostgres(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn) // pgx masks a password in its errors (as well as it can in a malformed string)
	if err != nil {
		return nil, err
	}
	cfg.BuildFrontend = func(r io.Reader, w io.Writer) *pgproto3.Frontend {
		return pgproto3.NewFrontend(bufio.NewReaderSize(r, pgReadBuffer), w)
	}
	return stdlib.OpenDB(*cfg), nil
}

// Option sets how Open opens a database.
type Option func(*options)

type options struct {
	sqliteMmap     int64
	documentsBytes int
}

// SQLiteMmap has SQLite read the first bytes of its file through a memory map
// (PRAGMA mmap_size) instead of read calls: 0, the default, reads it all by calls.
// On the load scenario's uncached lists, where nearly every licence document read
// was a read call (a system call, dear on a virtual machine), mapping the whole file
// served 1.4 to 2 times the lists a second. Each connection maps the file apart, so
// the process's RSS counts a page once for every connection that read it; and an
// I/O error while reading a mapped page stops the process, where a read call's
// error fails one request (BENCHMARKS.md, session 13). PostgreSQL ignores it.
func SQLiteMmap(bytes int64) Option { return func(o *options) { o.sqliteMmap = bytes } }

// DocumentCacheBytes is the size of the store's cache of licence documents (0: it
// holds none).
func (s *Store) DocumentCacheBytes() int {
	if s.documents == nil {
		return 0
	}
	return s.documents.maxBytes
}

// DocumentCache sizes the cache of licence documents that public lists read
// (documentcache.go) to about bytes of memory; 0 holds none. The default is 8 MiB.
func DocumentCache(bytes int) Option { return func(o *options) { o.documentsBytes = bytes } }

// Open connects to dsn: a postgres:// (or postgresql://) URL opens PostgreSQL, anything
// else is a SQLite file path, created with its directory if missing. Open does not
// migrate; call Migrate.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	o := options{documentsBytes: documentCacheBytes}
	for _, opt := range opts {
		opt(&o)
	}
	var (
		db      *sql.DB
		d       string
		err     error
		poolErr error
	)
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		d = dialect.Postgres
		db, err = openPostgres(dsn)
		if err == nil {
			db.SetMaxOpenConns(20)
			db.SetMaxIdleConns(20)
			db.SetConnMaxIdleTime(5 * time.Minute)
		}
	default:
		d = dialect.SQLite
		poolErr = sqlitePagePool() // before the first connection (sqlitecache.go)
		db, err = openSQLite(dsn, o.sqliteMmap)
		if err == nil {
			// database/sql keeps 2 idle connections by default. A profile reads its
			// ten sections at once and the server admits several such reads, so most
			// connections were closed as soon as they were returned: the next read
			// opened the file again, parsed the schema and started with an empty
			// page cache (each SQLite connection has its own). Keep enough of them.
			db.SetMaxIdleConns(sqliteIdleConns)
			db.SetConnMaxIdleTime(5 * time.Minute)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	var mmap int64
	if d == dialect.SQLite && o.sqliteMmap > 0 {
		// What SQLite took: it lowers what is over its bound, and a build without
		// memory maps takes nothing.
		if err := db.QueryRowContext(pingCtx, "PRAGMA mmap_size").Scan(&mmap); err != nil {
			db.Close()
			return nil, fmt.Errorf("connect to database: %w", err)
		}
	}
	drv := entsql.OpenDB(d, db)
	s := &Store{client: ent.NewClient(ent.Driver(drv)), db: db, dialect: d, search: &searchCache{}, seal: &secretSeal{}, tally: &licenseTally{},
		pagePool: poolErr, mmap: mmap, documents: newDocumentCache(o.documentsBytes)}
	s.versions = &versionReads{read: s.readVersion}
	s.stmts = &stmtCache{}
	return s, nil
}

// sqliteIdleConns is how many SQLite connections stay open between reads: the ten
// sections of a profile read at once, and a few reads are admitted together.
const sqliteIdleConns = 16

// sqliteCacheKiB is how much of SQLite's page cache one connection may hold, in KiB
// (PRAGMA cache_size of -sqliteCacheKiB; about 940 pages). The cache of every
// connection together is the pool of sqlitecache.go (3,000 pages); this keeps a
// connection that reads much at once (an export's pages) from taking all of it from
// the lists. Each connection's cache was 1,000 KiB before the pool, when that bound
// was the only one: with the default, the five connections of the mixed load scenario
// held up to 20 MB of cache, and the process peaked at 157–162 MB (BENCHMARKS.md).
const sqliteCacheKiB = 4000

// openSQLite opens a SQLite file with the pragmas the registry depends on: foreign
// keys (ent refuses to migrate without them), WAL so readers never block the writer,
// a busy timeout so writers queue instead of failing, immediate write transactions so
// a transaction that reads before it writes cannot deadlock into SQLITE_BUSY, and
// _time_format=sqlite so SQLite's date functions can read stored times; and the
// bytes of the file read through a memory map (SQLiteMmap), when not 0.
func openSQLite(path string, mmap int64) (*sql.DB, error) {
	path = strings.TrimPrefix(path, "sqlite://")
	path = strings.TrimPrefix(path, "file:")
	if path == "" {
		return nil, errors.New("empty database path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	// NORMAL is durable in WAL mode against a process crash; only an OS crash or power
	// loss may lose the last transactions, never corrupt the database.
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", sqliteCacheKiB))
	if mmap > 0 {
		q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", mmap))
	}
	q.Add("_time_format", "sqlite")
	q.Add("_txlock", "immediate")
	return sql.Open("sqlite", "file:"+path+"?"+q.Encode())
}

// within returns a store whose reads go through a transaction's client.
func (s *Store) within(c *ent.Client) *Store {
	return &Store{client: c, db: s.db, dialect: s.dialect, seal: s.seal}
}

// SQLiteMmap is how many bytes of the SQLite file, from its start, each connection
// reads through a memory map (the SQLiteMmap option as SQLite took it): 0 when none,
// and on PostgreSQL.
func (s *Store) SQLiteMmap() int64 { return s.mmap }

// PagePool reports why SQLite's page cache is not the process's pool of pages
// (sqlitecache.go): nil when it is, and on PostgreSQL. The store works either way.
func (s *Store) PagePool() error { return s.pagePool }

// Dialect names the database: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// Close closes the database.
func (s *Store) Close() error { return s.client.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }
