package httpapi_test

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// specSchemas are the reconciliation API's JSON schemas for 0.2, vendored unchanged
// with their licence in testdata/reconcile-schemas.
const specSchemas = "https://reconciliation-api.github.io/specs/0.2/schemas/"

// reconcileSchemas compiles the vendored schemas: manifest, query batch, result batch
// and suggest response, by file name.
func reconcileSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	// The schemas name "http://json-schema.org/schema#" (the newest draft, when they
	// were written: draft 7) as their meta-schema, a URL no validator resolves.
	c.DefaultDraft(jsonschema.Draft7)
	files, err := filepath.Glob("testdata/reconcile-schemas/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vendored schemas: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		delete(doc.(map[string]any), "$schema")
		if err := c.AddResource(specSchemas+filepath.Base(f), doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	// The manifest's optional authentication member refers to Swagger 2.0's security
	// schemes; the registry's manifest has none, so any schema stands in for it.
	if err := c.AddResource("http://swagger.io/v2/schema.json", map[string]any{
		"definitions": map[string]any{"securityDefinitions": map[string]any{"additionalProperties": map[string]any{}}}}); err != nil {
		t.Fatal(err)
	}
	out := map[string]*jsonschema.Schema{}
	for _, name := range []string{"manifest.json", "reconciliation-query-batch.json", "reconciliation-result-batch.json", "suggest-entities-response.json"} {
		s, err := c.Compile(specSchemas + name)
		if err != nil {
			t.Fatalf("compile %s: %v", name, err)
		}
		out[name] = s
	}
	return out
}

// validates checks a JSON body against a schema.
func validates(t *testing.T, s *jsonschema.Schema, what string, body []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s: not JSON: %v\n%s", what, err, truncate(body))
		return
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("%s does not validate against the spec's schema: %v\n%s", what, err, truncate(body))
	}
}

// TestReconcileMatchesTheSpecSchemas: the answers of /reconcile — the manifest, query
// batches sent as OpenRefine sends them (GET and form POST, batches of 10 with
// type_strict "should", a type as a string or a list, properties with a string value
// or an already reconciled {id, name}, queries that find nothing), the suggest
// service — validate against the spec's own JSON schemas for 0.2, and so do the
// request batches (so the shapes tried are the spec's); the preview named by the
// manifest is an HTML card. On both databases.
func TestReconcileMatchesTheSpecSchemas(t *testing.T) {
	schemas := reconcileSchemas(t)
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)

		r := a.send(http.MethodGet, "/reconcile", nil, nil)
		if r.status != http.StatusOK {
			t.Fatalf("manifest: %d %s", r.status, r.body)
		}
		validates(t, schemas["manifest.json"], "the manifest", r.body)
		m := r.json(t)
		preview, _ := m["preview"].(map[string]any)["url"].(string)
		if p := a.sendRaw(http.MethodGet, strings.TrimPrefix(strings.Replace(preview, "{{id}}", "vendors/1", 1), a.url), nil, nil); p.status != http.StatusOK ||
			!strings.HasPrefix(p.header.Get("Content-Type"), "text/html") || !bytes.Contains(p.body, []byte("NSO Group")) {
			t.Errorf("the manifest's preview of vendors/1: %d %s %.200s", p.status, p.header.Get("Content-Type"), p.body)
		}

		var ten []string
		for i, q := range []string{"NSO Grup", "Hacking Team", "FinFisher", "Candiru", "Cellebrite", "Intellexa", "Paragon", "Memento Labs", "Cytrox", "Nothing Like Any Name"} {
			ten = append(ten, `"q`+string(rune('0'+i))+`":{"query":"`+q+`","type":"vendor","type_strict":"should"}`)
		}
		batches := map[string]string{
			"a batch of 10, as OpenRefine sends": "{" + strings.Join(ten, ",") + "}",
			"a type list and a limit":            `{"q0":{"query":"NSO","type":["vendor","product"],"limit":3}}`,
			"no type":                            `{"q0":{"query":"Israel"},"q1":{"query":"Ministry"}}`,
			"a property with a string value":     `{"q0":{"query":"NSO Group","type":"vendor","properties":[{"pid":"country","v":"IL"}]}}`,
			"an already reconciled value":        `{"q0":{"query":"NSO Group","type":"vendor","properties":[{"pid":"country","v":{"id":"countries/IL","name":"Israel"}}]}}`,
			"a query that finds nothing":         `{"q0":{"query":"Zzyzx Qwerty"}}`,
		}
		for what, batch := range batches {
			validates(t, schemas["reconciliation-query-batch.json"], what+" (the request)", []byte(batch))
			r := a.send(http.MethodGet, "/reconcile?queries="+url.QueryEscape(batch), nil, nil)
			if r.status != http.StatusOK {
				t.Errorf("%s by GET: %d %s", what, r.status, r.body)
				continue
			}
			validates(t, schemas["reconciliation-result-batch.json"], what+" by GET", r.body)
			r = reconcileForm(a, batch)
			if r.status != http.StatusOK {
				t.Errorf("%s by form POST: %d %s", what, r.status, r.body)
				continue
			}
			validates(t, schemas["reconciliation-result-batch.json"], what+" by form POST", r.body)
		}

		for _, prefix := range []string{"NSO", "is", "Zzyzx"} {
			r := a.send(http.MethodGet, "/reconcile/suggest/entity?prefix="+url.QueryEscape(prefix), nil, nil)
			if r.status != http.StatusOK {
				t.Errorf("suggest %q: %d %s", prefix, r.status, r.body)
				continue
			}
			validates(t, schemas["suggest-entities-response.json"], "suggest "+prefix, r.body)
		}
	})
}

// TestReconcileSchemasRefuse: the vendored schemas refuse answers that break them,
// so the test above could fail.
func TestReconcileSchemasRefuse(t *testing.T) {
	schemas := reconcileSchemas(t)
	for name, bad := range map[string]string{
		"manifest.json":                    `{"versions":["0.1"],"name":"x","identifierSpace":"x","schemaSpace":"x"}`,
		"reconciliation-result-batch.json": `{"q0":{"result":[{"id":"vendors/1","name":"NSO Group","score":"high"}]}}`,
		"suggest-entities-response.json":   `{"result":[{"name":"NSO Group"}]}`,
		"reconciliation-query-batch.json":  `{"q0":{"query":"NSO","type_strict":"maybe"}}`,
	} {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if schemas[name].Validate(v) == nil {
			t.Errorf("%s accepts %s", name, bad)
		}
	}
}
