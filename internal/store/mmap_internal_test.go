package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// TestSQLiteMmap: a SQLite store opened with SQLiteMmap reads that much of its file
// through a memory map on every connection of its pool, and says so; without it, or
// on more than SQLite allows, it maps what SQLite took. A write on one connection is
// read on another that has mapped the file.
func TestSQLiteMmap(t *testing.T) {
	const sqliteMaxMmap = 0x7fff0000 // SQLITE_MAX_MMAP_SIZE of a Linux build
	for _, tc := range []struct {
		name        string
		opts        []Option
		asked, want int64
	}{
		{"unset", nil, 0, 0},
		{"off", []Option{SQLiteMmap(0)}, 0, 0},
		{"1 MiB", []Option{SQLiteMmap(1 << 20)}, 1 << 20, 1 << 20},
		{"over SQLite's bound", []Option{SQLiteMmap(4 << 30)}, 4 << 30, sqliteMaxMmap},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := Open(ctx, filepath.Join(t.TempDir(), "mmap.db"), tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if got := st.SQLiteMmap(); got != tc.want {
				t.Errorf("SQLiteMmap() = %d, want %d", got, tc.want)
			}
			// Three connections at once: each opened by the pool with the pragma.
			var conns []*sql.Conn
			for range 3 {
				c, err := st.db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				conns = append(conns, c)
			}
			for i, c := range conns {
				var n int64
				if err := c.QueryRowContext(ctx, "PRAGMA mmap_size").Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != tc.want {
					t.Errorf("connection %d maps %d bytes, want %d", i, n, tc.want)
				}
			}
			// Pages mapped by the second connection, then written by the first.
			exec := func(c *sql.Conn, q string) {
				t.Helper()
				if _, err := c.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			exec(conns[0], "CREATE TABLE t (s TEXT)")
			exec(conns[0], "INSERT INTO t SELECT printf('%0500d', value) FROM (WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 2000) SELECT value FROM n)")
			read := func() (n int, last string) {
				t.Helper()
				if err := conns[1].QueryRowContext(ctx, "SELECT count(*), max(s) FROM t").Scan(&n, &last); err != nil {
					t.Fatal(err)
				}
				return n, last
			}
			if n, _ := read(); n != 2000 {
				t.Fatalf("read %d rows, want 2000", n)
			}
			exec(conns[0], "UPDATE t SET s = 'z' || s WHERE rowid = 1000")
			exec(conns[0], "PRAGMA wal_checkpoint(TRUNCATE)") // the change in the file itself, read through the map
			if n, last := read(); n != 2000 || !strings.HasPrefix(last, "z") {
				t.Errorf("after a write on another connection: %d rows, greatest %.10q…; want 2000, the written one", n, last)
			}
		})
	}
}
