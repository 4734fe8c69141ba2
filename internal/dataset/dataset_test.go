package dataset_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestBundled checks the bundled dataset's promises: every record but a source cites
// a published source, and the letter's facts are there.
func TestBundled(t *testing.T) {
	b, _, err := dataset.Read(dataset.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	sources := map[domain.ID]bool{}
	for _, s := range b.Sources {
		sources[s.ID] = s.Status == domain.StatusPublished
		if s.URL == nil && s.DocumentSymbol == nil && s.Description == nil {
			t.Errorf("source %s cannot be found again: no URL, symbol or description", s.ID)
		}
	}
	cited := func(kind string, id domain.ID, cites []domain.Citation) {
		if len(cites) == 0 {
			t.Errorf("%s %s cites nothing", kind, id)
		}
		for _, c := range cites {
			if !sources[c.SourceID] {
				t.Errorf("%s %s cites source %s, which is not a published source of the dataset", kind, id, c.SourceID)
			}
		}
	}
	for _, v := range b.Vendors {
		cited("vendor", v.ID, v.Citations)
	}
	for _, v := range b.Products {
		cited("product", v.ID, v.Citations)
	}
	for _, v := range b.Licenses {
		cited("license", v.ID, v.Citations)
		if v.MaxTargets != nil || v.Geography != nil || v.ValidFrom != nil {
			t.Errorf("license %s states limits no source gives", v.ID)
		}
	}
	for _, v := range b.Terminations {
		cited("termination", v.ID, v.Citations)
		if v.Reason != "material_breach" || v.Scope != "unknown" || v.AgencyID != nil || v.StateCode != nil {
			t.Errorf("termination %s: reason %s, scope %s; want the vendor's material-breach claim with agency and scope unknown", v.ID, v.Reason, v.Scope)
		}
	}
	var letter *domain.Communication
	for i, v := range b.Communications {
		cited("communication", v.ID, v.Citations)
		if v.Reference != nil && *v.Reference == "OL OTH 2/2020" {
			letter = &b.Communications[i]
		}
	}
	if letter == nil || letter.SentOn == nil || *letter.SentOn != "2020-02-20" || len(letter.Questions) == 0 || strings.Join(letter.CopiedStates, ",") != "IL" {
		t.Fatalf("OL OTH 2/2020 missing or wrong: %+v", letter)
	}
	inReducedForm(t, "source", b.Sources)
	inReducedForm(t, "vendor", b.Vendors)
	inReducedForm(t, "license", b.Licenses)
	inReducedForm(t, "termination", b.Terminations)
	inReducedForm(t, "allegation", b.Allegations)
	inReducedForm(t, "communication", b.Communications)
	symbols := map[string]bool{}
	for _, s := range b.Sources {
		if s.DocumentSymbol != nil {
			symbols[*s.DocumentSymbol] = true
		}
	}
	for _, want := range []string{"A/HRC/41/35", "A/HRC/27/37", "A/HRC/23/40"} {
		if !symbols[want] {
			t.Errorf("the dataset lacks %s, which the letter cites", want)
		}
	}
}

// TestLoad loads the bundled dataset on each database.
func TestLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		counts, err := dataset.Load(domain.SystemContext(context.Background()), st, dataset.Bundled())
		if err != nil {
			t.Fatal(err)
		}
		if counts["vendors"] != 1 || counts["communications"] != 3 || counts["sources"] < 7 {
			t.Errorf("counts = %v", counts)
		}
	})
}

// TestLoadRefusesWhole: a bad file is refused with its file, line and field, and
// nothing of it stays in the database.
func TestLoadRefusesWhole(t *testing.T) {
	src := `{"id":"1","status":"published","kind":"media","title":"A source"}` + "\n"
	vendor := func(extra string) string {
		return `{"id":"1","status":"published","slug":"v","name":"V","citations":[{"source_id":"1","confidence":"reported"}]` + extra + "}\n"
	}
	for _, tc := range []struct {
		name       string
		files      map[string]string
		file       string
		line       int
		field, msg string
	}{
		{"truncated JSON", map[string]string{"sources.ndjson": src + "\n" + `{"id":"2",`}, "sources.ndjson", 3, "", "cut short"},
		{"unknown field", map[string]string{"sources.ndjson": src, "vendors.ndjson": vendor(`,"owner":"x"`)}, "vendors.ndjson", 1, "", "unknown field"},
		{"wrong type", map[string]string{"sources.ndjson": src, "vendors.ndjson": vendor(`,"ungp_commitment":true`)}, "vendors.ndjson", 1, "", "wrong type"},
		{"bad country", map[string]string{"sources.ndjson": src, "vendors.ndjson": vendor(`,"headquarters_country":"ZZ"`)}, "vendors.ndjson", 1, "headquarters_country", ""},
		{"bad enum", map[string]string{"sources.ndjson": src, "vendors.ndjson": vendor(`,"ungp_commitment":"maybe"`)}, "vendors.ndjson", 1, "ungp_commitment", ""},
		{"bad slug", map[string]string{"sources.ndjson": src, "vendors.ndjson": vendor("")[:0] + `{"id":"1","status":"draft","slug":"Not A Slug","name":"V"}`}, "vendors.ndjson", 1, "slug", ""},
		{"missing reference", map[string]string{"sources.ndjson": src, "products.ndjson": `{"id":"1","status":"draft","vendor_id":"9","name":"P"}`}, "products.ndjson", 1, "vendor_id", "does not exist"},
		{"published without citation", map[string]string{"sources.ndjson": src, "vendors.ndjson": "\n\n" + `{"id":"1","status":"published","slug":"v","name":"V"}`}, "vendors.ndjson", 3, "citations", ""},
		{"cites an unknown source", map[string]string{"sources.ndjson": src, "vendors.ndjson": `{"id":"1","status":"published","slug":"v","name":"V","citations":[{"source_id":"7","confidence":"reported"}]}`}, "vendors.ndjson", 1, "citations", ""},
		{"retracted without reason", map[string]string{"sources.ndjson": src + `{"id":"2","status":"retracted","kind":"media","title":"B"}`}, "sources.ndjson", 2, "retraction_reason", ""},
		{"duplicate id", map[string]string{"sources.ndjson": src + src}, "sources.ndjson", 2, "", ""},
		{"a stray bracket after a record", map[string]string{"sources.ndjson": src + `{"id":"2","status":"draft","kind":"media","title":"B"} }`}, "sources.ndjson", 2, "", "after the record"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := storetest.Open(t, "sqlite")
			dir := fstest.MapFS{}
			for name, body := range tc.files {
				dir[name] = &fstest.MapFile{Data: []byte(body)}
			}
			_, err := dataset.Load(domain.SystemContext(context.Background()), st, dir)
			var le *dataset.LineError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a LineError", err)
			}
			if le.File != tc.file || le.Line != tc.line || (tc.field != "" && le.Field != tc.field) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v (file %s line %d field %q); want %s:%d field %q containing %q", err, le.File, le.Line, le.Field, tc.file, tc.line, tc.field, tc.msg)
			}
			if empty, err := st.Empty(context.Background()); err != nil || !empty {
				t.Errorf("the refused import left records behind (empty=%v, %v)", empty, err)
			}
			if n := storetest.Count(t, st, "sources"); n != 0 {
				t.Errorf("%d sources left behind", n)
			}
		})
	}
}

// inReducedForm checks that the bundled records write each date in the form its
// precision says ("2019-05" with month, never "2019-05-01"), with its precision: as
// the registry writes them.
func inReducedForm[T any](t *testing.T, kind string, recs []T) {
	t.Helper()
	for i, r := range recs {
		before, _ := json.Marshal(r)
		settled := r
		if err := domain.ResolveDates(&settled); err != nil {
			t.Errorf("%s %d: %v", kind, i+1, err)
			continue
		}
		if after, _ := json.Marshal(settled); string(after) != string(before) {
			t.Errorf("%s %d is not written in reduced dates:\n%s\nwant\n%s", kind, i+1, before, after)
		}
	}
}
