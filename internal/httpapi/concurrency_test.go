package httpapi_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestConcurrentEditors: 32 editors write at once (create, cite, publish, correct);
// none gets a 5xx (on SQLite: no SQLITE_BUSY), every write lands with its revisions.
// SQLite takes writers one at a time: write transactions begin IMMEDIATE and wait up
// to the busy timeout, so they queue instead of failing.
func TestConcurrentEditors(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		const editors = 32
		for i := range editors {
			staff(t, st, fmt.Sprintf("editor%d@example.org", i), domain.RoleEditor)
		}
		a := newAPIWith(t, st, httpapi.Options{LoginEvery: time.Millisecond, LoginBurst: 1000})
		tokens := make([]string, editors)
		for i := range editors {
			tokens[i], _ = a.login(fmt.Sprintf("editor%d@example.org", i), strongPassword)
		}
		before := fingerprint(t, st)
		start := time.Now()
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []string
		fail := func(format string, args ...any) {
			mu.Lock()
			failures = append(failures, fmt.Sprintf(format, args...))
			mu.Unlock()
		}
		for i := range editors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				auth := bearer(tokens[i])
				// The shared api's t must not be used from goroutines: requests go
				// through a plain client here and are checked by status.
				r := a.sendRaw(http.MethodPost, "/api/v1/vendors", auth, map[string]any{"slug": fmt.Sprintf("concurrent-%d", i), "name": fmt.Sprintf("Concurrent %d", i)})
				if r.status != 201 {
					fail("editor %d create: %d %s", i, r.status, r.body)
					return
				}
				url := "/api/v1/vendors/concurrent-" + fmt.Sprint(i)
				steps := []struct {
					method, path string
					header       map[string]string
					body         any
				}{
					{http.MethodPost, url + "/citations", auth, map[string]any{"source_id": "1", "confidence": "reported"}},
					{http.MethodPost, url + "/publish", auth, nil},
					{http.MethodPatch, url, bearer(tokens[i], "If-Match", `"3"`), map[string]any{"description": "corrected"}},
				}
				for _, s := range steps {
					if r := a.sendRaw(s.method, s.path, s.header, s.body); r.status != 200 {
						fail("editor %d %s %s: %d %s", i, s.method, s.path, r.status, r.body)
						return
					}
				}
			}()
		}
		wg.Wait()
		t.Logf("%d editors × 4 writes in %v", editors, time.Since(start))
		for _, f := range failures {
			t.Error(f)
		}
		after := fingerprint(t, st)
		if after[1]-before[1] != editors || after[0]-before[0] != 4*editors {
			t.Errorf("vendors %d → %d, revisions %d → %d; want %d new vendors and %d revisions", before[1], after[1], before[0], after[0], editors, 4*editors)
		}
	})
}
