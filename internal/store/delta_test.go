package store_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestDelta: the delta between the versions before and after each edit holds exactly
// that edit, as the public reads the record then (ADD on publishing, MOD on a
// correction, DEL on a retraction); a draft's creation and edits move no version and
// show in no delta, nor does a draft source a published record cites; from == to is
// empty; a longer span holds each record once, as it is at its end.
func TestDelta(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.WithViewer(context.Background(), domain.Viewer{Role: domain.RoleEditor})
		version := func() int64 {
			t.Helper()
			v, err := st.DatasetVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
		delta := func(from, to int64) []store.DeltaOp {
			t.Helper()
			var ops []store.DeltaOp
			if err := st.Delta(ctx, from, to, func(op store.DeltaOp) error { ops = append(ops, op); return nil }); err != nil {
				t.Fatal(err)
			}
			return ops
		}
		// public is a record as the public reads it, in the API's JSON shape.
		public := func(rec any, err error) map[string]any {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(rec)
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		publicVendor := func(id domain.ID) map[string]any {
			return public(st.GetVendor(ctx, id.String(), false))
		}
		// want checks a delta is exactly the operations given.
		want := func(what string, got []store.DeltaOp, ops ...store.DeltaOp) {
			t.Helper()
			if !reflect.DeepEqual(got, ops) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(ops)
				t.Errorf("%s:\n got %s\nwant %s", what, g, w)
			}
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}

		v0 := version()
		evidence, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "media", Title: "Public evidence"}, store.Edit{})
		must(err)
		_, err = store.Publish(ctx, st, store.Sources, int(evidence.ID), nil, store.Edit{})
		must(err)
		v1 := version()
		want("publishing a source", delta(v0, v1), store.DeltaOp{Op: "ADD", RecordType: "source", Entity: public(st.GetSource(ctx, int(evidence.ID), false))})

		// A draft, created and edited: no version moves.
		vendor, err := store.CreateCited(ctx, st, store.Vendors, domain.VendorFields{Slug: "delta-vendor", Name: "Draft name", UNGPCommitment: "unknown"},
			[]domain.Citation{{SourceID: evidence.ID, Confidence: "reported"}}, store.Edit{})
		must(err)
		_, err = store.Update(ctx, st, store.Vendors, int(vendor.ID), vendor.Revision, func(f domain.VendorFields) (domain.VendorFields, error) {
			f.Name = "Vendor Name"
			return f, nil
		}, store.Edit{})
		must(err)
		if v := version(); v != v1 {
			t.Fatalf("a draft's edits moved the version from %d to %d", v1, v)
		}

		_, err = store.Publish(ctx, st, store.Vendors, int(vendor.ID), nil, store.Edit{})
		must(err)
		v2 := version()
		published := publicVendor(vendor.ID)
		want("publishing a vendor", delta(v1, v2), store.DeltaOp{Op: "ADD", RecordType: "vendor", Entity: published})

		cur, _ := st.GetVendor(ctx, vendor.ID.String(), true)
		_, err = store.Update(ctx, st, store.Vendors, int(vendor.ID), cur.Revision, func(f domain.VendorFields) (domain.VendorFields, error) {
			f.Name = "Corrected Name"
			return f, nil
		}, store.Edit{})
		must(err)
		v3 := version()
		corrected := publicVendor(vendor.ID)
		want("correcting it", delta(v2, v3), store.DeltaOp{Op: "MOD", RecordType: "vendor", Entity: corrected})
		want("publishing then correcting", delta(v1, v3), store.DeltaOp{Op: "ADD", RecordType: "vendor", Entity: corrected})
		want("from the start", delta(v0, v3),
			store.DeltaOp{Op: "ADD", RecordType: "source", Entity: public(st.GetSource(ctx, int(evidence.ID), false))},
			store.DeltaOp{Op: "ADD", RecordType: "vendor", Entity: corrected})

		// A draft source cited by the published vendor: a public revision, but nothing
		// the public sees changes.
		draft, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "media", Title: "Unpublished working title"}, store.Edit{})
		must(err)
		_, err = store.AddCitation(ctx, st, store.Vendors, int(vendor.ID), nil, domain.Citation{SourceID: draft.ID, Confidence: "alleged"}, store.Edit{})
		must(err)
		v4 := version()
		if v4 == v3 {
			t.Fatal("a citation of a published record moved no version")
		}
		want("citing a draft source", delta(v3, v4))
		for _, op := range delta(v0, v4) {
			if b, _ := json.Marshal(op); strings.Contains(string(b), "Unpublished working title") {
				t.Errorf("a delta reveals the draft source: %s", b)
			}
		}

		_, err = store.Retract(ctx, st, store.Vendors, int(vendor.ID), nil, "Wrongly attributed", store.Edit{})
		must(err)
		v5 := version()
		retracted := publicVendor(vendor.ID)
		if retracted["status"] != "retracted" || retracted["retraction_reason"] != "Wrongly attributed" {
			t.Fatalf("retracted vendor: %v", retracted)
		}
		want("retracting it", delta(v4, v5), store.DeltaOp{Op: "DEL", RecordType: "vendor", Entity: retracted})
		want("published and retracted since", delta(v1, v5))
		want("nothing between a version and itself", delta(v5, v5))

		// Versions are 0 and the ids of public revisions only.
		for v, ok := range map[int64]bool{0: true, v1: true, v5: true, v5 + 1: false, -1: false} {
			if got, err := st.IsVersion(ctx, v); err != nil || got != ok {
				t.Errorf("IsVersion(%d) = %v, %v; want %v", v, got, err, ok)
			}
		}
		var draftRevision int64
		must(store.DB(st).QueryRow("SELECT MIN(id) FROM revisions WHERE public = FALSE").Scan(&draftRevision))
		if ok, _ := st.IsVersion(ctx, draftRevision); ok {
			t.Errorf("IsVersion(%d), a draft's revision, is true", draftRevision)
		}
	})
}

// TestDeltaInBatches: a delta read a few records at a time holds each changed record
// once, in the order of their last changes, each with its right operation, whatever
// batch its state before falls in.
func TestDeltaInBatches(t *testing.T) {
	defer func(n int) { *store.DeltaBatch = n }(*store.DeltaBatch)
	*store.DeltaBatch = 2
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.WithViewer(context.Background(), domain.Viewer{Role: domain.RoleEditor})
		version := func() int64 {
			v, _ := st.DatasetVersion(ctx)
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
		var ids []domain.ID
		for i := range 5 {
			src, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "media", Title: "Source " + strconv.Itoa(i)}, store.Edit{})
			if err == nil {
				_, err = store.Publish(ctx, st, store.Sources, int(src.ID), nil, store.Edit{})
			}
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, src.ID)
		}
		mid := version()
		// Retitle sources 3, 0, 2 (in that order), retract 4; source 1 stays as it was.
		for _, i := range []int{3, 0, 2} {
			cur, _ := st.GetSource(ctx, int(ids[i]), true)
			if _, err := store.Update(ctx, st, store.Sources, int(ids[i]), cur.Revision, func(f domain.SourceFields) (domain.SourceFields, error) {
				f.Title += " retitled"
				return f, nil
			}, store.Edit{}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := store.Retract(ctx, st, store.Sources, int(ids[4]), nil, "not a source", store.Edit{}); err != nil {
			t.Fatal(err)
		}
		end := version()
		got := func(from, to int64) []string {
			var out []string
			if err := st.Delta(ctx, from, to, func(op store.DeltaOp) error {
				out = append(out, op.Op+" "+op.Entity["title"].(string))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if g, want := got(mid, end), []string{"MOD Source 3 retitled", "MOD Source 0 retitled", "MOD Source 2 retitled", "DEL Source 4"}; !reflect.DeepEqual(g, want) {
			t.Errorf("delta in batches of 2: %q, want %q", g, want)
		}
		if g, want := got(0, end), []string{"ADD Source 1", "ADD Source 3 retitled", "ADD Source 0 retitled", "ADD Source 2 retitled"}; !reflect.DeepEqual(g, want) {
			t.Errorf("delta from 0 in batches of 2: %q, want %q", g, want)
		}
	})
}
