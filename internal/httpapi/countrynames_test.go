package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestCountryOtherNames: search knows the names people type for countries, an
// alpha-3 URL redirects to the alpha-2 one, a refused country filter suggests the
// code, and running text is searched too; the same on both databases.
func TestCountryOtherNames(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		for _, tc := range []struct{ q, typ, id string }{
			{"UK", "state", "GB"},
			{"Britain", "state", "GB"},
			{"Great Britain", "state", "GB"},
			{"USA", "state", "US"},
			{"United States of America", "state", "US"},
			{"Holland", "state", "NL"},
			{"Ivory Coast", "state", "CI"},
			{"ISR", "state", "IL"},
			{"Burma", "state", "MM"},
			{"Ukraine", "state", "UA"},
		} {
			r := a.do(http.MethodGet, "/api/v1/search?type=state&q="+url.QueryEscape(tc.q), nil)
			if r.status != 200 {
				t.Fatalf("search %s: %d %s", tc.q, r.status, r.body)
			}
			hits := r.json(t)["data"].([]any)
			if len(hits) == 0 {
				t.Errorf("search %s: no hits", tc.q)
				continue
			}
			h := hits[0].(map[string]any)
			if h["type"] != tc.typ || h["id"] != tc.id {
				t.Errorf("search %s: top hit %v %v (%v), want %s %s", tc.q, h["type"], h["id"], h["matched_text"], tc.typ, tc.id)
			}
			if len(hits) > 1 && hits[1].(map[string]any)["score"] == h["score"] {
				t.Errorf("search %s: the top hit ties with %v", tc.q, hits[1])
			}
		}

		// Running text: the letter's words about the Khashoggi interview are found,
		// with the sentence that matched.
		r := a.do(http.MethodGet, "/api/v1/search?q=Khashoggi", nil)
		hits := r.json(t)["data"].([]any)
		if len(hits) == 0 {
			t.Fatalf("Khashoggi: no hits: %s", r.body)
		}
		for _, h := range hits {
			m := h.(map[string]any)
			text, _ := m["matched_text"].(string)
			if !strings.Contains(strings.ToLower(text), "khashoggi") || len([]rune(text)) > 300 {
				t.Errorf("Khashoggi hit %v: matched_text %q is not the sentence that names him", m["url"], text)
			}
		}
		// A name still ranks ahead of running text that mentions it.
		r = a.do(http.MethodGet, "/api/v1/search?q=NSO%20Group", nil)
		if h := r.json(t)["data"].([]any)[0].(map[string]any); h["type"] != "vendor" {
			t.Errorf("NSO Group: top hit %v, want the vendor", h)
		}

		for _, path := range []string{"/api/v1/states/ISR", "/api/v1/states/isr"} {
			r := a.do(http.MethodGet, path, nil)
			if r.status != http.StatusPermanentRedirect || r.header.Get("Location") != "/api/v1/states/IL" {
				t.Errorf("GET %s: %d to %q, want 308 to /api/v1/states/IL", path, r.status, r.header.Get("Location"))
			}
		}
		run(t, a, []scenario{
			{name: "no such alpha-3", url: "/api/v1/states/QQQ", wantStatus: 404, wantCount: -1},
			{name: "UK suggests GB", url: "/api/v1/licenses?country=UK", wantStatus: 400, wantCount: -1, wantError: "country", wantBody: []string{"did you mean GB"}},
			{name: "USA suggests US", url: "/api/v1/vendors?country=USA", wantStatus: 400, wantCount: -1, wantError: "country", wantBody: []string{"did you mean US"}},
			{name: "type filter takes running text", url: "/api/v1/search?q=Khashoggi&type=vendor", wantStatus: 200, wantCount: 0},
		})
	})
}
