package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestLicenseListFromDocuments: the public JSON list of licences is written from the
// licence documents, staff's from the licences themselves. On a registry with no
// drafts the two must be the same bytes (and so the same ETag), for every filter and
// page, before and after a change.
func TestLicenseListFromDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		if _, err := dataset.Synthetic(ctx, st, dataset.SyntheticOptions{Licenses: 80, Seed: 9}); err != nil {
			t.Fatal(err)
		}
		staff(t, st, "reader@registry.test", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("reader@registry.test", strongPassword)
		all, _, err := st.ListLicenses(ctx, store.ListParams{Statuses: domain.PublicStatuses, Limit: store.MaxLimit})
		if err != nil || len(all) == 0 {
			t.Fatalf("%d licences: %v", len(all), err)
		}
		var country, covers, day string
		for _, l := range all {
			if country == "" && l.EndUserState != nil && l.ValidFrom != nil && l.ValidUntil == nil {
				country, day = *l.EndUserState, l.ValidFrom.End().Format("2006-01-02")
			}
			if covers == "" && len(l.Geography) > 0 {
				covers = l.Geography[0]
			}
		}
		if country == "" || covers == "" {
			t.Fatal("no licence to filter by")
		}
		same := func(when string) {
			t.Helper()
			for _, path := range []string{
				"/api/v1/licenses",
				"/api/v1/licenses?limit=7",
				"/api/v1/licenses?country=" + country + "&active_on=" + day + "&limit=3",
				"/api/v1/licenses?covers=" + covers,
				"/api/v1/licenses?q=no-such-text-anywhere",
				"/api/v1/licenses?status=published,retracted&limit=500",
			} {
				for pages := 0; path != "" && pages < 20; pages++ {
					public := a.get(path)
					staffs := a.do(http.MethodGet, path, bearer(token))
					if public.status != http.StatusOK || staffs.status != http.StatusOK {
						t.Fatalf("%s: GET %s: %d and %d", when, path, public.status, staffs.status)
					}
					if string(public.plain) != string(staffs.plain) {
						t.Fatalf("%s: GET %s: the public list is not staff's:\npublic: %s\nstaff:  %s", when, path, truncate(public.plain), truncate(staffs.plain))
					}
					// The same validator (a compressed answer's is weak).
					if strings.TrimPrefix(public.header.Get("ETag"), "W/") != strings.TrimPrefix(staffs.header.Get("ETag"), "W/") || public.header.Get("Link") != staffs.header.Get("Link") {
						t.Errorf("%s: GET %s: ETag %s and %s, Link %s and %s", when, path,
							public.header.Get("ETag"), staffs.header.Get("ETag"), public.header.Get("Link"), staffs.header.Get("Link"))
					}
					path = nextPath(t, public.header.Get("Link"))
				}
			}
		}
		same("as imported")

		// A change shows at once, through the list's own read of the stale document.
		l := all[len(all)/2]
		r := a.send(http.MethodPatch, "/api/v1/licenses/"+l.ID.String(), bearer(token, "If-Match", `"`+strconv.Itoa(l.Revision)+`"`),
			map[string]any{"description": "Changed through the API"})
		expect(t, "change a licence", r, http.StatusOK)
		after := a.get("/api/v1/licenses?limit=500")
		if !strings.Contains(string(after.plain), "Changed through the API") {
			t.Fatal("the public list does not show the change")
		}
		same("after a change")
	})
}

// nextPath is the path of a Link rel=next ("" for none).
func nextPath(t *testing.T, link string) string {
	t.Helper()
	if link == "" {
		return ""
	}
	target, _, _ := strings.Cut(strings.TrimPrefix(link, "<"), ">")
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}
