package httpapi_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestStatementsHideDraftReferences: a published communication's statement quoted
// from a draft source, first said in another draft source, by a draft vendor: no
// public answer (the record, lists, CSV, XLSX, exports, FtM, history, the page, the
// feeds) holds any of the drafts' ids, the statement's references are null there,
// and staff still see them. The drafts' ids are unusual numbers so that a scan of
// every answer finds them wherever they are. On both databases.
func TestStatementsHideDraftReferences(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const (
			draftSource    = 918273
			draftOriginal  = 918274
			draftVendor    = 918275
			publicSource   = 7
			publicVendor   = 8
			communicationN = 9
		)
		ids := []string{"918273", "918274", "918275"}
		ctx := domain.SystemContext(context.Background())
		id := func(n int) *domain.ID { v := domain.ID(n); return &v }
		s := func(v string) *string { return &v }
		pub := domain.Record{Status: domain.StatusPublished, Citations: []domain.Citation{{SourceID: publicSource, Confidence: "reported"}}}
		with := func(r domain.Record, n int) domain.Record { r.ID = domain.ID(n); return r }
		_, err := st.Import(ctx, store.Batch{
			Sources: []domain.Source{
				{Record: domain.Record{ID: publicSource, Status: domain.StatusPublished}, SourceFields: domain.SourceFields{Kind: "un_document", Title: "The public letter"}},
				{Record: domain.Record{ID: draftSource, Status: domain.StatusDraft}, SourceFields: domain.SourceFields{Kind: "media", Title: "Working draft"}},
				{Record: domain.Record{ID: draftOriginal, Status: domain.StatusDraft}, SourceFields: domain.SourceFields{Kind: "media", Title: "Another draft"}},
			},
			Vendors: []domain.Vendor{
				{Record: with(pub, publicVendor), VendorFields: domain.VendorFields{Slug: "quoted", Name: "Quoted Ltd", UNGPCommitment: "unknown"}},
				{Record: domain.Record{ID: draftVendor, Status: domain.StatusDraft}, VendorFields: domain.VendorFields{Slug: "unannounced", Name: "Unannounced", UNGPCommitment: "unknown"}},
			},
			Communications: []domain.Communication{{Record: with(pub, communicationN), CommunicationFields: domain.CommunicationFields{
				Kind: "letter", Sender: "A Special Rapporteur", Summary: s("A letter quoting drafts"),
				Statements: []domain.Statement{
					{Position: 1, Kind: "vendor_statement", Speaker: s("Someone"), SpeakerVendorID: id(draftVendor), Quote: "We comply.",
						SourceID: id(draftSource), OriginalSourceID: id(draftOriginal)},
					{Position: 2, Kind: "assessment", Speaker: s("Quoted Ltd"), SpeakerVendorID: id(publicVendor), Quote: "It does not.",
						SourceID: id(publicSource), RefersTo: []int{1}},
				}}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("editor@example.org", strongPassword)
		// A public correction, so history has a change with a before and an after.
		editorClient{t: t, a: a, token: token}.patch("communications", "9", map[string]any{"summary": "A letter quoting drafts, corrected"})

		// The record: the draft references are null, the public ones kept.
		c := expect(t, "communication", a.do(http.MethodGet, "/api/v1/communications/9", nil), 200)
		ss := c["statements"].([]any)
		first, second := ss[0].(map[string]any), ss[1].(map[string]any)
		for _, f := range []string{"source_id", "original_source_id", "speaker_vendor_id"} {
			if v, ok := first[f]; !ok || v != nil {
				t.Errorf("public statement 1: %s = %#v (present %v), want null: it refers to a draft", f, v, ok)
			}
		}
		if second["source_id"] != "7" || second["speaker_vendor_id"] != "8" {
			t.Errorf("public statement 2 refers to %v and %v, want the public source 7 and vendor 8", second["source_id"], second["speaker_vendor_id"])
		}

		// Staff see the references as written, in the record and its history.
		for _, path := range []string{"/api/v1/communications/9", "/api/v1/communications/9/history"} {
			r := a.do(http.MethodGet, path, bearer(token))
			expect(t, "staff "+path, r, 200)
			for _, want := range ids {
				if !bytes.Contains(r.plain, []byte(`"`+want+`"`)) {
					t.Errorf("staff GET %s does not show %s: %s", path, want, truncate(r.plain))
				}
			}
		}

		// No public answer holds a draft's id.
		for _, path := range []string{
			"/api/v1/communications/9",
			"/api/v1/communications",
			"/api/v1/communications?format=csv",
			"/api/v1/communications?format=xlsx",
			"/api/v1/communications/9/history",
			"/api/v1/vendors/8/history",
			"/api/v1/export/communications.ndjson",
			"/api/v1/export/communications.csv",
			"/api/v1/export/communications.xlsx",
			"/api/v1/export/entities.ftm.json",
			"/api/v1/changes",
			"/api/v1/search?q=quoting",
			"/feeds/changes.atom",
			"/communications/9",
			"/vendors/quoted",
		} {
			r := a.get(path)
			if r.status != http.StatusOK {
				t.Errorf("GET %s: status %d, want 200", path, r.status)
			}
			text := string(r.plain)
			if strings.HasSuffix(path, "xlsx") {
				_, sheets := openBook(t, path, r.plain)
				var b strings.Builder
				for _, rows := range sheets {
					for _, row := range rows {
						b.WriteString(strings.Join(row, "\t") + "\n")
					}
				}
				text = b.String()
				if !strings.Contains(text, "It does not.") {
					t.Errorf("GET %s: the workbook does not hold the statements: %.300s", path, text)
				}
			}
			for _, draft := range ids {
				if i := strings.Index(text, draft); i >= 0 {
					t.Errorf("GET %s reveals draft %s: …%s…", path, draft, text[max(0, i-200):min(len(text), i+100)])
				}
			}
		}
	})
}
