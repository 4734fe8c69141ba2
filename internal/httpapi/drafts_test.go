package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// leak is in every text field of every draft: no public answer may hold it, in any
// case. Slugs and URLs hold it in lower case.
const leak = "DRAFTLEAK"

// unleak is a search query one typo away from a draft's text: the search would find
// the draft if it were indexed, and the query echoed back is not the marker.
func unleak(text string) string {
	return strings.Replace(strings.Replace(text, leak, "DRAFTLAEK", 1), "draftleak", "draftlaek", 1)
}

// fr is the country only drafts name: a draft vendor is headquartered there, a draft
// agency belongs to it. Public records that reach it only through a draft must not be
// counted or listed under it.
const fr = "FR"

// pubref is in a text field of every published record that refers to a draft.
const pubref = "Pubref"

// editorClient writes through the API as an editor.
type editorClient struct {
	t     *testing.T
	a     *api
	token string
}

// create posts a record and returns its id.
func (e editorClient) create(collection string, body map[string]any) string {
	e.t.Helper()
	d := expect(e.t, "create "+collection, e.a.send(http.MethodPost, "/api/v1/"+collection, bearer(e.token), body), 201)
	return d["id"].(string)
}

// cite cites a source for a record.
func (e editorClient) cite(collection, id, sourceID string) {
	e.t.Helper()
	expect(e.t, "cite on "+collection+"/"+id, e.a.send(http.MethodPost, "/api/v1/"+collection+"/"+id+"/citations", bearer(e.token),
		map[string]any{"source_id": sourceID, "confidence": "reported", "locator": "p. 1"}), 200)
}

// publish publishes a record.
func (e editorClient) publish(collection, id string) {
	e.t.Helper()
	expect(e.t, "publish "+collection+"/"+id, e.a.send(http.MethodPost, "/api/v1/"+collection+"/"+id+"/publish", bearer(e.token), nil), 200)
}

// patch corrects a record with its current ETag.
func (e editorClient) patch(collection, id string, body map[string]any) {
	e.t.Helper()
	path := "/api/v1/" + collection + "/" + id
	r := e.a.do(http.MethodGet, path, bearer(e.token))
	expect(e.t, "read "+path, r, 200)
	expect(e.t, "patch "+path, e.a.send(http.MethodPatch, path, bearer(e.token, "If-Match", r.header.Get("ETag")), body), 200)
}

// draftKinds are the drafts of every kind, each with the marker in every text field;
// ids holds the drafts already made (a draft names the drafts before it). tag tells
// two generations of drafts apart.
var draftKinds = []struct {
	collection string
	body       func(ids map[string]string, tag string) map[string]any
}{
	{"sources", func(_ map[string]string, tag string) map[string]any {
		return map[string]any{"kind": "ngo_report", "title": leak + " source title" + tag, "publisher": leak + " source publisher",
			"url": "https://draftleak.example/source" + strings.ReplaceAll(tag, " ", "-"), "archived_url": "https://draftleak.example/archived",
			"published_on": "2020-01-01", "published_on_precision": "year", "document_symbol": leak + "/SOURCE/1" + tag,
			"description": leak + " source description"}
	}},
	{"vendors", func(_ map[string]string, tag string) map[string]any {
		return map[string]any{
			"slug":                     "draftleak-vendor" + strings.ReplaceAll(strings.ToLower(tag), " ", "-"),
			"name":                     leak + " vendor name" + tag,
			"aliases":                  []any{map[string]any{"name": leak + " vendor alias"}},
			"headquarters_country":     fr,
			"other_jurisdictions":      []string{fr},
			"website":                  "https://draftleak.example/vendor",
			"human_rights_policy_url":  "https://draftleak.example/policy",
			"whistleblower_policy_url": "https://draftleak.example/whistle",
			"designations":             []any{map[string]any{"list": leak + " list", "authority": leak + " authority", "reference": leak + " reference"}},
			"description":              leak + " vendor description",
		}
	}},
	{"products", func(ids map[string]string, tag string) map[string]any {
		return map[string]any{"vendor_id": ids["vendors"], "name": leak + " product name" + tag, "description": leak + " product description"}
	}},
	{"agencies", func(_ map[string]string, tag string) map[string]any {
		return map[string]any{"state_code": fr, "name": leak + " agency name" + tag, "kind": "police",
			"aliases": []string{leak + " agency alias"}, "description": leak + " agency description"}
	}},
	{"licenses", func(ids map[string]string, tag string) map[string]any {
		return map[string]any{"kind": "end_user_license", "vendor_id": ids["vendors"], "product_ids": []string{ids["products"]},
			"end_user_state": fr, "end_user_agency_id": ids["agencies"], "geography": []string{fr},
			"issuing_authority": leak + " licence authority", "reference": leak + " licence reference" + tag,
			"volume_note": leak + " volume note", "geography_note": leak + " geography note", "duration_note": leak + " duration note",
			"valid_from": "2020-01-01", "valid_from_precision": "day", "description": leak + " licence description"}
	}},
	{"terminations", func(ids map[string]string, tag string) map[string]any {
		return map[string]any{"vendor_id": ids["vendors"], "license_id": ids["licenses"], "agency_id": ids["agencies"], "state_code": fr,
			"reason": "human_rights_concerns", "description": leak + " termination description" + tag}
	}},
	{"allegations", func(ids map[string]string, tag string) map[string]any {
		return map[string]any{"vendor_id": ids["vendors"], "product_id": ids["products"], "operator_agency_id": ids["agencies"],
			"operator_state": fr, "target_country": fr, "target_category": "journalist",
			"summary": leak + " allegation summary" + tag, "vendor_reply": leak + " vendor reply"}
	}},
	{"communications", func(ids map[string]string, tag string) map[string]any {
		return map[string]any{"reference": leak + " communication reference" + tag, "kind": "letter", "sender": leak + " sender",
			"recipient_vendor_id": ids["vendors"], "recipient_state": fr, "recipient_name": leak + " recipient", "copied_states": []string{fr},
			"url": "https://draftleak.example/communication", "summary": leak + " communication summary",
			"questions": []any{map[string]any{"position": 1, "topic": leak + " topic", "text": leak + " question", "answer_status": "unanswered", "answer_note": leak + " answer note"}}}
	}},
}

// referrers are published records that refer to the drafts: by id, as parent, and by
// citing the draft source. None names FR itself.
var referrers = []struct {
	collection string
	body       func(drafts map[string]string) map[string]any
}{
	{"vendors", func(d map[string]string) map[string]any {
		return map[string]any{"slug": "pubref-vendor", "name": pubref + " vendor", "headquarters_country": "DE", "parent_id": d["vendors"]}
	}},
	{"products", func(d map[string]string) map[string]any {
		return map[string]any{"vendor_id": d["vendors"], "name": pubref + " product"}
	}},
	{"agencies", func(d map[string]string) map[string]any {
		return map[string]any{"state_code": "DE", "name": pubref + " agency", "kind": "ministry", "parent_id": d["agencies"]}
	}},
	{"licenses", func(d map[string]string) map[string]any {
		// No exporting state: the profile places such a licence by its vendor's headquarters.
		return map[string]any{"kind": "end_user_license", "vendor_id": d["vendors"], "product_ids": []string{d["products"]},
			"end_user_agency_id": d["agencies"], "end_user_state": "DE", "reference": pubref + " licence"}
	}},
	{"terminations", func(d map[string]string) map[string]any {
		// No state: the profile places it by its agency's state and its vendor's headquarters.
		return map[string]any{"vendor_id": d["vendors"], "license_id": d["licenses"], "agency_id": d["agencies"],
			"reason": "other", "description": pubref + " termination"}
	}},
	{"allegations", func(d map[string]string) map[string]any {
		return map[string]any{"vendor_id": d["vendors"], "product_id": d["products"], "operator_agency_id": d["agencies"],
			"target_country": "DE", "target_category": "activist", "summary": pubref + " allegation"}
	}},
	{"communications", func(d map[string]string) map[string]any {
		return map[string]any{"kind": "reply", "sender": pubref + " sender", "recipient_vendor_id": d["vendors"], "in_reply_to_id": d["communications"],
			"summary": pubref + " communication", "questions": []any{}}
	}},
}

// publicAnswer is what a route answered: what must stay the same while only drafts
// change.
type publicAnswer struct {
	status               int
	etag, version, plain string
}

// TestNoPublicAnswerRevealsADraft puts a draft of every kind next to published
// records that refer to it (by id, as parent, by citing the draft source), then walks
// every public route anonymously: no answer may hold a draft's text, count a draft
// or list a public record under a country only a draft names, and changing only
// drafts may not change any public answer, its ETag or the dataset version.
func TestNoPublicAnswerRevealsADraft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("editor@example.org", strongPassword)
		ed := editorClient{t: t, a: a, token: token}
		version := func() string {
			return expect(t, "version", a.do(http.MethodGet, "/api/v1/version", nil), 200)["dataset_version"].(string)
		}

		evidence := ed.create("sources", map[string]any{"kind": "media", "title": "Public evidence", "url": "https://example.org/evidence"})
		ed.publish("sources", evidence)
		v0 := version()

		drafts := map[string]string{}
		for _, k := range draftKinds {
			drafts[k.collection] = ed.create(k.collection, k.body(drafts, ""))
			if k.collection != "sources" {
				ed.cite(k.collection, drafts[k.collection], evidence)
				ed.cite(k.collection, drafts[k.collection], drafts["sources"])
			}
		}
		if v := version(); v != v0 {
			t.Errorf("creating drafts moved the dataset version from %s to %s", v0, v)
		}

		published := map[string]string{"sources": evidence}
		for _, r := range referrers {
			id := ed.create(r.collection, r.body(drafts))
			ed.cite(r.collection, id, evidence)
			ed.cite(r.collection, id, drafts["sources"])
			ed.publish(r.collection, id)
			published[r.collection] = id
		}
		// A correction, so that history has a public change with a before and an after.
		ed.patch("vendors", published["vendors"], map[string]any{"description": pubref + " corrected"})

		// The registry as it is now, read as of a time (as_of): the same rule holds.
		at := time.Now().UTC().Format(time.RFC3339Nano)
		first := walk(t, newAPI(t, st), drafts, published, at)

		// Only drafts change: new drafts, corrections and citations of drafts.
		for _, k := range draftKinds {
			ed.create(k.collection, k.body(drafts, " Two"))
		}
		ed.patch("vendors", drafts["vendors"], map[string]any{"name": leak + " vendor renamed"})
		ed.patch("sources", drafts["sources"], map[string]any{"title": leak + " source retitled"})
		ed.cite("licenses", drafts["licenses"], evidence)

		second := walk(t, newAPI(t, st), drafts, published, at)
		for path, want := range first {
			got := second[path]
			if got.status != want.status || got.etag != want.etag || got.version != want.version {
				t.Errorf("GET %s changed when only drafts did: status %d→%d, ETag %s→%s, X-Dataset-Version %s→%s",
					path, want.status, got.status, want.etag, got.etag, want.version, got.version)
			} else if got.plain != want.plain {
				t.Errorf("GET %s changed when only drafts did:\nbefore: %s\nafter:  %s", path, truncate([]byte(want.plain)), truncate([]byte(got.plain)))
			}
		}
	})
}

// get reads a public route anonymously, always at the same host (pages and feeds
// hold absolute links, and each walk has a server of its own). The API's answers are
// checked against the contract; the pages, which it does not document, are not.
func (a *api) get(path string) response {
	a.t.Helper()
	req, err := a.request(http.MethodGet, path, nil, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Host = "registry.test"
	res, err := a.client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	plain, err := unzip(res.Header, body)
	if err != nil {
		a.t.Fatal(err)
	}
	if strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/feeds/") {
		a.validate(req, res, plain)
	}
	return response{status: res.StatusCode, header: res.Header, body: body, plain: plain}
}

// walk reads every public route anonymously from a fresh server (so no answer comes
// from a cache filled before the drafts were made), checks each, and returns the
// answers by path. at is an as_of to read the registry at, after the published
// records were made.
func walk(t *testing.T, a *api, drafts, published map[string]string, at string) map[string]publicAnswer {
	t.Helper()
	a.t = t
	type route struct {
		path string
		// status is the status wanted (200 when zero).
		status int
		// fr marks answers about the country only drafts name: no published record
		// that reaches it only through a draft may appear there.
		fr bool
		// query is a search query echoed in the answer, to ignore when scanning.
		query string
	}
	collections := []string{"vendors", "products", "agencies", "licenses", "terminations", "allegations", "communications", "sources"}
	withCountry := []string{"vendors", "products", "agencies", "licenses", "terminations", "allegations", "communications"}
	routes := []route{
		{path: "/api/v1/version"},
		{path: "/api/v1/states"},
		{path: "/api/v1/states?format=csv"},
		{path: "/api/v1/states/" + fr, fr: true},
		{path: "/api/v1/states/DE"},
		{path: "/api/v1/changes"},
		{path: "/api/v1/changes?country=" + fr, fr: true},
		{path: "/api/v1/changes?vendor=" + published["vendors"]},
		{path: "/api/v1/changes?vendor=" + drafts["vendors"], status: 400},
		{path: "/feeds/changes.atom"},
		{path: "/feeds/changes.atom?country=" + fr, fr: true},
		{path: "/api/v1/licenses?exporter_country=" + fr, fr: true},
		{path: "/api/v1/licenses?covers=" + fr, fr: true},
		{path: "/api/v1/licenses?agency=" + drafts["agencies"]},
		{path: "/", status: 200},
		{path: "/countries/" + fr, fr: true},
		{path: "/countries/DE"},
		{path: "/vendors/pubref-vendor"},
		{path: "/vendors/draftleak-vendor", status: 404},
		{path: "/search?q=" + url.QueryEscape(pubref)},
		{path: "/api/v1/states/" + fr + "?as_of=" + url.QueryEscape(at), fr: true},
		{path: "/countries/" + fr + "?as_of=" + url.QueryEscape(at), fr: true},
		{path: "/vendors/pubref-vendor?as_of=" + url.QueryEscape(at)},
		{path: "/vendors/draftleak-vendor?as_of=" + url.QueryEscape(at), status: 404},
	}
	for _, c := range collections {
		routes = append(routes,
			route{path: "/api/v1/" + c},
			route{path: "/api/v1/" + c + "?format=csv"},
			route{path: "/api/v1/" + c + "/" + published[c]},
			route{path: "/api/v1/" + c + "/" + published[c] + "/history"},
			route{path: "/api/v1/" + c + "/" + drafts[c], status: 404},
			route{path: "/api/v1/" + c + "/" + drafts[c] + "/history", status: 404},
			route{path: "/api/v1/export/" + c + ".ndjson"},
			route{path: "/api/v1/export/" + c + ".csv"},
			route{path: "/" + c + "/" + drafts[c], status: 404},
		)
		asOf := "as_of=" + url.QueryEscape(at)
		routes = append(routes,
			route{path: "/api/v1/" + c + "?" + asOf},
			route{path: "/api/v1/" + c + "?status=published,retracted&" + asOf},
			route{path: "/api/v1/" + c + "/" + published[c] + "?" + asOf},
			route{path: "/api/v1/" + c + "/" + drafts[c] + "?" + asOf, status: 404},
			route{path: "/" + c + "/" + drafts[c] + "?" + asOf, status: 404},
		)
		if c != "vendors" { // a vendor's page is at its slug, its id redirects there
			routes = append(routes, route{path: "/" + c + "/" + published[c]}, route{path: "/" + c + "/" + published[c] + "?" + asOf})
		}
		if slices.Contains(withCountry, c) {
			routes = append(routes,
				route{path: "/api/v1/" + c + "?country=" + fr, fr: true},
				route{path: "/api/v1/" + c + "?country=" + fr + "&format=csv", fr: true})
		}
		if c != "vendors" && c != "agencies" && c != "sources" {
			routes = append(routes, route{path: "/api/v1/" + c + "?vendor=" + drafts["vendors"], status: 400})
		}
	}
	routes = append(routes, route{path: "/api/v1/export/states.ndjson"}, route{path: "/api/v1/export/states.csv"},
		route{path: "/api/v1/export/delta.ndjson?from=0"})
	// Search for every text of every draft (the aliases too), one typo away so that
	// the query is not the marker.
	texts := []string{leak + " vendor alias", leak + " agency alias"}
	for _, k := range draftKinds {
		for _, v := range k.body(drafts, "") {
			if text, ok := v.(string); ok && strings.Contains(text, leak) {
				texts = append(texts, text)
			}
		}
	}
	for _, text := range append(texts, "draftleak-vendor") {
		q := unleak(text)
		routes = append(routes,
			route{path: "/api/v1/search?q=" + url.QueryEscape(q), query: q},
			route{path: "/search?q=" + url.QueryEscape(q), query: q})
	}

	out := map[string]publicAnswer{}
	for _, rt := range routes {
		want := rt.status
		if want == 0 {
			want = http.StatusOK
		}
		r := a.get(rt.path)
		if r.status != want {
			t.Errorf("GET %s: status %d, want %d\n%s", rt.path, r.status, want, truncate(r.plain))
			continue
		}
		out[rt.path] = publicAnswer{status: r.status, etag: r.header.Get("ETag"), version: r.header.Get("X-Dataset-Version"), plain: string(r.plain)}
		scan := r.plain
		if rt.query != "" {
			for _, echo := range []string{rt.query, url.QueryEscape(rt.query), url.PathEscape(rt.query)} {
				scan = bytes.ReplaceAll(scan, []byte(echo), nil)
			}
		}
		if i := bytes.Index(bytes.ToUpper(scan), []byte(leak)); i >= 0 {
			t.Errorf("GET %s reveals a draft: …%s…", rt.path, scan[max(0, i-200):min(len(scan), i+200)])
		}
		for name, vals := range r.header {
			for _, v := range vals {
				if strings.Contains(strings.ToUpper(v), leak) {
					t.Errorf("GET %s reveals a draft in its %s header: %s", rt.path, name, v)
				}
			}
		}
		if rt.fr {
			if i := bytes.Index(scan, []byte(pubref)); i >= 0 {
				t.Errorf("GET %s lists a public record under %s only through a draft: …%s…", rt.path, fr, scan[max(0, i-200):min(len(scan), i+200)])
			}
		}
	}
	// The profile of the country only drafts name counts nothing.
	p := expect(t, "profile", a.do(http.MethodGet, "/api/v1/states/"+fr, nil), 200)
	for section, n := range p["counts"].(map[string]any) {
		if n != float64(0) {
			t.Errorf("the %s profile counts %v %s, all of them drafts or reached through drafts", fr, n, section)
		}
	}
	return out
}

// TestHistoryShowsSourcesAsPublicNow: a public change's snapshot shows a cited source
// only once it is public, and then as it is now, not as the draft it was when cited;
// staff see the snapshot as it was taken.
func TestHistoryShowsSourcesAsPublicNow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("editor@example.org", strongPassword)
		ed := editorClient{t: t, a: a, token: token}
		evidence := ed.create("sources", map[string]any{"kind": "media", "title": "Public evidence"})
		ed.publish("sources", evidence)
		draft := ed.create("sources", map[string]any{"kind": "media", "title": "Working title", "url": "https://example.org/draft"})
		vendor := ed.create("vendors", map[string]any{"slug": "cited", "name": "Cited"})
		ed.cite("vendors", vendor, evidence)
		ed.publish("vendors", vendor)
		ed.cite("vendors", vendor, draft) // a public change citing a draft

		// citedTitles returns the titles of the sources each change's after cites.
		citedTitles := func(header map[string]string) [][]string {
			t.Helper()
			r := a.do(http.MethodGet, "/api/v1/vendors/"+vendor+"/history", header)
			expect(t, "history", r, 200)
			var out [][]string
			for _, ch := range r.json(t)["data"].([]any) {
				var titles []string
				for _, c := range ch.(map[string]any)["after"].(map[string]any)["citations"].([]any) {
					titles = append(titles, c.(map[string]any)["source"].(map[string]any)["title"].(string))
				}
				out = append(out, titles)
			}
			return out
		}
		same := func(got, want [][]string) bool {
			return slices.EqualFunc(got, want, func(a, b []string) bool { return slices.Equal(a, b) })
		}
		if got, want := citedTitles(nil), [][]string{{"Public evidence"}, {"Public evidence"}}; !same(got, want) {
			t.Errorf("public history cites %v, want %v: the draft source is not public", got, want)
		}
		staffWant := [][]string{nil, {"Public evidence"}, {"Public evidence"}, {"Public evidence", "Working title"}}
		if got := citedTitles(bearer(token)); !same(got, staffWant) {
			t.Errorf("staff history cites %v, want the snapshots as taken %v", got, staffWant)
		}

		ed.patch("sources", draft, map[string]any{"title": "Final title"})
		ed.publish("sources", draft)
		if got, want := citedTitles(nil), [][]string{{"Public evidence"}, {"Public evidence", "Final title"}}; !same(got, want) {
			t.Errorf("public history cites %v, want %v: the source as it is public now", got, want)
		}
	})
}
