package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

// mustContain fails for each text the page lacks.
func mustContain(t *testing.T, what string, p page, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(p.body, w) {
			t.Errorf("%s: the page lacks %q", what, w)
		}
	}
}

// fieldErrorOf returns the error shown in the field div of the input named name
// (or of the country picker named so, "geography.1"), or "" when it shows none.
func fieldErrorOf(body, name string) string {
	re := regexp.MustCompile(`(?s)<div class="(?:field|pick)( has-error)?" id="field-` + regexp.QuoteMeta(name) + `">.*?</div>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return "(no such field)"
	}
	e := regexp.MustCompile(`<p class="field-error" role="alert">([^<]*)</p>`).FindStringSubmatch(m[0])
	if e == nil {
		return ""
	}
	return e[1]
}

// pickers returns the country pickers of the list named list on a page, in order,
// as the values they show chosen, joined by commas ("MX,GT," is Mexico, Guatemala
// and a blank picker; "" is one blank picker). No pickers show as "(none)"; pickers
// whose names do not run list.0, list.1, … in order as "(misnumbered)".
func pickers(body, list string) string {
	re := regexp.MustCompile(`(?s)<select id="f-` + regexp.QuoteMeta(list) + `\.(\d+)" name="` + regexp.QuoteMeta(list) + `\.(\d+)"[^>]*>(.*?)</select>`)
	chosen := regexp.MustCompile(`<option value="([^"]*)" selected>`)
	var out []string
	for i, m := range re.FindAllStringSubmatch(body, -1) {
		if m[1] != strconv.Itoa(i) || m[2] != m[1] {
			return "(misnumbered)"
		}
		v := ""
		if c := chosen.FindStringSubmatch(m[3]); c != nil {
			v = c[1]
		}
		out = append(out, v)
	}
	if out == nil {
		return "(none)"
	}
	return strings.Join(out, ",")
}

// listScenarios are the scenarios every list of plain values on a licence's form
// shares (countries, control-list entries): "add another" shows one more input and
// writes nothing; emptying an input removes its item; no item is unknown and None is
// known to be none; a stale save compares the items and keeps them.
type listScenarios struct {
	b    *browser
	st   *store.Store
	path string // a saved licence
	list string // the list's name
	// form is a valid licence's form with extra values.
	form func(extra url.Values) url.Values
	// inputs reads the list's inputs on a page (pickers or textItems).
	inputs func(body, list string) string
	// stored reads the saved licence's list.
	stored func(path string) []string
	// one and two are two values as their inputs take them; text is a value as
	// the stale save's comparison shows it.
	one, two string
	text     func(string) string
}

func (c listScenarios) run(t *testing.T) {
	t.Helper()
	b, list, path := c.b, c.list, c.path
	item := func(i int) string { return list + "." + strconv.Itoa(i) }
	revOf := func() string {
		return regexp.MustCompile(`name="revision" value="(\d+)"`).FindStringSubmatch(b.get(path).body)[1]
	}
	saved := func(form url.Values) {
		t.Helper()
		form.Set("revision", revOf())
		if p := b.post(path, form); p.status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", p.status, p.body)
		}
	}

	t.Run("add another shows one more input and writes nothing", func(t *testing.T) {
		n := storetest.Count(t, c.st, "licenses")
		for _, tc := range []struct {
			name string
			form url.Values
			want string
		}{
			{"after a filled item", url.Values{item(0): {c.one}, item(1): {c.two}}, c.one + "," + c.two + ","},
			{"after the blank input, as a browser sends it", url.Values{item(0): {c.one}, item(1): {""}}, c.one + ",,"},
			{"on a new list", url.Values{item(0): {""}}, ","},
		} {
			t.Run(tc.name, func(t *testing.T) {
				form := c.form(tc.form)
				form.Set("add", list)
				p := b.post("/staff/licenses/new", form)
				if p.status != http.StatusOK {
					t.Fatalf("add another: %d, want 200", p.status)
				}
				if got := c.inputs(p.body, list); got != tc.want {
					t.Errorf("inputs %q, want %q", got, tc.want)
				}
				mustContain(t, "add another", p, `value="`+form.Get("reference")+`"`)
			})
		}
		if got := storetest.Count(t, c.st, "licenses"); got != n {
			t.Errorf("add another wrote %d licences", got-n)
		}
	})

	t.Run("emptying an input removes its item", func(t *testing.T) {
		// On a refused form the emptied input is gone already.
		p := b.post(path, c.form(url.Values{"revision": {revOf()}, "max_targets": {"many"}, item(0): {""}, item(1): {c.two}, item(2): {""}}))
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", p.status)
		}
		if got := c.inputs(p.body, list); got != c.two+"," {
			t.Errorf("after emptying the first input the form shows %q, want %s and a blank one", got, c.two)
		}
		saved(c.form(url.Values{item(0): {""}, item(1): {c.two}, item(2): {""}}))
		if got := c.stored(path); strings.Join(got, ",") != c.two {
			t.Errorf("%s after emptying the first input: %v, want [%s]", list, got, c.two)
		}
	})

	t.Run("no item is unknown; None is known to be none", func(t *testing.T) {
		for _, tc := range []struct {
			name     string
			form     url.Values
			wantNull bool
		}{
			{"every input emptied", url.Values{item(0): {""}, item(1): {""}}, true},
			{"every input emptied, None ticked", url.Values{item(0): {""}, list + ".none": {"1"}}, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				saved(c.form(tc.form))
				got := c.stored(path)
				if tc.wantNull && got != nil || !tc.wantNull && (got == nil || len(got) != 0) {
					t.Errorf("%s stored as %#v, want null %v", list, got, tc.wantNull)
				}
				page := b.get(path)
				if ticked := strings.Contains(page.body, `name="`+list+`.none" value="1" checked`); ticked == tc.wantNull {
					t.Errorf("None ticked on the page: %v, want %v", ticked, !tc.wantNull)
				}
				if got := c.inputs(page.body, list); got != "" {
					t.Errorf("inputs %q, want one blank", got)
				}
			})
		}
	})

	t.Run("a stale save compares the items and keeps them", func(t *testing.T) {
		rev := revOf()
		if p := b.post(path, c.form(url.Values{"revision": {rev}, item(0): {c.one}})); p.status != http.StatusSeeOther {
			t.Fatalf("their save: %d\n%s", p.status, p.body)
		}
		p := b.post(path, c.form(url.Values{"revision": {rev}, item(0): {c.two}, item(1): {c.one}, item(2): {""}}))
		if p.status != http.StatusConflict {
			t.Fatalf("stale save: %d, want 409", p.status)
		}
		mustContain(t, "the conflict", p, `<td class="old">`+c.text(c.one)+`</td><td class="new">`+c.text(c.two)+"\n"+c.text(c.one)+`</td>`)
		if got := c.inputs(p.body, list); got != c.two+","+c.one+"," {
			t.Errorf("the stale save's form shows %q, want the staffer's %s, %s kept", got, c.two, c.one)
		}
		if got := c.stored(path); strings.Join(got, ",") != c.one {
			t.Errorf("the stale save wrote %v", got)
		}
	})
}

// licenceForms logs an editor in and makes a vendor to file licences under. It
// returns the editor's browser, its CSRF token, a new licence's form (reference
// ref) with extra fields, and the licence a save redirected to (its path).
func licenceForms(t *testing.T, st *store.Store, ref string) (*browser, string, func(extra url.Values) url.Values, func(path string) domain.License) {
	t.Helper()
	addStaff(t, st, "editor@example.org", domain.RoleEditor)
	ctx := domain.SystemContext(context.Background())
	vendor, err := store.Create(ctx, st, store.Vendors, domain.VendorFields{Slug: "list-vendor", Name: "List Vendor", UNGPCommitment: "unknown"}, store.Edit{})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, console(t, st))
	b.login("editor@example.org", staffPassword)
	tok := b.csrf("/staff/")
	form := func(extra url.Values) url.Values {
		form := url.Values{"csrf": {tok}, "kind": {"end_user_license"}, "vendor_id": {vendor.ID.String()}, "license_status": {"granted"},
			"purpose_specificity": {"unknown"}, "reference": {ref}}
		for k, v := range extra {
			form[k] = v
		}
		return form
	}
	stored := func(path string) domain.License {
		t.Helper()
		id, _ := domain.ParseID(strings.TrimPrefix(path, "/staff/licenses/"))
		l, err := st.GetLicense(ctx, int(id), true)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	return b, tok, form, stored
}

// TestStaffCountryLists: a list of countries (a licence's geography, a vendor's
// other jurisdictions, a communication's copied states: any list field of country
// codes) is a country picker per item and a blank one, named by the item's index
// like the items of a list of objects. The countries are kept in the order picked;
// "add another" shows one more picker and writes nothing; an emptied picker removes
// its country; a value no picker offers is refused beside its own picker, with every
// other problem and every input kept; None tells a list known to be empty from an
// unknown one; a stale save compares the countries.
func TestStaffCountryLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		b, tok, licence, storedLicence := licenceForms(t, st, "GEO-1")
		stored := func(path string) []string { return storedLicence(path).Geography }

		t.Run("every list of countries is pickers, from the field's description", func(t *testing.T) {
			for path, list := range map[string]string{"/staff/licenses/new": "geography", "/staff/vendors/new": "other_jurisdictions", "/staff/communications/new": "copied_states"} {
				p := b.get(path)
				if got := pickers(p.body, list); got != "" {
					t.Errorf("%s: %s shows %q, want one blank picker", path, list, got)
				}
				mustContain(t, path, p, `<option value="MX">Mexico (MX)</option>`, `name="add" value="`+list+`"`, `name="`+list+`.none"`)
				if strings.Contains(p.body, `name="`+list+`" rows=`) {
					t.Errorf("%s: %s is still a textarea", path, list)
				}
			}
		})

		var path string
		t.Run("two countries kept in the order picked", func(t *testing.T) {
			p := b.post("/staff/licenses/new", licence(url.Values{"geography.0": {"MX"}, "geography.1": {"GT"}, "geography.2": {""}}))
			if p.status != http.StatusSeeOther {
				t.Fatalf("create: %d\n%s", p.status, p.body)
			}
			path, _, _ = strings.Cut(p.header.Get("Location"), "?")
			if got := stored(path); strings.Join(got, ",") != "MX,GT" {
				t.Errorf("geography as stored: %v, want [MX GT]", got)
			}
			if got := pickers(b.get(path).body, "geography"); got != "MX,GT," {
				t.Errorf("the licence's pickers show %q, want MX,GT and a blank one", got)
			}
		})

		t.Run("a code no picker offers is refused beside its picker, every input kept", func(t *testing.T) {
			p := b.post("/staff/licenses/new", licence(url.Values{"max_targets": {"many"},
				"geography.0": {"MX"}, "geography.1": {"ZZ"}, "geography.2": {"UK"}, "geography.3": {"mx"}, "geography.4": {""}}))
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", p.status)
			}
			for _, tc := range []struct{ picker, want string }{
				{"geography.0", ""},
				{"geography.1", "not an ISO 3166-1 alpha-2 country code"},
				{"geography.2", "did you mean GB (United Kingdom"},
				{"geography.3", "listed twice: Mexico (MX)"},
				{"geography.4", ""},
			} {
				got := fieldErrorOf(p.body, tc.picker)
				if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
					t.Errorf("%s shows the error %q, want %q", tc.picker, got, tc.want)
				}
			}
			if got := fieldErrorOf(p.body, "max_targets"); got != "must be a whole number" {
				t.Errorf("max_targets shows %q beside the countries' errors", got)
			}
			if got := pickers(p.body, "geography"); got != "MX,ZZ,UK,MX," {
				t.Errorf("the refused form's pickers show %q, want every value sent kept", got)
			}
			mustContain(t, "the refused form", p, `<option value="ZZ" selected>ZZ (not a country code)</option>`, `value="GEO-1"`)
			if strings.Contains(p.body, `<p class="problem" role="alert">geography`) {
				t.Error("a picker's problem is shown above the form, not beside the picker")
			}
		})

		t.Run("the text box of a page loaded before the pickers is refused, not read as unknown", func(t *testing.T) {
			p := b.post("/staff/licenses/new", licence(url.Values{"geography": {"MX\r\nGT"}}))
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", p.status)
			}
			mustContain(t, "the refused form", p, `<fieldset class="countries has-error" id="field-geography">`, "sent from an old form&#39;s text box (MX; GT): reload the page")
		})

		listScenarios{b: b, st: st, path: path, list: "geography", form: licence, inputs: pickers, stored: stored,
			one: "MX", two: "GT", text: func(code string) string { return domain.CountryName(code) + " (" + code + ")" }}.run(t)

		t.Run("a vendor's other jurisdictions, the same way", func(t *testing.T) {
			p := b.post("/staff/vendors/new", url.Values{"csrf": {tok}, "name": {"Jurisdiction Vendor"}, "ungp_commitment": {"unknown"},
				"other_jurisdictions.0": {"FR"}, "other_jurisdictions.3": {"DE"}, "other_jurisdictions.4": {""}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("create: %d\n%s", p.status, p.body)
			}
			v, err := st.GetVendor(ctx, "jurisdiction-vendor", true)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(v.OtherJurisdictions, ",") != "FR,DE" {
				t.Errorf("other jurisdictions as stored: %v", v.OtherJurisdictions)
			}
		})
	})
}

// textItems returns the text inputs of the list of plain values named list on a
// page, in order, as their values joined by commas ("4A005,5A001.j," is two items
// and a blank input; "" is one blank input). No inputs show as "(none)"; inputs
// whose names do not run list.0, list.1, … in order as "(misnumbered)".
func textItems(body, list string) string {
	re := regexp.MustCompile(`<input id="f-` + regexp.QuoteMeta(list) + `\.(\d+)" name="` + regexp.QuoteMeta(list) + `\.(\d+)" type="text" value="([^"]*)"`)
	var out []string
	for i, m := range re.FindAllStringSubmatch(body, -1) {
		if m[1] != strconv.Itoa(i) || m[2] != m[1] {
			return "(misnumbered)"
		}
		out = append(out, m[3])
	}
	if out == nil {
		return "(none)"
	}
	return strings.Join(out, ",")
}

// TestStaffValueLists: a list of plain values that are not countries or references
// (a licence's or product's control-list entries, a product's categories, an
// agency's aliases, a termination's rights involved, a statement's refers_to) is a
// text input per item and a blank one, named by the item's index as a list of
// countries is, generated from the field's description (maxlength from its tag,
// inputmode numeric for numbers). The items are kept in order; an item that is not
// one is refused beside its input with every other problem; "add another" writes
// nothing; an emptied input removes its item; None tells [] from null; an old
// page's text box is refused; a stale save compares the items.
func TestStaffValueLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		b, tok, licence, storedLicence := licenceForms(t, st, "LIST-1")
		stored := func(path string) []string { return storedLicence(path).ControlListEntries }
		src, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "un_document", Title: "A list test letter"}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}

		t.Run("every list of plain values is a text input per item, from the field's description", func(t *testing.T) {
			for _, tc := range []struct {
				path, list string
				attrs      []string // of the blank input
				none       bool
			}{
				{"/staff/licenses/new", "control_list_entries", nil, true},
				{"/staff/products/new", "categories", nil, true},
				{"/staff/products/new", "capabilities", nil, true},
				{"/staff/products/new", "control_list_entries", nil, true},
				{"/staff/agencies/new", "aliases", []string{`maxlength="300"`}, true},
				{"/staff/terminations/new", "rights_involved", nil, true},
				{"/staff/terminations/new", "reported_to", nil, true},
				// A list of numbers that is never null: no None.
				{"/staff/communications/new", "statements.0.refers_to", []string{`inputmode="numeric"`}, false},
			} {
				p := b.get(tc.path)
				if got := textItems(p.body, tc.list); got != "" {
					t.Errorf("%s: %s shows %q, want one blank input", tc.path, tc.list, got)
				}
				mustContain(t, tc.path, p, `<fieldset class="lines" id="field-`+tc.list+`">`, `name="add" value="`+tc.list+`"`)
				blank := regexp.MustCompile(`<input id="f-` + regexp.QuoteMeta(tc.list) + `\.0"[^>]*>`).FindString(p.body)
				for _, a := range tc.attrs {
					if !strings.Contains(blank, a) {
						t.Errorf("%s: %s's input %s lacks %s", tc.path, tc.list, blank, a)
					}
				}
				if has := strings.Contains(p.body, `name="`+tc.list+`.none"`); has != tc.none {
					t.Errorf("%s: %s has None: %v, want %v", tc.path, tc.list, has, tc.none)
				}
				if strings.Contains(p.body, `class="lines">`) || strings.Contains(p.body, `name="`+tc.list+`" rows=`) {
					t.Errorf("%s: %s is still a textarea", tc.path, tc.list)
				}
			}
		})

		var path string
		t.Run("two items kept in order", func(t *testing.T) {
			p := b.post("/staff/licenses/new", licence(url.Values{"control_list_entries.0": {"5A001.j"}, "control_list_entries.1": {"4A005"}, "control_list_entries.2": {""}}))
			if p.status != http.StatusSeeOther {
				t.Fatalf("create: %d\n%s", p.status, p.body)
			}
			path, _, _ = strings.Cut(p.header.Get("Location"), "?")
			if got := stored(path); strings.Join(got, ",") != "5A001.j,4A005" {
				t.Errorf("control-list entries as stored: %v, want [5A001.j 4A005]", got)
			}
			if got := textItems(b.get(path).body, "control_list_entries"); got != "5A001.j,4A005," {
				t.Errorf("the licence's inputs show %q, want 5A001.j, 4A005 and a blank one", got)
			}
		})

		t.Run("an item that is not one is refused beside its input, every problem at once", func(t *testing.T) {
			long := strings.Repeat("x", 301)
			p := b.post("/staff/agencies/new", url.Values{"csrf": {tok}, "state_code": {"MX"}, "kind": {"unknown"}, "name": {"List Agency"},
				"aliases.0": {"Kept Alias"}, "aliases.1": {long}, "aliases.2": {"Another"}, "aliases.3": {""}})
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", p.status)
			}
			for _, tc := range []struct{ input, want string }{
				{"aliases.0", ""}, {"aliases.1", "longer than 300 bytes"}, {"aliases.2", ""},
			} {
				got := fieldErrorOf(p.body, tc.input)
				if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
					t.Errorf("%s shows the error %q, want %q", tc.input, got, tc.want)
				}
			}
			if got := textItems(p.body, "aliases"); got != "Kept Alias,"+long+",Another," {
				t.Errorf("the refused form's inputs show %q, want every value sent kept", got)
			}

			p = b.post("/staff/communications/new", url.Values{"csrf": {tok}, "kind": {"letter"}, "sender": {"A Special Rapporteur"},
				"statements.0.kind": {"assessment"}, "statements.0.quote": {"This appears to be at odds."}, "statements.0.source_id": {src.ID.String()},
				"statements.0.said_on": {"2019-13"}, "statements.0.refers_to.0": {"1"}, "statements.0.refers_to.1": {"two"}, "statements.0.refers_to.2": {""}})
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", p.status)
			}
			for _, tc := range []struct{ input, want string }{
				{"statements.0.refers_to.0", ""}, {"statements.0.refers_to.1", `must be a whole number: &#34;two&#34; is not one`}, {"statements.0.said_on", "is not a date"},
			} {
				got := fieldErrorOf(p.body, tc.input)
				if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
					t.Errorf("%s shows the error %q, want %q", tc.input, got, tc.want)
				}
			}
			if got := textItems(p.body, "statements.0.refers_to"); got != "1,two," {
				t.Errorf("the refused statement's refers_to shows %q, want 1, two and a blank one", got)
			}
			if n := storetest.Count(t, st, "agencies") + storetest.Count(t, st, "communications"); n != 0 {
				t.Errorf("%d records written from refused forms", n)
			}
		})

		t.Run("the text box of a page loaded before the inputs is refused, naming what was sent", func(t *testing.T) {
			p := b.post("/staff/licenses/new", licence(url.Values{"control_list_entries": {"4A005\r\n5A001.j"}}))
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", p.status)
			}
			mustContain(t, "the refused form", p, `<fieldset class="lines has-error" id="field-control_list_entries">`,
				"sent from an old form&#39;s text box (4A005; 5A001.j): reload the page and type one item per input")
		})

		listScenarios{b: b, st: st, path: path, list: "control_list_entries", form: licence, inputs: textItems, stored: stored,
			one: "4A005", two: "5A001.j", text: func(s string) string { return s }}.run(t)

		t.Run("add another in an item of a list of objects: a statement's refers_to", func(t *testing.T) {
			p := b.post("/staff/communications/new", url.Values{"csrf": {tok}, "kind": {"letter"}, "sender": {"A Special Rapporteur"},
				"statements.0.quote": {"Kept quote."}, "statements.0.refers_to.0": {"1"}, "statements.0.refers_to.1": {""},
				"add": {"statements.0.refers_to"}})
			if p.status != http.StatusOK {
				t.Fatalf("add another in a statement: %d, want 200", p.status)
			}
			if got := textItems(p.body, "statements.0.refers_to"); got != "1,," {
				t.Errorf("the statement's refers_to shows %q after add another, want 1 and two blank ones", got)
			}
			mustContain(t, "add another in a statement", p, `>Kept quote.</textarea>`)
		})
	})
}

// TestStaffSubForms: a list of objects (a vendor's aliases, a communication's
// statements and legal references) is a fieldset per item, generated from the
// item type's fields: "add another" shows one more blank item and writes nothing,
// a blank item is left out (how an item is removed), and each item's problems
// show beside its own inputs with every input kept.
func TestStaffSubForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		addStaff(t, st, "editor@example.org", domain.RoleEditor)
		ctx := domain.SystemContext(context.Background())
		src, err := store.Create(ctx, st, store.Sources, domain.SourceFields{Kind: "un_document", Title: "A sub-form test letter"}, store.Edit{})
		if err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, console(t, st))
		b.login("editor@example.org", staffPassword)
		tok := b.csrf("/staff/")

		t.Run("a new form has one blank item per list and an add button", func(t *testing.T) {
			p := b.get("/staff/communications/new")
			mustContain(t, "new communication", p, `name="statements.0.quote"`, `name="statements.0.source_id"`, `name="statements.0.said_on"`,
				`name="legal_references.0.instrument"`, `name="questions.0.text"`, `name="add" value="statements"`)
			if strings.Contains(p.body, `name="statements.1.quote"`) {
				t.Error("a new form shows more than one blank statement")
			}
			if strings.Contains(p.body, `class="code"`) {
				t.Error("a list of objects is still a JSON textarea")
			}
		})

		t.Run("add another re-renders with one more blank item and writes nothing", func(t *testing.T) {
			for _, tc := range []struct {
				name      string
				form      url.Values
				want      []string
				wantNot   string
				collected string
			}{
				{"after a filled item", url.Values{"aliases.0.name": {"Kept Alias"}, "add": {"aliases"}},
					[]string{`name="aliases.0.name" type="text" value="Kept Alias"`, `name="aliases.1.name"`}, `name="aliases.2.name"`, "aliases"},
				{"after a blank item", url.Values{"aliases.0.name": {"Kept Alias"}, "aliases.1.name": {""}, "add": {"aliases"}},
					[]string{`value="Kept Alias"`, `name="aliases.1.name"`, `name="aliases.2.name"`}, `name="aliases.3.name"`, "aliases"},
				{"another list, its blank item as a browser sends it", url.Values{"other_jurisdictions.0": {"FR"}, "other_jurisdictions.1": {""}, "designations.0.list": {""}, "add": {"designations"}},
					[]string{`name="designations.1.list"`, `<option value="FR" selected>France (FR)</option>`}, `name="designations.2.list"`, "designations"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					form := url.Values{"csrf": {tok}, "name": {"Add Another Vendor"}, "ungp_commitment": {"unknown"}}
					for k, v := range tc.form {
						form[k] = v
					}
					p := b.post("/staff/vendors/new", form)
					if p.status != http.StatusOK {
						t.Fatalf("add another: %d, want 200", p.status)
					}
					mustContain(t, tc.name, p, append(tc.want, `value="Add Another Vendor"`)...)
					if strings.Contains(p.body, tc.wantNot) {
						t.Errorf("%s: more than one blank item added (%s)", tc.name, tc.wantNot)
					}
					if n := storetest.Count(t, st, "vendors"); n != 0 {
						t.Errorf("add another wrote %d vendors", n)
					}
				})
			}
		})

		var vendorURL string
		t.Run("items are written; a blank item is left out, indices need not be dense", func(t *testing.T) {
			p := b.post("/staff/vendors/new", url.Values{"csrf": {tok}, "name": {"Alias Vendor"}, "ungp_commitment": {"unknown"},
				"aliases.0.name": {"Old Name Ltd"}, "aliases.0.valid_from": {"2014"}, "aliases.0.valid_until": {"2016-03"},
				"aliases.1.name": {""}, "aliases.1.valid_from": {" "},
				"aliases.7.name":      {"Other Name SA"},
				"designations.0.list": {"Entity List"}, "designations.0.authority": {"US Department of Commerce"}, "designations.0.listed_on": {"2021-11-03"}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("create: %d\n%s", p.status, p.body)
			}
			vendorURL, _, _ = strings.Cut(p.header.Get("Location"), "?")
			v, err := st.GetVendor(ctx, "alias-vendor", true)
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Aliases) != 2 || v.Aliases[0].Name != "Old Name Ltd" || v.Aliases[1].Name != "Other Name SA" ||
				v.Aliases[0].ValidFrom == nil || *v.Aliases[0].ValidFrom != "2014" || *v.Aliases[0].ValidFromPrecision != "year" ||
				*v.Aliases[0].ValidUntil != "2016-03" || *v.Aliases[0].ValidUntilPrecision != "month" {
				t.Errorf("aliases as stored: %+v", v.Aliases)
			}
			if len(v.Designations) != 1 || v.Designations[0].Authority != "US Department of Commerce" || *v.Designations[0].ListedOn != "2021-11-03" {
				t.Errorf("designations as stored: %+v", v.Designations)
			}
			page := b.get(vendorURL)
			mustContain(t, "the vendor's page", page, `name="aliases.0.name" type="text" value="Old Name Ltd"`, `name="aliases.0.valid_until" type="text" value="2016-03"`,
				`name="aliases.1.name" type="text" value="Other Name SA"`, `name="aliases.2.name" type="text" value=""`)
		})

		t.Run("blanking an item removes it; blanking all with None says none", func(t *testing.T) {
			rev := regexp.MustCompile(`name="revision" value="(\d+)"`).FindStringSubmatch(b.get(vendorURL).body)[1]
			base := url.Values{"csrf": {tok}, "revision": {rev}, "name": {"Alias Vendor"}, "slug": {"alias-vendor"}, "ungp_commitment": {"unknown"},
				"aliases.0.name": {""}, "aliases.0.valid_from": {""}, "aliases.0.valid_until": {""},
				"aliases.1.name": {"Other Name SA"}}
			if p := b.post(vendorURL, base); p.status != http.StatusSeeOther {
				t.Fatalf("save: %d\n%s", p.status, p.body)
			}
			v, _ := st.GetVendor(ctx, "alias-vendor", true)
			if len(v.Aliases) != 1 || v.Aliases[0].Name != "Other Name SA" {
				t.Errorf("after blanking the first alias: %+v", v.Aliases)
			}
			if v.Designations != nil {
				t.Errorf("designations left out of the form are %+v, want null (unknown)", v.Designations)
			}
			rev = regexp.MustCompile(`name="revision" value="(\d+)"`).FindStringSubmatch(b.get(vendorURL).body)[1]
			none := url.Values{"csrf": {tok}, "revision": {rev}, "name": {"Alias Vendor"}, "slug": {"alias-vendor"}, "ungp_commitment": {"unknown"},
				"aliases.0.name": {""}, "aliases.none": {"1"}}
			if p := b.post(vendorURL, none); p.status != http.StatusSeeOther {
				t.Fatalf("save: %d\n%s", p.status, p.body)
			}
			v, _ = st.GetVendor(ctx, "alias-vendor", true)
			if v.Aliases == nil || len(v.Aliases) != 0 {
				t.Errorf("aliases blanked with None: %+v, want []", v.Aliases)
			}
		})

		t.Run("a stale save shows the items that differ", func(t *testing.T) {
			p := b.post(vendorURL, url.Values{"csrf": {tok}, "revision": {"1"}, "name": {"Alias Vendor"}, "slug": {"alias-vendor"},
				"ungp_commitment": {"unknown"}, "aliases.0.name": {"Stale Alias"}, "aliases.0.valid_from": {"2015"}, "parent_id": {"#" + strings.TrimPrefix(vendorURL, "/staff/vendors/")}})
			if p.status != http.StatusConflict {
				t.Fatalf("stale save: %d, want 409", p.status)
			}
			mustContain(t, "the conflict", p, "Name: Stale Alias; Valid from: 2015", `name="aliases.0.name" type="text" value="Stale Alias"`)
			if v, _ := st.GetVendor(ctx, "alias-vendor", true); len(v.Aliases) != 0 {
				t.Errorf("the stale save wrote aliases: %+v", v.Aliases)
			}
		})

		t.Run("each item's problems beside its own inputs, every input kept", func(t *testing.T) {
			p := b.post("/staff/communications/new", url.Values{"csrf": {tok}, "kind": {"letter"}, "sender": {"A Special Rapporteur"},
				"statements.0.kind": {"vendor_statement"}, "statements.0.speaker": {"A vendor"}, "statements.0.quote": {"We only sell to governments."},
				"statements.0.source_id": {"A sub-form test letter"},
				"statements.1.kind":      {"assessment"}, "statements.1.quote": {""}, "statements.1.source_id": {src.ID.String()},
				"statements.1.said_on": {"2019-13"}, "statements.1.refers_to.0": {"1"},
				"legal_references.0.instrument": {""}, "legal_references.0.provision": {"17"},
				"legal_references.1.instrument": {"ICCPR"}, "legal_references.1.provision": {"19"}})
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422\n%s", p.status, p.body)
			}
			for _, tc := range []struct{ input, want string }{
				{"statements.1.quote", "required: the source"},
				{"statements.1.said_on", "is not a date"},
				{"legal_references.0.instrument", "required: the instrument"},
				{"statements.0.quote", ""},
				{"statements.0.source_id", ""},
				{"statements.1.source_id", ""},
				{"legal_references.1.instrument", ""},
			} {
				got := fieldErrorOf(p.body, tc.input)
				if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
					t.Errorf("%s shows the error %q, want %q", tc.input, got, tc.want)
				}
			}
			mustContain(t, "the refused form", p, `>We only sell to governments.</textarea>`, `value="2019-13"`, `value="A sub-form test letter (#`+src.ID.String()+`)"`,
				`name="legal_references.1.provision" type="text" value="19"`, `name="statements.2.quote"`)
			if n := storetest.Count(t, st, "communications"); n != 0 {
				t.Errorf("%d communications written from a refused form", n)
			}
		})

		t.Run("statements and legal references written from items", func(t *testing.T) {
			p := b.post("/staff/communications/new", url.Values{"csrf": {tok}, "kind": {"letter"}, "sender": {"A Special Rapporteur"},
				"statements.0.kind": {"vendor_statement"}, "statements.0.quote": {"We only sell to governments."},
				"statements.0.source_id": {"A sub-form test letter"}, "statements.0.said_on": {"2019"},
				"statements.1.kind": {"assessment"}, "statements.1.quote": {"This appears to be at odds."},
				"statements.1.source_id": {"#" + src.ID.String()}, "statements.1.refers_to.0": {"1"},
				"questions.0.text": {"Please explain the due diligence."}, "questions.0.kind": {"request"}, "questions.0.answer_status": {"unanswered"},
				"legal_references.0.instrument": {"ICCPR"}, "legal_references.0.provision": {"17"}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("create: %d\n%s", p.status, p.body)
			}
			loc, _, _ := strings.Cut(p.header.Get("Location"), "?")
			id, _ := domain.ParseID(strings.TrimPrefix(loc, "/staff/communications/"))
			c, err := st.GetCommunication(ctx, int(id), true)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Statements) != 2 || c.Statements[0].Position != 1 || c.Statements[1].Position != 2 || c.Statements[0].SourceID == nil || *c.Statements[0].SourceID != src.ID ||
				c.Statements[1].SourceID == nil || *c.Statements[1].SourceID != src.ID || len(c.Statements[1].RefersTo) != 1 || c.Statements[1].RefersTo[0] != 1 ||
				*c.Statements[0].SaidOn != "2019" || *c.Statements[0].SaidOnPrecision != "year" {
				t.Errorf("statements as stored: %+v", c.Statements)
			}
			if len(c.LegalReferences) != 1 || c.LegalReferences[0].Instrument != "ICCPR" || *c.LegalReferences[0].Provision != "17" {
				t.Errorf("legal references as stored: %+v", c.LegalReferences)
			}
			if len(c.Questions) != 1 || c.Questions[0].Kind != "request" || c.Questions[0].Text != "Please explain the due diligence." {
				t.Errorf("questions as stored: %+v", c.Questions)
			}
			// A question is removed by blanking its inputs: its hidden id does not keep it.
			rev := regexp.MustCompile(`name="revision" value="(\d+)"`).FindStringSubmatch(b.get(loc).body)[1]
			keep := url.Values{"csrf": {tok}, "revision": {rev}, "kind": {"letter"}, "sender": {"A Special Rapporteur"},
				"questions.0.id": {c.Questions[0].ID.String()}, "questions.0.text": {""}, "questions.0.kind": {""}, "questions.0.answer_status": {""},
				"questions.1.text": {"A second question?"}, "questions.1.kind": {"question"}}
			if p := b.post(loc, keep); p.status != http.StatusSeeOther {
				t.Fatalf("save: %d\n%s", p.status, p.body)
			}
			if c2, _ := st.GetCommunication(ctx, int(id), true); len(c2.Questions) != 1 || c2.Questions[0].Text != "A second question?" {
				t.Errorf("after blanking the first question: %+v", c2.Questions)
			}
			if p := b.post(loc, url.Values{"csrf": {tok}, "revision": {strconv.Itoa(mustAtoi(rev) + 1)}, "kind": {"letter"}, "sender": {"A Special Rapporteur"},
				"questions.0.text": {"Please explain the due diligence."}, "questions.0.kind": {"request"}, "questions.0.answer_status": {"unanswered"},
				"statements.0.kind": {"vendor_statement"}, "statements.0.quote": {"We only sell to governments."}, "statements.0.source_id": {src.ID.String()},
				"statements.0.said_on": {"2019"}, "statements.1.kind": {"assessment"}, "statements.1.quote": {"This appears to be at odds."},
				"statements.1.source_id": {src.ID.String()}, "statements.1.refers_to.0": {"1"},
				"legal_references.0.instrument": {"ICCPR"}, "legal_references.0.provision": {"17"}}); p.status != http.StatusSeeOther {
				t.Fatalf("save: %d\n%s", p.status, p.body)
			}
			c, _ = st.GetCommunication(ctx, int(id), true)
			page := b.get(loc)
			mustContain(t, "the communication's page", page, `value="A sub-form test letter (#`+src.ID.String()+`)"`,
				`name="questions.0.id" value="`+c.Questions[0].ID.String()+`"`, `name="statements.2.quote"`)
		})
	})
}

// TestStaffReferences: a reference is typed by name, slug or id and resolved when
// the form is sent; a name that several records have, or none, is refused beside
// its input with the candidates; the console's lookup lists records by name.
func TestStaffReferences(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		addStaff(t, st, "editor@example.org", domain.RoleEditor)
		ctx := domain.SystemContext(context.Background())
		vendor := func(slug, name string) domain.Vendor {
			v, err := store.Create(ctx, st, store.Vendors, domain.VendorFields{Slug: slug, Name: name, UNGPCommitment: "unknown"}, store.Edit{})
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		acme := vendor("acme-intercept", "Acme Intercept")
		twin1 := vendor("twin-corp", "Twin Corp")
		twin2 := vendor("twin-corp-uk", "Twin Corp")
		base := console(t, st)
		b := newBrowser(t, base)
		b.login("editor@example.org", staffPassword)
		tok := b.csrf("/staff/")

		for _, tc := range []struct {
			name, typed string
			want        domain.ID
			problem     []string
		}{
			{"a name", "Acme Intercept", acme.ID, nil},
			{"a name in another case", "  acme intercept ", acme.ID, nil},
			{"a slug", "twin-corp-uk", twin2.ID, nil},
			{"an id", twin1.ID.String(), twin1.ID, nil},
			{"a suggestion", "Twin Corp (#" + twin1.ID.String() + ")", twin1.ID, nil},
			{"an ambiguous name", "Twin Corp", 0, []string{"more than one vendor is named", "Twin Corp (#" + twin1.ID.String() + ")", "Twin Corp (#" + twin2.ID.String() + ")"}},
			{"part of a name", "Acme", 0, []string{"no vendor is named", "did you mean Acme Intercept (#" + acme.ID.String() + ")"}},
			{"an unknown name", "Nobody Ltd", 0, []string{"no vendor is named"}},
			{"an unknown id", "#99999", 0, []string{"no vendor has the id 99999"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := b.post("/staff/products/new", url.Values{"csrf": {tok}, "name": {"Product by " + tc.name}, "vendor_id": {tc.typed}})
				if tc.problem == nil {
					if p.status != http.StatusSeeOther {
						t.Fatalf("%q: %d\n%s", tc.typed, p.status, p.body)
					}
					loc, _, _ := strings.Cut(p.header.Get("Location"), "?")
					id, _ := domain.ParseID(strings.TrimPrefix(loc, "/staff/products/"))
					pr, err := st.GetProduct(ctx, int(id), true)
					if err != nil || pr.VendorID != tc.want {
						t.Fatalf("%q resolved to vendor %v (%v), want %v", tc.typed, pr.VendorID, err, tc.want)
					}
					mustContain(t, "the product's page", b.get(loc), `name="vendor_id" type="text" value="`+map[domain.ID]string{acme.ID: "Acme Intercept", twin1.ID: "Twin Corp", twin2.ID: "Twin Corp"}[tc.want]+` (#`+tc.want.String()+`)"`)
					return
				}
				if p.status != http.StatusUnprocessableEntity {
					t.Fatalf("%q: %d, want 422", tc.typed, p.status)
				}
				got := fieldErrorOf(p.body, "vendor_id")
				for _, w := range tc.problem {
					if !strings.Contains(got, w) {
						t.Errorf("%q: the vendor's error is %q, want it to say %q", tc.typed, got, w)
					}
				}
				mustContain(t, "the refused form", p, `value="`+strings.TrimSpace(tc.typed)+`"`)
			})
		}

		t.Run("a list of references: each input resolved, each problem beside its input", func(t *testing.T) {
			for _, name := range []string{"Pegasus Test", "Other Test"} {
				if _, err := store.Create(ctx, st, store.Products, domain.ProductFields{VendorID: acme.ID, Name: name}, store.Edit{}); err != nil {
					t.Fatal(err)
				}
			}
			form := url.Values{"csrf": {tok}, "kind": {"end_user_license"}, "vendor_id": {"acme-intercept"}, "license_status": {"granted"},
				"purpose_specificity": {"unknown"}, "product_ids.0": {"Pegasus Test"}, "product_ids.1": {""}, "product_ids.2": {"No Such Product"}}
			p := b.post("/staff/licenses/new", form)
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", p.status)
			}
			if !regexp.MustCompile(`value="No Such Product" [^>]*aria-invalid="true"><p class="field-error" role="alert">no product is named`).MatchString(p.body) {
				t.Errorf("the unknown product's error is not beside its input")
			}
			if regexp.MustCompile(`value="Pegasus Test" [^>]*aria-invalid`).MatchString(p.body) {
				t.Errorf("the known product is marked wrong")
			}
			// The blank input sent is gone: the unknown product is the second input.
			if got := fieldErrorOf(p.body, "product_ids.1"); !strings.Contains(got, "no product is named") {
				t.Errorf("product_ids.1 shows the error %q, want no product is named", got)
			}
			if got := textItems(p.body, "product_ids"); got != "Pegasus Test,No Such Product," {
				t.Errorf("the refused form's products show %q", got)
			}
			form.Set("product_ids.1", "Other Test")
			form.Set("product_ids.2", "")
			p = b.post("/staff/licenses/new", form)
			if p.status != http.StatusSeeOther {
				t.Fatalf("status %d\n%s", p.status, p.body)
			}
			loc, _, _ := strings.Cut(p.header.Get("Location"), "?")
			id, _ := domain.ParseID(strings.TrimPrefix(loc, "/staff/licenses/"))
			l, _ := st.GetLicense(ctx, int(id), true)
			if len(l.ProductIDs) != 2 || *l.VendorID != acme.ID {
				t.Errorf("licence as stored: products %v, vendor %v", l.ProductIDs, l.VendorID)
			}
			page := b.get(loc)
			mustContain(t, "the licence's page", page, `<fieldset class="refs" id="field-product_ids">`, `name="add" value="product_ids"`, `name="product_ids.none"`)
			want := "Pegasus Test (#" + l.ProductIDs[0].String() + "),Other Test (#" + l.ProductIDs[1].String() + "),"
			if got := textItems(page.body, "product_ids"); got != want {
				t.Errorf("the licence's products show %q, want %q", got, want)
			}
			// An old page's inputs, all named product_ids, are refused rather than
			// read as no products.
			old := url.Values{}
			for k, v := range form {
				if !strings.HasPrefix(k, "product_ids.") {
					old[k] = v
				}
			}
			old["product_ids"] = []string{"Pegasus Test", "Other Test"}
			p = b.post("/staff/licenses/new", old)
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("an old page's products: %d, want 422", p.status)
			}
			mustContain(t, "the refused form", p, `<fieldset class="refs has-error" id="field-product_ids">`,
				"sent from an old form&#39;s inputs (Pegasus Test; Other Test): reload the page and type one item per input")
		})

		t.Run("the lookup lists records by part of their name, drafts included", func(t *testing.T) {
			for _, tc := range []struct {
				in, q  string
				status int
				want   []string
			}{
				{"vendors", "twin", http.StatusOK, []string{"Twin Corp (#" + twin1.ID.String() + ")", "Twin Corp (#" + twin2.ID.String() + ")"}},
				{"vendors", "INTERCEPT", http.StatusOK, []string{"Acme Intercept (#" + acme.ID.String() + ")"}},
				{"vendors", "nothing like it", http.StatusOK, []string{}},
				{"products", "pegasus", http.StatusOK, []string{"Pegasus Test (#"}},
				{"nonsense", "x", http.StatusNotFound, nil},
			} {
				p := b.get("/staff/lookup?" + url.Values{"in": {tc.in}, "q": {tc.q}}.Encode())
				if p.status != tc.status {
					t.Errorf("lookup %s %q: %d, want %d", tc.in, tc.q, p.status, tc.status)
					continue
				}
				if tc.status != http.StatusOK {
					continue
				}
				var items []struct{ ID, Name, Status, Value string }
				if err := json.Unmarshal([]byte(p.body), &items); err != nil {
					t.Fatalf("lookup %s %q: %v\n%s", tc.in, tc.q, err, p.body)
				}
				if len(items) != len(tc.want) {
					t.Errorf("lookup %s %q: %d items, want %d: %+v", tc.in, tc.q, len(items), len(tc.want), items)
					continue
				}
				for i, w := range tc.want {
					if !strings.HasPrefix(items[i].Value, w) || items[i].Status != domain.StatusDraft {
						t.Errorf("lookup %s %q: item %d is %+v, want %q (draft)", tc.in, tc.q, i, items[i], w)
					}
				}
			}
			if p := newBrowser(t, base).get("/staff/lookup?in=vendors&q=twin"); p.status != http.StatusSeeOther {
				t.Errorf("an anonymous lookup: %d, want 303 to the login page", p.status)
			}
			// The script that asks it as the staffer types is a file of the site (the
			// console's CSP allows no inline script) that every console page loads.
			js := b.get("/assets/staff.js")
			if js.status != http.StatusOK || !strings.HasPrefix(js.header.Get("Content-Type"), "text/javascript") || !strings.Contains(js.body, "data-lookup") {
				t.Errorf("/assets/staff.js: %d %q", js.status, js.header.Get("Content-Type"))
			}
			mustContain(t, "a console page", b.get("/staff/products/new"), `<script src="/assets/staff.js?v=`, `data-lookup="/staff/lookup?in=vendors"`)
		})
	})
}
