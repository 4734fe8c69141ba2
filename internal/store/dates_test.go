package store_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/export-registry/registry/ent/revision"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestHistoryOldDates: a revision written before dates had reduced forms keeps a
// month as its first day ("2019-05-01" beside "month"); its history shows it as the
// record does, "2019-05", to the public and to staff.
func TestHistoryOldDates(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		rows, err := store.Client(st).Revision.Query().
			Where(revision.RecordTypeEQ(revision.RecordTypeSource), revision.RecordID(4)).All(ctx)
		if err != nil || len(rows) == 0 {
			t.Fatalf("source 4's revisions: %v, %d", err, len(rows))
		}
		for _, r := range rows {
			after := r.After
			if after["published_on"] != "2019-05" {
				t.Fatalf("source 4 was written with published_on %v", after["published_on"])
			}
			after["published_on"] = "2019-05-01" // as a revision written before reduced forms
			b, err := json.Marshal(after)
			if err != nil {
				t.Fatal(err)
			}
			// Revisions are never updated through the store: this one is, beneath it.
			if _, err := store.DB(st).ExecContext(ctx, `UPDATE revisions SET "after" = $1 WHERE id = $2`, string(b), r.ID); err != nil {
				t.Fatal(err)
			}
		}
		for _, drafts := range []bool{false, true} {
			changes, err := st.History(ctx, "source", 4, drafts)
			if err != nil || len(changes) == 0 {
				t.Fatalf("history: %v, %d changes", err, len(changes))
			}
			for _, ch := range changes {
				if got := ch.After["published_on"]; got != "2019-05" || ch.After["published_on_precision"] != "month" {
					t.Errorf("history (drafts %v) revision %d: published_on %v (%v), want 2019-05 (month)", drafts, ch.Revision, got, ch.After["published_on_precision"])
				}
			}
		}
	})
}
