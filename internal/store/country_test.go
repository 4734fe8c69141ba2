package store_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestCountryCounts: the home page's totals are the country profiles' (licences to
// or from a country counted once, published vendors), on the bundled dataset and
// beside a draft vendor: a published licence of a draft vendor headquartered in FR,
// with no exporting state, is not FR's, and a draft vendor is no vendor. Nor is a
// licence of a published vendor headquartered in IL that names no exporting state
// IL's: the vendor is counted, not the licence.
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
				lic(903, 1, nil, s("FR")),               // FR by its end user; not IL, its vendor's country
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
		if got := counts["IL"]; got != (store.CountryCount{Vendors: 1}) {
			t.Errorf("IL: %+v, want its vendor and no licence: no licence names IL as exporting or end-user state", got)
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

// TestProfilePlacement: a licence is from a country only when it names it as
// exporting state, and a termination is the country's only when it names it as the
// customer's state (directly or through an agency); the licences and terminations
// of the vendors headquartered there are sections of their own, placed only by a
// vendor the reader may see.
func TestProfilePlacement(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := func(v string) *string { return &v }
		id := func(n int) *domain.ID { v := domain.ID(n); return &v }
		pub := func(n int) domain.Record {
			return domain.Record{ID: domain.ID(n), Status: domain.StatusPublished, Citations: []domain.Citation{{SourceID: 1, Confidence: "reported"}}}
		}
		const nso, draftVendor = 1, 900
		lic := func(n int, vendor domain.ID, exporter, endUser *string) domain.License {
			return domain.License{Record: pub(n), LicenseFields: domain.LicenseFields{Kind: "end_user_license", VendorID: &vendor,
				ExportingState: exporter, EndUserState: endUser, LicenseStatus: "granted"}}
		}
		term := func(n int, vendor domain.ID, state *string, agency *domain.ID) domain.Termination {
			return domain.Termination{Record: pub(n), TerminationFields: domain.TerminationFields{VendorID: vendor, StateCode: state, AgencyID: agency,
				InitiatedBy: "vendor", Reason: "other", HumanRightsBasis: "unknown", Scope: "unknown"}}
		}
		b := store.Batch{
			Vendors: []domain.Vendor{{Record: domain.Record{ID: draftVendor, Status: domain.StatusDraft},
				VendorFields: domain.VendorFields{Slug: "draft-in-de", Name: "Draft in DE", HeadquartersCountry: s("DE")}}},
			Agencies: []domain.Agency{{Record: pub(930), AgencyFields: domain.AgencyFields{StateCode: "IL", Name: "An Israeli agency", Kind: "police"}}},
			Licenses: []domain.License{
				lic(910, nso, s("IL"), s("MX")),     // from IL, and of an IL vendor
				lic(911, nso, nil, s("FR")),         // of an IL vendor, from no country
				lic(912, draftVendor, nil, nil),     // of a draft vendor: placed nowhere in public
				lic(913, draftVendor, s("IL"), nil), // from IL, whatever its vendor
			},
			Terminations: []domain.Termination{
				term(920, nso, s("FR"), nil),         // FR's, and of an IL vendor
				term(921, draftVendor, nil, id(930)), // IL's through its agency
				term(922, draftVendor, s("DE"), nil), // DE's; of a draft vendor
			},
		}
		if _, err := st.Import(domain.SystemContext(ctx), b); err != nil {
			t.Fatal(err)
		}
		ids := func(rs any) []domain.ID {
			var out []domain.ID
			switch rs := rs.(type) {
			case []domain.License:
				for _, r := range rs {
					out = append(out, r.ID)
				}
			case []domain.Termination:
				for _, r := range rs {
					out = append(out, r.ID)
				}
			}
			return out
		}
		for _, c := range []struct {
			code   string
			drafts bool
			// from, vendorLicenses, terminations, vendorTerminations are the ids wanted
			// in each section, in order.
			from, vendorLicenses, terminations, vendorTerminations []domain.ID
		}{
			// Licence 1 (the bundled one, no exporting state) and termination 1 (no state)
			// are NSO Group's: of its country's vendors, and not Israel's own.
			{code: "IL", from: []domain.ID{910, 913}, vendorLicenses: []domain.ID{1, 910, 911}, terminations: []domain.ID{921}, vendorTerminations: []domain.ID{1, 920}},
			{code: "FR", terminations: []domain.ID{920}},
			{code: "DE", terminations: []domain.ID{922}},
			{code: "DE", drafts: true, vendorLicenses: []domain.ID{912, 913}, terminations: []domain.ID{922}, vendorTerminations: []domain.ID{921, 922}},
		} {
			p, err := st.StateProfile(ctx, c.code, c.drafts)
			if err != nil {
				t.Fatal(err)
			}
			for _, sec := range []struct {
				name      string
				got, want []domain.ID
				count     int
			}{
				{"licenses_from", ids(p.LicensesFrom), c.from, p.Counts.LicensesFrom},
				{"vendor_licenses", ids(p.VendorLicenses), c.vendorLicenses, p.Counts.VendorLicenses},
				{"terminations", ids(p.Terminations), c.terminations, p.Counts.Terminations},
				{"vendor_terminations", ids(p.VendorTerminations), c.vendorTerminations, p.Counts.VendorTerminations},
			} {
				if !slices.Equal(sec.got, sec.want) || sec.count != len(sec.want) {
					t.Errorf("%s (drafts %v) %s: %v (count %d), want %v", c.code, c.drafts, sec.name, sec.got, sec.count, sec.want)
				}
			}
		}
	})
}

// TestProfileCountsEmpty: Empty sees every section, so a section added to the
// profile cannot leave a country with records looking empty.
func TestProfileCountsEmpty(t *testing.T) {
	if !(store.ProfileCounts{}).Empty() {
		t.Error("no records is not empty")
	}
	v := reflect.ValueOf(&store.ProfileCounts{}).Elem()
	for i := range v.NumField() {
		c := store.ProfileCounts{}
		reflect.ValueOf(&c).Elem().Field(i).SetInt(1)
		if c.Empty() {
			t.Errorf("a record in %s is empty", v.Type().Field(i).Name)
		}
	}
}

// TestProfileLicenceCountsFollowTheVersion: a profile's licence counts past a full
// section (read from the tally of every country, kept per dataset version) are the
// published licences, drafts only in the staff's, and they move with every public
// change: a licence published, one retracted.
func TestProfileLicenceCountsFollowTheVersion(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		pa := "PA"
		lic := func(id int, status string) domain.License {
			return domain.License{
				Record:        domain.Record{ID: domain.ID(id), Status: status, Citations: []domain.Citation{{SourceID: 1, Confidence: "reported"}}},
				LicenseFields: domain.LicenseFields{Kind: "end_user_license", EndUserState: &pa, ExportingState: &pa, LicenseStatus: "granted"},
			}
		}
		var b store.Batch
		for id := 1000; id < 1000+store.ProfileSectionLimit+20; id++ {
			b.Licenses = append(b.Licenses, lic(id, domain.StatusPublished))
		}
		b.Licenses = append(b.Licenses, lic(2000, domain.StatusDraft), lic(2001, domain.StatusDraft))
		if _, err := st.Import(ctx, b); err != nil {
			t.Fatal(err)
		}
		want := func(step string, published int) {
			t.Helper()
			for _, drafts := range []bool{false, true} {
				n := published
				if drafts {
					n += 2
				}
				p, err := st.StateProfile(ctx, pa, drafts)
				if err != nil {
					t.Fatal(err)
				}
				if p.Counts.LicensesTo != n || p.Counts.LicensesFrom != n || len(p.LicensesTo) != store.ProfileSectionLimit {
					t.Errorf("%s (drafts %v): %d licences to PA and %d from it (%d listed), want %d", step, drafts, p.Counts.LicensesTo, p.Counts.LicensesFrom, len(p.LicensesTo), n)
				}
			}
		}
		want("imported", store.ProfileSectionLimit+20)
		if _, err := st.Import(ctx, store.Batch{Licenses: []domain.License{lic(3000, domain.StatusPublished)}}); err != nil {
			t.Fatal(err)
		}
		want("one more published", store.ProfileSectionLimit+21)
		if _, err := store.Retract(ctx, st, store.Licenses, 1000, nil, "a duplicate", store.Edit{}); err != nil {
			t.Fatal(err)
		}
		want("one retracted", store.ProfileSectionLimit+20)
	})
}
