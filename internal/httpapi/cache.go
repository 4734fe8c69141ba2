package httpapi

import (
	"bytes"
	"compress/gzip"
	clist "container/list"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/export-registry/registry/internal/httpx"
	"github.com/export-registry/registry/internal/web"
	"github.com/labstack/echo/v4"
)

// versionKey is where the cache leaves the dataset version it read, so the handler
// does not read it again.
const versionKey = "registry.dataset_version"

// version returns the dataset version of this request's answer.
func (s *Server) version(c echo.Context) (string, error) {
	if v, ok := c.Get(versionKey).(string); ok {
		return v, nil
	}
	v, err := s.store.DatasetVersion(c.Request().Context())
	if err == nil {
		c.Set(versionKey, v)
	}
	return v, err
}

// responseCache keeps public answers by dataset version and request. An answer
// depends only on the public data, which the dataset version names, and on the
// request; so an entry is right for as long as the version stands, on every instance
// that reads the same database. The version is read from the database on every
// request: a change made through another instance is seen at once.
type responseCache struct {
	mu       sync.Mutex
	version  string
	entries  map[string]*clist.Element
	lru      *clist.List
	size     int
	maxBytes int
	// making holds, per version and key, a channel closed once the answer being made
	// is kept: requests for it wait instead of each making it (a new version finds a
	// thousand readers of one page).
	making map[string]chan struct{}
	// seen is the doorkeeper: the hash of the key of each answer about to be made
	// (sight), in the slot its hash names, so that an answer is kept only the second
	// time it is made: the first goes straight to its client. A crawler's or a notebook's
	// one-off lists then do not push the answers readers come back to out of the
	// cache (TinyLFU's doorkeeper; BENCHMARKS.md, session 12). A slot
	// is taken by the next key that hashes to it: under a stream of one-off answers an
	// answer asked for again within some seconds is still kept, and at rest a key is
	// remembered until another takes its slot.
	seen [seenSlots]uint64
}

// seenSlots is the size of the doorkeeper (512 KiB).
const seenSlots = 1 << 16

type cachedResponse struct {
	key    string
	status int
	header http.Header
	body   []byte

	gzipOnce sync.Once
	gzipped  []byte // the body compressed, made when a client first asks for gzip
}

// maxCachedBody bounds one entry; larger answers are served uncached.
const maxCachedBody = 2 << 20

// cacheBudget is the response cache's size for a process whose soft memory limit is
// limit (math.MaxInt64: none), beside a store whose document cache holds documents
// bytes: the caches together take a quarter of the limit, at most 64 MiB, and the
// response cache at least a quarter of that. Caches are live heap the collector can
// never free; were they most of the limit, every collection would find the heap
// still near the limit and the collector would run almost without pause (with 64 MiB
// inside 80 MiB it did: BENCHMARKS.md, Memory). With the 8 MiB document cache beside
// an 18 MiB response cache, the first NDJSON export after the mixed load scenario
// took 1.7–2.1 s against 1.6 s with no document cache (session 14).
func cacheBudget(limit int64, documents int) int {
	caches := int(min(limit/4, 64<<20))
	return max(caches-documents, caches/4)
}

func newResponseCache(maxBytes int) *responseCache {
	return &responseCache{entries: map[string]*clist.Element{}, lru: clist.New(), maxBytes: maxBytes, making: map[string]chan struct{}{}}
}

func (rc *responseCache) get(version, key string) *cachedResponse {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if version != rc.version {
		return nil
	}
	if el, ok := rc.entries[key]; ok {
		rc.lru.MoveToFront(el)
		return el.Value.(*cachedResponse)
	}
	return nil
}

// sight tells the doorkeeper an answer of key is about to be made, and reports
// whether it was told so before (its slot not taken since by another key).
func (rc *responseCache) sight(key string) (seen bool) {
	h := xxhash.Sum64String(key) | 1 // never 0, an empty slot
	rc.mu.Lock()
	defer rc.mu.Unlock()
	slot := &rc.seen[h%seenSlots]
	if *slot == h {
		return true
	}
	*slot = h
	return false
}

// keep puts an answer made by a request in the cache: one the doorkeeper has seen
// (sight), as every answer made through make is.
func (rc *responseCache) keep(version string, r *cachedResponse) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.add(version, r)
}

// add keeps an answer; rc.mu is held.
func (rc *responseCache) add(version string, r *cachedResponse) {
	if version != rc.version {
		// A new dataset version: every older answer is stale.
		rc.version, rc.entries, rc.size = version, map[string]*clist.Element{}, 0
		rc.lru.Init()
	}
	if _, ok := rc.entries[r.key]; ok {
		return
	}
	rc.entries[r.key] = rc.lru.PushFront(r)
	rc.size += r.bytes()
	rc.evict()
}

// make registers a request about to make the answer of key at version. The first is
// told to make it (done, to call after keeping it); the others get a channel that is
// closed when it is made.
func (rc *responseCache) make(version, key string) (wait <-chan struct{}, done func()) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	k := version + "\x00" + key
	if made, ok := rc.making[k]; ok {
		return made, nil
	}
	made := make(chan struct{})
	rc.making[k] = made
	return nil, func() {
		rc.mu.Lock()
		delete(rc.making, k)
		rc.mu.Unlock()
		close(made)
	}
}

// gzipWriters are gzip writers at BestSpeed to compress answers with. A new writer
// allocates 846 KB of compressor state, which cost four times the compressing of a
// 108 KB list with it (430 against 109 µs) and made a gzip client's uncached list
// cost twice a plain one (`BenchmarkLicenseList100UncachedGzip`; BENCHMARKS.md,
// session 13).
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed) // a valid level: no error
	return zw
}}

// gzip returns the entry's body compressed, compressing it on first use and counting
// it against the cache's size.
func (rc *responseCache) gzip(r *cachedResponse) []byte {
	r.gzipOnce.Do(func() {
		var buf bytes.Buffer
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(&buf)
		zw.Write(r.body)
		zw.Close()
		gzipWriters.Put(zw)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		r.gzipped = buf.Bytes() // under the lock: evict weighs entries by it
		if el, ok := rc.entries[r.key]; ok && el.Value == r {
			rc.size += len(r.gzipped)
			rc.evict()
		}
	})
	return r.gzipped
}

// evict drops the least recently used entries until the cache fits.
func (rc *responseCache) evict() {
	for rc.size > rc.maxBytes && rc.lru.Len() > 0 {
		old := rc.lru.Remove(rc.lru.Back()).(*cachedResponse)
		delete(rc.entries, old.key)
		rc.size -= old.bytes()
	}
}

// bytes is what an entry weighs in the cache.
func (r *cachedResponse) bytes() int { return len(r.body) + len(r.key) + len(r.gzipped) }

// pagePaths are the routes of the public pages, in echo's syntax: package web's
// table (web.Routes), with "{name}" wildcards written ":name".
var pagePaths = func() []string {
	var paths []string
	for _, r := range web.Routes() {
		paths = append(paths, echoPath(r.Path))
	}
	return paths
}()

// echoPath writes a net/http pattern's "{name}" wildcards as echo's ":name".
func echoPath(p string) string { return strings.NewReplacer("{", ":", "}", "").Replace(p) }

// cacheable reports whether a request's answer may come from the cache: an anonymous
// GET of the read API (exports are kept as files of their own), of the Atom feed or
// of a public page.
func cacheable(c echo.Context) bool {
	r := c.Request()
	if r.Method != http.MethodGet || r.Header.Get(echo.HeaderAuthorization) != "" {
		return false
	}
	if p := r.URL.Path; strings.HasPrefix(p, "/api/v1/") {
		return !strings.HasPrefix(p, "/api/v1/export/") && !strings.HasPrefix(p, "/api/v1/auth/") && !strings.HasPrefix(p, "/api/v1/users")
	}
	return c.Path() == "/feeds/changes.atom" || slices.Contains(pagePaths, c.Path())
}

// cacheKey names an answer among those of one dataset version by what its handler
// reads, and nothing else, so that no client can make the registry answer the same
// question twice by varying what is not read: the route and path (decoded: %46R is
// FR), the parameters the route reads (routeQuery) in one order, whether the
// client asks for CSV (the one thing the API reads in Accept), and for pages and the
// feed, which show their absolute address, the scheme and host they were reached
// at; and today's date, which a page shows.
func cacheKey(c echo.Context) string {
	r, route := c.Request(), c.Path()
	scheme, host := "", ""
	if !strings.HasPrefix(route, "/api/") {
		scheme, host = httpx.Scheme(r), r.Host
	}
	return strings.Join([]string{route, r.URL.Path, canonicalQuery(route, r.URL.Query()), strconv.FormatBool(acceptsCSV(r)), scheme, host,
		time.Now().UTC().Format(time.DateOnly)}, "\x00")
}

// cache answers cacheable requests from the response cache, gzipped (once per entry)
// for clients that accept it, and keeps what the handler answers with 200 when the
// doorkeeper lets it in (responseCache.keep). A request the cache cannot answer runs
// the handler into a buffer, then is answered like a hit.
func (s *Server) cache(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !cacheable(c) {
			return next(c)
		}
		version, err := s.version(c)
		if err != nil {
			return err
		}
		key := cacheKey(c)
		if hit := s.responses.get(version, key); hit != nil {
			return s.serveCached(c, c.Response(), hit)
		}
		if !s.responses.sight(key) {
			// The first sight of an answer sent as it is made: it will not be kept,
			// so the handler writes it to the client itself, as serveCached would
			// (the condition answered, and for a compressible answer the Vary, and
			// for a gzip client the weak ETag and the compression), without a copy
			// held for the cache. A request for it meanwhile finds it seen, makes it
			// and keeps it.
			switch {
			case !compressible(c):
				return next(c)
			case acceptsGzip(c.Request().Header.Get(echo.HeaderAcceptEncoding)):
				return zipStraight(c, next)
			default:
				return withHeaders(c, next, varyEncoding)
			}
		}
		wait, made := s.responses.make(version, key)
		if wait != nil {
			select {
			case <-wait:
			case <-c.Request().Context().Done():
				return c.Request().Context().Err()
			}
			if hit := s.responses.get(version, key); hit != nil {
				return s.serveCached(c, c.Response(), hit)
			}
			// The answer was not kept (an error, or too large): make this one.
			made = func() {}
		}
		made = sync.OnceFunc(made)
		defer made() // whatever happens to the handler, nobody waits for ever

		// The handler makes the whole answer, whatever the client holds: the
		// condition is answered below, from what is kept, like a hit's.
		r := c.Request()
		ifNoneMatch, conditional := r.Header["If-None-Match"]
		r.Header.Del("If-None-Match")
		k := &keeper{ResponseWriter: c.Response().Writer}
		c.Response().Writer = k
		err = next(c)
		c.Response().Writer = k.ResponseWriter
		if conditional {
			r.Header["If-None-Match"] = ifNoneMatch
		}
		if k.through || k.status == 0 {
			return err // not an answer to keep: it went out as written, or is the error's to write
		}
		entry := &cachedResponse{key: key, status: k.status, header: k.header, body: k.body}
		if err == nil && k.status == http.StatusOK {
			s.responses.keep(version, entry)
		}
		made() // the waiting requests need not wait for this client to receive it
		// echo counts the answer as sent already: write it to the connection, with the
		// handler's own headers in place.
		return errors.Join(err, s.serveCached(c, k.ResponseWriter, entry))
	}
}

// serveCached writes a kept answer to w, gzipped when the client accepts it and the
// route may be compressed (see compress), with If-None-Match answered.
func (s *Server) serveCached(c echo.Context, w http.ResponseWriter, r *cachedResponse) error {
	h := w.Header()
	for k, v := range r.header {
		if k == echo.HeaderVary {
			for _, f := range v {
				addVary(h, f)
			}
			continue
		}
		h[k] = v
	}
	body := r.body
	if compressible(c) {
		addVary(h, echo.HeaderAcceptEncoding)
		if acceptsGzip(c.Request().Header.Get(echo.HeaderAcceptEncoding)) {
			weakETag(h, r.status)
			if len(body) >= compressMinBytes {
				body = s.responses.gzip(r)
				h.Set(echo.HeaderContentEncoding, "gzip")
			}
		}
	}
	if r.status == http.StatusOK && httpx.NoneMatch(c.Request().Header.Get("If-None-Match"), h.Get("ETag")) {
		h.Del(echo.HeaderContentEncoding)
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	w.WriteHeader(r.status)
	_, err := w.Write(body)
	return err
}

// varyEncoding adds Accept-Encoding to the Vary of an answer of 200 or 304, after the
// handler's own, as serveCached does for a compressible answer it keeps.
func varyEncoding(h http.Header, status int) {
	if status == http.StatusOK || status == http.StatusNotModified {
		addVary(h, echo.HeaderAcceptEncoding)
	}
}

// addVary adds a Vary value unless the header names it already.
func addVary(h http.Header, value string) {
	for _, v := range h.Values(echo.HeaderVary) {
		if v == value {
			return
		}
	}
	h.Add(echo.HeaderVary, value)
}

// cachedHeaders are the headers a kept answer keeps: those of the API's answers and
// the pages' own policies.
var cachedHeaders = []string{echo.HeaderContentType, "ETag", "Link", "X-Dataset-Version", "Cache-Control", echo.HeaderVary,
	"Content-Security-Policy", "Referrer-Policy"}

// keeper holds what a handler answers with 200, with its headers as the handler set
// them, to keep it; any other answer, or one larger than maxCachedBody, goes straight
// through.
type keeper struct {
	http.ResponseWriter
	status  int
	header  http.Header
	body    []byte // a handler writes a list whole, once: appended to nil, it is copied once and not cleared first
	through bool
}

func (k *keeper) WriteHeader(code int) {
	if k.status != 0 {
		return
	}
	k.status = code
	if code != http.StatusOK {
		k.through = true
		k.ResponseWriter.WriteHeader(code)
		return
	}
	k.header = http.Header{}
	for _, name := range cachedHeaders {
		v := k.Header().Values(name)
		if name == echo.HeaderVary {
			v = slices.DeleteFunc(slices.Clone(v), func(s string) bool { return s == echo.HeaderAcceptEncoding })
		}
		if len(v) > 0 {
			k.header[http.CanonicalHeaderKey(name)] = slices.Clone(v)
		}
	}
}

func (k *keeper) Write(b []byte) (int, error) {
	if k.status == 0 {
		k.WriteHeader(http.StatusOK)
	}
	if k.through {
		return k.ResponseWriter.Write(b)
	}
	if len(k.body)+len(b) > maxCachedBody {
		// Too large to keep: send what is held, then the rest as it comes.
		k.through = true
		k.ResponseWriter.WriteHeader(k.status)
		if _, err := k.ResponseWriter.Write(k.body); err != nil {
			return 0, err
		}
		k.body = nil
		return k.ResponseWriter.Write(b)
	}
	k.body = append(k.body, b...)
	return len(b), nil
}

// Flush sends what is written so far only once the answer goes straight through: a
// held answer is sent whole, later.
func (k *keeper) Flush() {
	if k.through {
		_ = http.NewResponseController(k.ResponseWriter).Flush()
	}
}

func (k *keeper) Unwrap() http.ResponseWriter { return k.ResponseWriter }
