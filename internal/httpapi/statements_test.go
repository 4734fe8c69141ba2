package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store/storetest"
)

// statementKeys and legalReferenceKeys are the JSON shape of a communication's
// statement and legal reference: every key is always present, null when unknown.
var (
	statementKeys      = []string{"kind", "locator", "original_source_id", "position", "quote", "refers_to", "said_on", "said_on_precision", "source_id", "speaker", "speaker_vendor_id"}
	legalReferenceKeys = []string{"instrument", "locator", "provision", "quote"}
)

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestCommunicationStatements: OL OTH 2/2020 is served with the statements it
// records (NSO Group's and Mr. Hulio's claims, the Rapporteur's assessment that they
// "appear to be at odds", the May 2019 report's recommendation), the law it invokes
// as instrument and provision, and its requests apart from its questions; the
// earlier letters' are unknown (null). Staff write them, a bad one is a 400 naming
// the field, a change is in the history, and the CSV holds them in one JSON cell.
// On both databases.
func TestCommunicationStatements(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) { communicationStatements(t, d) })
	}
}

func communicationStatements(t *testing.T, dialect string) {
	ctx := domain.SystemContext(context.Background())
	st := storetest.Open(t, dialect)
	if _, err := dataset.Load(ctx, st, dataset.Bundled()); err != nil {
		t.Fatal(err)
	}
	a := newAPI(t, st)

	// The bundled letter, read by the public.
	c3 := expect(t, "communication 3", a.do(http.MethodGet, "/api/v1/communications/3", nil), 200)
	stmts, _ := c3["statements"].([]any)
	if len(stmts) != 11 {
		t.Fatalf("communication 3 has %d statements, want 11: %.200v", len(stmts), c3["statements"])
	}
	byPos := map[float64]map[string]any{}
	for _, s := range stmts {
		s := s.(map[string]any)
		if got := keysOf(s); !reflect.DeepEqual(got, statementKeys) {
			t.Errorf("statement %v has keys %v, want %v", s["position"], got, statementKeys)
		}
		byPos[s["position"].(float64)] = s
	}
	for pos, want := range map[float64]map[string]any{
		5:  {"kind": "vendor_statement", "speaker": "NSO Group", "speaker_vendor_id": "1", "source_id": "1", "original_source_id": "2", "refers_to": []any{}},
		6:  {"kind": "vendor_statement", "speaker": "Mr. Hulio", "speaker_vendor_id": "1", "original_source_id": "7", "said_on_precision": "year"},
		8:  {"kind": "assessment", "speaker_vendor_id": nil, "original_source_id": nil, "refers_to": []any{5.0, 6.0}},
		10: {"kind": "recommendation", "original_source_id": "4", "said_on_precision": "month"},
	} {
		for f, w := range want {
			if got := byPos[pos][f]; !reflect.DeepEqual(got, w) {
				t.Errorf("statement %v: %s = %#v, want %#v", pos, f, got, w)
			}
		}
	}
	if q, _ := byPos[5]["quote"].(string); !strings.Contains(q, "given the nature of government security investigations, “operational visibility is simply not permitted.”") {
		t.Errorf("statement 5 does not quote the qualifier: %q", q)
	}
	if q, _ := byPos[8]["quote"].(string); !strings.Contains(q, "appears to be at odds") {
		t.Errorf("statement 8 is not the assessment: %q", q)
	}
	var refs []string
	for _, l := range c3["legal_references"].([]any) {
		l := l.(map[string]any)
		if got := keysOf(l); !reflect.DeepEqual(got, legalReferenceKeys) {
			t.Errorf("legal reference has keys %v, want %v", got, legalReferenceKeys)
		}
		refs = append(refs, l["instrument"].(string)+" "+l["provision"].(string))
	}
	if want := []string{"ICCPR 17", "ICCPR 19", "UN Guiding Principles on Business and Human Rights 17"}; !reflect.DeepEqual(refs, want) {
		t.Errorf("legal references %v, want %v", refs, want)
	}
	var requests []float64
	for _, q := range c3["questions"].([]any) {
		q := q.(map[string]any)
		if q["kind"] == "request" {
			requests = append(requests, q["position"].(float64))
		} else if q["kind"] != "question" {
			t.Errorf("question %v: kind %#v", q["position"], q["kind"])
		}
	}
	if want := []float64{1, 4, 8, 11, 18}; !reflect.DeepEqual(requests, want) {
		t.Errorf("requests at %v, want %v", requests, want)
	}
	for _, id := range []string{"1", "2"} {
		c := expect(t, "communication "+id, a.do(http.MethodGet, "/api/v1/communications/"+id, nil), 200)
		for _, f := range []string{"statements", "legal_references"} {
			if v, ok := c[f]; !ok || v != nil {
				t.Errorf("communication %s: %s = %#v (present %v), want null: not recorded", id, f, v, ok)
			}
		}
	}

	// In CSV a list of objects is one JSON cell; unknown is the empty cell.
	rows, err := csv.NewReader(bytes.NewReader(a.do(http.MethodGet, "/api/v1/communications?format=csv", nil).body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, row := range rows[1:] {
		cell := row[col["statements"]]
		switch row[col["id"]] {
		case "1":
			if cell != "" || row[col["legal_references"]] != "" {
				t.Errorf("CSV communication 1: statements %q, legal_references %q; want the empty cell", cell, row[col["legal_references"]])
			}
		case "3":
			var got []domain.Statement
			if err := json.Unmarshal([]byte(cell), &got); err != nil || len(got) != 11 || got[7].RefersTo[1] != 6 {
				t.Errorf("CSV communication 3: statements cell does not hold the 11 statements (%v): %.100s", err, cell)
			}
		}
	}

	// Staff write them; the checks name the field.
	staff(t, st, "editor@example.org", domain.RoleEditor)
	token, _ := a.login("editor@example.org", strongPassword)
	e := editorClient{t: t, a: a, token: token}
	ok := map[string]any{"kind": "vendor_statement", "quote": "we checked", "source_id": "1"}
	with := func(m map[string]any, k string, v any) map[string]any {
		out := map[string]any{}
		for kk, vv := range m {
			out[kk] = vv
		}
		out[k] = v
		return out
	}
	for _, c := range []struct {
		what, field string
		body        map[string]any
	}{
		{"a kind out of the list", "statements.kind", map[string]any{"statements": []any{with(ok, "kind", "rumour")}}},
		{"no quote", "statements.quote", map[string]any{"statements": []any{with(ok, "quote", " ")}}},
		{"no source", "statements.source_id", map[string]any{"statements": []any{with(ok, "source_id", nil)}}},
		{"a source that does not exist", "statements.source_id", map[string]any{"statements": []any{with(ok, "source_id", "999")}}},
		{"a vendor that does not exist", "statements.speaker_vendor_id", map[string]any{"statements": []any{with(ok, "speaker_vendor_id", "999")}}},
		{"an original source that does not exist", "statements.original_source_id", map[string]any{"statements": []any{with(ok, "original_source_id", "999")}}},
		{"a reference to no statement", "statements.refers_to", map[string]any{"statements": []any{with(ok, "refers_to", []any{2})}}},
		{"a reference to itself", "statements.refers_to", map[string]any{"statements": []any{with(with(ok, "position", 1), "refers_to", []any{1})}}},
		{"two at one position", "statements.position", map[string]any{"statements": []any{ok, ok}}},
		{"a precision the date's form contradicts", "statements.said_on_precision", map[string]any{"statements": []any{with(with(ok, "said_on", "2019"), "said_on_precision", "day")}}},
		{"a date of no known form", "statements.said_on", map[string]any{"statements": []any{with(ok, "said_on", "2019-13")}}},
		{"a legal reference without its instrument", "legal_references.instrument", map[string]any{"legal_references": []any{map[string]any{"instrument": "", "provision": "17"}}}},
		{"an empty provision", "legal_references.provision", map[string]any{"legal_references": []any{map[string]any{"instrument": "ICCPR", "provision": ""}}}},
		{"a question kind out of the list", "questions.kind", map[string]any{"questions": []any{map[string]any{"position": 1, "text": "Tell us.", "kind": "demand"}}}},
	} {
		body := map[string]any{"kind": "letter", "sender": "Statement test"}
		for k, v := range c.body {
			body[k] = v
		}
		r := a.send(http.MethodPost, "/api/v1/communications", bearer(token), body)
		if expect(t, c.what, r, 400); !problemField(t, r, c.field) {
			t.Errorf("%s: the refusal does not name %s: %s", c.what, c.field, r.body)
		}
	}

	id := e.create("communications", map[string]any{"kind": "letter", "sender": "Statement test",
		"questions":        []any{map[string]any{"position": 1, "text": "I would like to know more.", "kind": "request"}, map[string]any{"position": 2, "text": "Why?"}},
		"statements":       []any{with(with(ok, "position", 2), "refers_to", []any{1}), with(with(ok, "position", 1), "speaker", "A vendor")},
		"legal_references": []any{map[string]any{"instrument": "ICCPR", "provision": "17"}}})
	got := expect(t, "read", a.do(http.MethodGet, "/api/v1/communications/"+id, bearer(token)), 200)
	ss := got["statements"].([]any)
	if len(ss) != 2 || ss[0].(map[string]any)["position"] != 1.0 || !reflect.DeepEqual(ss[0].(map[string]any)["refers_to"], []any{}) ||
		!reflect.DeepEqual(ss[1].(map[string]any)["refers_to"], []any{1.0}) {
		t.Errorf("written statements come back as %v: want position order, refers_to [] where none is given", ss)
	}
	if l := got["legal_references"].([]any)[0].(map[string]any); l["quote"] != nil || l["provision"] != "17" {
		t.Errorf("legal reference comes back as %v", l)
	}
	if qs := got["questions"].([]any); qs[0].(map[string]any)["kind"] != "request" || qs[1].(map[string]any)["kind"] != "question" {
		t.Errorf("question kinds come back as %v: a request stays one, a question without a kind is a question", qs)
	}

	// A change is in the record's history, before and after.
	e.cite("communications", id, "1")
	e.publish("communications", id)
	e.patch("communications", id, map[string]any{"statements": []any{with(ok, "quote", "we changed it")}})
	h := a.do(http.MethodGet, "/api/v1/communications/"+id+"/history", nil)
	expect(t, "history", h, 200)
	if !strings.Contains(string(h.body), "we changed it") || !strings.Contains(string(h.body), `"speaker":"A vendor"`) {
		t.Errorf("the history does not show the statements before and after: %.300s", h.body)
	}
}
