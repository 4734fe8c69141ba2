package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestExportDelta: /api/v1/export/delta.ndjson between the versions before and after
// each edit holds exactly that edit, one line with the right operation and the record
// as the public reads it; drafts and their edits show in none, nor a draft source a
// published record cites; from == to is empty; bad versions are 400s naming the
// parameter; the delta has an ETag (304), HEAD and ranges like the other exports.
func TestExportDelta(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("editor@example.org", strongPassword)
		ed := editorClient{t: t, a: a, token: token}
		const path = "/api/v1/export/delta.ndjson"

		version := func() string {
			t.Helper()
			return expect(t, "version", a.do(http.MethodGet, "/api/v1/version", nil), 200)["dataset_version"].(string)
		}
		// delta returns the operations of a delta, and its body.
		delta := func(query string) ([]map[string]any, []byte) {
			t.Helper()
			r := a.do(http.MethodGet, path+"?"+query, map[string]string{"Accept-Encoding": "identity"})
			if r.status != 200 || r.header.Get("Content-Type") != "application/x-ndjson" {
				t.Fatalf("delta %s: %d %s: %s", query, r.status, r.header.Get("Content-Type"), truncate(r.body))
			}
			var ops []map[string]any
			dec := json.NewDecoder(bytes.NewReader(r.body))
			for dec.More() {
				var op map[string]any
				if err := dec.Decode(&op); err != nil {
					t.Fatalf("delta %s: %v", query, err)
				}
				ops = append(ops, op)
			}
			if n := bytes.Count(r.body, []byte("\n")); n != len(ops) {
				t.Errorf("delta %s: %d lines for %d operations", query, n, len(ops))
			}
			return ops, r.body
		}
		// public reads a record as the public sees it.
		public := func(collection, id string) map[string]any {
			t.Helper()
			return expect(t, "read "+collection+"/"+id, a.do(http.MethodGet, "/api/v1/"+collection+"/"+id, nil), 200)
		}

		evidence := ed.create("sources", map[string]any{"kind": "media", "title": "Public evidence"})
		vendor := ""
		draftSource := ""
		steps := []struct {
			name       string
			edit       func()
			op         string // "": no line
			collection string
			id         func() string
		}{
			{"publish a source", func() { ed.publish("sources", evidence) }, "ADD", "sources", func() string { return evidence }},
			{"create and edit a draft", func() {
				vendor = ed.create("vendors", map[string]any{"slug": "delta-vendor", "name": "Draft name " + leak})
				ed.cite("vendors", vendor, evidence)
				ed.patch("vendors", vendor, map[string]any{"name": "Vendor Name"})
			}, "", "", nil},
			{"publish the vendor", func() { ed.publish("vendors", vendor) }, "ADD", "vendors", func() string { return vendor }},
			{"correct it", func() { ed.patch("vendors", vendor, map[string]any{"name": "Corrected Name"}) }, "MOD", "vendors", func() string { return vendor }},
			{"cite a draft source for it", func() {
				draftSource = ed.create("sources", map[string]any{"kind": "media", "title": leak + " working title"})
				ed.cite("vendors", vendor, draftSource)
			}, "", "", nil},
			{"retract it", func() {
				expect(t, "retract", a.send(http.MethodPost, "/api/v1/vendors/"+vendor+"/retract", bearer(token), map[string]any{"reason": "wrong company"}), 200)
			}, "DEL", "vendors", func() string { return vendor }},
		}
		first := version()
		var afters []string // the version after each step
		for _, step := range steps {
			before := version()
			step.edit()
			after := version()
			afters = append(afters, after)
			ops, body := delta("from=" + before + "&to=" + after)
			if bytes.Contains(body, []byte(leak)) {
				t.Errorf("%s: the delta reveals a draft: %s", step.name, body)
			}
			if step.op == "" {
				if len(ops) != 0 {
					t.Errorf("%s: delta %s..%s holds %s, want nothing", step.name, before, after, body)
				}
				continue
			}
			want := map[string]any{"op": step.op, "record_type": strings.TrimSuffix(step.collection, "s"), "entity": public(step.collection, step.id())}
			if len(ops) != 1 || !reflect.DeepEqual(ops[0], want) {
				w, _ := json.Marshal(want)
				t.Errorf("%s: delta %s..%s is\n%s\nwant the one line\n%s", step.name, before, after, body, w)
			}
			// to defaults to the current version.
			if cur, _ := delta("from=" + before); !reflect.DeepEqual(cur, ops) {
				t.Errorf("%s: without to, the delta differs", step.name)
			}
		}
		last := version()
		if ops, body := delta("from=" + last + "&to=" + last); len(ops) != 0 || len(body) != 0 {
			t.Errorf("from == to: %q, want an empty delta", body)
		}
		// The whole span: the source added, the vendor published and retracted within it.
		ops, body := delta("from=" + first)
		if len(ops) != 1 || ops[0]["op"] != "ADD" || ops[0]["entity"].(map[string]any)["id"] != evidence || bytes.Contains(body, []byte(leak)) {
			t.Errorf("from %s: %s, want the source's ADD alone", first, body)
		}

		// Bad versions name their parameter. The revision after the source's publication
		// is the draft vendor's: not a version.
		n, _ := strconv.ParseInt(last, 10, 64)
		published, _ := strconv.ParseInt(afters[0], 10, 64)
		draftRevision := published + 1
		for _, bad := range []struct{ query, field string }{
			{"", "from"},
			{"to=" + last, "from"},
			{"from=abc", "from"},
			{"from=-1", "from"},
			{"from=01", "from"},
			{"from=" + strconv.FormatInt(n+1, 10), "from"},
			{"from=0&to=" + strconv.FormatInt(n+1, 10), "to"},
			{"from=0&to=" + strconv.FormatInt(draftRevision, 10), "to"},
			{"from=" + strconv.FormatInt(draftRevision, 10), "from"},
			{"from=" + last + "&to=" + first, "from"},
			{"from=0&from=1", "from"},
			{"from=0&since=1", "since"},
		} {
			r := a.do(http.MethodGet, path+"?"+bad.query, nil)
			if r.status != 400 || r.header.Get("Content-Type") != "application/problem+json" || !problemField(t, r, bad.field) {
				t.Errorf("?%s: %d %s, want 400 naming %s", bad.query, r.status, truncate(r.body), bad.field)
			}
		}

		// Served like an export: ETag and 304, HEAD, ranges.
		query := "?from=" + first + "&to=" + last
		r := a.do(http.MethodGet, path+query, map[string]string{"Accept-Encoding": "identity"})
		etag := r.header.Get("ETag")
		if etag != `"v`+last+`-delta-`+first+`-`+last+`.ndjson"` || r.header.Get("X-Dataset-Version") != last || r.header.Get("Content-Length") != strconv.Itoa(len(r.body)) {
			t.Errorf("headers: ETag %s, version %s, length %s", etag, r.header.Get("X-Dataset-Version"), r.header.Get("Content-Length"))
		}
		if nm := a.do(http.MethodGet, path+query, map[string]string{"If-None-Match": etag}); nm.status != http.StatusNotModified || len(nm.body) != 0 {
			t.Errorf("If-None-Match: %d, want 304", nm.status)
		}
		head := a.sendRaw(http.MethodHead, path+query, nil, nil)
		if head.status != 200 || len(head.body) != 0 || head.header.Get("Content-Length") != r.header.Get("Content-Length") || head.header.Get("ETag") != etag {
			t.Errorf("HEAD: %d, %d bytes, length %q, ETag %q", head.status, len(head.body), head.header.Get("Content-Length"), head.header.Get("ETag"))
		}
		part := a.do(http.MethodGet, path+query, map[string]string{"Range": "bytes=0-9"})
		if part.status != http.StatusPartialContent || !bytes.Equal(part.body, r.body[:10]) {
			t.Errorf("Range: %d %q", part.status, part.body)
		}
	})
}

// TestExportDeltaOfAnImport: the delta from 0 of the bundled dataset adds every
// published record exactly as the API reads it: an imported record's revision keeps
// the record as it reads (its revision, times and citations' ids), as an edit's does.
func TestExportDeltaOfAnImport(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPI(t, st)
		r := a.do(http.MethodGet, "/api/v1/export/delta.ndjson?from=0", map[string]string{"Accept-Encoding": "identity"})
		if r.status != 200 {
			t.Fatalf("delta: %d %s", r.status, truncate(r.body))
		}
		lines := bytes.Split(bytes.TrimSpace(r.body), []byte("\n"))
		if len(lines) < 10 {
			t.Fatalf("%d lines for the bundled dataset", len(lines))
		}
		for _, line := range lines {
			var op struct {
				Op         string
				RecordType string `json:"record_type"`
				Entity     map[string]any
			}
			if err := json.Unmarshal(line, &op); err != nil {
				t.Fatal(err)
			}
			path := "/api/v1/" + httpapi.Plurals[op.RecordType] + "/" + op.Entity["id"].(string)
			if want := expect(t, path, a.do(http.MethodGet, path, nil), 200); op.Op != "ADD" || !reflect.DeepEqual(op.Entity, want) {
				w, _ := json.Marshal(want)
				t.Errorf("%s: %s\nwant ADD of %s", path, line, w)
			}
		}
	})
}
