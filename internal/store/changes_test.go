package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// TestChangeFilters: the feed's country and vendor filters find a change by every
// field that names a country (scalar or list) or a vendor, for revisions written
// before the revision_mentions migration (its backfill) and after it (revise), keep
// the rest out, page newest first and oldest first without loss, and never show a
// change that is not public.
func TestChangeFilters(t *testing.T) {
	migratedTo(t, "20261201060237_license_stated_purpose_nullable", func(t *testing.T, ctx context.Context, st *store.Store) {
		// Revisions 1-6, written before the migration; 5 is not public.
		db := store.DB(st)
		old := []struct {
			id         int
			recordType string
			recordID   int
			public     bool
			after      string
		}{
			{1, "vendor", 7, true, `{"name":"Vendor Seven","headquarters_country":"IL"}`},
			{2, "license", 1, true, `{"reference":"L-1","vendor_id":"7","end_user_state":"ZW","geography":["MZ","ZA"]}`},
			{3, "license", 2, true, `{"reference":"L-2","vendor_id":"8","exporting_state":"BG","geography":null}`},
			{4, "communication", 1, true, `{"reference":"C-1","recipient_vendor_id":"7","copied_states":["ZW"]}`},
			{5, "license", 3, false, `{"reference":"L-3","vendor_id":"7","end_user_state":"ZW"}`},
			{6, "source", 99, true, `{"title":"A source"}`},
		}
		for _, r := range old {
			q := `INSERT INTO revisions (id, record_type, record_id, revision, at, action, public, after) VALUES (?, ?, ?, 1, '2026-01-01 00:00:00', 'publish', ?, ?)`
			if st.Dialect() == "postgres" {
				q = `INSERT INTO revisions (id, record_type, record_id, revision, at, action, public, after) VALUES ($1, $2, $3, 1, '2026-01-01 00:00:00', 'publish', $4, $5)`
			}
			if _, err := db.ExecContext(ctx, q, r.id, r.recordType, r.recordID, r.public, r.after); err != nil {
				t.Fatal(err)
			}
		}
		if st.Dialect() == "postgres" {
			if _, err := db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('revisions', 'id'), 7, false)`); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}

		// Revisions written now: a published source, then a vendor in MZ citing it,
		// published — so MZ's feed holds old and new alike.
		editor := domain.WithViewer(ctx, domain.Viewer{Role: domain.RoleEditor})
		src, err := store.Create(editor, st, store.Sources, domain.SourceFields{Kind: "media", Title: "S"}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Publish(editor, st, store.Sources, int(src.ID), nil, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		mz := "MZ"
		v, err := store.Create(editor, st, store.Vendors, domain.VendorFields{Name: "Vendor MZ", Slug: "vendor-mz", HeadquartersCountry: &mz}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.AddCitation(editor, st, store.Vendors, int(v.ID), nil, domain.Citation{SourceID: src.ID, Confidence: "reported"}, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Publish(editor, st, store.Vendors, int(v.ID), nil, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		newVendor := int(v.ID)

		seqs := func(p store.ChangeParams) []int64 {
			t.Helper()
			chs, _, _, err := st.Changes(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, c := range chs {
				out = append(out, c.Seq)
			}
			return out
		}
		all := seqs(store.ChangeParams{Limit: 500})
		if len(all) < 7 || slices.Contains(all, 5) {
			t.Fatalf("unfiltered feed %v: want every public change, and not 5", all)
		}
		newMZ := all[len(all)-1] // the new vendor's publication
		for _, c := range []struct {
			name string
			p    store.ChangeParams
			want []int64
		}{
			{"a country in a scalar field and a list", store.ChangeParams{Country: "ZW"}, []int64{2, 4}},
			{"a country only in a geography list, old and new", store.ChangeParams{Country: "MZ"}, []int64{2, newMZ}},
			{"a headquarters country", store.ChangeParams{Country: "IL"}, []int64{1}},
			{"a country no change names", store.ChangeParams{Country: "FR"}, nil},
			{"a vendor: its own change and records about it", store.ChangeParams{VendorID: 7}, []int64{1, 2, 4}},
			{"a vendor named only by one licence", store.ChangeParams{VendorID: 8}, []int64{3}},
			{"a vendor written after the migration", store.ChangeParams{VendorID: newVendor}, []int64{newMZ}},
			{"a country and a vendor", store.ChangeParams{Country: "ZW", VendorID: 7}, []int64{2, 4}},
			{"a country and a vendor that share nothing", store.ChangeParams{Country: "IL", VendorID: 8}, nil},
			{"newest first", store.ChangeParams{VendorID: 7, Newest: true}, []int64{4, 2, 1}},
			{"newest first, before a position", store.ChangeParams{VendorID: 7, Newest: true, After: 4}, []int64{2, 1}},
			{"after a position", store.ChangeParams{VendorID: 7, After: 1}, []int64{2, 4}},
		} {
			if got := seqs(c.p); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}

		// Paging one at a time sees each of the vendor's changes once, and the
		// position stays put when nothing follows.
		var got []int64
		pos := int64(0)
		for range 5 {
			chs, next, more, err := st.Changes(ctx, store.ChangeParams{VendorID: 7, After: pos, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range chs {
				got = append(got, c.Seq)
			}
			if len(chs) == 0 && next != pos {
				t.Errorf("an empty page moved the position from %d to %d", pos, next)
			}
			pos = next
			if !more {
				break
			}
		}
		if !slices.Equal(got, []int64{1, 2, 4}) {
			t.Errorf("paged vendor 7's changes: %v, want [1 2 4]", got)
		}
		chs, _, _, err := st.Changes(ctx, store.ChangeParams{Country: "IL"})
		if err != nil || len(chs) != 1 || chs[0].Label != "Vendor Seven" || chs[0].RecordType != "vendor" || chs[0].RecordID != 7 {
			t.Errorf("IL's change: %+v, %v; want vendor 7 labelled by its name", chs, err)
		}
	})
}

// TestMentionsNameEveryCountryAndVendorField: what revise records for the feed's
// filters, from each field that names a country or a vendor, once each.
func TestMentionsNameEveryCountryAndVendorField(t *testing.T) {
	rec := map[string]any{
		"headquarters_country": "IL", "state_code": "FR", "end_user_state": "ZW", "exporting_state": "BG",
		"operator_state": "MX", "target_country": "SA", "recipient_state": "AE",
		"other_jurisdictions": []any{"CY"}, "copied_states": []any{"DE", "ZW"}, "geography": []any{"MZ"},
		"vendor_id": "7", "recipient_vendor_id": "9", "name": "not a country",
	}
	countries, vendors := store.Mentions("vendor", 3, rec)
	if want := []string{"AE", "BG", "CY", "DE", "FR", "IL", "MX", "MZ", "SA", "ZW"}; !slices.Equal(countries, want) {
		t.Errorf("countries %v, want %v", countries, want)
	}
	if want := []int{3, 7, 9}; !slices.Equal(vendors, want) {
		t.Errorf("vendors %v, want %v", vendors, want)
	}
	if c, v := store.Mentions("license", 1, nil); c != nil || v != nil {
		t.Errorf("a revision without a record names %v, %v; want nothing", c, v)
	}
}
