package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestIntakeLookups: what intake reads before it writes. NextIDs numbers new records
// past the highest id; an import keeps its vendors' external ids (and a vendor
// numbered without a slug gets one), which VendorsByExternalID finds; SourcesByURL
// finds sources by URL; StaffNameIndex holds drafts' names, the public index does not.
func TestIntakeLookups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		url := "https://reports.example/one"
		src, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "other", Title: "Synthetic report", URL: &url}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		next, err := st.NextIDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if next["sources"] != int(src.ID)+1 || next["vendors"] != 1 {
			t.Fatalf("next ids %v", next)
		}
		b := store.Batch{Vendors: []domain.Vendor{{
			Record:       domain.Record{ID: domain.ID(next["vendors"]), Status: domain.StatusDraft, Citations: []domain.Citation{{SourceID: src.ID, Confidence: "reported"}}},
			VendorFields: domain.VendorFields{Name: "Synthetic Draftmaker", UNGPCommitment: domain.Unknown},
		}}}
		ext := map[int]string{next["vendors"]: "misp-galaxy:00000000-0000-4000-8000-0000000000aa"}
		if _, err := st.ImportWith(ctx, b, store.ImportOptions{DryRun: true, ExternalIDs: ext}); err != nil {
			t.Fatal(err)
		}
		if got, err := st.VendorsByExternalID(ctx, []string{ext[next["vendors"]]}); err != nil || len(got) != 0 {
			t.Fatalf("a dry run kept %v (%v)", got, err)
		}
		if _, err := st.ImportWith(ctx, b, store.ImportOptions{ExternalIDs: ext}); err != nil {
			t.Fatal(err)
		}
		got, err := st.VendorsByExternalID(ctx, []string{ext[next["vendors"]], "misp-galaxy:none"})
		if err != nil || !reflect.DeepEqual(got, map[string]int{ext[next["vendors"]]: next["vendors"]}) {
			t.Errorf("by external id %v (%v)", got, err)
		}
		v, err := st.GetVendor(ctx, "synthetic-draftmaker", true)
		if err != nil || v.Status != domain.StatusDraft {
			t.Errorf("the imported vendor's slug: %v (%v)", v.Slug, err)
		}
		srcs, err := st.SourcesByURL(ctx, []string{url, "https://reports.example/none"})
		if err != nil || !reflect.DeepEqual(srcs, map[string]int{url: int(src.ID)}) {
			t.Errorf("by URL %v (%v)", srcs, err)
		}
		ix, err := st.StaffNameIndex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if hits := ix.Search("Synthetic Draftmaker", 1, "vendor"); len(hits) != 1 || hits[0].ID != v.ID.String() {
			t.Errorf("the staff's index: %v", hits)
		}
		pub, err := st.SearchIndex(ctx, "test")
		if err != nil {
			t.Fatal(err)
		}
		if hits := pub.Search("Synthetic Draftmaker", 5, "vendor"); len(hits) != 0 {
			t.Errorf("the public index holds a draft: %v", hits)
		}
	})
}

// TestIntakeVendorLinks: what intake reads of existing vendors to report a relation about
// them: name and parent (0: none), drafts too; an id no vendor has is left out.
func TestIntakeVendorLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		parent, err := store.Create(ctx, st, store.Vendors, domain.VendorFields{Name: "Quarry Holdings", UNGPCommitment: domain.Unknown}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		child, err := store.Create(ctx, st, store.Vendors, domain.VendorFields{Name: "Acme Intercept", UNGPCommitment: domain.Unknown, ParentID: &parent.ID}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.VendorLinks(ctx, []int{int(child.ID), int(parent.ID), int(child.ID) + 100})
		want := map[int]store.VendorLink{
			int(child.ID):  {Name: "Acme Intercept", ParentID: int(parent.ID)},
			int(parent.ID): {Name: "Quarry Holdings"},
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("VendorLinks = %v (%v), want %v", got, err, want)
		}
	})
}
