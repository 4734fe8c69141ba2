package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestLicenseListFromDocuments: the public JSON list of licences is written from the
// licence documents, staff's from the licences themselves. On a registry with no
// drafts the two must be the same bytes (and so the same ETag), for every filter and
// page, before and after a change; and after a change the public list must render
// the stale document itself (the documents' metric), which proves it reads them.
func TestLicenseListFromDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		if _, err := dataset.Synthetic(ctx, st, dataset.SyntheticOptions{Licenses: 80, Seed: 9}); err != nil {
			t.Fatal(err)
		}
		staff(t, st, "reader@registry.test", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("reader@registry.test", strongPassword)
		all, _, err := st.ListLicenses(ctx, store.ListParams{Statuses: domain.PublicStatuses, Limit: store.MaxLimit})
		if err != nil || len(all) == 0 {
			t.Fatalf("%d licences: %v", len(all), err)
		}
		var country, covers, day string
		for _, l := range all {
			if country == "" && l.EndUserState != nil && l.ValidFrom != nil && l.ValidUntil == nil {
				country, day = *l.EndUserState, l.ValidFrom.End().Format("2006-01-02")
			}
			if covers == "" && len(l.Geography) > 0 {
				covers = l.Geography[0]
			}
		}
		if country == "" || covers == "" {
			t.Fatal("no licence to filter by")
		}
		same := func(when string) {
			t.Helper()
			for _, path := range []string{
				"/api/v1/licenses",
				"/api/v1/licenses?limit=7",
				"/api/v1/licenses?country=" + country + "&active_on=" + day + "&limit=3",
				"/api/v1/licenses?covers=" + covers,
				"/api/v1/licenses?q=no-such-text-anywhere",
				"/api/v1/licenses?status=published,retracted&limit=500",
			} {
				for pages := 0; path != "" && pages < 20; pages++ {
					public := a.get(path)
					staffs := a.do(http.MethodGet, path, bearer(token))
					if public.status != http.StatusOK || staffs.status != http.StatusOK {
						t.Fatalf("%s: GET %s: %d and %d", when, path, public.status, staffs.status)
					}
					if string(public.plain) != string(staffs.plain) {
						t.Fatalf("%s: GET %s: the public list is not staff's:\npublic: %s\nstaff:  %s", when, path, truncate(public.plain), truncate(staffs.plain))
					}
					// The same validator (a compressed answer's is weak).
					if strings.TrimPrefix(public.header.Get("ETag"), "W/") != strings.TrimPrefix(staffs.header.Get("ETag"), "W/") || public.header.Get("Link") != staffs.header.Get("Link") {
						t.Errorf("%s: GET %s: ETag %s and %s, Link %s and %s", when, path,
							public.header.Get("ETag"), staffs.header.Get("ETag"), public.header.Get("Link"), staffs.header.Get("Link"))
					}
					path = nextPath(t, public.header.Get("Link"))
				}
			}
		}
		same("as imported")

		// A change shows at once, through the list's own read of the stale document:
		// the public list renders it (registry_license_documents_rendered_total),
		// which it would not if it read the licences as staff's list does. The
		// keeper may fill the document first if it was still at work: then the
		// change is made again.
		metrics := a.metrics(t)
		l := all[len(all)/2]
		revision, rendered := l.Revision, false
		for attempt := 1; attempt <= 3 && !rendered; attempt++ {
			for deadline := time.Now().Add(10 * time.Second); metricValue(t, metrics(), "registry_license_documents_filling") != 0; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("the keeper never finished filling the documents")
				}
			}
			before := metricValue(t, metrics(), "registry_license_documents_rendered_total")
			change := fmt.Sprintf("Changed through the API (%d)", attempt)
			r := a.send(http.MethodPatch, "/api/v1/licenses/"+l.ID.String(), bearer(token, "If-Match", `"`+strconv.Itoa(revision)+`"`),
				map[string]any{"description": change})
			expect(t, "change a licence", r, http.StatusOK)
			revision++
			after := a.get("/api/v1/licenses?limit=500")
			if !strings.Contains(string(after.plain), change) {
				t.Fatal("the public list does not show the change")
			}
			rendered = metricValue(t, metrics(), "registry_license_documents_rendered_total") > before
		}
		if !rendered {
			t.Error("the public list rendered no stale document after a change, three times: it does not read the documents")
		}
		same("after a change")
	})
}

// TestLicenseListTakesCachedDocuments: a public list the response cache cannot
// answer takes the licence documents an earlier list of the same dataset version
// read from the store's document cache (registry_license_documents_cached_total),
// and reads them from the database again once a change moves the version.
func TestLicenseListTakesCachedDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		if _, err := dataset.Synthetic(ctx, st, dataset.SyntheticOptions{Licenses: 30, Seed: 4}); err != nil {
			t.Fatal(err)
		}
		staff(t, st, "editor@registry.test", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("editor@registry.test", strongPassword)
		metrics := a.metrics(t)
		for deadline := time.Now().Add(10 * time.Second); metricValue(t, metrics(), "registry_license_documents_filling") != 0; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the keeper never finished filling the documents")
			}
		}
		// list reads a page of n licences, each path once (the response cache has
		// not seen it), and returns how many documents came from the cache, and
		// from the database: read, or rendered stale.
		counters := []string{"registry_license_documents_cached_total", "registry_license_documents_read_total", "registry_license_documents_rendered_total"}
		list := func(path string, n int) (cached, read float64) {
			t.Helper()
			page, before := metrics(), make([]float64, len(counters))
			for i, name := range counters {
				before[i] = metricValue(t, page, name)
			}
			var body struct{ Data []json.RawMessage }
			r := a.get(path)
			expect(t, "GET "+path, r, http.StatusOK)
			if err := json.Unmarshal(r.plain, &body); err != nil || len(body.Data) != n {
				t.Fatalf("GET %s: %d licences, want %d (%v)", path, len(body.Data), n, err)
			}
			page = metrics()
			return metricValue(t, page, counters[0]) - before[0], metricValue(t, page, counters[1]) - before[1] + metricValue(t, page, counters[2]) - before[2]
		}
		if cached, read := list("/api/v1/licenses?limit=10", 10); cached != 0 || read != 10 {
			t.Errorf("the first list: %v documents from the cache, %v from the database; want 0 and 10", cached, read)
		}
		if cached, read := list("/api/v1/licenses?limit=12", 12); cached != 10 || read != 2 {
			t.Errorf("a longer list: %v documents from the cache, %v from the database; want 10 and 2", cached, read)
		}
		// A change moves the dataset version: the cache's documents are not taken.
		var l struct {
			Data struct {
				ID       string
				Revision int
			}
		}
		if err := json.Unmarshal(a.get("/api/v1/licenses/1").plain, &l); err != nil || l.Data.ID == "" {
			t.Fatalf("licence 1: %v", err)
		}
		r := a.send(http.MethodPatch, "/api/v1/licenses/"+l.Data.ID, bearer(token, "If-Match", `"`+strconv.Itoa(l.Data.Revision)+`"`),
			map[string]any{"description": "Changed through the API"})
		expect(t, "change a licence", r, http.StatusOK)
		if cached, read := list("/api/v1/licenses?limit=5", 5); cached != 0 || read != 5 {
			t.Errorf("after a change: %v documents from the cache, %v from the database; want 0 and 5", cached, read)
		}
		if got := a.get("/api/v1/licenses?limit=1"); !strings.Contains(string(got.plain), "Changed through the API") {
			t.Errorf("the changed licence's list does not show the change: %s", truncate(got.plain))
		}
	})
}

// metricsListener starts the server's metrics listener for the test and returns its
// URL.
func (a *api) metricsListener(t *testing.T) string {
	srv := httptest.NewUnstartedServer(nil)
	srv.Config = a.server.MetricsServer("")
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

// metrics returns a function that reads the server's metrics, as its metrics
// listener serves them.
func (a *api) metrics(t *testing.T) func() string {
	base := a.metricsListener(t)
	return func() string {
		t.Helper()
		res, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
}

// metricValue is the value of an unlabelled metric in a metrics page.
func metricValue(t *testing.T, page, name string) float64 {
	t.Helper()
	for line := range strings.Lines(page) {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// nextPath is the path of a Link rel=next ("" for none).
func nextPath(t *testing.T, link string) string {
	t.Helper()
	if link == "" {
		return ""
	}
	target, _, _ := strings.Cut(strings.TrimPrefix(link, "<"), ">")
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}
