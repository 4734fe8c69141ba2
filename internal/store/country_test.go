package store_test

import (
	"context"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestCountryCounts: the home page's totals are the country profiles' (licences to
// or from a country counted once, published vendors), on the bundled dataset and
// beside a draft vendor: a published licence of a draft vendor headquartered in FR,
// with no exporting state, is not FR's, and a draft vendor is no vendor.
func TestCountryCounts(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := func(v string) *string { return &v }
		draftVendor := domain.ID(900)
		cited := domain.Record{Status: domain.StatusPublished, Citations: []domain.Citation{{SourceID: 1, Confidence: "reported"}}}
		lic := func(id int, vendor domain.ID, exporter, endUser *string) domain.License {
			r := cited
			r.ID = domain.ID(id)
			return domain.License{Record: r, LicenseFields: domain.LicenseFields{Kind: "end_user_license", VendorID: &vendor,
				ExportingState: exporter, EndUserState: endUser, LicenseStatus: "granted"}}
		}
		b := store.Batch{
			Vendors: []domain.Vendor{{Record: domain.Record{ID: draftVendor, Status: domain.StatusDraft},
				VendorFields: domain.VendorFields{Slug: "draft-in-fr", Name: "Draft in FR", HeadquartersCountry: s("FR")}}},
			Licenses: []domain.License{
				lic(900, draftVendor, nil, nil),         // FR only through the draft
				lic(901, draftVendor, nil, s("DE")),     // DE, and FR only through the draft
				lic(902, draftVendor, s("IT"), s("IT")), // IT, once
				lic(903, 1, nil, s("FR")),               // FR by its end user, and the vendor's country
			},
		}
		if _, err := st.Import(domain.SystemContext(ctx), b); err != nil {
			t.Fatal(err)
		}
		counts, err := st.CountryCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := counts["FR"]; got != (store.CountryCount{Licenses: 1}) {
			t.Errorf("FR: %+v, want 1 licence (its end user's) and no vendor: a draft vendor places nothing", got)
		}
		if got := counts["IT"]; got.Licenses != 1 {
			t.Errorf("IT: %+v, want a licence from and to it counted once", got)
		}
		for code, c := range counts {
			p, err := st.StateProfile(ctx, code, false)
			if err != nil {
				t.Fatal(err)
			}
			ids := map[domain.ID]bool{}
			for _, l := range append(p.LicensesTo, p.LicensesFrom...) {
				if l.Status == domain.StatusPublished {
					ids[l.ID] = true
				}
			}
			if c.Licenses != len(ids) || c.Vendors != p.Counts.Vendors {
				t.Errorf("%s: counts %+v, but its profile has %d licences and %d vendors", code, c, len(ids), p.Counts.Vendors)
			}
		}
	})
}
