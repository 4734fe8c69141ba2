package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// fingerprint sums up the database: any change a hostile request made shows in it.
func fingerprint(t *testing.T, st *store.Store) [4]int {
	t.Helper()
	var f [4]int
	for i, table := range []string{"revisions", "vendors", "licenses", "citations"} {
		f[i] = storetest.Count(t, st, table)
	}
	return f
}

// TestHostileInput throws malformed requests at the API: each gets a 4xx
// problem+json, and the database is left as it was.
func TestHostileInput(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("editor@example.org", strongPassword)
		json := bearer(token)
		patch := bearer(token, "If-Match", `"1"`)
		before := fingerprint(t, st)
		big := strings.Repeat("x", 200<<10)
		deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
		for _, tc := range []struct {
			name, method, path string
			header             map[string]string
			body               any
			want               int
		}{
			{"truncated object", "POST", "/api/v1/vendors", json, `{"slug":`, 400},
			{"truncated after a field", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A"`, 400},
			{"an array", "POST", "/api/v1/vendors", json, `[]`, 400},
			{"a string", "POST", "/api/v1/vendors", json, `"vendor"`, 400},
			{"a number", "POST", "/api/v1/vendors", json, `123`, 400},
			{"null", "POST", "/api/v1/vendors", json, `null`, 400},
			{"empty body", "POST", "/api/v1/vendors", json, ``, 400},
			{"number for a string", "POST", "/api/v1/vendors", json, `{"slug":123,"name":"A"}`, 400},
			{"list for a string", "POST", "/api/v1/vendors", json, `{"slug":"a","name":["A"]}`, 400},
			{"duplicate keys", "POST", "/api/v1/vendors", json, `{"slug":"a","slug":"b","name":"A"}`, 400},
			{"duplicate nested keys", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A","aliases":[{"name":"x","name":"y"}]}`, 400},
			{"nulls for required", "POST", "/api/v1/vendors", json, `{"slug":null,"name":null}`, 400},
			{"huge id", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A","parent_id":"99999999999999999999999"}`, 400},
			{"huge string", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"` + big + `"}`, 400},
			{"NUL in a string", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A\u0000B"}`, 400},
			{"escape in a string", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A\u001bB"}`, 400},
			{"invalid UTF-8", "POST", "/api/v1/vendors", json, "{\"slug\":\"a\",\"name\":\"\xff\xfe\"}", 400},
			{"unknown country", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A","headquarters_country":"ZZ"}`, 400},
			{"lower-case country", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A","headquarters_country":"il"}`, 400},
			{"path in a slug", "POST", "/api/v1/vendors", json, `{"slug":"../etc","name":"A"}`, 400},
			{"mass assignment: status", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A","status":"published"}`, 400},
			{"mass assignment: id", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A","id":"5"}`, 400},
			{"mass assignment: revision", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A","revision":7}`, 400},
			{"deep nesting", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A","aliases":` + deep + `}`, 400},
			{"impossible date", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A","aliases":[{"name":"B","valid_from":"2019-13-01","valid_from_precision":"day"}]}`, 400},
			{"trailing garbage", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A"}garbage`, 400},
			{"two values", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A"} {"slug":"b"}`, 400},
			{"empty designation", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"A","designations":[{"list":"","authority":""}]}`, 400},
			{"number overflow", "POST", "/api/v1/licenses", json, `{"kind":"export_authorization","max_targets":1e309}`, 400},
			{"negative count", "POST", "/api/v1/licenses", json, `{"kind":"export_authorization","max_targets":-1}`, 400},
			{"fractional count", "POST", "/api/v1/licenses", json, `{"kind":"export_authorization","max_targets":1.5}`, 400},
			{"unknown enum", "POST", "/api/v1/licenses", json, `{"kind":"nuclear"}`, 400},
			{"bad control-list entry", "POST", "/api/v1/licenses", json, `{"kind":"export_authorization","control_list_entries":["4A5"]}`, 400},
			{"body over 1 MB", "POST", "/api/v1/vendors", json, `{"slug":"a","name":"` + strings.Repeat("x", 1<<20+1) + `"}`, 413},
			{"login body over 1 MB", "POST", "/api/v1/auth/login", nil, `{"email":"` + strings.Repeat("x", 1<<20+1) + `"}`, 413},
			{"text/plain body", "POST", "/api/v1/vendors", bearer(token, "Content-Type", "text/plain"), `{"slug":"a","name":"A"}`, 415},
			{"form body", "POST", "/api/v1/vendors", bearer(token, "Content-Type", "application/x-www-form-urlencoded"), `slug=a&name=A`, 415},
			{"junk If-Match", "PATCH", "/api/v1/vendors/1", bearer(token, "If-Match", `"abc"`), `{"name":"X"}`, 412},
			{"patch a field that is not there", "PATCH", "/api/v1/vendors/1", patch, `{"owner":"X"}`, 400},
			{"login with objects", "POST", "/api/v1/auth/login", nil, `{"email":["a"],"password":{}}`, 400},
			{"path traversal", "GET", "/api/v1/vendors/..%2f..%2fetc%2fpasswd", nil, nil, 404},
			{"NUL in a path", "GET", "/api/v1/vendors/%00", nil, nil, 404},
			{"dot segments", "GET", "/api/v1/export/..%2f..%2fgo.mod", nil, nil, 404},
			{"injection in a country", "GET", "/api/v1/vendors?country=%27%20OR%201%3D1%20--", nil, nil, 400},
			{"injection in a limit", "GET", "/api/v1/vendors?limit=1;DROP%20TABLE%20vendors", nil, nil, 400},
			{"injection in a cursor", "GET", "/api/v1/vendors?cursor=%27%20OR%20%271%27%3D%271", nil, nil, 400},
			{"huge limit", "GET", "/api/v1/vendors?limit=99999999999999999999", nil, nil, 400},
			{"impossible day", "GET", "/api/v1/licenses?active_on=2021-02-30", nil, nil, 400},
			{"control character in q", "GET", "/api/v1/vendors?q=a%07b", nil, nil, 400},
			{"oversized headers", "GET", "/api/v1/vendors", map[string]string{"X-Padding": strings.Repeat("p", 40<<10)}, nil, 431},
			{"a 300 KB token", "GET", "/api/v1/vendors", bearer(strings.Repeat("t", 300<<10)), nil, 401},
			{"method not allowed", "DELETE", "/api/v1/vendors", json, nil, 405},
			{"a field name in capitals", "POST", "/api/v1/auth/login", nil, `{"EMAIL":"a@b.c","Email":"x@y.z","password":"p"}`, 400},
			{"an ETag with a sign", "PATCH", "/api/v1/vendors/1", bearer(token, "If-Match", `"""+01`), `{"name":"X"}`, 412},
			{"a look-alike country", "GET", "/api/v1/vendors?country=%C4%B1l", nil, nil, 400},
			{"a padded cursor", "GET", "/api/v1/vendors?cursor=YzE6MQ%3D%3D", nil, nil, 400},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a.t = t
				r := a.send(tc.method, tc.path, tc.header, tc.body)
				if r.status != tc.want {
					t.Errorf("%s %s: %d, want %d\n%s", tc.method, tc.path, r.status, tc.want, truncate(r.body))
				}
				if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type %q, want application/problem+json", ct)
				}
			})
		}
		a.t = t
		if after := fingerprint(t, st); after != before {
			t.Errorf("the database changed: %v → %v", before, after)
		}
	})
}

// TestReadLimit: reads are limited per client IP, and rotating X-Forwarded-For does
// not reset the count when no proxy is trusted.
func TestReadLimit(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	a := newAPIWith(t, st, httpapi.Options{ReadRate: 0.001, ReadBurst: 3})
	for i := range 3 {
		if r := a.do(http.MethodGet, "/api/v1/states/IL", map[string]string{"X-Forwarded-For": "198.51.100." + string(rune('1'+i))}); r.status != 200 {
			t.Fatalf("read %d: %d", i+1, r.status)
		}
	}
	r := a.do(http.MethodGet, "/api/v1/states/IL", map[string]string{"X-Forwarded-For": "198.51.100.9"})
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("fourth read: %d (Retry-After %q), want 429", r.status, r.header.Get("Retry-After"))
	}
	if r := a.do(http.MethodGet, "/healthz", nil); r.status != 200 {
		t.Errorf("health checks are limited too: %d", r.status)
	}
}

// TestCORS: any origin may read, without credentials; writes are not offered to
// cross-origin browsers.
func TestCORS(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	a := newAPI(t, st)
	r := a.do(http.MethodGet, "/api/v1/states", map[string]string{"Origin": "https://newsroom.example"})
	if r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("GET from another origin: ACAO %q, credentials %q", r.header.Get("Access-Control-Allow-Origin"), r.header.Get("Access-Control-Allow-Credentials"))
	}
	for _, h := range []string{"X-Content-Type-Options", "Content-Security-Policy", "Referrer-Policy"} {
		if r.header.Get(h) == "" {
			t.Errorf("no %s", h)
		}
	}
	req, _ := http.NewRequest(http.MethodOptions, a.url+"/api/v1/vendors", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	res, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.Header.Get("Access-Control-Allow-Origin") != "" || res.Header.Get("Access-Control-Allow-Methods") != "" {
		t.Errorf("a cross-origin preflight for POST was allowed: %v", res.Header)
	}
}
