package httpapi_test

import (
	"net/http"
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
