package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// The reconciliation service (OpenRefine, spec 0.2). The answers are checked against
// the constraints of the spec's JSON schemas for 0.2 (manifest.json,
// reconciliation-result-batch.json, suggest-entities-response.json at
// https://reconciliation-api.github.io/specs/0.2/schemas/), written out field by
// field below: required members, their JSON types, and the {{id}} patterns.

var idTemplate = regexp.MustCompile(`\{\{id\}\}`)

// checkManifest checks a manifest against manifest.json's constraints.
func checkManifest(t *testing.T, m map[string]any) {
	t.Helper()
	for _, k := range []string{"versions", "name", "identifierSpace", "schemaSpace"} {
		if _, ok := m[k]; !ok {
			t.Errorf("manifest: %s required", k)
		}
	}
	vs, _ := m["versions"].([]any)
	has02 := false
	for _, v := range vs {
		s, ok := v.(string)
		if !ok {
			t.Errorf("manifest: versions item %v not a string", v)
		}
		has02 = has02 || s == "0.2"
	}
	if !has02 {
		t.Errorf("manifest: versions %v must contain 0.2", m["versions"])
	}
	for _, k := range []string{"name", "identifierSpace", "schemaSpace"} {
		if _, ok := m[k].(string); !ok {
			t.Errorf("manifest: %s not a string", k)
		}
	}
	if v, ok := m["view"].(map[string]any); !ok || !idTemplate.MatchString(fmt.Sprint(v["url"])) {
		t.Errorf("manifest: view.url must be a string with {{id}}: %v", m["view"])
	}
	p, ok := m["preview"].(map[string]any)
	if !ok || !idTemplate.MatchString(fmt.Sprint(p["url"])) {
		t.Errorf("manifest: preview.url must be a string with {{id}}: %v", m["preview"])
	}
	for _, k := range []string{"width", "height"} {
		if n, ok := p[k].(float64); !ok || n != float64(int(n)) {
			t.Errorf("manifest: preview.%s must be an integer: %v", k, p[k])
		}
	}
	seen := map[string]bool{}
	dt, _ := m["defaultTypes"].([]any)
	for _, ty := range dt {
		o, ok := ty.(map[string]any)
		id, idok := o["id"].(string)
		if _, nameok := o["name"].(string); !ok || !idok || !nameok {
			t.Errorf("manifest: defaultTypes item %v must be {id, name}", ty)
		}
		if seen[id] {
			t.Errorf("manifest: defaultTypes must be unique: %s twice", id)
		}
		seen[id] = true
	}
	sg, _ := m["suggest"].(map[string]any)
	e, ok := sg["entity"].(map[string]any)
	if !ok {
		t.Fatalf("manifest: suggest.entity missing: %v", m["suggest"])
	}
	for _, k := range []string{"service_url", "service_path"} {
		if _, ok := e[k].(string); !ok {
			t.Errorf("manifest: suggest.entity.%s not a string", k)
		}
	}
}

// checkType checks a type: {id, name?} or a string.
func checkType(t *testing.T, where string, ty any) {
	t.Helper()
	switch o := ty.(type) {
	case string:
	case map[string]any:
		if _, ok := o["id"].(string); !ok {
			t.Errorf("%s: type %v needs a string id", where, ty)
		}
		if n, ok := o["name"]; ok {
			if _, ok := n.(string); !ok {
				t.Errorf("%s: type name %v not a string", where, n)
			}
		}
	default:
		t.Errorf("%s: type %v is neither an object nor a string", where, ty)
	}
}

// checkBatch checks a result batch against reconciliation-result-batch.json.
func checkBatch(t *testing.T, body []byte) map[string][]map[string]any {
	t.Helper()
	var batch map[string]any
	if err := json.Unmarshal(body, &batch); err != nil {
		t.Fatalf("batch: %v: %s", err, body)
	}
	out := map[string][]map[string]any{}
	for qid, v := range batch {
		o, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("batch %s: not an object", qid)
		}
		res, ok := o["result"].([]any)
		if !ok {
			t.Fatalf("batch %s: result required, an array: %v", qid, o)
		}
		for _, c := range res {
			cand, ok := c.(map[string]any)
			if !ok {
				t.Fatalf("batch %s: candidate %v not an object", qid, c)
			}
			for k, want := range map[string]string{"id": "string", "name": "string", "score": "number"} {
				got := fmt.Sprintf("%T", cand[k])
				if want == "string" && got != "string" || want == "number" && got != "float64" {
					t.Errorf("batch %s: candidate %s must be a %s: %v", qid, k, want, cand[k])
				}
			}
			if d, ok := cand["description"]; ok {
				if _, ok := d.(string); !ok {
					t.Errorf("batch %s: description not a string", qid)
				}
			}
			if m, ok := cand["match"]; ok {
				if _, ok := m.(bool); !ok {
					t.Errorf("batch %s: match not a boolean", qid)
				}
			}
			types, ok := cand["type"].([]any)
			if _, present := cand["type"]; present && !ok {
				t.Errorf("batch %s: type not an array", qid)
			}
			for _, ty := range types {
				checkType(t, "batch "+qid, ty)
			}
			out[qid] = append(out[qid], cand)
		}
		if out[qid] == nil {
			out[qid] = []map[string]any{}
		}
	}
	return out
}

// checkSuggest checks a suggest answer against suggest-entities-response.json.
func checkSuggest(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	var r map[string]any
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("suggest: %v", err)
	}
	res, ok := r["result"].([]any)
	if !ok {
		t.Fatalf("suggest: result required: %s", body)
	}
	var out []map[string]any
	for _, e := range res {
		o, ok := e.(map[string]any)
		_, idok := o["id"].(string)
		_, nameok := o["name"].(string)
		if !ok || !idok || !nameok {
			t.Errorf("suggest: %v needs a string id and name", e)
		}
		if n, ok := o["notable"].([]any); ok {
			for _, ty := range n {
				checkType(t, "suggest", ty)
			}
		}
		out = append(out, o)
	}
	return out
}

// reconcileQ sends a batch by GET.
func reconcileQ(t *testing.T, a *api, batch string) map[string][]map[string]any {
	t.Helper()
	r := a.send(http.MethodGet, "/reconcile?queries="+url.QueryEscape(batch), nil, nil)
	if r.status != 200 {
		t.Fatalf("reconcile %s: %d %s", batch, r.status, r.body)
	}
	return checkBatch(t, r.body)
}

// reconcileForm sends a batch as OpenRefine does: a form POST.
func reconcileForm(a *api, batch string) response {
	return a.send(http.MethodPost, "/reconcile", map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
		url.Values{"queries": {batch}}.Encode())
}

func TestReconcile(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("editor@example.org", strongPassword)
		ed := editorClient{t: t, a: a, token: token}
		// Invented records: two namesakes in two countries, an agency, a draft.
		evidence := ed.create("sources", map[string]any{"kind": "media", "title": "Invented evidence", "url": "https://example.org/evidence"})
		ed.publish("sources", evidence)
		mk := func(collection string, body map[string]any, publish bool) string {
			id := ed.create(collection, body)
			ed.cite(collection, id, evidence)
			if publish {
				ed.publish(collection, id)
			}
			return id
		}
		frV := mk("vendors", map[string]any{"slug": "quillwort-intercept-fr", "name": "Quillwort Intercept", "headquarters_country": "FR"}, true)
		deV := mk("vendors", map[string]any{"slug": "quillwort-intercept-de", "name": "Quillwort Intercept", "headquarters_country": "DE"}, true)
		ag := mk("agencies", map[string]any{"state_code": "MX", "name": "Quillwort Police Directorate", "kind": "police"}, true)
		odd := mk("vendors", map[string]any{"slug": "angle-brackets", "name": `Zanthoxyl <script>alert(1)</script> & Co`}, true)
		draft := mk("vendors", map[string]any{"slug": "draftonly-vendor", "name": "Marigoldine Draftonly"}, false)

		t.Run("manifest", func(t *testing.T) {
			r := a.send(http.MethodGet, "/reconcile", nil, nil)
			if r.status != 200 {
				t.Fatalf("manifest: %d %s", r.status, r.body)
			}
			m := r.json(t)
			checkManifest(t, m)
			var types []string
			for _, ty := range m["defaultTypes"].([]any) {
				types = append(types, ty.(map[string]any)["id"].(string))
			}
			if strings.Join(types, ",") != "vendor,product,agency,state,source" {
				t.Errorf("defaultTypes %v", types)
			}
			view := m["view"].(map[string]any)["url"].(string)
			if view != a.url+"/{{id}}" {
				t.Errorf("view.url %s", view)
			}
			// The view URL maps an id to its public page.
			page := a.sendRaw(http.MethodGet, strings.TrimPrefix(strings.Replace(view, "{{id}}", "countries/IL", 1), a.url), nil, nil)
			if page.status != 200 {
				t.Errorf("view of countries/IL: %d", page.status)
			}
		})

		t.Run("NSO Grup matches NSO Group", func(t *testing.T) {
			res := reconcileQ(t, a, `{"q0":{"query":"NSO Grup"}}`)["q0"]
			if len(res) == 0 || res[0]["id"] != "vendors/1" || res[0]["name"] != "NSO Group" || res[0]["match"] != true {
				t.Fatalf("NSO Grup: %v", res)
			}
			if s := res[0]["score"].(float64); s < 70 || s > 100 {
				t.Errorf("score %v", s)
			}
			for _, c := range res[1:] {
				if c["match"] != false {
					t.Errorf("only the top may match: %v", c)
				}
			}
			if ty := res[0]["type"].([]any)[0].(map[string]any); ty["id"] != "vendor" || ty["name"] != "Vendor" {
				t.Errorf("type %v", ty)
			}
			if res[0]["description"] != "Vendor, headquartered in Israel" {
				t.Errorf("description %v", res[0]["description"])
			}
		})

		t.Run("namesakes are not matched; country narrows", func(t *testing.T) {
			got := reconcileQ(t, a, `{
				"plain":{"query":"Quillwort Intercept","type":"vendor"},
				"fr":{"query":"Quillwort Intercept","type":"vendor","properties":[{"pid":"country","v":"FR"}]},
				"name":{"query":"Quillwort Intercept","type":"vendor","properties":[{"pid":"country","v":"Germany"}]},
				"reconciled":{"query":"Quillwort Intercept","type":["vendor"],"properties":[{"pid":"country","v":{"id":"countries/DE","name":"Germany"}}]},
				"agency":{"query":"Quillwort Police","properties":[{"pid":"country","v":"MX"}]},
				"nowhere":{"query":"Quillwort Intercept","properties":[{"pid":"country","v":"PL"}]}}`)
			if p := got["plain"]; len(p) != 2 || p[0]["match"] != false || p[0]["score"] != p[1]["score"] {
				t.Errorf("two namesakes score alike and neither matches: %v", p)
			}
			if f := got["fr"]; len(f) != 1 || f[0]["id"] != "vendors/"+frV || f[0]["match"] != true {
				t.Errorf("country FR: %v", f)
			}
			for _, k := range []string{"name", "reconciled"} {
				if d := got[k]; len(d) != 1 || d[0]["id"] != "vendors/"+deV || d[0]["match"] != true {
					t.Errorf("country %s: %v", k, d)
				}
			}
			if g := got["agency"]; len(g) == 0 || g[0]["id"] != "agencies/"+ag || g[0]["description"] != "Agency of Mexico" {
				t.Errorf("agency of MX: %v", g)
			}
			if n := got["nowhere"]; len(n) != 0 {
				t.Errorf("country PL: %v", n)
			}
		})

		t.Run("type filter and limit", func(t *testing.T) {
			got := reconcileQ(t, a, `{"v":{"query":"Pegasus","type":"vendor"},"p":{"query":"Pegasus","type":"product","limit":1},"s":{"query":"Israel","type":"state"}}`)
			for _, c := range got["v"] {
				if c["type"].([]any)[0].(map[string]any)["id"] != "vendor" {
					t.Errorf("type vendor answered %v", c)
				}
			}
			if p := got["p"]; len(p) != 1 || p[0]["id"] != "products/1" || p[0]["match"] != true {
				t.Errorf("Pegasus as a product: %v", p)
			}
			if s := got["s"]; len(s) == 0 || s[0]["id"] != "countries/IL" {
				t.Errorf("Israel as a state: %v", s)
			}
		})

		t.Run("OpenRefine's batch of 10 by form POST", func(t *testing.T) {
			names := []string{"NSO Grup", "Pegasus", "Israel", "Quillwort Intercept", "Quillwort Police Directorate",
				"Invented evidence", "United Kingdom", "A/HRC/41/35", "Marigoldine Draftonly", "zzqqxxjj"}
			var parts []string
			for i, n := range names {
				parts = append(parts, fmt.Sprintf(`"q%d":{"query":%q,"type":"vendor","type_strict":"should"}`, i, n))
			}
			// OpenRefine sends the column's type for every query; types here vary, as a
			// user reconciling against "no type" would see.
			parts[1] = `"q1":{"query":"Pegasus","type_strict":"should"}`
			parts[2] = `"q2":{"query":"Israel","type":"state","type_strict":"should"}`
			r := reconcileForm(a, "{"+strings.Join(parts, ",")+"}")
			if r.status != 200 {
				t.Fatalf("form POST: %d %s", r.status, r.body)
			}
			if r.header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("POST without CORS: %v", r.header)
			}
			got := checkBatch(t, r.body)
			if len(got) != 10 {
				t.Fatalf("answers %d queries of 10", len(got))
			}
			for q, want := range map[string]string{"q0": "vendors/1", "q1": "products/1", "q2": "countries/IL"} {
				if len(got[q]) == 0 || got[q][0]["id"] != want || got[q][0]["match"] != true {
					t.Errorf("%s: %v, want %s matched", q, got[q], want)
				}
			}
			if len(got["q8"]) != 0 {
				t.Errorf("a draft is a candidate: %v", got["q8"])
			}
			if len(got["q9"]) != 0 {
				t.Errorf("nothing like it: %v", got["q9"])
			}
		})

		t.Run("refusals name the parameter", func(t *testing.T) {
			for _, tc := range []struct {
				name, batch string
			}{
				{"not JSON", `{"q0":`},
				{"not an object", `["NSO"]`},
				{"no query", `{"q0":{"type":"vendor"}}`},
				{"unknown type", `{"q0":{"query":"x","type":"person"}}`},
				{"bad limit", `{"q0":{"query":"x","limit":0}}`},
				{"bad type_strict", `{"q0":{"query":"x","type_strict":"maybe"}}`},
				{"unknown property", `{"q0":{"query":"x","properties":[{"pid":"founded","v":"2010"}]}}`},
				{"unknown country", `{"q0":{"query":"x","properties":[{"pid":"country","v":"Atlantis"}]}}`},
				{"long query", `{"q0":{"query":"` + strings.Repeat("a", 201) + `"}}`},
				{"too many", "{" + strings.TrimSuffix(strings.Repeat(`"q":{"query":"x"},`, 1), ",") + manyQueries(51) + "}"},
			} {
				r := a.send(http.MethodGet, "/reconcile?queries="+url.QueryEscape(tc.batch), nil, nil)
				if r.status != 400 || !problemField(t, r, "queries") {
					t.Errorf("%s: %d %s", tc.name, r.status, r.body)
				}
			}
			if r := reconcileForm(a, `{"q0":`); r.status != 400 || !problemField(t, r, "queries") {
				t.Errorf("bad JSON by POST: %d %s", r.status, r.body)
			}
			if r := a.send(http.MethodGet, "/reconcile?query=NSO", nil, nil); r.status != 400 || !problemField(t, r, "query") {
				t.Errorf("unknown parameter: %d %s", r.status, r.body)
			}
		})

		t.Run("preview", func(t *testing.T) {
			r := a.send(http.MethodGet, "/reconcile/preview?id=vendors/"+odd, nil, nil)
			if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
				t.Fatalf("preview: %d %s", r.status, r.body)
			}
			body := string(r.body)
			if strings.Contains(body, "<script>") || !strings.Contains(body, "Zanthoxyl &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co") {
				t.Errorf("preview does not escape the name: %s", body)
			}
			if r.header.Get("X-Frame-Options") != "" || strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
				t.Errorf("OpenRefine frames the preview: %v", r.header)
			}
			r = a.send(http.MethodGet, "/reconcile/preview?id=vendors/1", nil, nil)
			if !strings.Contains(string(r.body), "NSO Group") || !strings.Contains(string(r.body), "Vendor, headquartered in Israel") ||
				!strings.Contains(string(r.body), `href="`+a.url+`/vendors/1"`) {
				t.Errorf("preview of NSO Group: %s", r.body)
			}
			for _, bad := range []string{"vendor/1", "vendors/x", "countries/ZZ", ""} {
				if r := a.send(http.MethodGet, "/reconcile/preview?id="+bad, nil, nil); r.status != 400 || !problemField(t, r, "id") {
					t.Errorf("preview %q: %d %s", bad, r.status, r.body)
				}
			}
			if r := a.send(http.MethodGet, "/reconcile/preview?id=vendors/draftonly-vendor", nil, nil); r.status != 400 {
				t.Errorf("a slug is not an id: %d", r.status)
			}
			for _, none := range []string{"vendors/999", "vendors/" + draft} {
				if r := a.send(http.MethodGet, "/reconcile/preview?id="+none, nil, nil); r.status != 404 || strings.Contains(string(r.body), "Marigoldine") {
					t.Errorf("preview of %s (nothing public): %d %s", none, r.status, r.body)
				}
			}
		})

		t.Run("suggest", func(t *testing.T) {
			r := a.send(http.MethodGet, "/reconcile/suggest/entity?prefix=NSO", nil, nil)
			if r.status != 200 {
				t.Fatalf("suggest: %d %s", r.status, r.body)
			}
			s := checkSuggest(t, r.body)
			if len(s) == 0 || s[0]["id"] != "vendors/1" || s[0]["name"] != "NSO Group" {
				t.Errorf("suggest NSO: %v", s)
			}
			r = a.send(http.MethodGet, "/reconcile/suggest/entity?prefix=Quillwort&type=agency&type_strict=should", nil, nil)
			if s := checkSuggest(t, r.body); len(s) != 1 || s[0]["id"] != "agencies/"+ag {
				t.Errorf("suggest agencies: %v", s)
			}
			r = a.send(http.MethodGet, "/reconcile/suggest/entity?prefix=Marigoldine", nil, nil)
			if s := checkSuggest(t, r.body); len(s) != 0 {
				t.Errorf("a draft is suggested: %v", s)
			}
			if r := a.send(http.MethodGet, "/reconcile/suggest/entity", nil, nil); r.status != 400 || !problemField(t, r, "prefix") {
				t.Errorf("no prefix: %d %s", r.status, r.body)
			}
		})

		t.Run("CORS", func(t *testing.T) {
			for _, path := range []string{"/reconcile", "/reconcile/preview", "/reconcile/suggest/entity"} {
				r := a.sendRaw(http.MethodOptions, path, map[string]string{"Origin": "http://openrefine.example",
					"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}, nil)
				if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "*" ||
					!strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "POST") ||
					!strings.Contains(strings.ToLower(r.header.Get("Access-Control-Allow-Headers")), "content-type") {
					t.Errorf("preflight %s: %d %v", path, r.status, r.header)
				}
			}
			for _, path := range []string{"/reconcile", "/reconcile/preview?id=vendors/1", "/reconcile/suggest/entity?prefix=nso",
				"/reconcile?queries=" + url.QueryEscape(`{"q0":{"query":"NSO"}}`), "/reconcile?queries=bad"} {
				if r := a.send(http.MethodGet, path, map[string]string{"Origin": "http://openrefine.example"}, nil); r.header.Get("Access-Control-Allow-Origin") != "*" {
					t.Errorf("GET %s without CORS: %v", path, r.header)
				}
			}
		})
	})
}

// manyQueries is n more queries, each after a comma.
func manyQueries(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `,"m%d":{"query":"x"}`, i)
	}
	return b.String()
}

// TestReconcileIsRateLimited: a batch by POST counts against the read rate limit like
// a GET, so a client cannot send unbounded batches.
func TestReconcileIsRateLimited(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	a := newAPIWith(t, st, httpapi.Options{ReadRate: 0.001, ReadBurst: 2})
	var statuses []int
	for range 3 {
		statuses = append(statuses, reconcileForm(a, `{"q0":{"query":"NSO"}}`).status)
	}
	if statuses[0] != 200 || statuses[1] != 200 || statuses[2] != 429 {
		t.Errorf("three batches with a burst of 2: %v, want 200 200 429", statuses)
	}
}

// TestReconcileNamesOnly: reconciliation offers records whose names answer the query,
// never a source because its description mentions the words (the search index holds
// running text too).
func TestReconcileNamesOnly(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		if r := a.do(http.MethodGet, "/api/v1/search?q=Khashoggi&type=source", nil); len(r.json(t)["data"].([]any)) == 0 {
			t.Fatalf("search finds no source whose description names Khashoggi: the test needs one")
		}
		r := a.do(http.MethodGet, "/reconcile?queries="+url.QueryEscape(`{"q0":{"query":"Khashoggi"}}`), nil)
		if r.status != 200 {
			t.Fatalf("reconcile: %d %s", r.status, r.body)
		}
		if res := r.json(t)["q0"].(map[string]any)["result"].([]any); len(res) != 0 {
			t.Errorf("reconciling Khashoggi offers %v, want no candidate: no record is named so", res)
		}
	})
}
