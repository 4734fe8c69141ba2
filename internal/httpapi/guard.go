package httpapi

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
)

// The rate limit bounds how many requests a client sends, not what they cost: a
// client under its limit could still keep every core and database connection busy
// with requests the cache cannot answer, and everyone else would wait until their
// requests timed out. Two bounds keep the cost of one client, and of all of them,
// within what the machine can serve:
//
//   - each client may have ClientConcurrency requests in progress; one more is a 429;
//   - at most MaxInFlight public reads the response cache cannot answer are worked
//     on at once, and a request that finds no room within SaturationWait is a
//     quick 503, never a slow 500. Room is shared fairly: a client's reads within
//     its share (a quarter of the bound, at least one) come in while the reads
//     within their clients' shares number fewer than twice the bound, whatever
//     else is in progress, so a flood from a few addresses cannot shut out the
//     other readers; reads beyond a client's share take what is left of the bound.
//
// Both answers say when to retry (Retry-After).

// Defaults of the bounds.
const (
	defaultClientConcurrency = 8
	defaultSaturationWait    = 100 * time.Millisecond
)

// defaultMaxInFlight is the default bound on uncached public reads at once. A read
// the cache cannot answer keeps a core busy; more at once than the cores can serve
// would not finish sooner, only queue for the cores ahead of the cached answers, a
// copy each, that every other reader is waiting for. On SQLite a read is Go code in
// this process: one per core, and one more, so that no core idles while a read that
// ended hands its place to the next (2 -> 3 on 2 cores: 5-8% more lists a second in
// the miss scenario, p99 42-45 -> 34 ms). On PostgreSQL a read's work is shared with
// the database's own process, and the read's goroutine waits for its rows: two per
// core (2 -> 4: 1,184 -> 1,455 lists a second). BENCHMARKS.md, the cold path.
func defaultMaxInFlight(postgres bool) int {
	n := runtime.GOMAXPROCS(0)
	if postgres {
		return max(2, 2*n)
	}
	return max(2, n+1)
}

// flights counts requests in progress, in all and per client, and queues the requests
// waiting for room, oldest first.
type flights struct {
	mu       sync.Mutex
	total    int
	byClient map[string]int
	waiting  []*waiter // oldest first; none of them admitted by the counts as they are
}

// admission decides whether a client's request comes in given the requests in
// progress: in all, of this client, and of every client (byClient, read only). It
// must not admit more as the counts grow, so that a request that came in never
// makes a waiting one admissible.
type admission func(total, mine int, byClient map[string]int) bool

// waiter is a request waiting for room; ready is closed when leave counts it in.
type waiter struct {
	client string
	admit  admission
	ready  chan struct{}
}

func newFlights() *flights { return &flights{byClient: map[string]int{}} }

// tryEnter counts a request of client in if admit allows it.
func (f *flights) tryEnter(client string, admit admission) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.countIn(client, admit)
}

// enter counts a request of client in if admit allows it; if not, it queues the
// request behind the others waiting and returns its waiter, which leave counts in
// when there is room, in the order the requests came. A request that finds room
// comes in at once: every request waiting was refused by the counts as they are.
func (f *flights) enter(client string, admit admission) (bool, *waiter) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.countIn(client, admit) {
		return true, nil
	}
	w := &waiter{client: client, admit: admit, ready: make(chan struct{})}
	f.waiting = append(f.waiting, w)
	return false, w
}

// abandon takes a waiter out of the queue (its request gave up). It reports false if
// the waiter was counted in meanwhile: the request is then in progress, and must
// leave.
func (f *flights) abandon(w *waiter) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, q := range f.waiting {
		if q == w {
			f.waiting = append(f.waiting[:i], f.waiting[i+1:]...)
			return true
		}
	}
	return false
}

// countIn counts a request in if admit allows it. f.mu is held.
func (f *flights) countIn(client string, admit admission) bool {
	if !admit(f.total, f.byClient[client], f.byClient) {
		return false
	}
	f.total++
	f.byClient[client]++
	return true
}

// leave counts a request of client out, and counts in the waiting requests the room
// now admits, oldest first. Waking only those (not every waiter, to race for the
// room) keeps the wait of each close to the time the ones ahead of it take.
func (f *flights) leave(client string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.total--
	if f.byClient[client] <= 1 {
		delete(f.byClient, client) // the map holds only clients with requests in progress
	} else {
		f.byClient[client]--
	}
	kept := f.waiting[:0]
	for _, w := range f.waiting {
		if f.countIn(w.client, w.admit) {
			close(w.ready)
		} else {
			kept = append(kept, w)
		}
	}
	clear(f.waiting[len(kept):])
	f.waiting = kept
}

// retryIn is an error answered with the domain error's status and a Retry-After of
// after: the error handler takes the status from the first and the header from the
// second.
func retryIn(after time.Duration, err *domain.Error) error {
	return errors.Join(err, &retryError{after: after})
}

// exemptFromBounds reports the requests no client bound applies to: the health checks
// and metrics the infrastructure polls, and staff, whose token the authentication
// checks (a forged one is refused there, cheaply).
func exemptFromBounds(c echo.Context) bool {
	switch c.Request().URL.Path {
	case "/healthz", "/readyz", "/metrics":
		return true
	}
	return c.Request().Header.Get(echo.HeaderAuthorization) != ""
}

// limitInFlight answers 429 to a client that already has ClientConcurrency requests
// in progress. The client is named as the rate limit names it (RealIP).
func (s *Server) limitInFlight(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if exemptFromBounds(c) {
			return next(c)
		}
		client := c.RealIP()
		if !s.clients.tryEnter(client, func(_, mine int, _ map[string]int) bool { return mine < s.clientConcurrency }) {
			s.metrics.refused.WithLabelValues("client_concurrency").Inc()
			return retryIn(time.Second, domain.Errorf(domain.ETOOMANY, "too many requests in progress from this address; retry after 1 second"))
		}
		defer s.clients.leave(client)
		return next(c)
	}
}

// guard admits the public reads the response cache could not answer (it sits under
// the cache) while the server has room for them, and answers 503 to one that finds
// none within SaturationWait.
func (s *Server) guard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !cacheable(c) && !reconcileRead(c) && !deltaRead(c) {
			return next(c) // staff, writes, exports (made once each), health
		}
		client := c.RealIP()
		share := max(1, s.maxInFlight/4)
		admit := func(total, mine int, byClient map[string]int) bool {
			if mine >= share {
				return total < s.maxInFlight
			}
			// Within its share: room unless the reads within shares fill twice the
			// bound. Reads beyond shares do not count here, so a client that took
			// more while the server was idle cannot keep a newcomer waiting.
			shared := 0
			for _, n := range byClient {
				shared += min(n, share)
			}
			return shared < 2*s.maxInFlight
		}
		if ok, w := s.working.enter(client, admit); !ok {
			if err := s.await(c.Request().Context(), w); err != nil {
				return err
			}
		}
		defer s.working.leave(client)
		return next(c)
	}
}

// await waits for a queued read to be counted in, for SaturationWait at most: then
// it is a 503; a request whose client went away ends with its context's error.
func (s *Server) await(ctx context.Context, w *waiter) error {
	t := time.NewTimer(s.saturationWait)
	defer t.Stop()
	var err error
	select {
	case <-w.ready:
		return nil
	case <-t.C:
		err = busy()
	case <-ctx.Done():
		err = ctx.Err()
	}
	if !s.working.abandon(w) {
		// Counted in as it gave up: the room is its own, and it takes it.
		return nil
	}
	if ctx.Err() == nil {
		s.metrics.refused.WithLabelValues("saturated").Inc()
	}
	return err
}

// busy is the answer of a server with no room for a request: 503, retry in a second.
func busy() error {
	return retryIn(time.Second, domain.Errorf(domain.EUNAVAILABLE, "the registry is busy; retry after 1 second"))
}

// deadlineIsBusy answers a request the database did not serve in time (a read that
// waited out its deadline behind others) as the busy server it is, 503 with
// Retry-After, instead of as an internal error: nothing is broken, and the same
// request may succeed in a moment.
func deadlineIsBusy(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err != nil && errors.Is(err, context.DeadlineExceeded) {
			return busy()
		}
		return err
	}
}

// serverFault reports whether an answer is the server's failure, logged as an error:
// a 5xx, except a 503 that says when to retry, which is the server protecting itself.
func serverFault(status int, h http.Header) bool {
	return status >= 500 && !(status == http.StatusServiceUnavailable && h.Get("Retry-After") != "")
}
