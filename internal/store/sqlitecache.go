package store

import (
	"errors"
	"fmt"
	"sync"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLite's page cache is one pool of lines of a page's size (SQLITE_CONFIG_PAGECACHE),
// made before the process opens its first connection.
//
// Without the pool, each cached 4 KiB page was a 4,360-byte allocation that modernc's
// allocator served from an 8 KiB slot, so half the cache's memory held nothing, and the
// cache was bounded only by the sum of the open connections' cache_size. With it, a
// page costs what it holds, and the pool bounds the cache of every connection of the
// process together: modernc builds SQLite with SQLITE_ENABLE_MEMORY_MANAGEMENT, so its
// connections share one LRU of pages, and once the pool is nearly used up a
// connection takes the least recently used page of any connection instead of
// allocating another. Under the load scenario's uncached lists that kept the pages every
// list reads (the documents' interior pages, the countries' index pages) in the
// cache: 121–124 reads of the file a list before, 91 after (about one per document),
// and the same or a lower peak RSS under load; a process holds the whole pool from its
// first connection, 11 MB more than before at rest (BENCHMARKS.md, session 11).

// sqlitePageSlots is how many pages the pool holds: 3,000 lines of 4,368 bytes (the
// page and SQLite's 272 bytes beside it), 13 MB in all, resident once the pool is
// made (SQLite links its free lines through them).
const sqlitePageSlots = 3000

// sqlitePageSize is the page size of the registry's SQLite files (SQLite's default),
// the size of a line's page.
const sqlitePageSize = 4096

// sqlitePagePool makes the pool, once a process. It must run before SQLite is
// initialized, which its first connection does: in a process that opened SQLite some
// other way first, SQLite refuses, the error says so, and the cache stays as it was
// (correct, only larger and slower).
var sqlitePagePool = sync.OnceValue(func() error {
	tls := libc.NewTLS()
	defer tls.Close()
	va := libc.Xmalloc(tls, types.Size_t(3*8)) // up to three arguments of 8 bytes
	if va == 0 {
		return errors.New("sqlite page pool: out of memory")
	}
	defer libc.Xfree(tls, va)
	hdr := libc.Xcalloc(tls, 1, 4) // an int
	if hdr == 0 {
		return errors.New("sqlite page pool: out of memory")
	}
	defer libc.Xfree(tls, hdr)
	// The bytes SQLite keeps beside each page, in the same line.
	if rc := sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PCACHE_HDRSZ, libc.VaList(va, hdr)); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("sqlite page pool: SQLite was initialized before the store opened it (code %d)", rc)
	}
	line := (sqlitePageSize + int(libc.AtomicLoadPInt32(hdr)) + 7) &^ 7
	pool := libc.Xmalloc(tls, types.Size_t(line*sqlitePageSlots)) // SQLite's for the life of the process
	if pool == 0 {
		return errors.New("sqlite page pool: out of memory")
	}
	if rc := sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PAGECACHE, libc.VaList(va, pool, int32(line), int32(sqlitePageSlots))); rc != sqlite3.SQLITE_OK {
		libc.Xfree(tls, pool)
		return fmt.Errorf("sqlite page pool: SQLite was initialized before the store opened it (code %d)", rc)
	}
	return nil
})
