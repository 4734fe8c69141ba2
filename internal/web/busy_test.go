package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestBusyPage: a page whose database read ran out of time (behind others, under
// load) is a 503 that says when to retry, not an internal error.
func TestBusyPage(t *testing.T) {
	s := &server{log: slog.New(slog.DiscardHandler), pages: parseTemplates(), now: time.Now}
	rec := httptest.NewRecorder()
	s.fail(rec, httptest.NewRequest(http.MethodGet, "/countries/FR", nil), fmt.Errorf("profile: %w", context.DeadlineExceeded))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("%d, Retry-After %q, Cache-Control %q; want 503, 1, no-store", rec.Code, rec.Header().Get("Retry-After"), rec.Header().Get("Cache-Control"))
	}
	rec = httptest.NewRecorder()
	s.fail(rec, httptest.NewRequest(http.MethodGet, "/countries/FR", nil), fmt.Errorf("broken"))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("another failure: %d, want 500", rec.Code)
	}
}
