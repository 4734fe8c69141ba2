package web_test

import (
	"context"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestUnknownAndNoneOnPages: a list the sources do not give is "Unknown" and one
// known to be empty is "None recorded", on every page that shows a list; a purpose
// the sources leave open is "Unknown".
func TestUnknownAndNoneOnPages(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		s := func(v string) *string { return &v }
		vendor := domain.ID(1)
		cites := []domain.Citation{{SourceID: 1, Confidence: "reported"}}
		pub := func(n int) domain.Record {
			return domain.Record{ID: domain.ID(n), Status: domain.StatusPublished, Citations: cites}
		}
		// Records 200 know their lists to be empty; records 201 do not know them.
		b := store.Batch{
			Vendors: []domain.Vendor{
				{Record: pub(200), VendorFields: domain.VendorFields{Slug: "none-vendor", Name: "None Vendor",
					Aliases: []domain.Alias{}, OtherJurisdictions: []string{}, Designations: []domain.Designation{}}},
				{Record: pub(201), VendorFields: domain.VendorFields{Slug: "unknown-vendor", Name: "Unknown Vendor"}},
			},
			Products: []domain.Product{
				{Record: pub(200), ProductFields: domain.ProductFields{VendorID: vendor, Name: "None Product",
					Categories: []string{}, Capabilities: []string{}, ControlListEntries: []string{}}},
				{Record: pub(201), ProductFields: domain.ProductFields{VendorID: vendor, Name: "Unknown Product"}},
			},
			Agencies: []domain.Agency{
				{Record: pub(200), AgencyFields: domain.AgencyFields{StateCode: "MX", Name: "None Agency", Kind: "police", Aliases: []string{}}},
				{Record: pub(201), AgencyFields: domain.AgencyFields{StateCode: "MX", Name: "Unknown Agency", Kind: "police"}},
			},
			Licenses: []domain.License{
				{Record: pub(200), LicenseFields: domain.LicenseFields{Kind: "end_user_license", VendorID: &vendor,
					ProductIDs: []domain.ID{}, Geography: []string{}, ControlListEntries: []string{}, StatedPurpose: s("unspecified")}},
			},
			Terminations: []domain.Termination{
				{Record: pub(200), TerminationFields: domain.TerminationFields{VendorID: vendor, RightsInvolved: []string{}, ReportedTo: []string{}}},
			},
			Communications: []domain.Communication{
				{Record: pub(200), CommunicationFields: domain.CommunicationFields{Kind: "letter", Sender: "A sender",
					CopiedStates: []string{}, Questions: []domain.Question{}, Statements: []domain.Statement{}, LegalReferences: []domain.LegalReference{}}},
			},
		}
		if _, err := st.Import(ctx, b); err != nil {
			t.Fatal(err)
		}
		run(t, site(t, st), []scenario{
			{name: "a licence that names no product or purpose", path: "/licenses/1", wantStatus: 200,
				want: []string{"Products\nUnknown", "Control-list entries\nUnknown", "Geography\nUnknown", "Stated purpose: Unknown"}},
			{name: "a licence known to name none", path: "/licenses/200", wantStatus: 200,
				want: []string{"Products\nNone recorded", "Control-list entries\nNone recorded", "Geography\nNone recorded", "Stated purpose: Unspecified"}},
			{name: "a letter whose questions are not known", path: "/communications/1", wantStatus: 200,
				want: []string{"Questions\nUnknown", "Copied to\nUnknown", "Unknown: the text of its questions is not available",
					"Unknown: the statements it records have not been entered.", "Statements recorded\nUnknown", "Legal framework\nUnknown", "Unknown: the law it invokes has not been entered."}},
			{name: "a letter known to ask none", path: "/communications/200", wantStatus: 200,
				want: []string{"Questions\nNone recorded", "Copied to\nNone recorded", "None recorded: the sources show no questions in it.",
					"None recorded: it records no statements.", "Statements recorded\nNone recorded", "Legal framework\nNone recorded", "None recorded: it invokes no provision of law."}},
			{name: "a vendor known to have none", path: "/vendors/none-vendor", wantStatus: 200,
				want: []string{"Also known as\nNone recorded", "Other jurisdictions\nNone recorded", "Designations\nNone recorded"}},
			{name: "a vendor that does not know them", path: "/vendors/unknown-vendor", wantStatus: 200,
				want: []string{"Also known as\nUnknown", "Other jurisdictions\nUnknown", "Designations\nUnknown"}},
			{name: "a product known to have none", path: "/products/200", wantStatus: 200,
				want: []string{"Categories\nNone recorded", "Capabilities\nNone recorded", "Control-list entries\nNone recorded"}},
			{name: "a product that does not know them", path: "/products/201", wantStatus: 200,
				want: []string{"Categories\nUnknown", "Capabilities\nUnknown", "Control-list entries\nUnknown"}},
			{name: "an agency known to have no other name", path: "/agencies/200", wantStatus: 200,
				want: []string{"Also known as\nNone recorded"}},
			{name: "an agency that does not know", path: "/agencies/201", wantStatus: 200,
				want: []string{"Also known as\nUnknown"}},
			{name: "a termination known to involve none", path: "/terminations/200", wantStatus: 200,
				want: []string{"Rights involved\nNone recorded", "Reported to\nNo one"}},
		})
	})
}
