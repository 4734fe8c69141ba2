package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// contract is api/openapi.yaml, loaded once: every response a test receives is
// validated against it, so behaviour and docs fail together.
var contract = sync.OnceValues(func() (routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join("..", "..", "api", "openapi.yaml"))
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	// The document's one server is relative ("/", the instance it was read from);
	// kin-openapi's router matches a server against the request's absolute URL, which
	// a relative one never matches, so the tests' server is matched by path alone.
	doc.Servers = nil
	return legacy.NewRouter(doc)
})

// api is a real server over a real store, and a client that checks every answer
// against the contract.
type api struct {
	t      *testing.T
	url    string
	client *http.Client
	store  *store.Store
	server *httpapi.Server
}

func newAPI(t *testing.T, st *store.Store) *api {
	t.Helper()
	return newAPIWith(t, st, httpapi.Options{})
}

// newAPIWith starts a server with options; its signing keys are the store's.
func newAPIWith(t *testing.T, st *store.Store, opts httpapi.Options) *api {
	t.Helper()
	keys, err := st.SigningKeys(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	opts.Keys = keys
	if opts.ReadRate == 0 {
		opts.ReadRate, opts.ReadBurst = 1e6, 1e6 // tests poll hard; the limit has a test of its own
	}
	if opts.ClientConcurrency == 0 && opts.MaxInFlight == 0 {
		opts.ClientConcurrency, opts.MaxInFlight = 1e6, 1e6 // so do the bounds (guard_test.go)
	}
	server := httpapi.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	t.Cleanup(func() {
		if err := server.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	srv := httptest.NewUnstartedServer(nil)
	srv.Config = server.HTTPServer("") // the production timeouts and header limits
	srv.Start()
	t.Cleanup(srv.Close)
	return &api{t: t, url: srv.URL, store: st, server: server, client: &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is an answer, read whole.
type response struct {
	status int
	header http.Header
	body   []byte // as sent
	plain  []byte // as sent, or unzipped when sent with gzip
}

// unzip returns a body as sent, unzipped when its Content-Encoding is gzip.
func unzip(header http.Header, body []byte) ([]byte, error) {
	if header.Get("Content-Encoding") != "gzip" || len(body) == 0 {
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// json decodes the body into a generic value.
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.body)
	}
	return v
}

// do sends a request without a body and validates the answer against the contract.
func (a *api) do(method, path string, header map[string]string) response {
	a.t.Helper()
	return a.send(method, path, header, nil)
}

// request builds a request to the server with a body: a string as is, anything else
// as JSON.
func (a *api) request(method, path string, header map[string]string, body any) (*http.Request, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, a.url+path, rd)
	if err != nil {
		return nil, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return req, nil
}

// sendRaw sends a request without validating the answer or touching a.t: for
// goroutines, which may not call t.Fatal.
func (a *api) sendRaw(method, path string, header map[string]string, body any) response {
	req, err := a.request(method, path, header, body)
	if err != nil {
		return response{status: -1, body: []byte(err.Error())}
	}
	res, err := a.client.Do(req)
	if err != nil {
		return response{status: -1, body: []byte(err.Error())}
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: got}
}

// send sends a request with a body (a string as is, anything else as JSON) and
// validates the answer against the contract.
func (a *api) send(method, path string, header map[string]string, body any) response {
	a.t.Helper()
	req, err := a.request(method, path, header, body)
	if err != nil {
		a.t.Fatal(err)
	}
	res, err := a.client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	// Zipped when the test asked for it (Go's client unzips only what it asked for).
	plain, err := unzip(res.Header, got)
	if err != nil {
		a.t.Fatalf("%s %s: a gzip body that does not unzip: %v", method, path, err)
	}
	a.validate(req, res, plain)
	return response{status: res.StatusCode, header: res.Header, body: got, plain: plain}
}

// validate checks an answer against api/openapi.yaml: the route and status must be
// documented, and a JSON body must match the documented schema. CSV bodies are
// checked by the tests themselves.
func (a *api) validate(req *http.Request, res *http.Response, body []byte) {
	a.t.Helper()
	router, err := contract()
	if err != nil {
		a.t.Fatalf("load api/openapi.yaml: %v", err)
	}
	// 405 and 431 answer the transport, not an operation: no operation documents
	// them. Their bodies are still checked to be problems by the tests that cause them.
	if res.StatusCode == http.StatusMethodNotAllowed || res.StatusCode == http.StatusRequestHeaderFieldsTooLarge {
		return
	}
	route, params, err := router.FindRoute(req)
	if err != nil && res.StatusCode == http.StatusNotFound && strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		return // an undocumented path, rightly refused
	}
	if err != nil {
		a.t.Errorf("%s %s is not in api/openapi.yaml: %v", req.Method, req.URL.Path, err)
		return
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "application/problem+json") {
		opts.ExcludeResponseBody = true
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status:  res.StatusCode,
		Header:  res.Header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: opts,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		a.t.Errorf("%s %s → %d does not match api/openapi.yaml: %v\n%s", req.Method, req.URL, res.StatusCode, err, truncate(body))
	}
}

func truncate(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// volatile are the parts of an answer that differ between runs: timestamps.
var volatile = regexp.MustCompile(`"(created_at|updated_at|at)": "[^"]+"`)

// golden compares a JSON answer with testdata/NAME.json, with timestamps masked; with
// -update it rewrites the file. The same file serves both databases, so they must
// answer alike.
func golden(t *testing.T, name string, body []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	pretty, _ := json.MarshalIndent(v, "", "  ")
	got := volatile.ReplaceAll(pretty, []byte(`"$1": "(time)"`))
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./internal/httpapi -update and review the diff\ngot:\n%s", path, truncate(got))
	}
}
