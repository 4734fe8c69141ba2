package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// upload posts a multipart form with a file.
func (b *browser) upload(path, filename string, file []byte, fields map[string]string) page {
	b.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if filename != "" {
		fw, _ := w.CreateFormFile("file", filename)
		fw.Write(file)
	}
	w.Close()
	resp, err := b.c.Post(b.base+path, w.FormDataContentType(), &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	return readPage(b.t, resp)
}

// TestStaffIntake: the console's upload page takes a MISP galaxy in (dry run first,
// writing nothing), lists the drafts it created, refuses a bad sheet naming row and
// column, and needs a session and the form's CSRF token.
func TestStaffIntake(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		addStaff(t, st, "editor@example.org", domain.RoleEditor)
		base := console(t, st)
		galaxy, err := os.ReadFile("../intake/testdata/galaxy.json")
		if err != nil {
			t.Fatal(err)
		}
		if p := newBrowser(t, base).get("/staff/intake"); p.status != http.StatusSeeOther {
			t.Errorf("anonymous: %d, want 303 to the login page", p.status)
		}
		b := newBrowser(t, base)
		b.login("editor@example.org", staffPassword)
		if home := b.get("/staff/"); !strings.Contains(home.body, `href="/staff/intake"`) {
			t.Error("the console's home does not link the upload page")
		}
		p := b.get("/staff/intake") // the console's script file, but no inline script (the CSP forbids it)
		if p.status != http.StatusOK || !strings.Contains(p.body, `enctype="multipart/form-data"`) || strings.Contains(p.body, "<script>") {
			t.Fatalf("upload page: %d\n%s", p.status, p.body)
		}
		tok := b.csrf("/staff/intake")
		if p := b.upload("/staff/intake", "galaxy.json", galaxy, map[string]string{"dry_run": "1"}); p.status != http.StatusForbidden {
			t.Errorf("an upload without the CSRF token: %d, want 403", p.status)
		}
		if n := storetest.Count(t, st, "vendors"); n != 0 {
			t.Fatalf("a refused upload wrote %d vendors", n)
		}
		p = b.upload("/staff/intake", "galaxy.json", galaxy, map[string]string{"csrf": tok, "dry_run": "1"})
		if p.status != http.StatusOK || !strings.Contains(p.body, "Dry run: nothing written") || !strings.Contains(p.body, "Fictional Wiretap") {
			t.Fatalf("dry run: %d\n%s", p.status, p.body)
		}
		if n := storetest.Count(t, st, "vendors"); n != 0 {
			t.Fatalf("a dry run wrote %d vendors", n)
		}
		// The galaxy's relations: one the registry would record, one it has no place for.
		for _, want := range []string{"Relations in the file", "Fictional Wiretap <code>is-acquired-by</code> Example Intercept</td><td>would be recorded</td>",
			"Example Intercept <code>similar</code> Fictional Wiretap</td><td>not recorded</td><td>no place in the model"} {
			if !strings.Contains(p.body, want) {
				t.Errorf("the dry run's report does not show %s", want)
			}
		}
		p = b.upload("/staff/intake", "galaxy.json", galaxy, map[string]string{"csrf": tok})
		if p.status != http.StatusOK || !strings.Contains(p.body, "Drafts created") || !strings.Contains(p.body, `href="/staff/vendors/`) {
			t.Fatalf("intake: %d\n%s", p.status, p.body)
		}
		if want := `is-acquired-by</code> Example Intercept</td><td>recorded</td><td>vendors 1 (Example Intercept) owns the new draft vendors 2 (Fictional Wiretap): its parent_id (<a href="/staff/vendors/2">vendors 2</a>)`; !strings.Contains(p.body, want) {
			t.Errorf("the report does not show the recorded relation %s\n%s", want, p.body)
		}
		if n := storetest.Count(t, st, "vendors"); n != 2 {
			t.Errorf("%d vendors, want the galaxy's 2", n)
		}
		p = b.upload("/staff/intake", "vendors.csv", []byte("name,slogan\nAcme Listening,x\n"), map[string]string{"csrf": tok, "collection": "vendors", "source": "1"})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Refused: nothing written") || !strings.Contains(p.body, "slogan") {
			t.Errorf("bad sheet: %d\n%s", p.status, p.body)
		}
		if p := b.upload("/staff/intake", "", nil, map[string]string{"csrf": tok}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "choose a file") {
			t.Errorf("no file: %d", p.status)
		}
	})
}
