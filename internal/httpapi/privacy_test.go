package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestForgottenWriteCheck: a write route whose middleware was forgotten still cannot
// write. The store's privacy policy refuses the change, and the answer is a 403
// problem, not a 500, with nothing written.
func TestForgottenWriteCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		keys, err := st.SigningKeys(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		s := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Keys: keys})
		t.Cleanup(func() { s.Close() })
		req := httptest.NewRequest(http.MethodPost, "/api/v1/sources", strings.NewReader(`{"kind":"media","title":"Unchecked"}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		c := s.echo.NewContext(req, rec)
		// The handler alone, as a route without requireWriter would run it.
		if err := s.createSource(c); err != nil {
			s.handleError(err, c)
		}
		if rec.Code != http.StatusForbidden || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("an unchecked write: %d %s %s, want a 403 problem", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		if n := storetest.Count(t, st, "sources"); n != 0 {
			t.Errorf("%d sources written", n)
		}
	})
}
