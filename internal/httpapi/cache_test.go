package httpapi

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// TestKeeper: an answer of 200 is held to be kept; a larger one than maxCachedBody,
// or another status, goes straight through, whole.
func TestKeeper(t *testing.T) {
	rec := httptest.NewRecorder()
	k := &keeper{ResponseWriter: rec}
	k.Header().Set("ETag", `"x"`)
	k.Header().Set("Vary", "Accept-Encoding")
	k.WriteHeader(http.StatusOK)
	k.Write([]byte("small"))
	if k.through || string(k.body) != "small" || rec.Body.Len() != 0 || k.header.Get("ETag") != `"x"` || k.header.Get("Vary") != "" {
		t.Errorf("a small answer: through %v, held %q, sent %q, kept header %v", k.through, string(k.body), rec.Body.String(), k.header)
	}

	rec = httptest.NewRecorder()
	k = &keeper{ResponseWriter: rec}
	big := bytes.Repeat([]byte("x"), maxCachedBody)
	k.Write(big[:10])
	k.Write(big)
	if !k.through || rec.Code != http.StatusOK || rec.Body.Len() != maxCachedBody+10 {
		t.Errorf("a large answer: through %v, status %d, %d bytes sent, want %d", k.through, rec.Code, rec.Body.Len(), maxCachedBody+10)
	}

	rec = httptest.NewRecorder()
	k = &keeper{ResponseWriter: rec}
	k.WriteHeader(http.StatusNotModified)
	if !k.through || rec.Code != http.StatusNotModified {
		t.Errorf("a 304: through %v, status %d", k.through, rec.Code)
	}
}

// TestCacheCountsGzip: an entry's compressed body counts against the cache's size,
// and evicts what no longer fits.
func TestCacheCountsGzip(t *testing.T) {
	rc := newResponseCache(3000)
	noise := func(seed uint64) []byte { // incompressible
		r := rand.New(rand.NewPCG(seed, seed))
		b := make([]byte, 1000)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	a := &cachedResponse{key: "a", status: 200, body: noise(1)}
	b := &cachedResponse{key: "b", status: 200, body: noise(2)}
	rc.keep("1", a)
	rc.keep("1", b)
	before := rc.size
	rc.gzip(b)
	if want := before + len(b.gzipped) - a.bytes(); rc.size != want || len(b.gzipped) < 1000 {
		t.Errorf("size %d after compressing (%d bytes), want %d: b with its gzip, a evicted", rc.size, len(b.gzipped), want)
	}
	if rc.get("1", "a") != nil {
		t.Errorf("the least recently used entry was not evicted when the compressed body no longer fit (size %d of %d)", rc.size, rc.maxBytes)
	}
}

// TestCacheGzipsEachAnswerWhole: the gzip writers are reused, so every answer,
// compressed in turn or at once by many goroutines, must come out as its own whole
// gzip stream: nothing of an earlier answer, no header or trailer lost.
func TestCacheGzipsEachAnswerWhole(t *testing.T) {
	rc := newResponseCache(64 << 20)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				body := bytes.Repeat([]byte(fmt.Sprintf(`{"answer":%d,"of":%d},`, i, g)), 100+i*g)
				r := &cachedResponse{key: fmt.Sprint(g, i), status: 200, body: body}
				br := bytes.NewReader(rc.gzip(r))
				zr, err := gzip.NewReader(br)
				if err != nil {
					t.Errorf("answer %d/%d: %v", g, i, err)
					return
				}
				zr.Multistream(false)
				got, err := io.ReadAll(zr)
				if err != nil || !bytes.Equal(got, body) {
					t.Errorf("answer %d/%d: %d bytes back (%v), want its own %d", g, i, len(got), err, len(body))
					return
				}
				if br.Len() != 0 {
					t.Errorf("answer %d/%d: %d bytes after its gzip stream", g, i, br.Len())
				}
			}
		}()
	}
	wg.Wait()
}

// TestCacheMakesAnAnswerOnce: requests that miss the cache together wait for the one
// making the answer instead of each making it. An answer never made before is made
// twice (the first request's goes straight to its client, and the next one's, which
// the others wait for, is kept); a new dataset version's readers of an answer made
// before make it once. Either way it is then kept.
func TestCacheMakesAnAnswerOnce(t *testing.T) {
	s := &Server{responses: newResponseCache(1 << 20)}
	e := echo.New()
	var made atomic.Int32
	handler := s.cache(func(c echo.Context) error {
		made.Add(1)
		time.Sleep(50 * time.Millisecond)
		c.Response().Header().Set("ETag", `"p"`)
		return c.Blob(http.StatusOK, "application/json", []byte(`{"page":1}`))
	})
	request := func(version string) error {
		rec := httptest.NewRecorder()
		c := e.NewContext(httptest.NewRequest(http.MethodGet, "/api/v1/states/PA", nil), rec)
		c.Set(versionKey, version)
		if err := handler(c); err != nil || rec.Code != 200 || rec.Body.String() != `{"page":1}` {
			return fmt.Errorf("answer %d %q, %v", rec.Code, rec.Body.String(), err)
		}
		return nil
	}
	for _, step := range []struct {
		version     string
		makings     int32
		description string
	}{
		{"7", 2, "never made before"},
		{"8", 1, "made before, at a new version"},
	} {
		before := made.Load()
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if err := request(step.version); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := made.Load() - before; n != step.makings {
			t.Errorf("%s: the answer was made %d times for 20 requests arriving together, want %d", step.description, n, step.makings)
		}
		// Others waited for it, so it was kept.
		before = made.Load()
		if err := request(step.version); err != nil || made.Load() != before {
			t.Errorf("%s: a later request made the answer again (%v): the answer the others waited for was not kept", step.description, err)
		}
	}
}

// TestCacheKeepsWhatIsAskedAgain: an answer made once is not kept; made a second time
// it is, and a stream of one-off answers afterwards does not push it out.
func TestCacheKeepsWhatIsAskedAgain(t *testing.T) {
	const page = 1000 // bytes of each answer
	s := &Server{responses: newResponseCache(50 * page)}
	e := echo.New()
	made := map[string]int{}
	handler := s.cache(func(c echo.Context) error {
		made[c.Request().URL.String()]++
		return c.Blob(http.StatusOK, "application/json", bytes.Repeat([]byte("x"), page))
	})
	get := func(url string) {
		t.Helper()
		rec := httptest.NewRecorder()
		c := e.NewContext(httptest.NewRequest(http.MethodGet, url, nil), rec)
		c.Set(versionKey, "7")
		if err := handler(c); err != nil || rec.Code != 200 || rec.Body.Len() != page {
			t.Fatalf("%s: %d, %d bytes, %v", url, rec.Code, rec.Body.Len(), err)
		}
	}
	const popular = "/api/v1/licenses?country=PA"
	for range 3 {
		get(popular)
	}
	if n := made[popular]; n != 2 {
		t.Errorf("asked for three times, the answer was made %d times, want twice (kept the second time)", n)
	}
	for i := range 1000 { // twenty times what the cache holds
		get("/api/v1/licenses?country=FR&active_on=2020-01-01&limit=" + strconv.Itoa(i+1))
	}
	get(popular)
	if n := made[popular]; n != 2 {
		t.Errorf("after 1,000 one-off answers the kept answer was made again (%d makings): they pushed it out", n)
	}
	if size := s.responses.size; size > 2*page {
		t.Errorf("one-off answers were kept: the cache holds %d bytes", size)
	}
}

// TestCacheReleasesWaitersBeforeSending: requests waiting for an answer being made
// are served once it is kept, not once its first client has received it all.
func TestCacheReleasesWaitersBeforeSending(t *testing.T) {
	s := &Server{responses: newResponseCache(1 << 20)}
	e := echo.New()
	entered, proceed := make(chan struct{}), make(chan struct{})
	handler := s.cache(func(c echo.Context) error {
		close(entered)
		<-proceed
		c.Response().Header().Set("ETag", `"p"`)
		return c.Blob(http.StatusOK, "application/json", []byte(`{"page":1}`))
	})
	request := func(w http.ResponseWriter) error {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/states/PA", nil)
		r.Header.Set("Accept-Encoding", "gzip")
		c := e.NewContext(r, w)
		c.Set(versionKey, "7")
		return handler(c)
	}
	// The answer was made once before: the doorkeeper has seen it, so this making
	// is kept, and a request meanwhile waits for it.
	s.responses.sight(cacheKey(e.NewContext(httptest.NewRequest(http.MethodGet, "/api/v1/states/PA", nil), httptest.NewRecorder())))
	stuck := &blockedWriter{ResponseRecorder: httptest.NewRecorder(), release: make(chan struct{}), writing: make(chan struct{})}
	go request(stuck)
	<-entered // the answer is being made
	done := make(chan int)
	go func() { rec := httptest.NewRecorder(); request(rec); done <- rec.Code }()
	time.Sleep(50 * time.Millisecond) // the second request waits for it
	close(proceed)
	<-stuck.writing // the first client is being sent the answer, and does not read
	select {
	case code := <-done:
		if code != 200 {
			t.Errorf("second request: %d", code)
		}
	case <-time.After(2 * time.Second):
		t.Error("a request waited for a slow client to receive an answer already kept")
	}
	close(stuck.release)
}

type blockedWriter struct {
	*httptest.ResponseRecorder
	release, writing chan struct{}
	once             sync.Once
}

func (w *blockedWriter) Write(b []byte) (int, error) {
	w.once.Do(func() { close(w.writing) })
	<-w.release
	return w.ResponseRecorder.Write(b)
}

// TestCacheSizeStaysTrue: compressing entries while others are kept and evicted
// leaves the cache's size the sum of what it holds.
func TestCacheSizeStaysTrue(t *testing.T) {
	rc := newResponseCache(20_000)
	body := bytes.Repeat([]byte("registry "), 200)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				r := &cachedResponse{key: strconv.Itoa(i*1000 + j), status: 200, body: body}
				rc.keep("1", r)
				rc.gzip(r)
			}
		})
	}
	wg.Wait()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	sum := 0
	for el := rc.lru.Front(); el != nil; el = el.Next() {
		sum += el.Value.(*cachedResponse).bytes()
	}
	if sum != rc.size || rc.size > rc.maxBytes {
		t.Errorf("cache size %d, entries weigh %d (limit %d)", rc.size, sum, rc.maxBytes)
	}
}

// TestKeeperHoldsThroughFlush: a handler flushing a held answer sends nothing yet.
func TestKeeperHoldsThroughFlush(t *testing.T) {
	rec := httptest.NewRecorder()
	k := &keeper{ResponseWriter: rec}
	k.Write([]byte("held"))
	if err := http.NewResponseController(k).Flush(); err != nil {
		t.Fatal(err)
	}
	if rec.Flushed || rec.Body.Len() != 0 {
		t.Errorf("a flush sent the held answer: flushed %v, %q", rec.Flushed, rec.Body.String())
	}
}

// TestCacheBudgetLeavesTheCollectorRoom: the response cache and the store's document
// cache together take a quarter of the memory limit, so that full caches cannot keep
// the heap at the limit, and 64 MiB when there is no limit; the response cache keeps
// at least a quarter of that whatever the document cache holds.
func TestCacheBudgetLeavesTheCollectorRoom(t *testing.T) {
	for _, c := range []struct {
		limit     int64
		documents int
		want      int
	}{
		{80 << 20, 0, 20 << 20},
		{72 << 20, 8 << 20, 10 << 20},
		{1 << 30, 0, 64 << 20},
		{1 << 30, 8 << 20, 56 << 20},
		{math.MaxInt64, 0, 64 << 20},
		{72 << 20, 32 << 20, 18 << 20 / 4},
	} {
		if got := cacheBudget(c.limit, c.documents); got != c.want {
			t.Errorf("cacheBudget(%d, %d) = %d, want %d", c.limit, c.documents, got, c.want)
		}
	}
}
