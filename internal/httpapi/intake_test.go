package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/intake"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// intakeReport is POST /api/v1/intake's answer.
type intakeReport struct {
	DryRun  bool `json:"dry_run"`
	Created []struct {
		Row        int    `json:"row"`
		Collection string `json:"collection"`
		ID         string `json:"id"`
		Name       string `json:"name"`
	} `json:"created"`
	Matched []struct {
		Collection string `json:"collection"`
		ID         string `json:"id"`
		Name       string `json:"name"`
		MatchedBy  string `json:"matched_by"`
	} `json:"matched"`
	Relations []struct {
		Row          int    `json:"row"`
		Type         string `json:"type"`
		From         string `json:"from"`
		To           string `json:"to"`
		ToExternalID string `json:"to_external_id"`
		Outcome      string `json:"outcome"`
		ChildID      string `json:"child_id"`
		ParentID     string `json:"parent_id"`
		Reason       string `json:"reason"`
	} `json:"relations"`
}

// relations renders a report's relations as "from type to: outcome child→parent".
func (r intakeReport) relations() []string {
	out := []string{}
	for _, rel := range r.Relations {
		out = append(out, fmt.Sprintf("%s %s %s: %s %s→%s", rel.From, rel.Type, rel.To, rel.Outcome, rel.ChildID, rel.ParentID))
	}
	return out
}

func intakeFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../intake/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// multipartFile is a form carrying a file and fields.
func multipartFile(t *testing.T, name, body string, fields map[string]string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(body))
	w.Close()
	return buf.String(), w.FormDataContentType()
}

// TestIntake is a staffer's intake: staff only; a bad sheet refused whole, naming
// each row and field; a dry run creating nothing; a galaxy's vendors matched to the
// registry's by name (not duplicated), the rest created as drafts no public answer
// shows, citing the galaxy and its refs; and a second run creating nothing.
func TestIntake(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)
		csvType := map[string]string{"Content-Type": "text/csv"}
		expect(t, "anonymous intake", a.send(http.MethodPost, "/api/v1/intake?collection=vendors", csvType, intakeFile(t, "vendors.csv")), 401)
		token, _ := a.login("editor@example.org", strongPassword)
		auth := bearer(token)
		csvAuth := bearer(token, "Content-Type", "text/csv")
		src := expect(t, "create source", a.send(http.MethodPost, "/api/v1/sources", auth, map[string]any{
			"kind": "ngo_report", "title": "A synthetic report", "url": "https://example.org/report"}), 201)["id"].(string)
		existing := expect(t, "create vendor", a.send(http.MethodPost, "/api/v1/vendors", auth, map[string]any{
			"name": "Example Intercept", "headquarters_country": "DE"}), 201)["id"].(string)
		// A namesake of a galaxy product under another vendor is not that product.
		other := expect(t, "create vendor", a.send(http.MethodPost, "/api/v1/vendors", auth, map[string]any{"name": "Unrelated Maker"}), 201)["id"].(string)
		expect(t, "create product", a.send(http.MethodPost, "/api/v1/products", auth, map[string]any{"name": "Example Listener", "vendor_id": other}), 201)
		vendors := storetest.Count(t, st, "vendors")

		// A bad sheet: every row's problems at once, by row and field; nothing written.
		bad := "name,headquarters_country,ungp_commitment\n,DE,yes\nAcme Listening,ZZ,perhaps\n"
		r := a.send(http.MethodPost, "/api/v1/intake?collection=vendors&source="+src, csvAuth, bad)
		expect(t, "bad sheet", r, 400)
		for _, f := range []string{"rows[2].name", "rows[3].headquarters_country", "rows[3].ungp_commitment"} {
			if !problemField(t, r, f) {
				t.Errorf("the refusal does not name %s: %s", f, r.body)
			}
		}
		r = a.send(http.MethodPost, "/api/v1/intake?collection=vendors", csvAuth, "name\nAcme Listening\n")
		if expect(t, "sheet without a source", r, 400); !problemField(t, r, "file.source") {
			t.Errorf("the refusal does not name the source: %s", r.body)
		}
		r = a.send(http.MethodPost, "/api/v1/intake?collection=vendors&source="+src, csvAuth, "name,motto\nAcme Listening,x\n")
		if expect(t, "unknown column", r, 400); !problemField(t, r, "rows[1].motto") {
			t.Errorf("the refusal does not name the column: %s", r.body)
		}
		if n := storetest.Count(t, st, "vendors"); n != vendors {
			t.Fatalf("refused files wrote %d vendors", n-vendors)
		}

		// A dry run says what it would do and writes nothing.
		body, ct := multipartFile(t, "galaxy.json", intakeFile(t, "galaxy.json"), map[string]string{"dry_run": "true"})
		var rep intakeReport
		r = a.send(http.MethodPost, "/api/v1/intake", bearer(token, "Content-Type", ct), body)
		expect(t, "dry run", r, 200)
		if err := json.Unmarshal(r.body, &rep); err != nil || !rep.DryRun || len(rep.Created) == 0 {
			t.Fatalf("dry run report %s (%v)", r.body, err)
		}
		if n, s := storetest.Count(t, st, "vendors"), storetest.Count(t, st, "sources"); n != vendors || s != 1 {
			t.Fatalf("a dry run wrote %d vendors and %d sources", n-vendors, s-1)
		}
		// The galaxy's relations: one the model has no place for, and Fictional
		// Wiretap owned by Example Intercept, the registry's vendor.
		wantRel := fmt.Sprintf("[Example Intercept similar Fictional Wiretap: not_recorded → Fictional Wiretap is-acquired-by Example Intercept: recorded %d→%s]", vendors+1, existing)
		if got := fmt.Sprint(rep.relations()); got != wantRel {
			t.Errorf("dry run relations %s, want %s", got, wantRel)
		}

		// The run: Example Intercept is the registry's already; the rest are drafts.
		r = a.send(http.MethodPost, "/api/v1/intake", bearer(token, "Content-Type", "application/json"), intakeFile(t, "galaxy.json"))
		expect(t, "intake", r, 201)
		rep = intakeReport{}
		if err := json.Unmarshal(r.body, &rep); err != nil {
			t.Fatal(err)
		}
		created := map[string]string{}
		for _, e := range rep.Created {
			created[e.Collection+"/"+e.Name] = e.ID
		}
		wiretap := created["vendors/Fictional Wiretap"]
		if wiretap == "" || created["vendors/Example Intercept"] != "" || created["products/Example Listener"] == "" || len(created) != 6 {
			t.Fatalf("created %v, want Fictional Wiretap, two products and three sources", created)
		}
		matched := false
		for _, m := range rep.Matched {
			matched = matched || (m.Collection == "vendors" && m.ID == existing && m.MatchedBy == "name")
		}
		if !matched {
			t.Errorf("Example Intercept was not matched to vendor %s: %s", existing, r.body)
		}
		d := expect(t, "staff reads the draft", a.do(http.MethodGet, "/api/v1/vendors/"+wiretap, auth), 200)
		if d["status"] != "draft" || len(d["citations"].([]any)) != 2 || len(d["aliases"].([]any)) != 1 {
			t.Errorf("the draft: %v", d)
		}
		if d["parent_id"] != existing {
			t.Errorf("the draft's parent_id is %v, want the registry's Example Intercept %s (is-acquired-by)", d["parent_id"], existing)
		}
		if got := fmt.Sprint(rep.relations()); !strings.Contains(got, "Fictional Wiretap is-acquired-by Example Intercept: recorded "+wiretap+"→"+existing) {
			t.Errorf("relations %s", got)
		}
		p := expect(t, "staff reads a product", a.do(http.MethodGet, "/api/v1/products/"+created["products/Example Listener"], auth), 200)
		if p["vendor_id"] != existing || p["status"] != "draft" {
			t.Errorf("the product's vendor is %v, want the matched %s; status %v", p["vendor_id"], existing, p["status"])
		}
		expect(t, "public reads the draft", a.do(http.MethodGet, "/api/v1/vendors/"+wiretap, nil), 404)
		for _, path := range []string{"/api/v1/vendors", "/api/v1/products", "/api/v1/sources", "/api/v1/search?q=Fictional+Wiretap"} {
			if r := a.do(http.MethodGet, path, nil); strings.Contains(string(r.body), "Wiretap") || strings.Contains(string(r.body), "Example Listener") || strings.Contains(string(r.body), "misp") {
				t.Errorf("%s shows an intake draft: %s", path, truncate(r.body))
			}
		}

		// A second run of the same file creates nothing.
		vendors, products, sources := storetest.Count(t, st, "vendors"), storetest.Count(t, st, "products"), storetest.Count(t, st, "sources")
		r = a.send(http.MethodPost, "/api/v1/intake", bearer(token, "Content-Type", "application/json"), intakeFile(t, "galaxy.json"))
		expect(t, "second intake", r, 201)
		rep = intakeReport{}
		if err := json.Unmarshal(r.body, &rep); err != nil || len(rep.Created) != 0 {
			t.Errorf("a second run created %s", r.body)
		}
		byExt := false
		for _, m := range rep.Matched {
			byExt = byExt || (m.ID == wiretap && m.MatchedBy == "external_id")
		}
		if !byExt {
			t.Errorf("Fictional Wiretap was not found by its uuid: %s", r.body)
		}
		if got := fmt.Sprint(rep.relations()); !strings.Contains(got, "Fictional Wiretap is-acquired-by Example Intercept: already_recorded "+wiretap+"→"+existing) {
			t.Errorf("a second run's relations %s, want the parent already recorded", got)
		}
		if storetest.Count(t, st, "vendors") != vendors || storetest.Count(t, st, "products") != products || storetest.Count(t, st, "sources") != sources {
			t.Error("a second run wrote records")
		}

		// A sheet with other headers, mapped: both vendors are known now.
		r = a.send(http.MethodPost, "/api/v1/intake?collection=vendors&source="+src+"&map=Company%3Dname&map=Country%3Dheadquarters_country&map=Notes%3Ddescription",
			csvAuth, intakeFile(t, "vendors_mapped.csv"))
		expect(t, "mapped sheet", r, 201)
		rep = intakeReport{}
		if err := json.Unmarshal(r.body, &rep); err != nil || len(rep.Created) != 0 || len(rep.Matched) != 2 {
			t.Errorf("mapped sheet: %s", r.body)
		}
		// A new vendor from a sheet is a draft citing the staffer's source.
		r = a.send(http.MethodPost, "/api/v1/intake?collection=vendors&source="+src, csvAuth, "name,headquarters_country\nSynthetic Signals Ltd,GB\n")
		expect(t, "sheet", r, 201)
		rep = intakeReport{}
		if err := json.Unmarshal(r.body, &rep); err != nil || len(rep.Created) != 1 {
			t.Fatalf("sheet: %s", r.body)
		}
		d = expect(t, "staff reads the sheet's draft", a.do(http.MethodGet, "/api/v1/vendors/"+rep.Created[0].ID, auth), 200)
		if cites := d["citations"].([]any); d["status"] != "draft" || len(cites) != 1 || cites[0].(map[string]any)["source_id"] != src {
			t.Errorf("the sheet's draft: %v", d)
		}
	})
}

// BenchmarkIntakeSheet takes in a sheet of 1,000 new vendors as drafts on SQLite
// (the issue asks for under 10 s).
func BenchmarkIntakeSheet(b *testing.B) {
	st := storetest.Open(b, "sqlite")
	ctx := domain.SystemContext(context.Background())
	src, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "other", Title: "Bench"}, store.Edit{})
	if err != nil {
		b.Fatal(err)
	}
	for i := range b.N {
		var sheet strings.Builder
		sheet.WriteString("name,headquarters_country,aliases\n")
		for j := range 1000 {
			fmt.Fprintf(&sheet, "Bench Vendor %d-%d,DE,Bench Alias %d-%d\n", i, j, i, j)
		}
		rep, err := httpapi.Intake(ctx, st, httpapi.IntakeRequest{Name: "v.csv", Body: []byte(sheet.String()), Source: src.ID.String(),
			Options: intake.Options{Collection: "vendors"}})
		if err != nil || len(rep.Created) != 1000 {
			b.Fatalf("%v: %d created", err, len(rep.Created))
		}
	}
}
