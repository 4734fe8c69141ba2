package httpapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestPatchRefusesDuplicateKeys: a merge patch that gives a key twice is refused
// naming the key, as a POST is, and changes nothing.
func TestPatchRefusesDuplicateKeys(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("editor@example.org", strongPassword)
		before := a.do(http.MethodGet, "/api/v1/vendors/1", nil)
		etag := before.header.Get("ETag")
		for _, tc := range []struct{ name, contentType, body, field string }{
			{"top level", "application/json", `{"name":"A","name":"B"}`, "name"},
			{"merge-patch type", "application/merge-patch+json", `{"description":"x","description":null}`, "description"},
			{"nested", "application/json", `{"aliases":[{"name":"x","valid_from":null,"name":"y"}]}`, "name"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a.t = t
				r := a.send(http.MethodPatch, "/api/v1/vendors/1", bearer(token, "If-Match", etag, "Content-Type", tc.contentType), tc.body)
				expect(t, "PATCH "+tc.body, r, 400)
				if !problemField(t, r, tc.field) {
					t.Errorf("the problem does not name %s: %s", tc.field, r.body)
				}
			})
		}
		a.t = t
		if after := a.do(http.MethodGet, "/api/v1/vendors/1", nil); after.header.Get("ETag") != etag || string(after.body) != string(before.body) {
			t.Errorf("a refused patch changed the vendor: ETag %s → %s", etag, after.header.Get("ETag"))
		}
	})
}

// TestExportRanges: a download resumes with one range and a few come as parts, but a
// Range header of thousands gets the whole export once, not a part per range.
func TestExportRanges(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		const url = "/api/v1/export/states.csv"
		whole := a.do(http.MethodGet, url, nil)
		if whole.status != 200 || len(whole.body) < 6000 {
			t.Fatalf("GET %s: %d, %d bytes", url, whole.status, len(whole.body))
		}
		ranges := func(n int) string { return "bytes=" + strings.TrimSuffix(strings.Repeat("0-0,", n), ",") }
		for _, tc := range []struct {
			name, rng, encoding string
			status                int
		}{
			{"resume", "bytes=100-", "", 206},
			{"five ranges", ranges(5), "", 206},
			{"six ranges", ranges(6), "", 200},
			{"200 ranges", ranges(200), "", 200}, // Go 1.27's ServeContent would send 200 parts
			{"6,000 ranges", ranges(6000), "", 200},
			{"6,000 ranges, gzip", ranges(6000), "gzip", 200},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a.t = t
				r := a.do(http.MethodGet, url, map[string]string{"Range": tc.rng, "Accept-Encoding": tc.encoding})
				if r.status != tc.status {
					t.Fatalf("Range %.40s…: %d, want %d (%d bytes, %s)", tc.rng, r.status, tc.status, len(r.body), r.header.Get("Content-Type"))
				}
				switch {
				case tc.status == 206 && strings.HasPrefix(tc.rng, "bytes=100-"):
					if !bytes.Equal(r.body, whole.body[100:]) {
						t.Errorf("the resumed part is not the rest of the file")
					}
				case tc.status == 200:
					if !bytes.Equal(r.plain, whole.body) {
						t.Errorf("%d bytes, want the whole export (%d)", len(r.plain), len(whole.body))
					}
					if r.header.Get("Content-Length") == "" {
						t.Errorf("the whole export comes without its Content-Length")
					}
				}
			})
		}
	})
}
