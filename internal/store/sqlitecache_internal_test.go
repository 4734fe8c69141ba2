package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// TestSQLitePagesComeFromThePool: the process's SQLite page cache is the pool of
// sqlitecache.go. A connection allowed eighteen times the pool, reading twice as many
// pages as the pool holds, fills the pool and is held to it: its pages come from the
// pool's lines, and hardly any is allocated beside it.
func TestSQLitePagesComeFromThePool(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pool.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.PagePool(); err != nil {
		t.Fatalf("a SQLite store's page cache is not the pool: %v", err)
	}

	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	exec := func(q string) {
		t.Helper()
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("PRAGMA cache_size = -240000") // ~55,000 pages: this connection alone is not bounded
	exec("CREATE TABLE big (b BLOB)")
	// A row a page, 100 to a transaction: no transaction's dirty pages outgrow the
	// pool (pages being written stay in the cache until they are committed).
	for range 2 * sqlitePageSlots / 100 {
		exec("INSERT INTO big SELECT randomblob(3000) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) SELECT i FROM n)")
	}
	var total int64
	if err := conn.QueryRowContext(ctx, "SELECT sum(length(b)) FROM big").Scan(&total); err != nil {
		t.Fatal(err)
	}
	if want := int64(2 * sqlitePageSlots * 3000); total != want {
		t.Fatalf("read %d bytes, want %d", total, want)
	}

	used, overflow := sqlitePageStatus(t)
	t.Logf("pool lines in use: %d of %d; page cache allocated beside the pool: %d bytes", used, sqlitePageSlots, overflow)
	if used < sqlitePageSlots*9/10 {
		t.Errorf("after reading %d pages, %d of the pool's %d lines hold pages: the cache is not the pool", 2*sqlitePageSlots, used, sqlitePageSlots)
	}
	if limit := int64(100 * 8192); overflow > limit {
		t.Errorf("%d bytes of page cache allocated beside the pool (more than 100 pages): the pool does not bound the cache", overflow)
	}
}

// sqlitePageStatus returns how many of the pool's lines hold a page, and how many
// bytes of page cache SQLite allocated beside the pool (both now, for the process).
func sqlitePageStatus(t *testing.T) (used, overflow int64) {
	t.Helper()
	tls := libc.NewTLS()
	defer tls.Close()
	p := libc.Xcalloc(tls, 2, 8) // two int64s
	if p == 0 {
		t.Fatal("out of memory")
	}
	defer libc.Xfree(tls, p)
	read := func(op int32) int64 {
		if rc := sqlite3.Xsqlite3_status64(tls, op, p, p+8, 0); rc != sqlite3.SQLITE_OK {
			t.Fatalf("sqlite3_status64(%d): code %d", op, rc)
		}
		return libc.AtomicLoadPInt64(p)
	}
	return read(sqlite3.SQLITE_STATUS_PAGECACHE_USED), read(sqlite3.SQLITE_STATUS_PAGECACHE_OVERFLOW)
}
