package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store"
)

// benchServer serves the bundled dataset on SQLite.
func benchServer(b *testing.B) http.Handler {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := dataset.Load(domain.SystemContext(ctx), st, dataset.Bundled()); err != nil {
		b.Fatal(err)
	}
	keys, err := st.SigningKeys(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	return httpapi.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), httpapi.Options{Keys: keys}).Handler()
}

func benchGet(b *testing.B, h http.Handler, url string) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", url, rec.Code)
		}
	}
}

func BenchmarkProfile(b *testing.B) { benchGet(b, benchServer(b), "/api/v1/states/IL") }

func BenchmarkLicenseList(b *testing.B) {
	benchGet(b, benchServer(b), "/api/v1/licenses?vendor=nso-group&limit=100")
}

func BenchmarkVendorListCSV(b *testing.B) { benchGet(b, benchServer(b), "/api/v1/vendors?format=csv") }
