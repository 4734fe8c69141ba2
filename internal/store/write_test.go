package store_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/hook"
	"github.com/export-registry/registry/ent/privacy"
	"github.com/export-registry/registry/ent/revision"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestPrivacyPolicy: the store refuses every mutation without an authorized viewer,
// whatever route or job attempts it, and nobody changes or removes a revision.
func TestPrivacyPolicy(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		bg := context.Background()
		editor := domain.WithViewer(bg, domain.Viewer{UserID: 1, Role: domain.RoleEditor})
		system := domain.SystemContext(bg)
		for name, ctx := range map[string]context.Context{"no viewer": bg, "an empty viewer": domain.WithViewer(bg, domain.Viewer{})} {
			if err := store.Client(st).Vendor.Create().SetSlug("x").SetName("X").Exec(ctx); !isDenied(err) {
				t.Errorf("create a vendor with %s: %v, want a privacy denial", name, err)
			}
			if err := store.Client(st).Vendor.UpdateOneID(1).SetName("Renamed").Exec(ctx); !isDenied(err) {
				t.Errorf("update a vendor with %s: %v", name, err)
			}
			if _, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "media", Title: "T"}, store.Edit{}); !isDenied(err) {
				t.Errorf("store.Create with %s: %v", name, err)
			}
		}
		if err := store.Client(st).User.Create().SetEmail("a@b.c").SetDisplayName("A").SetRole("admin").SetPasswordHash("x").Exec(editor); !isDenied(err) {
			t.Errorf("an editor created an account: %v", err)
		}
		if err := store.Client(st).State.UpdateOneID("IL").SetName("Elsewhere").Exec(editor); !isDenied(err) {
			t.Errorf("an editor changed reference data: %v", err)
		}
		for name, ctx := range map[string]context.Context{"editor": editor, "system": system} {
			if _, err := store.Client(st).Revision.Update().Where(revision.RecordID(1)).Save(ctx); !isDenied(err) {
				t.Errorf("%s updated a revision: %v", name, err)
			}
			if _, err := store.Client(st).Revision.Delete().Exec(ctx); !isDenied(err) {
				t.Errorf("%s deleted revisions: %v", name, err)
			}
		}
		if n, _ := store.Client(st).Revision.Query().Count(bg); n == 0 {
			t.Fatal("the revisions are gone")
		}
	})
}

func isDenied(err error) bool {
	return err != nil && (privacyDenied(err) || domain.ErrorCode(err) == domain.EFORBIDDEN)
}

func privacyDenied(err error) bool {
	for e := err; e != nil; {
		if e == privacy.Deny {
			return true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = u.Unwrap()
	}
	return false
}

// TestRefusedChangeLeavesNothing: a change the store refuses before it writes (a
// dangling reference, a stale revision) leaves the record and its history as they were.
func TestRefusedChangeLeavesNothing(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		ctx := domain.WithViewer(context.Background(), domain.Viewer{UserID: 0, Role: domain.RoleEditor})
		before, _ := store.Client(st).Revision.Query().Count(ctx)
		_, err := store.Update(ctx, st, store.Vendors, 1, 1, func(f domain.VendorFields) (domain.VendorFields, error) {
			f.Slug = "nso-group-renamed"
			f.ParentID = new(domain.ID)
			*f.ParentID = 999 // no such vendor
			return f, nil
		}, store.Edit{})
		if domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("update with a dangling parent: %v, want invalid", err)
		}
		after, _ := store.Client(st).Revision.Query().Count(ctx)
		v, _ := st.GetVendor(ctx, "1", true)
		if after != before || v.Slug != "nso-group" || v.Revision != 1 {
			t.Errorf("revisions %d → %d, slug %s, revision %d: the refused change left traces", before, after, v.Slug, v.Revision)
		}
		if _, err := store.Update(ctx, st, store.Vendors, 1, 7, func(f domain.VendorFields) (domain.VendorFields, error) { return f, nil }, store.Edit{}); domain.ErrorCode(err) != domain.EPRECONDITION {
			t.Errorf("a stale revision: %v, want precondition failed", err)
		}
	})
}

// TestFailedWriteRollsBack: a write that fails after its first statement (here the
// revision, written after the record, fails as a full disk would) is rolled back
// whole: the record keeps its fields and revision, and no revision, citation or
// record of the attempt remains.
func TestFailedWriteRollsBack(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		ctx := domain.WithViewer(context.Background(), domain.Viewer{UserID: 0, Role: domain.RoleEditor})
		var failing atomic.Bool
		store.Client(st).Revision.Use(func(next ent.Mutator) ent.Mutator {
			return hook.RevisionFunc(func(ctx context.Context, m *ent.RevisionMutation) (ent.Value, error) {
				if failing.Load() {
					return nil, errors.New("disk full")
				}
				return next.Mutate(ctx, m)
			})
		})
		counts := func() [4]int {
			return [4]int{storetest.Count(t, st, "revisions"), storetest.Count(t, st, "sources"),
				storetest.Count(t, st, "citations"), storetest.Count(t, st, "vendors")}
		}
		before := counts()
		failing.Store(true)
		if _, err := store.Update(ctx, st, store.Vendors, 1, 1, func(f domain.VendorFields) (domain.VendorFields, error) {
			f.Name = "Renamed in a failed write"
			return f, nil
		}, store.Edit{}); err == nil {
			t.Fatal("the update succeeded without its revision")
		}
		if _, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "media", Title: "Lost"}, store.Edit{}); err == nil {
			t.Fatal("the create succeeded without its revision")
		}
		if _, err := store.AddCitation(ctx, st, store.Vendors, 1, nil, domain.Citation{SourceID: 1, Confidence: "reported"}, store.Edit{}); err == nil {
			t.Fatal("the citation succeeded without its revision")
		}
		failing.Store(false)
		if after := counts(); after != before {
			t.Errorf("rows (revisions, sources, citations, vendors) %v → %v: a failed write left traces", before, after)
		}
		v, err := st.GetVendor(ctx, "1", true)
		if err != nil || v.Name != "NSO Group" || v.Revision != 1 {
			t.Errorf("vendor 1 after the failed update: %q revision %d (%v)", v.Name, v.Revision, err)
		}
	})
}
