package store_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestDatasetVersionIsFresh: readers that arrive together share version reads, yet
// every reader sees each change committed before it asked. Readers run beside a
// writer publishing sources; a read that returned a version older than the last
// publish finished before the read began would be a stale cached answer.
func TestDatasetVersionIsFresh(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		editor := domain.WithViewer(context.Background(), domain.Viewer{UserID: 0, Role: domain.RoleEditor})
		var committed atomic.Int64 // the version of the last publish that has returned
		var stop atomic.Bool
		var wg sync.WaitGroup
		var reads, stale atomic.Int64
		for range 16 {
			wg.Go(func() {
				for !stop.Load() {
					want := committed.Load()
					v, err := st.DatasetVersion(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					got, _ := strconv.ParseInt(v, 10, 64)
					reads.Add(1)
					if got < want {
						stale.Add(1)
					}
				}
			})
		}
		for i := range 30 {
			src, err := store.Create(editor, st, store.Sources, domain.SourceFields{Kind: "media", Title: "Source " + strconv.Itoa(i)}, store.Edit{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := store.Publish(editor, st, store.Sources, int(src.ID), nil, store.Edit{}); err != nil {
				t.Fatal(err)
			}
			var v int64
			if err := store.DB(st).QueryRow("SELECT MAX(id) FROM revisions WHERE public = TRUE").Scan(&v); err != nil {
				t.Fatal(err)
			}
			committed.Store(v)
		}
		stop.Store(true)
		wg.Wait()
		if stale.Load() > 0 {
			t.Errorf("%d of %d reads returned a version older than a change committed before they began", stale.Load(), reads.Load())
		}
		if v, _ := st.DatasetVersion(context.Background()); v != strconv.FormatInt(committed.Load(), 10) {
			t.Errorf("version %s after the last publish, want %d", v, committed.Load())
		}
	})
}
