package httpapi_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestExportAndVersion: the streaming exports and the dataset version.
func TestExportAndVersion(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		v := a.do(http.MethodGet, "/api/v1/version", nil)
		data := expect(t, "version", v, 200)
		if data["dataset_version"] == "" || data["dataset_version"] != v.header.Get("X-Dataset-Version") || data["changed_at"] == nil {
			t.Errorf("version: %v, header %s", data, v.header.Get("X-Dataset-Version"))
		}

		nd := a.do(http.MethodGet, "/api/v1/export/communications.ndjson", nil)
		if nd.status != 200 || nd.header.Get("Content-Type") != "application/x-ndjson" || nd.header.Get("ETag") == "" {
			t.Fatalf("ndjson export: %d %s", nd.status, nd.header.Get("Content-Type"))
		}
		lines := strings.Split(strings.TrimSpace(string(nd.body)), "\n")
		if len(lines) != 3 {
			t.Fatalf("%d lines, want 3 communications", len(lines))
		}
		for _, l := range lines {
			var rec domain.Communication
			if err := json.Unmarshal([]byte(l), &rec); err != nil || rec.ID == 0 || rec.Sender == "" {
				t.Errorf("line %q: %v", l, err)
			}
		}
		if again := a.do(http.MethodGet, "/api/v1/export/communications.ndjson", map[string]string{"If-None-Match": nd.header.Get("ETag")}); again.status != 304 {
			t.Errorf("export with its ETag: %d, want 304", again.status)
		}
		c := a.do(http.MethodGet, "/api/v1/export/states.csv", nil)
		rows, err := csv.NewReader(strings.NewReader(string(c.body))).ReadAll()
		if err != nil || len(rows) != 251 || rows[0][0] != "code" {
			t.Errorf("states.csv: %v, %d rows", err, len(rows))
		}
		lc := a.do(http.MethodGet, "/api/v1/export/licenses.csv", nil)
		lrows, err := csv.NewReader(strings.NewReader(string(lc.body))).ReadAll()
		if err != nil || len(lrows) != 2 {
			t.Fatalf("licenses.csv: %v, %d rows", err, len(lrows))
		}
		if i := index(lrows[0], "vendor_name"); i < 0 || lrows[0][i-1] != "vendor_id" || lrows[1][i] != "NSO Group" {
			t.Errorf("licenses.csv has no vendor_name beside vendor_id: %v / %v", lrows[0], lrows[1])
		}
		if index(lrows[0], "product_names") < 0 || index(lrows[0], "end_user_agency_name") < 0 {
			t.Errorf("licenses.csv lacks the name columns of its references: %v", lrows[0])
		}
		for _, bad := range []string{"/api/v1/export/nothing.ndjson", "/api/v1/export/vendors.xml", "/api/v1/export/vendors", "/api/v1/export/..%2fvendors.csv"} {
			if r := a.do(http.MethodGet, bad, nil); r.status != 404 {
				t.Errorf("GET %s: %d, want 404", bad, r.status)
			}
		}
	})
}

// TestChangeFeed: the feed lists public changes in order, filters them, pages without
// loss, and a poller running beside writers sees every change exactly once.
func TestChangeFeed(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		all := pollAll(t, a, "/api/v1/changes?limit=4", "")
		if len(all) != 15 {
			t.Errorf("%d changes on the bundled dataset, want its 15 public records", len(all))
		}
		run(t, a, []scenario{
			{name: "changes about Israel", url: "/api/v1/changes?country=IL", wantStatus: 200, wantCount: 2},
			{name: "changes about the vendor", url: "/api/v1/changes?vendor=nso-group&limit=500", wantStatus: 200, wantCount: 6},
			{name: "corrupt cursor", url: "/api/v1/changes?since=bogus", wantStatus: 400, wantCount: -1, wantError: "since"},
			{name: "unknown vendor", url: "/api/v1/changes?vendor=nobody", wantStatus: 400, wantCount: -1, wantError: "vendor"},
			{name: "bad country", url: "/api/v1/changes?country=QQ", wantStatus: 400, wantCount: -1, wantError: "country"},
			{name: "unknown parameter", url: "/api/v1/changes?after=1", wantStatus: 400, wantCount: -1, wantError: "after"},
		})

		// Writers and a poller at once.
		_, last := pollOnce(t, a, "/api/v1/changes", "")
		editor := domain.WithViewer(context.Background(), domain.Viewer{Role: domain.RoleEditor})
		const writers, each = 4, 5
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					src, err := store.Create(editor, st, store.Sources, domain.SourceFields{Kind: "media", Title: fmt.Sprintf("Writer %d source %d", w, i)}, store.Edit{})
					if err == nil {
						_, err = store.Publish(editor, st, store.Sources, int(src.ID), nil, store.Edit{})
					}
					if err != nil {
						t.Errorf("writer %d: %v", w, err)
						return
					}
				}
			}()
		}
		seen := map[float64]int{}
		cursor := last
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		for finished := false; !finished; {
			select {
			case <-done:
				finished = true
			default:
			}
			var got []map[string]any
			got, cursor = pollOnce(t, a, "/api/v1/changes?limit=3", cursor)
			for _, ch := range got {
				seen[ch["seq"].(float64)]++
			}
		}
		rest := pollAll(t, a, "/api/v1/changes?limit=3", cursor)
		for _, ch := range rest {
			seen[ch["seq"].(float64)]++
		}
		if len(seen) != writers*each {
			t.Errorf("the poller saw %d changes, want %d", len(seen), writers*each)
		}
		for seq, n := range seen {
			if n != 1 {
				t.Errorf("change %v seen %d times", seq, n)
			}
		}
	})
}

// pollOnce reads one page of the feed from cursor and returns it and the next cursor.
func pollOnce(t *testing.T, a *api, url, cursor string) ([]map[string]any, string) {
	t.Helper()
	if cursor != "" {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		url += sep + "since=" + cursor
	}
	r := a.do(http.MethodGet, url, nil)
	if r.status != 200 {
		t.Fatalf("GET %s: %d %s", url, r.status, r.body)
	}
	body := r.json(t)
	var out []map[string]any
	prev := 0.0
	for _, ch := range body["data"].([]any) {
		m := ch.(map[string]any)
		if m["seq"].(float64) <= prev {
			t.Errorf("changes out of order: %v after %v", m["seq"], prev)
		}
		prev = m["seq"].(float64)
		out = append(out, m)
	}
	return out, body["meta"].(map[string]any)["next_cursor"].(string)
}

// pollAll reads the feed from cursor until it has nothing more.
func pollAll(t *testing.T, a *api, url, cursor string) []map[string]any {
	t.Helper()
	var all []map[string]any
	for range 1000 {
		page, next := pollOnce(t, a, url, cursor)
		all = append(all, page...)
		if len(page) == 0 || next == cursor {
			return all
		}
		cursor = next
	}
	t.Fatal("the feed never ended")
	return nil
}

// TestAtomFeed: the feed is a valid Atom document with the elements RFC 4287
// requires.
func TestAtomFeed(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		r := a.do(http.MethodGet, "/feeds/changes.atom?country=IL", nil)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("atom: %d %s", r.status, r.header.Get("Content-Type"))
		}
		var feed struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			ID      string   `xml:"id"`
			Title   string   `xml:"title"`
			Updated string   `xml:"updated"`
			Author  struct {
				Name string `xml:"name"`
			} `xml:"author"`
			Links []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Entries []struct {
				ID      string `xml:"id"`
				Title   string `xml:"title"`
				Updated string `xml:"updated"`
				Links   []struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(r.body, &feed); err != nil {
			t.Fatalf("not Atom: %v\n%s", err, r.body)
		}
		if feed.ID == "" || feed.Title == "" || feed.Updated == "" || feed.Author.Name == "" || len(feed.Links) == 0 || feed.Links[0].Rel != "self" {
			t.Errorf("feed lacks required elements: %+v", feed)
		}
		if len(feed.Entries) != 2 {
			t.Fatalf("%d entries about Israel, want 2", len(feed.Entries))
		}
		for _, e := range feed.Entries {
			if !strings.HasPrefix(e.ID, "tag:") || e.Title == "" || e.Updated == "" || len(e.Links) == 0 || !strings.HasPrefix(e.Links[0].Href, "http") {
				t.Errorf("entry lacks required elements: %+v", e)
			}
		}
		if r := a.do(http.MethodGet, "/feeds/changes.atom?country=ZZ", nil); r.status != 400 {
			t.Errorf("bad country: %d", r.status)
		}
	})
}

// TestCacheFollowsTheData: answers are cached by dataset version, so a change made
// through another instance shows at once on an instance that cached the old answer.
func TestCacheFollowsTheData(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a, b := newAPI(t, st), newAPI(t, st) // two instances, one database
		first := a.do(http.MethodGet, "/api/v1/states/IL", nil)
		again := a.do(http.MethodGet, "/api/v1/states/IL", nil)
		if string(first.body) != string(again.body) || first.header.Get("ETag") != again.header.Get("ETag") {
			t.Fatal("a cached answer differs from the first")
		}
		staff(t, st, "editor@example.org", domain.RoleEditor)
		token, _ := b.login("editor@example.org", strongPassword)
		expect(t, "a correction through the other instance", b.send(http.MethodPatch, "/api/v1/vendors/1", bearer(token, "If-Match", `"1"`), map[string]any{"name": "NSO Group Technologies"}), 200)
		after := a.do(http.MethodGet, "/api/v1/states/IL", nil)
		if !strings.Contains(string(after.body), "NSO Group Technologies") || after.header.Get("ETag") == first.header.Get("ETag") {
			t.Errorf("the instance served its stale answer after the data changed")
		}
		if r := a.do(http.MethodGet, "/api/v1/states/IL", map[string]string{"If-None-Match": first.header.Get("ETag")}); r.status != 200 {
			t.Errorf("the old ETag still gets %d", r.status)
		}
	})
}

// TestExportInOrder: an export read by parallel readers over id ranges still lists
// every record once, in id order, across range boundaries.
func TestExportInOrder(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	if _, err := dataset.Synthetic(domain.SystemContext(context.Background()), st, dataset.SyntheticOptions{Licenses: 11_000, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	a := newAPI(t, st)
	r := a.do(http.MethodGet, "/api/v1/export/licenses.ndjson", nil)
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	if len(lines) != 11_000 {
		t.Fatalf("%d licences exported, want 11000", len(lines))
	}
	prev := 0
	for _, l := range lines {
		var rec struct {
			ID domain.ID `json:"id"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		if int(rec.ID) != prev+1 {
			t.Fatalf("licence %d follows %d", rec.ID, prev)
		}
		prev = int(rec.ID)
	}
}
