package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// blocking is an echo server with one middleware under test in front of a handler
// that holds every request until it is released, one per token: what is in progress
// is decided by the test, not by timing.
type blocking struct {
	e       *echo.Echo
	entered chan string   // the client of each request the handler got
	release chan struct{} // one token lets one request finish
}

func newBlocking(s *Server, mw echo.MiddlewareFunc) *blocking {
	b := &blocking{e: echo.New(), entered: make(chan string, 100), release: make(chan struct{})}
	b.e.HTTPErrorHandler = s.handleError
	b.e.IPExtractor = echo.ExtractIPDirect()
	b.e.Use(mw)
	b.e.GET("/api/v1/states/:iso2", func(c echo.Context) error {
		b.entered <- c.RealIP()
		<-b.release
		return c.String(http.StatusOK, "ok")
	})
	return b
}

// do sends a request from client; header pairs follow.
func (b *blocking) do(client string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "/api/v1/states/IL", nil)
	req.RemoteAddr = client + ":40000"
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	b.e.ServeHTTP(rec, req)
	return rec
}

// refused sends a request from client that must not reach the handler, and returns
// its answer.
func (b *blocking) refused(t *testing.T, client string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() { done <- b.do(client, header...) }()
	select {
	case rec := <-done:
		return rec
	case <-b.entered:
		t.Fatalf("a request of %s was let in; want it refused", client)
		return nil
	case <-time.After(5 * time.Second):
		t.Fatalf("a request of %s got no answer", client)
		return nil
	}
}

// hold starts a request from client and waits until the handler has it.
func (b *blocking) hold(t *testing.T, wg *sync.WaitGroup, client string, header ...string) {
	t.Helper()
	wg.Go(func() {
		if rec := b.do(client, header...); rec.Code != http.StatusOK {
			t.Errorf("held request of %s: %d %s", client, rec.Code, rec.Body)
		}
	})
	select {
	case got := <-b.entered:
		if got != client {
			t.Fatalf("the handler got %s, want %s", got, client)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("a request of %s never reached the handler", client)
	}
}

func guardedServer(clientConcurrency, maxInFlight int, wait time.Duration) *Server {
	return &Server{log: slog.New(slog.DiscardHandler), metrics: newMetrics(prometheus.NewRegistry()),
		clients: newFlights(), working: newFlights(),
		clientConcurrency: clientConcurrency, maxInFlight: maxInFlight, saturationWait: wait}
}

// refusedWith checks a refusal: the status, a Retry-After, a problem body.
func refusedWith(t *testing.T, what string, rec *httptest.ResponseRecorder, status int) {
	t.Helper()
	if rec.Code != status || rec.Header().Get("Retry-After") != "1" || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s: %d, Retry-After %q, %s; want %d with Retry-After 1, problem+json", what, rec.Code, rec.Header().Get("Retry-After"), rec.Body, status)
	}
}

// TestClientConcurrency: a client with ClientConcurrency requests in progress gets a
// 429 with Retry-After for one more; another client, and staff, are not affected; a
// finished request makes room again.
func TestClientConcurrency(t *testing.T) {
	s := guardedServer(2, 100, time.Second)
	b := newBlocking(s, s.limitInFlight)
	var wg sync.WaitGroup
	b.hold(t, &wg, "192.0.2.1")
	b.hold(t, &wg, "192.0.2.1")
	refusedWith(t, "a third request of one client", b.refused(t, "192.0.2.1"), http.StatusTooManyRequests)
	b.hold(t, &wg, "192.0.2.2")                                        // another client
	b.hold(t, &wg, "192.0.2.1", "Authorization", "Bearer staff-token") // staff are not counted
	if n := counterValue(s.metrics.refused.WithLabelValues("client_concurrency")); n != 1 {
		t.Errorf("refused counter %v, want 1", n)
	}
	for range 4 {
		b.release <- struct{}{}
	}
	wg.Wait()
	go func() { b.release <- struct{}{} }()
	if rec := b.do("192.0.2.1"); rec.Code != http.StatusOK {
		t.Errorf("after its requests ended, the client got %d", rec.Code)
	}
}

// TestSaturationGuard: past MaxInFlight uncached reads, a client that already has
// one in progress waits SaturationWait for room, then gets a quick 503 with
// Retry-After; a client with none still comes in, up to twice the bound; a request
// that waits is let in as soon as there is room; staff are not held.
func TestSaturationGuard(t *testing.T) {
	s := guardedServer(100, 2, 20*time.Millisecond)
	b := newBlocking(s, s.guard)
	var wg sync.WaitGroup
	b.hold(t, &wg, "192.0.2.1")
	b.hold(t, &wg, "192.0.2.2")
	start := time.Now()
	refusedWith(t, "a client with a read in progress, saturated", b.refused(t, "192.0.2.1"), http.StatusServiceUnavailable)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the 503 took %v: it must come quickly", took)
	}
	b.hold(t, &wg, "192.0.2.3") // newcomers, past the bound
	b.hold(t, &wg, "192.0.2.4")
	refusedWith(t, "a newcomer at twice the bound", b.refused(t, "192.0.2.5"), http.StatusServiceUnavailable)
	b.hold(t, &wg, "192.0.2.5", "Authorization", "Bearer staff-token")
	if n := counterValue(s.metrics.refused.WithLabelValues("saturated")); n != 2 {
		t.Errorf("refused counter %v, want 2", n)
	}

	// A request that waits is let in when room is made.
	s.saturationWait = time.Minute
	waited := make(chan int)
	go func() { waited <- b.do("192.0.2.1").Code }()
	for range 5 {
		b.release <- struct{}{}
	}
	wg.Wait()
	select {
	case got := <-b.entered:
		if got != "192.0.2.1" {
			t.Fatalf("the handler got %s", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting request was not let in when the others ended")
	}
	b.release <- struct{}{}
	if code := <-waited; code != http.StatusOK {
		t.Errorf("the waiting request: %d", code)
	}
	if s.working.total != 0 || len(s.working.byClient) != 0 {
		t.Errorf("after every request ended: %d in progress, %v", s.working.total, s.working.byClient)
	}
}

// TestSaturationGuardKeepsRoomForNewcomers: a client that took a read beyond its
// share while the server was idle does not take a newcomer's room: a client with
// nothing in progress comes in while the reads within shares are fewer than twice
// the bound, however many reads are in progress in all (the attack scenario's
// reader got a 503 when one attacker held two reads and two others one each).
func TestSaturationGuardKeepsRoomForNewcomers(t *testing.T) {
	s := guardedServer(100, 2, 20*time.Millisecond)
	b := newBlocking(s, s.guard)
	var wg sync.WaitGroup
	b.hold(t, &wg, "192.0.2.1")
	b.hold(t, &wg, "192.0.2.1") // beyond its share: the server had room
	b.hold(t, &wg, "192.0.2.2")
	b.hold(t, &wg, "192.0.2.3")
	b.hold(t, &wg, "192.0.2.4") // four in progress, three within shares: room for a newcomer
	refusedWith(t, "a newcomer when the reads within shares fill twice the bound", b.refused(t, "192.0.2.5"), http.StatusServiceUnavailable)
	refusedWith(t, "a client beyond its share, saturated", b.refused(t, "192.0.2.2"), http.StatusServiceUnavailable)
	for range 5 {
		b.release <- struct{}{}
	}
	wg.Wait()
	if s.working.total != 0 || len(s.working.byClient) != 0 {
		t.Errorf("after every request ended: %d in progress, %v", s.working.total, s.working.byClient)
	}
}

// TestSaturationGuardServesInOrder: reads waiting for room come in in the order they
// came, one as each read ends (not all woken to race for it, which left some waiting
// out SaturationWait behind later ones), and one that gives up leaves the queue.
func TestSaturationGuardServesInOrder(t *testing.T) {
	s := guardedServer(100, 1, time.Minute)
	b := newBlocking(s, s.guard)
	var wg sync.WaitGroup
	b.hold(t, &wg, "192.0.2.1")
	b.hold(t, &wg, "192.0.2.2") // twice the bound: full
	queued := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			s.working.mu.Lock()
			got := len(s.working.waiting)
			s.working.mu.Unlock()
			if got == n {
				return
			}
		}
		t.Fatalf("%d requests never queued", n)
	}
	order := []string{"192.0.2.5", "192.0.2.3", "192.0.2.7", "192.0.2.4", "192.0.2.6"}
	for i, client := range order {
		wg.Go(func() {
			if rec := b.do(client); rec.Code != http.StatusOK {
				t.Errorf("queued request of %s: %d %s", client, rec.Code, rec.Body)
			}
		})
		queued(i + 1)
	}
	for _, want := range order {
		b.release <- struct{}{}
		select {
		case got := <-b.entered:
			if got != want {
				t.Fatalf("the handler got %s next, want %s (the order they came in: %v)", got, want, order)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s was not let in when a read ended", want)
		}
	}
	b.release <- struct{}{}
	b.release <- struct{}{}
	wg.Wait()

	// One that waits out SaturationWait leaves the queue.
	s.saturationWait = 20 * time.Millisecond
	b.hold(t, &wg, "192.0.2.1")
	b.hold(t, &wg, "192.0.2.2")
	refusedWith(t, "a newcomer on a full server", b.refused(t, "192.0.2.3"), http.StatusServiceUnavailable)
	b.release <- struct{}{}
	b.release <- struct{}{}
	wg.Wait()
	if s.working.total != 0 || len(s.working.byClient) != 0 || len(s.working.waiting) != 0 {
		t.Errorf("after every request ended: %d in progress, %v, %d waiting", s.working.total, s.working.byClient, len(s.working.waiting))
	}
}

// logBuffer is a logger writing JSON lines into a buffer, at every level.
func logBuffer() (*slog.Logger, *syncBuffer) {
	var buf syncBuffer
	return slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDeadlineIsBusy: a store read that runs out of time (behind others, under load)
// is a 503 with Retry-After, logged as a warning, not a 500 logged as an error.
func TestDeadlineIsBusy(t *testing.T) {
	log, logs := logBuffer()
	st := storetest.Open(t, "sqlite")
	keys, err := st.SigningKeys(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := New(st, log, Options{Keys: keys})
	t.Cleanup(func() { s.Close() })
	s.echo.GET("/api/v1/version", func(c echo.Context) error {
		return fmt.Errorf("dataset version: %w", context.DeadlineExceeded)
	})
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/version", nil))
	refusedWith(t, "a read past its deadline", rec, http.StatusServiceUnavailable)
	if strings.Contains(logs.String(), `"level":"ERROR"`) || !strings.Contains(logs.String(), `"status":503`) {
		t.Errorf("logged:\n%s\nwant the 503 below ERROR", logs)
	}
}

// TestSlowBody: a body that has not arrived within the server's ReadTimeout is a
// 408, logged below ERROR, not a 500 with an error line.
func TestSlowBody(t *testing.T) {
	log, logs := logBuffer()
	st := storetest.Open(t, "sqlite")
	keys, err := st.SigningKeys(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := New(st, log, Options{Keys: keys, ReadTimeout: 300 * time.Millisecond})
	t.Cleanup(func() { s.Close() })
	srv := httptest.NewUnstartedServer(nil)
	srv.Config = s.HTTPServer("")
	srv.Start()
	t.Cleanup(srv.Close)

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Headers promising 100 bytes, then 10 of them, then nothing.
	fmt.Fprintf(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: registry.test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":")
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a slow body: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestTimeout {
		t.Errorf("a slow body: %d, want 408", res.StatusCode)
	}
	srv.Close() // the log is complete once the server has stopped
	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("a slow body was logged as an error:\n%s", logs)
	}
}

// counterValue reads a counter.
func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}

// TestSaturationGuardTakesDeltas: a delta, made for each request, waits for room like
// the reads the cache cannot answer; an export, made once and kept, does not.
func TestSaturationGuardTakesDeltas(t *testing.T) {
	s := guardedServer(100, 1, 20*time.Millisecond)
	b := newBlocking(s, s.guard)
	for _, path := range []string{"/api/v1/export/" + deltaFile, "/api/v1/export/:file"} {
		b.e.GET(path, func(c echo.Context) error { return c.String(http.StatusOK, "made") })
	}
	var wg sync.WaitGroup
	b.hold(t, &wg, "192.0.2.1")
	b.hold(t, &wg, "192.0.2.2") // twice the bound: full
	get := func(path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = "192.0.2.3:40000"
		rec := httptest.NewRecorder()
		b.e.ServeHTTP(rec, req)
		return rec
	}
	refusedWith(t, "a delta on a saturated server", get("/api/v1/export/delta.ndjson?from=0"), http.StatusServiceUnavailable)
	if rec := get("/api/v1/export/licenses.ndjson"); rec.Code != http.StatusOK {
		t.Errorf("an export on a saturated server: %d, want 200 (kept exports are not bounded)", rec.Code)
	}
	b.release <- struct{}{}
	b.release <- struct{}{}
	wg.Wait()
}

// TestDefaultMaxInFlight: on SQLite one read per core and one more, on PostgreSQL two
// per core, never fewer than two; a server takes the default of its store's database.
func TestDefaultMaxInFlight(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		keys, err := st.SigningKeys(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		s := New(st, slog.New(slog.DiscardHandler), Options{Keys: keys})
		t.Cleanup(func() { s.Close() })
		if want := defaultMaxInFlight(st.Dialect() == dialect.Postgres); s.maxInFlight != want {
			t.Errorf("a server on %s admits %d uncached reads at once, want %d", st.Dialect(), s.maxInFlight, want)
		}
	})
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, c := range []struct{ procs, sqlite, postgres int }{{1, 2, 2}, {2, 3, 4}, {8, 9, 16}} {
		runtime.GOMAXPROCS(c.procs)
		if got := defaultMaxInFlight(false); got != c.sqlite {
			t.Errorf("%d cores, SQLite: %d, want %d", c.procs, got, c.sqlite)
		}
		if got := defaultMaxInFlight(true); got != c.postgres {
			t.Errorf("%d cores, PostgreSQL: %d, want %d", c.procs, got, c.postgres)
		}
	}
}
