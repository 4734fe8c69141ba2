package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestListAtPages: a list as of a time, read a page at a time across batches of
// revisions smaller than the page (records with several revisions each, drafts
// among them), holds each record public then once, as it was then, in id order; a
// record as of a time is as its latest public revision then left it.
func TestListAtPages(t *testing.T) {
	store.SetAsOfBatch(3)
	t.Cleanup(func() { store.SetAsOfBatch(500) })
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		src, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "media", Title: "Evidence"}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Publish(ctx, st, store.Sources, int(src.ID), nil, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		rename := func(id int, name string) {
			t.Helper()
			v, err := st.GetVendor(ctx, fmt.Sprint(id), true)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := store.Update(ctx, st, store.Vendors, id, v.Revision, func(f domain.VendorFields) (domain.VendorFields, error) {
				f.Name = name
				return f, nil
			}, store.Edit{}); err != nil {
				t.Fatal(err)
			}
		}
		var ids []int
		for i := range 7 {
			v, err := store.CreateCited(ctx, st, store.Vendors, domain.VendorFields{Name: fmt.Sprintf("Vendor %d", i), UNGPCommitment: domain.Unknown},
				[]domain.Citation{{SourceID: src.ID, Confidence: "reported"}}, store.Edit{})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, int(v.ID))
			if i%3 == 2 {
				continue // a draft
			}
			if _, err := store.Publish(ctx, st, store.Vendors, int(v.ID), nil, store.Edit{}); err != nil {
				t.Fatal(err)
			}
			rename(int(v.ID), fmt.Sprintf("Vendor %d then", i))
		}
		at := time.Now().UTC()
		time.Sleep(time.Millisecond)
		for _, id := range ids {
			rename(id, "Renamed since")
		}

		var got []string
		p := store.ListParams{Statuses: []string{domain.StatusPublished}, Limit: 2}
		for range 10 {
			page, next, err := store.ListAt[domain.Vendor](ctx, st, "vendor", p, at)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range page {
				got = append(got, v.Name)
			}
			if next == "" {
				break
			}
			if p.After, err = store.DecodeCursor(next); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{"Vendor 0 then", "Vendor 1 then", "Vendor 3 then", "Vendor 4 then", "Vendor 6 then"}
		if !slices.Equal(got, want) {
			t.Errorf("as of then: %q, want %q", got, want)
		}
		if v, err := store.RecordAt[domain.Vendor](ctx, st, "vendor", ids[0], at); err != nil || v.Name != "Vendor 0 then" || v.Revision != 3 || len(v.Citations) != 1 {
			t.Errorf("vendor as of then: %q revision %d, %d citations, %v", v.Name, v.Revision, len(v.Citations), err)
		}
		if _, err := store.RecordAt[domain.Vendor](ctx, st, "vendor", ids[2], time.Now()); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("a draft as of now: %v, want not found", err)
		}
	})
}
