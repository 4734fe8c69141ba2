package httpapi

import (
	"math"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/export-registry/registry/internal/domain"
)

// limiter keeps one token bucket per key (a client IP, an account) and forgets keys
// idle long enough to be full again, so memory stays bounded under a flood of keys.
// Limits are per instance: behind a load balancer each instance counts its own.
type limiter struct {
	every time.Duration
	burst int

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(every time.Duration, burst int) *limiter {
	return &limiter{every: every, burst: burst, buckets: map[string]*bucket{}}
}

// allow takes one token for key, or returns a 429 error saying when to retry.
func (l *limiter) allow(key string, now time.Time) error {
	_, err := l.take(key, now)
	return err
}

// take is allow that can be undone: giveBack returns the token unless the key has
// taken another since (rate.Reservation.CancelAt restores only what later
// reservations did not build on, and only when cancelled as of the reservation's
// own time).
func (l *limiter) take(key string, now time.Time) (giveBack func(), err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		idle := l.every * time.Duration(l.burst)
		for k, b := range l.buckets {
			if now.Sub(b.seen) > idle {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if delay := r.DelayFrom(now); delay > 0 {
		r.CancelAt(now)
		return nil, &retryError{after: delay}
	}
	return func() { r.CancelAt(now) }, nil
}

// retryError is a 429 with the time to wait.
type retryError struct{ after time.Duration }

func (e *retryError) Error() string { return "too many attempts" }

// Unwrap makes it a domain error for the error handler.
func (e *retryError) Unwrap() error {
	return domain.Errorf(domain.ETOOMANY, "too many attempts; retry after %s seconds", e.seconds())
}

func (e *retryError) seconds() string {
	return strconv.Itoa(int(math.Ceil(e.after.Seconds())))
}
