package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestTwoPersonReview: in two-person review a draft's last editor asks and another
// staff member publishes; the history names both. In single review, the default,
// an editor publishes their own draft.
func TestTwoPersonReview(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "ana@example.org", domain.RoleEditor)
		staff(t, st, "ben@example.org", domain.RoleEditor)
		staff(t, st, "boss@example.org", domain.RoleAdmin)
		two := newAPIWith(t, st, httpapi.Options{Review: domain.ReviewTwoPerson})
		one := newAPI(t, st)
		ana, _ := two.login("ana@example.org", strongPassword)
		ben, _ := two.login("ben@example.org", strongPassword)
		boss, _ := two.login("boss@example.org", strongPassword)
		draft := func(a *api, token, name string) string {
			t.Helper()
			v := expect(t, "create "+name, a.send(http.MethodPost, "/api/v1/vendors", bearer(token), map[string]any{"name": name,
				"citations": []any{map[string]any{"source_id": 1, "confidence": "reported"}}}), 201)
			return "/api/v1/vendors/" + v["id"].(string)
		}
		status := func(url string) any {
			return expect(t, "read", two.do(http.MethodGet, url, bearer(boss)), 200)["status"]
		}
		openReviews := func() []any {
			body := two.do(http.MethodGet, "/api/v1/reviews", bearer(boss))
			expect(t, "reviews", body, 200)
			list, _ := body.json(t)["data"].([]any)
			return list
		}

		// Single review: an editor publishes their own draft.
		t.Run("single", func(t *testing.T) {
			one.t, two.t = t, t
			url := draft(one, ana, "Single Review Ltd")
			expect(t, "own publish", one.send(http.MethodPost, url+"/publish", bearer(ana), nil), 200)
		})

		t.Run("two-person", func(t *testing.T) {
			one.t, two.t = t, t
			url := draft(two, ana, "Two Person Ltd")
			for i := range 2 { // asking twice records one request
				r := two.send(http.MethodPost, url+"/publish", bearer(ana), nil)
				expect(t, "the last editor publishes", r, 202)
				if body := r.json(t); body["status"] != "awaiting_review" {
					t.Errorf("try %d: the 202 does not say awaiting review: %s", i, r.body)
				}
			}
			if s := status(url); s != "draft" {
				t.Fatalf("a publish awaiting review changed the status to %v", s)
			}
			expect(t, "the public does not see it", two.do(http.MethodGet, url, nil), 404)
			reviews := openReviews()
			if len(reviews) != 1 || reviews[0].(map[string]any)["requested_by"] != "Staff ana" {
				t.Fatalf("open reviews: %v", reviews)
			}
			// An admin who is not the last editor approves.
			pub := expect(t, "another staff member publishes", two.send(http.MethodPost, url+"/publish", bearer(ben), nil), 200)
			if pub["status"] != "published" {
				t.Fatalf("status %v", pub["status"])
			}
			if n := len(openReviews()); n != 0 {
				t.Errorf("%d review requests still open after the publish", n)
			}
			hist := two.do(http.MethodGet, url+"/history", nil)
			changes, _ := hist.json(t)["data"].([]any)
			last := changes[len(changes)-1].(map[string]any)
			if last["action"] != "publish" || last["actor"] != "Staff ben" || last["requested_by"] != "Staff ana" {
				t.Errorf("the publish in the history: %v", last)
			}
		})

		t.Run("the last editor, not the creator, must not publish", func(t *testing.T) {
			one.t, two.t = t, t
			url := draft(two, ana, "Edited By Ben Ltd")
			cur := two.do(http.MethodGet, url, bearer(ben))
			expect(t, "ben edits", two.send(http.MethodPatch, url, bearer(ben, "If-Match", cur.header.Get("ETag")), map[string]any{"headquarters_country": "DE"}), 200)
			expect(t, "ben publishes his own edit", two.send(http.MethodPost, url+"/publish", bearer(ben), nil), 202)
			expect(t, "ana approves", two.send(http.MethodPost, url+"/publish", bearer(ana), nil), 200)
		})

		t.Run("a request left open when the rule turns single is answered by the publish", func(t *testing.T) {
			one.t, two.t = t, t
			url := draft(two, ana, "Rule Changed Ltd")
			expect(t, "ana asks", two.send(http.MethodPost, url+"/publish", bearer(ana), nil), 202)
			expect(t, "ana publishes under single review", one.send(http.MethodPost, url+"/publish", bearer(ana), nil), 200)
			if n := len(openReviews()); n != 0 {
				t.Errorf("%d review requests still open after the publish", n)
			}
		})

		t.Run("an admin's own draft needs a second person too", func(t *testing.T) {
			one.t, two.t = t, t
			url := draft(two, boss, "Admin Draft Ltd")
			expect(t, "the admin publishes their own draft", two.send(http.MethodPost, url+"/publish", bearer(boss), nil), 202)
			expect(t, "an editor approves", two.send(http.MethodPost, url+"/publish", bearer(ana), nil), 200)
		})
	})
}
