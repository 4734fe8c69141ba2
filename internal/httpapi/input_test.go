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
			status              int
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

// TestTextFieldRules: URL fields take only absolute http and https URLs; names,
// titles and every text refuse bidi controls (names also zero-width characters);
// every text field has a length limit. Each refusal is a 400 naming the field, on
// POST and PATCH alike, and changes nothing.
func TestTextFieldRules(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "editor@example.org", domain.RoleEditor)
		staff(t, st, "admin@example.org", domain.RoleAdmin)
		a := newAPI(t, st)
		token, _ := a.login("editor@example.org", strongPassword)
		adminToken, _ := a.login("admin@example.org", strongPassword)
		auth := bearer(token)
		vendor := func(extra map[string]any) map[string]any {
			v := map[string]any{"slug": "acme", "name": "Acme"}
			for k, x := range extra {
				v[k] = x
			}
			return v
		}
		source := func(extra map[string]any) map[string]any {
			v := map[string]any{"kind": "media", "title": "A report"}
			for k, x := range extra {
				v[k] = x
			}
			return v
		}
		long := func(n int) string { return strings.Repeat("x", n) }
		before := fingerprint(t, st)
		for _, tc := range []struct {
			name, path string
			body       any
			field      string
		}{
			{"javascript: source url", "/api/v1/sources", source(map[string]any{"url": "javascript:alert(1)"}), "url"},
			{"data: archived url", "/api/v1/sources", source(map[string]any{"archived_url": "data:text/html,<script>alert(1)</script>"}), "archived_url"},
			{"relative website", "/api/v1/vendors", vendor(map[string]any{"website": "/vendors/acme"}), "website"},
			{"ftp human-rights policy", "/api/v1/vendors", vendor(map[string]any{"human_rights_policy_url": "ftp://example.org/policy"}), "human_rights_policy_url"},
			{"hostless whistleblower policy", "/api/v1/vendors", vendor(map[string]any{"whistleblower_policy_url": "https:///policy"}), "whistleblower_policy_url"},
			{"scheme-relative communication url", "/api/v1/communications", map[string]any{"kind": "letter", "sender": "UN", "url": "//example.org/x"}, "url"},
			{"right-to-left override in a name", "/api/v1/vendors", vendor(map[string]any{"name": "Acme\u202Egpj.exe"}), "name"},
			{"zero-width space in a title", "/api/v1/sources", source(map[string]any{"title": "A re\u200Bport"}), "title"},
			{"zero-width non-joiner in a name", "/api/v1/products", map[string]any{"vendor_id": "1", "name": "Peg\u200Casus"}, "name"},
			{"byte-order mark in an alias", "/api/v1/agencies", map[string]any{"state_code": "MX", "name": "CISEN", "kind": "intelligence", "aliases": []string{"\uFEFFCNI"}}, "aliases"},
			{"isolate in a vendor alias", "/api/v1/vendors", vendor(map[string]any{"aliases": []map[string]any{{"name": "Q\u2067Cyber\u2069"}}}), "aliases.name"},
			{"override in a description", "/api/v1/vendors", vendor(map[string]any{"description": "sells \u202Eerawyps"}), "description"},
			{"a 900 KB description", "/api/v1/vendors", vendor(map[string]any{"description": long(900 << 10)}), "description"},
			{"a 20,001-byte summary", "/api/v1/allegations", map[string]any{"summary": long(20001)}, "summary"},
			{"a 301-byte name", "/api/v1/vendors", vendor(map[string]any{"name": long(301)}), "name"},
			{"a 501-byte title", "/api/v1/sources", source(map[string]any{"title": long(501)}), "title"},
			{"a 201-byte document symbol", "/api/v1/sources", source(map[string]any{"document_symbol": long(201)}), "document_symbol"},
			{"a 20,001-byte licence note", "/api/v1/licenses", map[string]any{"kind": "export_authorization", "volume_note": long(20001)}, "volume_note"},
			{"a 20,001-byte question", "/api/v1/communications", map[string]any{"kind": "letter", "sender": "UN", "questions": []map[string]any{{"position": 1, "text": long(20001)}}}, "questions.text"},
			{"a 20,001-byte locator", "/api/v1/vendors/1/citations", map[string]any{"source_id": "1", "confidence": "reported", "locator": long(20001)}, "locator"},
			{"a 2,001-byte retraction reason", "/api/v1/vendors/1/retract", map[string]any{"reason": long(2001)}, "reason"},
		} {
			t.Run("POST "+tc.name, func(t *testing.T) {
				a.t = t
				r := a.send(http.MethodPost, tc.path, auth, tc.body)
				expect(t, tc.name, r, 400)
				if !problemField(t, r, tc.field) {
					t.Errorf("the problem does not name %s: %s", tc.field, truncate(r.body))
				}
			})
		}
		a.t = t
		r := a.send(http.MethodPost, "/api/v1/users", bearer(adminToken), map[string]any{"email": "new@example.org", "display_name": "\u202Enimda", "role": "editor", "password": strongPassword})
		if expect(t, "a display name with an override", r, 400); !problemField(t, r, "display_name") {
			t.Errorf("the problem does not name display_name: %s", r.body)
		}
		if after := fingerprint(t, st); after != before {
			t.Errorf("a refused write changed the database: %v → %v", before, after)
		}

		// What the rules allow.
		expect(t, "an https URL", a.send(http.MethodPost, "/api/v1/sources", auth, source(map[string]any{"url": "https://example.org/report", "archived_url": "http://web.archive.org/web/2021/https://example.org/report"})), 201)
		expect(t, "prose in Persian", a.send(http.MethodPost, "/api/v1/vendors", auth, vendor(map[string]any{"description": "می\u200Cخواهم", "name": strings.Repeat("n", 300)})), 201)

		// PATCH applies the same rules.
		for _, tc := range []struct{ name, path, field string }{
			{"javascript: website", "/api/v1/vendors/1", "website"},
			{"override in a name", "/api/v1/vendors/1", "name"},
			{"a 20,001-byte description", "/api/v1/vendors/1", "description"},
			{"data: url", "/api/v1/sources/1", "url"},
			{"zero-width joiner in a title", "/api/v1/sources/1", "title"},
		} {
			t.Run("PATCH "+tc.name, func(t *testing.T) {
				a.t = t
				value := map[string]string{"website": "javascript:alert(1)", "name": "NSO\u202EGroup", "description": long(20001),
					"url": "data:text/html,x", "title": "A\u200Dtitle"}[tc.field]
				etag := a.do(http.MethodGet, tc.path, nil).header.Get("ETag")
				r := a.send(http.MethodPatch, tc.path, bearer(token, "If-Match", etag), map[string]any{tc.field: value})
				expect(t, tc.name, r, 400)
				if !problemField(t, r, tc.field) {
					t.Errorf("the problem does not name %s: %s", tc.field, truncate(r.body))
				}
				if now := a.do(http.MethodGet, tc.path, nil).header.Get("ETag"); now != etag {
					t.Errorf("a refused patch moved the ETag from %s to %s", etag, now)
				}
			})
		}
	})
}
