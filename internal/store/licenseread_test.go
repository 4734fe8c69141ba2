package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// The licences' raw read (ListLicenses) must answer exactly what ent's read did:
// the same records, field for field, the same JSON bytes, the same cursors, and no
// draft where ent showed none.

func TestLicenseRawReadSelectsEveryColumn(t *testing.T) {
	got := store.LicenseColumns()
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(license.Columns))) {
		t.Errorf("the raw read selects %v; the licences table has %v", got, license.Columns)
	}
}

func TestLicenseRawReadIsEntsRead(t *testing.T) {
	t.Run("bundled", func(t *testing.T) {
		storetest.Seeded(t, func(t *testing.T, st *store.Store) {
			addDrafts(t, st)
			compareLicenseReads(t, st, false)
		})
	})
	t.Run("synthetic", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, st *store.Store) {
			ctx := domain.SystemContext(context.Background())
			if _, err := dataset.Synthetic(ctx, st, dataset.SyntheticOptions{Licenses: 700, Seed: 3}); err != nil {
				t.Fatal(err)
			}
			addDrafts(t, st)
			compareLicenseReads(t, st, true)
		})
	})
}

// addDrafts adds what a public read must not show: a draft licence (with products,
// geography and dates of every precision), and a draft source cited by a published
// licence.
func addDrafts(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := domain.WithViewer(context.Background(), domain.Viewer{Role: domain.RoleEditor})
	public, _, err := st.ListLicenses(ctx, store.ListParams{Statuses: []string{domain.StatusPublished}, Limit: 1})
	if err != nil || len(public) == 0 {
		t.Fatalf("no published licence: %v", err)
	}
	src, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "media", Title: "A draft article"}, store.Edit{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddCitation(ctx, st, store.Licenses, int(public[0].ID), nil, domain.Citation{SourceID: src.ID, Fields: []string{"reference"}, Confidence: "reported"}, store.Edit{}); err != nil {
		t.Fatal(err)
	}
	year, month, ref, targets := domain.Date("2019"), domain.Date("2020-03"), "DRAFT-1", 3
	if _, err := store.Create(ctx, st, store.Licenses, domain.LicenseFields{
		Kind: "export_authorization", ProductIDs: []domain.ID{}, Geography: []string{"FR", "ZA"}, Reference: &ref,
		ValidFrom: &year, ValidUntil: &month, MaxTargets: &targets, ControlListEntries: []string{"5A001.j"},
	}, store.Edit{}); err != nil {
		t.Fatal(err)
	}
}

// compareLicenseReads reads the licences both ways, the public's and staff's, whole
// and filtered, a page at a time to the end. Over a registry large enough
// (thorough), every filter must keep some licences, or its comparison proves nothing.
func compareLicenseReads(t *testing.T, st *store.Store, thorough bool) {
	t.Helper()
	ctx := context.Background()
	public := domain.PublicStatuses
	all, _, err := store.ListLicensesEnt(ctx, st, store.ListParams{Statuses: public, Limit: store.MaxLimit})
	if err != nil || len(all) == 0 {
		t.Fatalf("%d public licences: %v", len(all), err)
	}
	// Filters taken from the public records themselves, so each keeps some.
	var country, exporter, covers, vendor, ref string
	var day *time.Time
	agency := 0
	for _, l := range all {
		if day == nil && l.EndUserState != nil && l.ValidFrom != nil && l.ValidUntil == nil {
			country, day = *l.EndUserState, new(l.ValidFrom.End())
		}
		if exporter == "" && l.ExportingState != nil {
			exporter = *l.ExportingState
		}
		if covers == "" && len(l.Geography) > 0 {
			covers = l.Geography[len(l.Geography)-1]
		}
		if vendor == "" && l.VendorID != nil {
			vendor = strconv.Itoa(int(*l.VendorID))
		}
		if agency == 0 && l.EndUserAgencyID != nil {
			agency = int(*l.EndUserAgencyID)
		}
		if ref == "" && l.Reference != nil && len(*l.Reference) > 3 {
			ref = strings.ToLower((*l.Reference)[1:3])
		}
	}
	if day == nil {
		if thorough {
			t.Fatal("no public licence with a country and an open validity to filter by")
		}
		day = new(time.Date(2018, 6, 1, 0, 0, 0, 0, time.UTC))
	}
	since := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	staff := []string{domain.StatusDraft, domain.StatusPublished, domain.StatusRetracted}
	for name, p := range map[string]store.ListParams{
		"public, all":             {Statuses: public},
		"public, pages of 7":      {Statuses: public, Limit: 7},
		"public, export batches":  {Statuses: public, Batch: 5000},
		"staff, all":              {Statuses: staff, Drafts: true, Limit: 13},
		"published only":          {Statuses: []string{domain.StatusPublished}},
		"country and active_on":   {Statuses: public, Country: country, ActiveOn: day, Limit: 100},
		"exporter_country":        {Statuses: public, ExporterCountry: exporter},
		"covers":                  {Statuses: public, Covers: covers},
		"staff covers":            {Statuses: staff, Drafts: true, Covers: "ZA"},
		"vendor":                  {Statuses: public, Vendor: vendor},
		"agency":                  {Statuses: public, AgencyID: agency},
		"q":                       {Statuses: public, Q: ref},
		"staff q":                 {Statuses: staff, Drafts: true, Q: "draft"},
		"licence status":          {Statuses: public, KindStatuses: []string{"granted", "unknown"}},
		"updated_since and after": {Statuses: public, UpdatedSince: &since, After: int(all[0].ID), Before: int(all[len(all)-1].ID)},
		"active_on alone":         {Statuses: public, ActiveOn: day, Limit: 50},
	} {
		t.Run(name, func(t *testing.T) {
			pages, total := 0, 0
			for {
				want, wantNext, err := store.ListLicensesEnt(ctx, st, p)
				if err != nil {
					t.Fatal(err)
				}
				got, gotNext, err := st.ListLicenses(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("page %d: the raw read differs from ent's:\n%s\nwant\n%s", pages, encodeAll(t, got), encodeAll(t, want))
				}
				if g, w := encodeAll(t, got), encodeAll(t, want); !bytes.Equal(g, w) {
					t.Fatalf("page %d: JSON differs:\n%s\nwant\n%s", pages, g, w)
				}
				if gotNext != wantNext {
					t.Fatalf("page %d: next cursor %q, want %q", pages, gotNext, wantNext)
				}
				for _, l := range got {
					if !p.Drafts && !slices.Contains(domain.PublicStatuses, l.Status) {
						t.Fatalf("a public read shows licence %d, %s", l.ID, l.Status)
					}
					for _, c := range l.Citations {
						if !p.Drafts && c.Source.Title == "A draft article" {
							t.Fatalf("a public read shows licence %d citing a draft source", l.ID)
						}
					}
				}
				pages, total = pages+1, total+len(got)
				if gotNext == "" {
					break
				}
				if p.After, err = store.DecodeCursor(gotNext); err != nil {
					t.Fatal(err)
				}
			}
			if total == 0 && thorough {
				t.Errorf("no licence listed: the comparison proves nothing")
			}
		})
	}
}

func encodeAll(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
