package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestAsOf reads a vendor, its list and its countries' profiles as of the times of
// its history: before its publication it is not found, between two changes it is as
// the first left it, after its retraction it is marked retracted and leaves the list;
// drafts, and the draft source it cited while a draft, never show; meta.as_of says
// which time an answer is of, and a list's cursor keeps to it.
func TestAsOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("editor@example.org", strongPassword)
		ed := editorClient{t: t, a: a, token: token}

		evidence := ed.create("sources", map[string]any{"kind": "media", "title": "Public evidence"})
		ed.publish("sources", evidence)
		draftSource := ed.create("sources", map[string]any{"kind": "media", "title": "Working notes " + leak})
		other := ed.create("vendors", map[string]any{"slug": "other-vendor", "name": "Other Vendor", "headquarters_country": "DE"})
		ed.cite("vendors", other, evidence)
		ed.publish("vendors", other)
		id := ed.create("vendors", map[string]any{"slug": "acme", "name": "Acme One", "headquarters_country": "DE"})
		ed.cite("vendors", id, evidence)
		ed.cite("vendors", id, draftSource)
		drafted := time.Now().UTC()
		draft := ed.create("vendors", map[string]any{"slug": "draft-vendor", "name": leak + " vendor", "headquarters_country": "DE"})
		ed.cite("vendors", draft, evidence)
		ed.publish("vendors", id)
		ed.patch("vendors", id, map[string]any{"name": "Acme Two", "headquarters_country": "AT"})
		expect(t, "retract", a.send(http.MethodPost, "/api/v1/vendors/"+id+"/retract", bearer(token), map[string]any{"reason": "not a vendor"}), 200)

		// The times of its public changes, from its public history.
		at := map[string]time.Time{}
		r := a.do(http.MethodGet, "/api/v1/vendors/"+id+"/history", nil)
		expect(t, "history", r, 200)
		for _, c := range r.json(t)["data"].([]any) {
			ch := c.(map[string]any)
			when, err := time.Parse(time.RFC3339Nano, ch["at"].(string))
			if err != nil {
				t.Fatal(err)
			}
			at[ch["action"].(string)] = when
		}
		if len(at) != 3 {
			t.Fatalf("public history: %v", at)
		}
		q := func(t time.Time) string { return url.QueryEscape(t.UTC().Format(time.RFC3339Nano)) }
		ns := time.Nanosecond
		yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
		vendor := "/api/v1/vendors/" + id

		// The present answer first: were as_of not in the response cache's key, the
		// answers below would be this one.
		if d := expect(t, "now", a.do(http.MethodGet, vendor, nil), 200); d["status"] != "retracted" || d["name"] != "Acme Two" {
			t.Fatalf("now: %v %v", d["status"], d["name"])
		}

		for _, sc := range []struct {
			name, path string
			status     int
			// wantName and wantStatus are the record's then; field the 400's parameter.
			wantName, wantStatus, field string
		}{
			{name: "while a draft", path: vendor + "?as_of=" + q(drafted), status: 404},
			{name: "just before its publication", path: vendor + "?as_of=" + q(at["publish"].Add(-ns)), status: 404},
			{name: "the day before", path: vendor + "?as_of=" + yesterday, status: 404},
			{name: "by slug before its publication", path: "/api/v1/vendors/acme?as_of=" + q(at["publish"].Add(-ns)), status: 404},
			{name: "at its publication", path: vendor + "?as_of=" + q(at["publish"]), status: 200, wantName: "Acme One", wantStatus: "published"},
			{name: "by slug", path: "/api/v1/vendors/acme?as_of=" + q(at["publish"]), status: 200, wantName: "Acme One", wantStatus: "published"},
			{name: "just before the correction", path: vendor + "?as_of=" + q(at["update"].Add(-ns)), status: 200, wantName: "Acme One", wantStatus: "published"},
			{name: "at the correction", path: vendor + "?as_of=" + q(at["update"]), status: 200, wantName: "Acme Two", wantStatus: "published"},
			{name: "after the retraction", path: vendor + "?as_of=" + q(at["retract"]), status: 200, wantName: "Acme Two", wantStatus: "retracted"},
			{name: "a draft now", path: "/api/v1/vendors/" + draft + "?as_of=" + q(time.Now()), status: 404},
			{name: "in the future", path: vendor + "?as_of=" + q(time.Now().Add(time.Hour)), status: 400, field: "as_of"},
			{name: "tomorrow", path: vendor + "?as_of=" + time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly), status: 400, field: "as_of"},
			{name: "not a time", path: vendor + "?as_of=yesterday", status: 400, field: "as_of"},
			{name: "not a date", path: vendor + "?as_of=2026-13-01", status: 400, field: "as_of"},
			{name: "a misspelt as_of", path: vendor + "?asof=2026-01-01", status: 400, field: "asof"},
			{name: "a source before it was cited", path: "/api/v1/sources/" + evidence + "?as_of=" + q(at["publish"]), status: 200, wantStatus: "published"},
			{name: "a draft source", path: "/api/v1/sources/" + draftSource + "?as_of=" + q(time.Now()), status: 404},
		} {
			t.Run(sc.name, func(t *testing.T) {
				r := a.do(http.MethodGet, sc.path, nil)
				expect(t, sc.path, r, sc.status)
				if strings.Contains(strings.ToUpper(string(r.plain)), leak) {
					t.Errorf("GET %s reveals a draft: %s", sc.path, r.plain)
				}
				if sc.field != "" && !problemField(t, r, sc.field) {
					t.Errorf("GET %s: the problem does not name %s: %s", sc.path, sc.field, r.plain)
				}
				if sc.status != 200 {
					return
				}
				body := r.json(t)
				d, meta := body["data"].(map[string]any), body["meta"].(map[string]any)
				if sc.wantName != "" && d["name"] != sc.wantName || d["status"] != sc.wantStatus {
					t.Errorf("GET %s: %v %v, want %s %s", sc.path, d["status"], d["name"], sc.wantStatus, sc.wantName)
				}
				if _, ok := meta["as_of"].(string); !ok {
					t.Errorf("GET %s: no meta.as_of: %v", sc.path, meta)
				}
				if cites, _ := d["citations"].([]any); sc.wantName != "" && len(cites) != 1 {
					t.Errorf("GET %s: citations %v, want the public source's only", sc.path, cites)
				}
			})
		}
		// meta.as_of is the time read; a date is the end of its day.
		day := time.Now().UTC().AddDate(0, 0, -400)
		if m := a.do(http.MethodGet, "/api/v1/vendors?as_of="+day.Format(time.DateOnly), nil).json(t)["meta"].(map[string]any); m["as_of"] != day.Format(time.DateOnly)+"T23:59:59.999999999Z" {
			t.Errorf("meta.as_of of a date: %v", m["as_of"])
		}
		if m := a.do(http.MethodGet, vendor+"?as_of="+q(at["update"]), nil).json(t)["meta"].(map[string]any); m["as_of"] != at["update"].UTC().Format(time.RFC3339Nano) {
			t.Errorf("meta.as_of %v, want %s", m["as_of"], at["update"].UTC().Format(time.RFC3339Nano))
		}
		if m := a.do(http.MethodGet, vendor, nil).json(t)["meta"].(map[string]any); m["as_of"] != nil {
			t.Errorf("a present answer has meta.as_of %v", m["as_of"])
		}

		// Lists and profiles as of each time.
		names := func(path string) []string {
			t.Helper()
			r := a.do(http.MethodGet, path, nil)
			expect(t, path, r, 200)
			body := r.json(t)
			if path != "" && strings.Contains(path, "as_of=") {
				if _, ok := body["meta"].(map[string]any)["as_of"].(string); !ok {
					t.Errorf("GET %s: no meta.as_of", path)
				}
			}
			if strings.Contains(strings.ToUpper(string(r.plain)), leak) {
				t.Errorf("GET %s reveals a draft", path)
			}
			var out []string
			rows, ok := body["data"].([]any)
			if !ok { // a profile
				rows = body["data"].(map[string]any)["vendors"].([]any)
			}
			for _, v := range rows {
				out = append(out, v.(map[string]any)["name"].(string))
			}
			return out
		}
		for _, sc := range []struct {
			path string
			want []string
		}{
			{"/api/v1/vendors?as_of=" + q(at["publish"].Add(-ns)), []string{"Other Vendor"}},
			{"/api/v1/vendors?as_of=" + q(at["publish"]), []string{"Other Vendor", "Acme One"}},
			{"/api/v1/vendors?country=DE&as_of=" + q(at["update"].Add(-ns)), []string{"Other Vendor", "Acme One"}},
			{"/api/v1/vendors?country=DE&as_of=" + q(at["update"]), []string{"Other Vendor"}},
			{"/api/v1/vendors?country=at&as_of=" + q(at["update"]), []string{"Acme Two"}},
			{"/api/v1/vendors?as_of=" + q(at["retract"]), []string{"Other Vendor"}},
			{"/api/v1/vendors?status=retracted&as_of=" + q(at["retract"]), []string{"Acme Two"}},
			{"/api/v1/vendors?status=retracted&as_of=" + q(at["update"]), nil},
			{"/api/v1/states/DE?as_of=" + q(at["publish"].Add(-ns)), []string{"Other Vendor"}},
			{"/api/v1/states/DE?as_of=" + q(at["publish"]), []string{"Other Vendor", "Acme One"}},
			{"/api/v1/states/AT?as_of=" + q(at["update"].Add(-ns)), nil},
			{"/api/v1/states/AT?as_of=" + q(at["update"]), []string{"Acme Two"}},
			{"/api/v1/states/AT?as_of=" + q(at["retract"]), nil},
			{"/api/v1/states/DE", []string{"Other Vendor"}},
		} {
			if got := names(sc.path); strings.Join(got, "|") != strings.Join(sc.want, "|") {
				t.Errorf("GET %s: %q, want %q", sc.path, got, sc.want)
			}
		}

		// A list as of a time keeps to its time, page after page.
		list := "/api/v1/vendors?limit=1&as_of=" + q(at["publish"])
		first := a.do(http.MethodGet, list, nil).json(t)
		cursor, _ := first["meta"].(map[string]any)["next_cursor"].(string)
		if cursor == "" {
			t.Fatalf("no next page: %v", first)
		}
		if got := names(list + "&cursor=" + url.QueryEscape(cursor)); strings.Join(got, "|") != "Acme One" {
			t.Errorf("second page as of the publication: %q", got)
		}
		for name, path := range map[string]string{
			"now":          "/api/v1/vendors?limit=1&cursor=" + url.QueryEscape(cursor),
			"another time": "/api/v1/vendors?limit=1&as_of=" + q(at["update"]) + "&cursor=" + url.QueryEscape(cursor),
			"another list": "/api/v1/products?as_of=" + q(at["publish"]) + "&cursor=" + url.QueryEscape(cursor),
			"a filter":     "/api/v1/vendors?q=acme&as_of=" + q(at["publish"]),
			"a join":       "/api/v1/products?country=DE&as_of=" + q(at["publish"]),
			"bad as_of":    "/api/v1/vendors?as_of=soon",
			"future as_of": "/api/v1/vendors?as_of=" + q(time.Now().Add(time.Minute)),
			"states as_of": "/api/v1/states?as_of=" + q(at["publish"]),
		} {
			want := map[string]string{"now": "cursor", "another time": "cursor", "another list": "cursor", "a filter": "q", "a join": "country",
				"bad as_of": "as_of", "future as_of": "as_of", "states as_of": "as_of"}[name]
			r := a.do(http.MethodGet, path, nil)
			expect(t, name, r, 400)
			if !problemField(t, r, want) {
				t.Errorf("%s: GET %s: the problem does not name %s: %s", name, path, want, r.plain)
			}
		}
		present := a.do(http.MethodGet, "/api/v1/vendors?limit=1&status=published,retracted", nil).json(t)["meta"].(map[string]any)["next_cursor"].(string)
		r = a.do(http.MethodGet, "/api/v1/vendors?limit=1&cursor="+url.QueryEscape(present)+"&as_of="+q(at["publish"]), nil)
		expect(t, "a present cursor as of a time", r, 400)
		if !problemField(t, r, "cursor") {
			t.Errorf("the problem does not name the cursor: %s", r.plain)
		}
	})
}

// TestAsOfNowIsNow reads the bundled dataset, which an import wrote, as of now: every
// list's first page, each record on it, and a profile are the present answers.
func TestAsOfNowIsNow(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		at := "as_of=" + url.QueryEscape(time.Now().UTC().Format(time.RFC3339Nano))
		data := func(path string) string {
			t.Helper()
			r := a.do(http.MethodGet, path, nil)
			expect(t, path, r, 200)
			b, err := json.Marshal(r.json(t)["data"])
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		paths := []string{"/api/v1/states/IL", "/api/v1/states/DE"}
		for _, c := range []string{"vendors", "products", "agencies", "licenses", "terminations", "allegations", "communications", "sources"} {
			paths = append(paths, "/api/v1/"+c+"?limit=5", "/api/v1/"+c+"?status=published,retracted&limit=5")
			var page struct {
				Data []struct {
					ID string `json:"id"`
				} `json:"data"`
			}
			if err := json.Unmarshal(a.do(http.MethodGet, "/api/v1/"+c+"?limit=5", nil).plain, &page); err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Data {
				paths = append(paths, "/api/v1/"+c+"/"+r.ID)
			}
		}
		for _, p := range paths {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			if now, then := data(p), data(p+sep+at); now != then {
				t.Errorf("GET %s as of now differs from now:\nnow:   %.600s\nas of: %.600s", p, now, then)
			}
		}
	})
}
