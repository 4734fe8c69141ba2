package store

import (
	clist "container/list"
	"sync"
)

// The document cache holds the licence documents public lists read most, in the
// process, so that a list the response cache cannot answer (a one-off combination
// of filters and day) reads from the database only its licences' ids and the
// documents it does not hold. On 100,000 licences a SQLite miss was mostly the
// kernel reading those documents' pages, one read call each, as they lie one or two
// to a page over the whole file (BENCHMARKS.md, session 13); 8,000 documents, 9 MB,
// were 97% of the load scenario's reads (session 10). With 8 MiB, 86% of its lists'
// documents came from the cache, and the lists a second rose 1.2–1.7 times
// (session 14).
//
// Its entries are a dataset version's, like the response cache's: a document is
// taken only by a list that read the same version before it began, and kept only
// when it was read after that version was (so it shows that version's data or
// later); the first list of another version empties it. Every change to a
// licence's public JSON is a public change, which moves the version, as the response
// cache relies on (TestLicenseDocumentsFollowEveryChange holds lists answered from
// the cache to the licences' own read after each kind of change).

// documentCacheBytes is the default size of a store's document cache: about 6,600
// documents of 1.1 KB with their bookkeeping.
const documentCacheBytes = 8 << 20

// documentOverhead is what an entry costs beside its document: the map's slot, the
// list's element and the entry.
const documentOverhead = 160

type documentCache struct {
	mu       sync.Mutex
	version  string
	entries  map[int]*clist.Element // of *cachedDocument
	lru      clist.List             // front: the most recently used
	bytes    int
	maxBytes int
}

type cachedDocument struct {
	id   int
	body []byte
}

func newDocumentCache(maxBytes int) *documentCache {
	if maxBytes <= 0 {
		return nil
	}
	return &documentCache{entries: map[int]*clist.Element{}, maxBytes: maxBytes}
}

// take looks up the documents of ids for a list that read version: each held one
// is set in docs (at the id's index), and the indexes of those it does not hold are
// returned. A nil cache, or one of another version, holds none.
func (dc *documentCache) take(version string, ids []int, docs [][]byte) (missing []int) {
	if dc == nil || version == "" {
		for i := range ids {
			missing = append(missing, i)
		}
		return missing
	}
	dc.mu.Lock()
	defer dc.mu.Unlock()
	for i, id := range ids {
		el, ok := dc.entries[id]
		if !ok || version != dc.version {
			missing = append(missing, i)
			continue
		}
		dc.lru.MoveToFront(el)
		docs[i] = el.Value.(*cachedDocument).body
	}
	return missing
}

// keep holds the documents docs of licences ids (nil: none), read after version
// was; the caller gives up the bodies (no one changes them after). The cache holds
// another version's documents no longer; a document it holds already stays as it
// is, and one larger than the whole cache is not kept.
func (dc *documentCache) keep(version string, ids []int, docs [][]byte) {
	if dc == nil || version == "" || len(ids) == 0 {
		return
	}
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if version != dc.version {
		dc.reset(version)
	}
	for i, id := range ids {
		size := len(docs[i]) + documentOverhead
		if docs[i] == nil || size > dc.maxBytes {
			continue
		}
		if el, ok := dc.entries[id]; ok {
			// Taken from the cache, or kept by another list meanwhile: the same
			// version's document.
			dc.lru.MoveToFront(el)
			continue
		}
		dc.entries[id] = dc.lru.PushFront(&cachedDocument{id: id, body: docs[i]})
		dc.bytes += size
	}
	for dc.bytes > dc.maxBytes {
		oldest := dc.lru.Back()
		d := dc.lru.Remove(oldest).(*cachedDocument)
		delete(dc.entries, d.id)
		dc.bytes -= len(d.body) + documentOverhead
	}
}

// reset empties the cache for version's documents; dc.mu is held.
func (dc *documentCache) reset(version string) {
	clear(dc.entries)
	dc.lru.Init()
	dc.bytes, dc.version = 0, version
}
