package domain

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestTextRule(t *testing.T) {
	name, url, prose := TextRule{Max: 300}, TextRule{Max: 2000, URL: true}, TextRule{Max: 20000, Prose: true}
	for _, tc := range []struct {
		what string
		rule TextRule
		in   string
		ok   bool
	}{
		{"a name", name, "NSO Group", true},
		{"a name of 300 bytes", name, strings.Repeat("é", 150), true},
		{"a name of 301 bytes", name, strings.Repeat("é", 150) + "x", false},
		{"a right-to-left override", name, "Acme\u202Egpj.exe", false},
		{"a left-to-right isolate", name, "Acme\u2066x\u2069", false},
		{"a zero-width space", name, "Ac\u200Bme", false},
		{"a zero-width joiner", name, "Ac\u200Dme", false},
		{"a right-to-left mark", name, "Acme\u200F", false},
		{"an Arabic letter mark", name, "Acme\u061C", false},
		{"a word joiner", name, "Ac\u2060me", false},
		{"a byte-order mark", name, "\uFEFFAcme", false},
		{"a name in Hebrew", name, "אן-אס-או", true},
		{"prose in Persian with non-joiners", prose, "می\u200Cخواهم", true},
		{"prose with a right-to-left mark", prose, "«\u200Fשלום»", true},
		{"prose with an override", prose, "a \u202Eb", false},
		{"prose with an isolate", prose, "a \u2067b\u2069", false},
		{"prose with a byte-order mark", prose, "\uFEFFtext", false},
		{"prose of 20,000 bytes", prose, strings.Repeat("x", 20000), true},
		{"prose of 20,001 bytes", prose, strings.Repeat("x", 20001), false},
		{"an https URL", url, "https://www.example.org/a?b=c#d", true},
		{"an http URL with a port", url, "http://example.org:8080/", true},
		{"an upper-case scheme", url, "HTTPS://example.org/", true},
		{"javascript:", url, "javascript:alert(1)", false},
		{"data:", url, "data:text/html,<script>alert(1)</script>", false},
		{"relative", url, "/vendors/nso-group", false},
		{"scheme-relative", url, "//example.org/x", false},
		{"no host", url, "https:///x", false},
		{"only a port", url, "https://:443/x", false},
		{"opaque", url, "https:example.org", false},
		{"ftp", url, "ftp://example.org/x", false},
		{"a user name", url, "https://trusted.org@evil.example/", false},
		{"a space", url, "https://example.org/a b", false},
		{"a bidi override in a URL", url, "https://example.org/\u202Egpj", false},
		{"empty", url, "", false},
	} {
		if problem := tc.rule.Problem(tc.in); (problem == "") != tc.ok {
			t.Errorf("%s: %q gives %q, want ok=%v", tc.what, tc.in, problem, tc.ok)
		}
	}
}

// TestCheckTextsNamesTheField: the problems of nested fields are named list.field.
func TestCheckTextsNamesTheField(t *testing.T) {
	long := strings.Repeat("x", 20001)
	bad := "https://example.org/\u202E"
	err := VendorFields{Slug: "acme", Name: "A\u200Bcme", Aliases: []Alias{{Name: "ok"}, {Name: "x\u202E"}},
		Website: &bad, Description: &long, Designations: []Designation{{List: "L", Authority: strings.Repeat("a", 301)}}}.Check()
	want := map[string]bool{"name": true, "aliases.name": true, "website": true, "description": true, "designations.authority": true}
	got := ErrorFields(err)
	for f := range want {
		if got[f] == "" {
			t.Errorf("no problem named %s: %v", f, got)
		}
	}
	q := "q\u2066"
	err = CommunicationFields{Kind: "letter", Sender: "UN", Questions: []Question{{Position: 1, Text: "why?", Topic: &q}}}.Check()
	if ErrorFields(err)["questions.topic"] == "" {
		t.Errorf("a question's topic: %v", err)
	}
	loc := strings.Repeat("x", 20001)
	if ErrorFields(Citation{SourceID: 1, Confidence: "reported", Locator: &loc}.Check())["locator"] == "" {
		t.Error("a 20,001-byte locator passed")
	}
}

// TestEveryTextFieldHasALimit: every text field staff write has a maxLength, unless
// its value is one of a fixed set (enums, or checked by its own rule: dates, country
// codes, control-list entries, categories). A new free-text field without a limit
// fails here.
func TestEveryTextFieldHasALimit(t *testing.T) {
	checked := []string{
		// dates, checked against their precision
		"valid_from", "valid_until", "listed_on", "delisted_on", "decision_date", "terminated_on",
		"period_start", "period_end", "sent_on", "published_on", "said_on", "valid_from_precision", "valid_until_precision",
		// country codes
		"headquarters_country", "other_jurisdictions", "state_code", "end_user_state", "exporting_state",
		"geography", "operator_state", "target_country", "recipient_state", "copied_states",
		// fixed sets, checked by the schema
		"categories", "capabilities", "control_list_entries", "rights_involved", "reported_to",
	}
	for _, v := range []any{VendorFields{}, ProductFields{}, AgencyFields{}, LicenseFields{}, TerminationFields{},
		AllegationFields{}, CommunicationFields{}, SourceFields{}, Citation{}} {
		var walk func(reflect.Type)
		walk = func(typ reflect.Type) {
			for i := range typ.NumField() {
				f := typ.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				elem := f.Type
				for elem.Kind() == reflect.Pointer || elem.Kind() == reflect.Slice {
					elem = elem.Elem()
				}
				switch {
				case elem == reflect.TypeFor[SourceRef](): // read-only
				case elem.Kind() == reflect.Struct && elem.PkgPath() == typ.PkgPath():
					walk(elem)
				case elem.Kind() == reflect.String && f.Tag.Get("maxLength") == "" && f.Tag.Get("enums") == "" && !slices.Contains(checked, name):
					t.Errorf("%s.%s (%s) has no maxLength", typ.Name(), f.Name, name)
				}
			}
		}
		walk(reflect.TypeOf(v))
	}
}
