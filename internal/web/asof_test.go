package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestPagesAsOf reads the pages as of a time (as_of): a banner says so, the records
// are as they were then, what was not public then is not found, the permalink keeps
// the time, and the page as it is now has no banner.
func TestPagesAsOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fixture(t, st)
		ctx := domain.SystemContext(context.Background())
		then := time.Now().UTC()
		v, err := st.GetVendor(ctx, "test-vendor", false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Update(ctx, st, store.Vendors, int(v.ID), v.Revision, func(f domain.VendorFields) (domain.VendorFields, error) {
			f.Name = "Renamed Vendor"
			return f, nil
		}, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.AddCitation(ctx, st, store.Licenses, 104, nil, domain.Citation{SourceID: 100, Confidence: "reported"}, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Publish(ctx, st, store.Licenses, 104, nil, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		at := url.QueryEscape(then.Format(time.RFC3339Nano))
		banner := "You are viewing the registry as it was on " + then.Format("2006-01-02 15:04:05 UTC")
		h := site(t, st)
		run(t, h, []scenario{
			{name: "a vendor as it was", path: "/vendors/test-vendor?as_of=" + at, wantStatus: 200,
				want: []string{banner, "Test Vendor", "See it as it is now"},
				wantHTML: []string{`<h1>Test Vendor</h1>`, `class="as-of"`, `href="/vendors/test-vendor">See it as it is now`, `/vendors/test-vendor?as_of=` + at,
					`<a href="/api/v1/vendors/test-vendor?as_of=` + at + `">JSON</a>`}},
			{name: "the vendor now", path: "/vendors/test-vendor", wantStatus: 200,
				wantHTML: []string{`<h1>Renamed Vendor</h1>`}, notWant: []string{"You are viewing the registry as it was", `class="as-of"`}},
			{name: "by id, the time kept", path: "/vendors/100?as_of=" + at, wantStatus: 301, location: "/vendors/test-vendor?as_of=" + at},
			{name: "a licence published since", path: "/licenses/104?as_of=" + at, wantStatus: 404},
			{name: "the licence now", path: "/licenses/104", wantStatus: 200},
			{name: "a licence as it was", path: "/licenses/100?as_of=" + at, wantStatus: 200, want: []string{banner, "Licence 100"}},
			{name: "before the registry held it", path: "/licenses/100?as_of=2001-01-01", wantStatus: 404},
			{name: "a draft is never shown", path: "/vendors/draft-vendor?as_of=" + at, wantStatus: 404},
			{name: "a country as it was", path: "/countries/IT?as_of=" + at, wantStatus: 200,
				want: []string{banner, "Test Vendor"}, wantHTML: []string{`href="/api/v1/states/IT?as_of=` + at + `"`},
				notWant: []string{"Draft Vendor", "Retracted Vendor"}},
			{name: "a country's code, the time kept", path: "/countries/it?as_of=" + at, wantStatus: 301, location: "/countries/IT?as_of=" + at},
			{name: "a time not understood", path: "/vendors/test-vendor?as_of=soon", wantStatus: 400, want: []string{"as_of"}},
			{name: "the future", path: "/agencies/100?as_of=" + url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339)), wantStatus: 400,
				want: []string{"must not be in the future"}},
		})
		// The day the fixture was made is not over: as_of that day is in the future.
		if r := get(t, h, "/sources/100?as_of="+time.Now().UTC().Format(time.DateOnly)); r.status != 400 {
			t.Errorf("as_of today: %d, want 400", r.status)
		}
		// The country's licences as they were: licence 104 was a draft then.
		r := get(t, h, "/countries/MX?as_of="+at)
		if r.status != 200 || strings.Contains(r.body, "Licence 104") || !strings.Contains(r.body, "Licence 100") {
			t.Errorf("Mexico as it was: %d, licence 104 shown or licence 100 not", r.status)
		}
		if r := get(t, h, "/countries/MX"); !strings.Contains(r.body, "Licence 104") {
			t.Errorf("Mexico now does not show licence 104, published since")
		}
	})
}
