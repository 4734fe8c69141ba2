package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestCommunicationStatements: a communication's statements, legal references and
// question kinds are kept as written (statements in position order, refers_to never
// null), unknown (null) apart from none ([]), through create, update, list and the
// record's revisions; a statement's source and vendor must exist; the pages' names
// of sources show public sources only. On both databases.
func TestCommunicationStatements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		u, err := st.CreateUser(domain.SystemContext(context.Background()), store.NewUser{
			Email: "statements@example.org", Role: domain.RoleEditor, DisplayName: "Staff", Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		ctx := domain.WithViewer(context.Background(), domain.Viewer{UserID: int(u.ID), Role: domain.RoleEditor})
		src, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "un_document", Title: "A letter"}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		ven, err := store.Create(ctx, st, store.Vendors, domain.VendorFields{Slug: "acme", Name: "Acme", UNGPCommitment: "unknown"}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		s := func(v string) *string { return &v }
		statements := []domain.Statement{
			{Position: 2, Kind: "assessment", Speaker: s("The sender"), Quote: "That claim appears to be at odds.", SourceID: &src.ID, RefersTo: []int{1}},
			{Position: 1, Kind: "vendor_statement", Speaker: s("Acme"), SpeakerVendorID: &ven.ID, Quote: "We see nothing.", SourceID: &src.ID,
				Locator: s("para. 2"), OriginalSourceID: &src.ID, SaidOn: new(domain.Date("2019")), SaidOnPrecision: s("year")},
		}
		law := []domain.LegalReference{{Instrument: "ICCPR", Provision: s("17"), Quote: s("arbitrary and unlawful interference")}}
		c, err := store.Create(ctx, st, store.Communications, domain.CommunicationFields{Kind: "letter", Sender: "The sender",
			Questions:  []domain.Question{{Position: 1, Kind: "request", Text: "I would like to know more."}, {Position: 2, Text: "Why?"}},
			Statements: statements, LegalReferences: law}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.GetCommunication(ctx, int(c.ID), true)
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.Statement{statements[1], statements[0]}
		want[0].RefersTo = []int{} // about none: [], not null
		if !reflect.DeepEqual(got.Statements, want) {
			t.Errorf("statements come back as %+v, want %+v (position order)", got.Statements, want)
		}
		if !reflect.DeepEqual(got.LegalReferences, law) {
			t.Errorf("legal references come back as %+v, want %+v", got.LegalReferences, law)
		}
		if got.Questions[0].Kind != "request" || got.Questions[1].Kind != "question" {
			t.Errorf("question kinds %q, %q; want request, question", got.Questions[0].Kind, got.Questions[1].Kind)
		}
		if got.Statements[0].RefersTo == nil {
			t.Error("refers_to of a statement about none is null, want []")
		}

		// Unknown, then none, then unknown again.
		for _, step := range []struct {
			what string
			ss   []domain.Statement
			ls   []domain.LegalReference
		}{{"unknown", nil, nil}, {"none", []domain.Statement{}, []domain.LegalReference{}}, {"unknown again", nil, nil}} {
			cur, _ := st.GetCommunication(ctx, int(c.ID), true)
			if _, err := store.Update(ctx, st, store.Communications, int(c.ID), cur.Revision, func(f domain.CommunicationFields) (domain.CommunicationFields, error) {
				f.Statements, f.LegalReferences = step.ss, step.ls
				return f, nil
			}, store.Edit{}); err != nil {
				t.Fatalf("%s: %v", step.what, err)
			}
			list, _, err := st.ListCommunications(ctx, store.ListParams{Statuses: []string{domain.StatusDraft}, Drafts: true, Limit: 10})
			if err != nil || len(list) != 1 {
				t.Fatalf("%s: list %d, %v", step.what, len(list), err)
			}
			if (list[0].Statements == nil) != (step.ss == nil) || len(list[0].Statements) != 0 ||
				(list[0].LegalReferences == nil) != (step.ls == nil) || len(list[0].LegalReferences) != 0 {
				t.Errorf("%s: statements %#v, legal references %#v", step.what, list[0].Statements, list[0].LegalReferences)
			}
		}

		// The revisions keep what was written.
		changes, err := st.History(ctx, "communication", int(c.ID), true)
		if err != nil || len(changes) != 4 {
			t.Fatalf("history: %d changes, %v", len(changes), err)
		}
		if before := changes[1].Before["statements"]; before == nil {
			t.Errorf("the first change does not record the statements before it: %v", changes[1].Before)
		}
		if after := changes[2].After["statements"]; !reflect.DeepEqual(after, []any{}) {
			t.Errorf("the change to none records statements %#v after it, want []", after)
		}

		// A statement refers to records that exist; the field is named.
		for field, f := range map[string]domain.Statement{
			"statements.source_id":          {Kind: "assessment", Quote: "x", SourceID: ptrID(999)},
			"statements.speaker_vendor_id":  {Kind: "assessment", Quote: "x", SourceID: &src.ID, SpeakerVendorID: ptrID(999)},
			"statements.original_source_id": {Kind: "assessment", Quote: "x", SourceID: &src.ID, OriginalSourceID: ptrID(999)},
		} {
			_, err := store.Create(ctx, st, store.Communications, domain.CommunicationFields{Kind: "letter", Sender: "S", Statements: []domain.Statement{f}}, store.Edit{})
			var e *domain.Error
			if !errors.As(err, &e) || e.Fields[field] == "" {
				t.Errorf("a statement naming a missing record: %v, want a problem with %s", err, field)
			}
		}

		// The pages name a source by title only when it is public.
		names, err := st.PublicNames(ctx, map[string][]domain.ID{"source": {src.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := names.Of("source", src.ID); ok {
			t.Error("a draft source has a public name")
		}
		pub, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "media", Title: "A public article"}, store.Edit{})
		if err == nil {
			_, err = store.Publish(ctx, st, store.Sources, int(pub.ID), nil, store.Edit{})
		}
		if err != nil {
			t.Fatal(err)
		}
		names, err = st.PublicNames(ctx, map[string][]domain.ID{"source": {src.ID, pub.ID}})
		if n, ok := names.Of("source", pub.ID); err != nil || !ok || n.Name != "A public article" {
			t.Errorf("a public source is named %q (%v, %v), want its title", n.Name, ok, err)
		}
		all, err := st.PublicNames(ctx, nil)
		if err != nil || len(all["source"]) != 0 {
			t.Errorf("names of every record hold %d sources (%v): sources are named only when asked for", len(all["source"]), err)
		}
	})
}

func ptrID(n int) *domain.ID { id := domain.ID(n); return &id }
