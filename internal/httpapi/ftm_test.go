package httpapi_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/dataset/ftmtest"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestExportFtM: /api/v1/export/entities.ftm.json serves the FollowTheMoney entities of
// the public records, every line keeping to the FtM model, as an NDJSON export file of
// the dataset version (ETag, 304, HEAD, gzip); it refuses parameters, on each database.
func TestExportFtM(t *testing.T) {
	model, err := ftmtest.Load()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		a := newAPIWith(t, st, httpapi.Options{ExportDir: t.TempDir()})
		const path = "/api/v1/export/entities.ftm.json"
		identity := map[string]string{"Accept-Encoding": "identity"}
		r := a.do(http.MethodGet, path, identity)
		if r.status != 200 || r.header.Get("Content-Type") != "application/x-ndjson" || r.header.Get("Content-Length") == "" {
			t.Fatalf("export: %d, type %q, length %q: %.200s", r.status, r.header.Get("Content-Type"), r.header.Get("Content-Length"), r.body)
		}
		problems, entities := ftmtest.Validate(model, bytes.NewReader(r.body))
		for _, p := range problems {
			t.Error(p)
		}
		if e := entities["ser-vendor-1"]; e.Schema != "Company" || len(e.Properties["name"]) != 1 {
			t.Errorf("ser-vendor-1: %+v", e)
		}
		// The same as the writer makes from the store.
		var want bytes.Buffer
		if err := dataset.WriteFtM(context.Background(), st, &want); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(r.body, want.Bytes()) {
			t.Error("the served export is not the writer's")
		}
		version := r.header.Get("X-Dataset-Version")
		etag := r.header.Get("ETag")
		if etag != `"v`+version+`-entities.ftm.json"` {
			t.Errorf("ETag %s for version %s", etag, version)
		}
		if nm := a.do(http.MethodGet, path, map[string]string{"Accept-Encoding": "identity", "If-None-Match": etag}); nm.status != http.StatusNotModified {
			t.Errorf("If-None-Match: %d, want 304", nm.status)
		}
		head := a.sendRaw(http.MethodHead, path, identity, nil) // HEAD is not an operation of the contract
		if head.status != 200 || len(head.body) != 0 || head.header.Get("Content-Length") != r.header.Get("Content-Length") || head.header.Get("ETag") != etag {
			t.Errorf("HEAD: %d, %d bytes, length %q (GET %q), ETag %q", head.status, len(head.body), head.header.Get("Content-Length"), r.header.Get("Content-Length"), head.header.Get("ETag"))
		}
		gz := a.do(http.MethodGet, path, map[string]string{"Accept-Encoding": "gzip"})
		if gz.header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gz.plain, r.body) {
			t.Errorf("gzip: encoding %q, same entities %v: %d vs %d bytes", gz.header.Get("Content-Encoding"), bytes.Equal(gz.plain, r.body), len(gz.plain), len(r.body))
		}
		if bad := a.do(http.MethodGet, path+"?bom=1", nil); bad.status != 400 || !strings.Contains(string(bad.body), "bom") {
			t.Errorf("a parameter: %d %s, want 400 naming it", bad.status, bad.body)
		}

		// A draft never shows; once published, a new version's export holds it.
		editor := domain.WithViewer(context.Background(), domain.Viewer{Role: domain.RoleEditor})
		src, err := store.Create(editor, st, store.Sources, domain.SourceFields{Kind: "ngo_report", Title: "A report drafted after the export"}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		id := "ser-source-" + src.ID.String()
		if d := a.do(http.MethodGet, path, identity); bytes.Contains(d.body, []byte(id+`"`)) {
			t.Error("a draft source is in the FtM export")
		}
		if _, err := store.Publish(editor, st, store.Sources, int(src.ID), nil, store.Edit{}); err != nil {
			t.Fatal(err)
		}
		after := a.do(http.MethodGet, path, identity)
		if after.header.Get("X-Dataset-Version") == version || !bytes.Contains(after.body, []byte(`"id":"`+id+`","schema":"Document"`)) {
			t.Errorf("after publishing: version %s (was %s), source %s missing", after.header.Get("X-Dataset-Version"), version, id)
		}
	})
}
