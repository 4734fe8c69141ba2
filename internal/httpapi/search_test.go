package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestSearch: typo-tolerant, ranked search with the same answers on both databases.
func TestSearch(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		top := func(q string) map[string]any {
			t.Helper()
			r := a.do(http.MethodGet, "/api/v1/search?q="+q, nil)
			if r.status != 200 {
				t.Fatalf("search %s: %d %s", q, r.status, r.body)
			}
			hits := r.json(t)["data"].([]any)
			if len(hits) == 0 {
				t.Fatalf("search %s: no hits", q)
			}
			return hits[0].(map[string]any)
		}
		for _, tc := range []struct{ q, typ, id, field string }{
			{"NSO%20Grup", "vendor", "1", "name"},
			{"nso", "vendor", "1", "name"},
			{"pegasus", "product", "1", "name"},
			{"Pegasu", "product", "1", "name"},
			{"israel", "state", "IL", "name"},
			{"Isreal", "state", "IL", "name"},
			{"A/HRC/41/35", "source", "4", "document_symbol"},
		} {
			h := top(tc.q)
			if h["type"] != tc.typ || h["id"] != tc.id || h["matched_field"] != tc.field {
				t.Errorf("search %s: top hit %v, want %s %s by %s", tc.q, h, tc.typ, tc.id, tc.field)
			}
			if s, _ := h["score"].(float64); s <= 0 || s > 1 {
				t.Errorf("search %s: score %v", tc.q, h["score"])
			}
		}
		if h := top("nso%20grup"); h["url"] != "/api/v1/vendors/1" {
			t.Errorf("hit url %v", h["url"])
		}
		run(t, a, []scenario{
			{name: "types filter", url: "/api/v1/search?q=pegasus&type=vendor,state", wantStatus: 200, wantCount: 0},
			{name: "nothing like it", url: "/api/v1/search?q=zzqqxxjj", wantStatus: 200, wantCount: 0},
			{name: "no query", url: "/api/v1/search", wantStatus: 400, wantCount: -1, wantError: "q"},
			{name: "bad type", url: "/api/v1/search?q=x&type=person", wantStatus: 400, wantCount: -1, wantError: "type"},
			{name: "bad limit", url: "/api/v1/search?q=x&limit=99", wantStatus: 400, wantCount: -1, wantError: "limit"},
			{name: "limit", url: "/api/v1/search?q=a&limit=2", wantStatus: 200, wantCount: 2},
		})
	})
}
