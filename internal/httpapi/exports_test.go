package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestExportKept: an export is made once per dataset version and served as made;
// a change to the data makes a new one, never serving the old; ranges resume a
// download; gzip is given to clients that ask for it.
func TestExportKept(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		dir := t.TempDir()
		a := newAPIWith(t, st, httpapi.Options{ExportDir: dir})
		identity := map[string]string{"Accept-Encoding": "identity"}
		const path = "/api/v1/export/sources.ndjson"

		first := a.do(http.MethodGet, path, identity)
		if first.status != 200 || first.header.Get("Content-Length") == "" || first.header.Get("Content-Encoding") != "" {
			t.Fatalf("export: %d, length %q, encoding %q", first.status, first.header.Get("Content-Length"), first.header.Get("Content-Encoding"))
		}
		version := first.header.Get("X-Dataset-Version")
		if etag := first.header.Get("ETag"); etag != `"v`+version+`-sources.ndjson"` {
			t.Errorf("ETag %s for version %s", etag, version)
		}
		kept := filepath.Join(dir, "v"+version+"-sources.ndjson")
		if b, err := os.ReadFile(kept); err != nil || !bytes.Equal(b, first.body) {
			t.Fatalf("the export was not kept as %s: %v", kept, err)
		}

		// Served from the file while the version stands: what is in it is what is sent.
		if err := os.WriteFile(kept, []byte("{\"kept\":true}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if again := a.do(http.MethodGet, path, identity); string(again.body) != "{\"kept\":true}\n" {
			t.Errorf("the second export was made again instead of served as kept: %.80s", again.body)
		}

		// A change makes a new export; the old file is gone.
		editor := domain.WithViewer(context.Background(), domain.Viewer{Role: domain.RoleEditor})
		src, err := store.Create(editor, st, store.Sources, domain.SourceFields{Kind: "media", Title: "Published after the first export"}, store.Edit{})
		if err == nil {
			_, err = store.Publish(editor, st, store.Sources, int(src.ID), nil, store.Edit{})
		}
		if err != nil {
			t.Fatal(err)
		}
		after := a.do(http.MethodGet, path, identity)
		if after.header.Get("X-Dataset-Version") == version || !bytes.Contains(after.body, []byte("Published after the first export")) || !bytes.HasPrefix(after.body, first.body) {
			t.Errorf("after a change: version %s (was %s), body %.200s", after.header.Get("X-Dataset-Version"), version, after.body)
		}
		if _, err := os.Stat(kept); !os.IsNotExist(err) {
			t.Errorf("the export of the old version is still kept: %v", err)
		}

		// A broken download resumes.
		part := a.do(http.MethodGet, path, map[string]string{"Accept-Encoding": "identity", "Range": "bytes=10-29"})
		if part.status != http.StatusPartialContent || !bytes.Equal(part.body, after.body[10:30]) || part.header.Get("Content-Range") == "" {
			t.Errorf("range: %d %q, want bytes 10–29 of the export", part.status, part.body)
		}
		if r := a.do(http.MethodGet, path, map[string]string{"Accept-Encoding": "identity", "Range": "bytes=999999999-"}); r.status != http.StatusRequestedRangeNotSatisfiable {
			t.Errorf("a range past the end: %d, want 416", r.status)
		}

		// gzip, for those who ask; the same records, a tag of its own.
		gz := a.do(http.MethodGet, path, map[string]string{"Accept-Encoding": "br, gzip"})
		if gz.header.Get("Content-Encoding") != "gzip" || !strings.HasSuffix(gz.header.Get("ETag"), `.gz"`) || !strings.Contains(strings.Join(gz.header.Values("Vary"), ", "), "Accept-Encoding") ||
			gz.header.Get("Content-Length") != strconv.Itoa(len(gz.body)) {
			t.Fatalf("gzip: encoding %q, ETag %s, Vary %q, length %q of %d", gz.header.Get("Content-Encoding"), gz.header.Get("ETag"), strings.Join(gz.header.Values("Vary"), ", "), gz.header.Get("Content-Length"), len(gz.body))
		}
		if !bytes.Equal(gz.plain, after.body) {
			t.Error("the gzip export does not hold the export")
		}
		if r := a.do(http.MethodGet, path, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": gz.header.Get("ETag")}); r.status != http.StatusNotModified {
			t.Errorf("gzip export with its ETag: %d, want 304", r.status)
		}
		if r := a.do(http.MethodGet, path, map[string]string{"Accept-Encoding": "gzip;q=0, identity"}); r.header.Get("Content-Encoding") != "" {
			t.Errorf("gzip refused with q=0, yet sent %q", r.header.Get("Content-Encoding"))
		}
	})
}

// TestExportConcurrent: many readers of an export not made yet all get the same,
// whole export.
func TestExportConcurrent(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		var wg sync.WaitGroup
		bodies := make([][]byte, 16)
		for i := range bodies {
			wg.Go(func() {
				r := a.sendRaw(http.MethodGet, "/api/v1/export/licenses.csv", map[string]string{"Accept-Encoding": "identity"}, nil)
				if r.status == 200 {
					bodies[i] = r.body
				}
			})
		}
		wg.Wait()
		for i, b := range bodies {
			if len(b) == 0 || !bytes.Equal(b, bodies[0]) {
				t.Fatalf("reader %d got %d bytes, reader 0 %d", i, len(b), len(bodies[0]))
			}
		}
	})
}

// TestExportWithoutDisk: when exports cannot be kept, they are streamed from the
// database instead.
func TestExportWithoutDisk(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		notDir := filepath.Join(t.TempDir(), "a-file")
		if err := os.WriteFile(notDir, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		kept := newAPIWith(t, st, httpapi.Options{}).do(http.MethodGet, "/api/v1/export/vendors.ndjson", map[string]string{"Accept-Encoding": "identity"})
		streamed := newAPIWith(t, st, httpapi.Options{ExportDir: notDir}).do(http.MethodGet, "/api/v1/export/vendors.ndjson", map[string]string{"Accept-Encoding": "gzip"})
		if streamed.status != 200 || streamed.header.Get("Content-Encoding") != "" || !bytes.Equal(streamed.body, kept.body) || len(kept.body) == 0 {
			t.Errorf("streamed export: %d, encoding %q, %d bytes; kept export %d bytes", streamed.status, streamed.header.Get("Content-Encoding"), len(streamed.body), len(kept.body))
		}
	})
}

// TestCompression: public answers are gzipped for clients that ask, with a weak ETag
// (on the 304 too) that still revalidates, and every such answer varies on
// Accept-Encoding; small answers, staff answers, records and clients that refuse
// gzip get the bytes as they are, and records and staff keep strong ETags.
func TestCompression(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		staff(t, st, "editor@example.org", domain.RoleEditor)
		token, _ := a.login("editor@example.org", strongPassword)
		const path = "/api/v1/states/IL"
		plain := a.do(http.MethodGet, path, map[string]string{"Accept-Encoding": "identity"})
		gz := a.do(http.MethodGet, path, map[string]string{"Accept-Encoding": "gzip, deflate"})
		if gz.header.Get("Content-Encoding") != "gzip" || !strings.Contains(strings.Join(gz.header.Values("Vary"), ", "), "Accept-Encoding") {
			t.Fatalf("profile with gzip accepted: encoding %q, Vary %q", gz.header.Get("Content-Encoding"), strings.Join(gz.header.Values("Vary"), ", "))
		}
		if !bytes.Equal(gz.plain, plain.body) || len(gz.body) >= len(plain.body) {
			t.Errorf("gzip body: not the answer, or %d bytes for %d", len(gz.body), len(plain.body))
		}
		if strong, weak := plain.header.Get("ETag"), gz.header.Get("ETag"); strings.HasPrefix(strong, "W/") || weak != "W/"+strong {
			t.Errorf("ETags: identity %s, gzip %s; want the gzip one weak", strong, weak)
		}
		if r := a.do(http.MethodGet, path, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": gz.header.Get("ETag")}); r.status != http.StatusNotModified || r.header.Get("ETag") != gz.header.Get("ETag") {
			t.Errorf("revalidating the gzip answer: %d with ETag %s, want 304 with %s", r.status, r.header.Get("ETag"), gz.header.Get("ETag"))
		}
		// The same revalidation on a server whose cache is empty (a restart, a new
		// version elsewhere): the answer is the same 304, and is kept for the next.
		fresh := newAPI(t, st)
		for range 2 {
			r := fresh.do(http.MethodGet, path, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": gz.header.Get("ETag")})
			if r.status != http.StatusNotModified || r.header.Get("ETag") != gz.header.Get("ETag") || !strings.Contains(strings.Join(r.header.Values("Vary"), ","), "Accept-Encoding") {
				t.Errorf("revalidating on an empty cache: %d, ETag %s, Vary %q; want 304, %s, Accept-Encoding", r.status, r.header.Get("ETag"), r.header.Values("Vary"), gz.header.Get("ETag"))
			}
		}
		if !strings.Contains(strings.Join(plain.header.Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("an uncompressed public answer does not vary on Accept-Encoding: %q", plain.header.Values("Vary"))
		}
		for _, tc := range []struct {
			name, path string
			header     map[string]string
			strong     bool // the ETag must stay strong (If-Match takes it back)
		}{
			{"refused", path, map[string]string{"Accept-Encoding": "gzip;q=0"}, true},
			{"small answer", "/api/v1/version", map[string]string{"Accept-Encoding": "gzip"}, false},
			{"staff request", path, bearer(token, "Accept-Encoding", "gzip"), true},
			{"a record", "/api/v1/licenses/1", map[string]string{"Accept-Encoding": "gzip"}, true},
		} {
			r := a.do(http.MethodGet, tc.path, tc.header)
			if r.status != 200 || r.header.Get("Content-Encoding") != "" || (tc.strong && strings.HasPrefix(r.header.Get("ETag"), "W/")) {
				t.Errorf("%s: %d, encoding %q, ETag %s; want it sent as it is", tc.name, r.status, r.header.Get("Content-Encoding"), r.header.Get("ETag"))
			}
		}
	})
}

// TestPagesCached: public pages are kept like API answers, yet each reader still gets
// the page for the address they reached (host and scheme), with the pages' own
// security policy, and a change to the data shows at once.
func TestPagesCached(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		get := func(host, proto, encoding string) (*http.Response, []byte) {
			t.Helper()
			// Pages are not in the API's contract: sent without a.do's validation.
			req, err := a.request(http.MethodGet, "/countries/IL", map[string]string{"Accept-Encoding": encoding, "X-Forwarded-Proto": proto}, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = host
			res, err := a.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if body, err = unzip(res.Header, body); err != nil {
				t.Fatal(err)
			}
			return res, body
		}
		first, body1 := get("one.example", "", "identity")
		again, body2 := get("one.example", "", "gzip")
		other, body3 := get("two.example", "", "identity")
		secure, body4 := get("one.example", "https", "identity")
		if first.StatusCode != 200 || !bytes.Equal(body1, body2) || again.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("the page again, gzipped: %d, same page %v, encoding %q", first.StatusCode, bytes.Equal(body1, body2), again.Header.Get("Content-Encoding"))
		}
		if !bytes.Contains(body1, []byte("http://one.example/countries/IL")) || !bytes.Contains(body3, []byte("http://two.example/countries/IL")) ||
			bytes.Contains(body3, []byte("one.example")) || !bytes.Contains(body4, []byte("https://one.example/countries/IL")) {
			t.Errorf("a page kept for one address was given for another")
		}
		for _, res := range []*http.Response{first, again, other, secure} {
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self'") {
				t.Errorf("page served with the policy %q, not the pages' own", csp)
			}
		}

		// A change to the data is on the page at once.
		editor := domain.WithViewer(context.Background(), domain.Viewer{Role: domain.RoleEditor})
		ag, err := store.Create(editor, st, store.Agencies, domain.AgencyFields{StateCode: "IL", Name: "Agency published after the page was kept", Kind: "police"}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		src, err := store.Create(editor, st, store.Sources, domain.SourceFields{Kind: "media", Title: "Evidence"}, store.Edit{})
		if err == nil {
			_, err = store.Publish(editor, st, store.Sources, int(src.ID), nil, store.Edit{})
		}
		if err == nil {
			_, err = store.AddCitation(editor, st, store.Agencies, int(ag.ID), nil, domain.Citation{SourceID: src.ID, Confidence: "reported"}, store.Edit{})
		}
		if err == nil {
			_, err = store.Publish(editor, st, store.Agencies, int(ag.ID), nil, store.Edit{})
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, body := get("one.example", "", "gzip"); !bytes.Contains(body, []byte("Agency published after the page was kept")) {
			t.Error("the page kept before a change was served after it")
		}
	})
}
