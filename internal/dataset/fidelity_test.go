package dataset_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/export-registry/registry/internal/dataset"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// The bundled dataset promises to say exactly what its sources say. Almost all of it
// rests on one letter, OL OTH 2/2020, vendored in testdata (see ol-oth-2-2020.md for its
// origin), so a test can hold every record against the letter's own words.

const (
	letterFile   = "testdata/ol-oth-2-2020.txt"
	letterSHA256 = "014af179ed43c838a234b5f8db2a8a0a02d9901d361ccd1ea21f53284847d54e"
)

// letterSources are the sources the dataset knows only through the letter: the letter
// itself, the two letters of the exchange it continues, the three reports it cites and
// the interview it quotes. What a record takes from any of them is the letter's words.
var letterSources = map[domain.ID]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true}

// sourceFieldsChecked are the fields of a letter source that say what the letter says
// of the document. The publisher and language describe the document rather than
// report the letter, and the URL is checked by its own rule (derived from the symbol).
var sourceFieldsChecked = []string{"title", "published_on", "published_on_precision", "document_symbol", "description"}

// nameFields are short texts made of the source's words (names, titles, references):
// every word of the value must be a word of the quotes it rests on.
var nameFields = map[string]bool{"name": true, "sender": true, "recipient_name": true, "reference": true, "title": true, "document_symbol": true,
	"speaker": true, "instrument": true}

// nestedLists are the lists of objects a record holds whose entries are held to the
// letter one by one, each like a record of its own: the table's key of an entry is
// "collection/id/list/N", N its position (or its place in the list, from 1, when it
// has none). Every entry's quote must be the letter's words, verbatim, and every
// other value it holds needs the letter's words in the table.
var nestedLists = []string{"statements", "legal_references"}

// entryOwnFields are the fields of a nested entry checked by their own rules rather
// than against the table: its position, its verbatim quote, its locator (public text
// whose quotations must be the letter's) and the source its quote is from (a letter
// source).
var entryOwnFields = map[string]bool{"position": true, "quote": true, "locator": true, "source_id": true}

// basis is what the letter says for one field of one record.
type basis struct {
	// quotes are the letter's words the value rests on, each verbatim in the letter
	// (whitespace aside). A prose value must contain each of them, so a summary cannot
	// paraphrase away what the letter says.
	quotes []string
	// value, for a field that is neither prose nor a name, is the value the quotes
	// support; the record must hold exactly it. A date needs it only when the quotes
	// say more than the date may (an interview "last year", reported in an article
	// of 1 November 2019).
	value any
}

// Words of the letter used more than once in the table.
const (
	rapporteur = "Special Rapporteur on the promotion and protection of the right to freedom of opinion and expression"
	thanks     = "Thank you for your letter of 10 December 2019, in which you responded to my letter of 18 October 2019."
	copyIL     = "A copy of this letter is sent also to the Government of the State of Israel."
	ungp       = "I appreciate your stated commitment to the UN Guiding Principles on Business and Human Rights"
	licensing  = "You write that your “licenses are limited in volume, geography, and duration”."
	nsoLetter  = "You also indicated that NSO Group is"
	hulio      = "The interview quoted you as saying the following"
	ynet       = "Weaving a cyber web, Ynet, 1 November 2019"
)

// nsoSaid is the table of a statement of NSO Group's letter of 10 December 2019 as OL
// OTH 2/2020 quotes it; lead is the letter's words that introduce it.
func nsoSaid(lead string) map[string]basis {
	return map[string]basis{
		"kind":               {quotes: []string{lead}, value: "vendor_statement"},
		"speaker":            {quotes: []string{nsoLetter}},
		"speaker_vendor_id":  {quotes: []string{nsoLetter}, value: "1"},
		"original_source_id": {quotes: []string{thanks, lead}, value: "2"},
		"said_on":            {quotes: []string{"your letter of 10 December 2019"}},
	}
}

// hulioSaid is the table of Mr. Hulio's words in the Ynet interview the letter quotes.
func hulioSaid() map[string]basis {
	return map[string]basis{
		"kind":               {quotes: []string{hulio}, value: "vendor_statement"},
		"speaker":            {quotes: []string{"Dear Mr. Hulio,", hulio}},
		"speaker_vendor_id":  {quotes: []string{"governments using your company’s technology", hulio}, value: "1"},
		"original_source_id": {quotes: []string{"an interview that you gave to Ynet Media journalist Ronen Bergman", ynet}, value: "7"},
		// "last year" in a letter of 2020, and the article of 1 November 2019: the
		// year, not the article's day.
		"said_on": {quotes: []string{"Ronen Bergman last year", ynet}, value: "2019"},
	}
}

// rapporteurSays is the table of the letter's own assessment; lead is its words.
func rapporteurSays(lead string) map[string]basis {
	return map[string]basis{
		"kind":    {quotes: []string{lead}, value: "assessment"},
		"speaker": {quotes: []string{"David Kaye", rapporteur}},
		"said_on": {quotes: []string{"20 February 2020"}},
	}
}

// letterSays maps each record ("collection/id") and each of its fields that a citation
// of a letter source supports (for a letter source itself: sourceFieldsChecked) to the
// letter's words it rests on. A value that is null or "unknown" needs no entry: it
// claims nothing. Any other value without an entry fails.
var letterSays = map[string]map[string]basis{
	"sources/1": {
		"title":        {quotes: []string{"REFERENCE: OL OTH 2/2020", "20 February 2020", rapporteur, "NSO Group", "A copy of this letter"}},
		"published_on": {quotes: []string{"20 February 2020"}},
		"description":  {quotes: []string{"OL OTH 2/2020", "Dear Mr. Hulio", "David Kaye", rapporteur, "the Government of the State of Israel"}},
	},
	"sources/2": {
		"title":        {quotes: []string{"Thank you for your letter of 10 December 2019", "NSO Group", rapporteur}},
		"published_on": {quotes: []string{"your letter of 10 December 2019"}},
		"description":  {quotes: []string{"10 December 2019", "18 October 2019"}},
	},
	"sources/3": {
		"title":        {quotes: []string{"my letter of 18 October 2019", "NSO Group", rapporteur}},
		"published_on": {quotes: []string{"my letter of 18 October 2019"}},
		"description":  {quotes: []string{"my letter of 18 October 2019", "my initial letter"}},
	},
	"sources/4": {
		"title":           {quotes: []string{"my report on the subject to the UN Human Rights Council in May 2019 (A/HRC/41/35)", "UN Special Rapporteur on freedom of opinion and expression"}},
		"published_on":    {quotes: []string{"my report on the subject to the UN Human Rights Council in May 2019"}},
		"document_symbol": {quotes: []string{"(A/HRC/41/35)"}, value: "A/HRC/41/35"},
		"description": {quotes: []string{
			"my report on the subject to the UN Human Rights Council in May 2019",
			"urged a moratorium on the sale and transfer of such surveillance technologies until legal mechanisms to govern their export and use are in place",
		}},
	},
	"sources/5": {
		"title":           {quotes: []string{"The Right to Privacy in the Digital Age (A/HRC/27/37)"}},
		"published_on":    {quotes: []string{"(A/HRC/27/37), 30 June 2014"}},
		"document_symbol": {quotes: []string{"(A/HRC/27/37)"}, value: "A/HRC/27/37"},
		"description":     {quotes: []string{"UN High Commissioner for Human Rights, The Right to Privacy in the Digital Age (A/HRC/27/37), 30 June 2014"}},
	},
	"sources/6": {
		"title":           {quotes: []string{"Report of the Special Rapporteur on the implications of States’ surveillance of communications"}},
		"published_on":    {quotes: []string{"(A/HRC/23/40), 17 April 2013"}},
		"document_symbol": {quotes: []string{"(A/HRC/23/40)"}, value: "A/HRC/23/40"},
		"description":     {quotes: []string{"Report of the Special Rapporteur on the implications of States’ surveillance of communications (A/HRC/23/40), 17 April 2013"}},
	},
	"sources/7": {
		"title":        {quotes: []string{"Weaving a cyber web, Ynet, 1 November 2019"}},
		"published_on": {quotes: []string{"Weaving a cyber web, Ynet, 1 November 2019"}},
		"description": {quotes: []string{
			"Ynet Media journalist Ronen Bergman last year",
			"Were you involved in the Khashoggi murder?",
			"We checked all of our clients",
			"Khashoggi was not targeted by any NSO product or technology",
			"appears to be at odds",
		}},
	},
	"vendors/1": {
		"name":            {quotes: []string{"which distinguishes NSO Group from other companies in the private surveillance industry"}},
		"ungp_commitment": {quotes: []string{ungp}, value: "yes"},
		"description": {quotes: []string{
			"companies in the private surveillance industry",
			ungp,
			"now designing and implementing enhanced procedures and governance structures to ensure full adherence",
			"published whistleblower policy",
		}},
	},
	"products/1": {
		"description": {quotes: []string{"any NSO product or technology, including listening, monitoring, location tracking and intelligence collection"}},
	},
	"licenses/1": {
		"kind":           {quotes: []string{"Would this mean that you license the technology", "you receive information from the end-user"}, value: "end_user_license"},
		"vendor_id":      {quotes: []string{licensing}, value: "1"},
		"volume_note":    {quotes: []string{"limited in volume", "a specific number of usages, against a certain number of targets", "some other kind of limitation"}},
		"geography_note": {quotes: []string{"geography", "located in specific areas"}},
		"duration_note":  {quotes: []string{"duration"}},
		"description":    {quotes: []string{"licenses are limited in volume, geography, and duration", "a generic assertion of use, as an example, for “counter-terrorism purposes”"}},
	},
	"terminations/1": {
		"vendor_id":    {quotes: []string{"your letter also notes that the use of your technology may be terminated for material breach of contract"}, value: "1"},
		"initiated_by": {quotes: []string{"you have “terminated relationships” when you have “concluded that customers have failed to abide by our contract.”"}, value: "vendor"},
		"reason":       {quotes: []string{"may be terminated for material breach of contract"}, value: "material_breach"},
		"description":  {quotes: []string{"may be terminated for material breach of contract", "terminated relationships", "concluded that customers have failed to abide by our contract."}},
	},
	"communications/3/statements/1": nsoSaid("You also indicated that NSO Group is"),
	"communications/3/statements/2": nsoSaid("Your December letter begins by noting that you aim to"),
	"communications/3/statements/3": nsoSaid("You mention that you seek to identify"),
	"communications/3/statements/4": nsoSaid("your letter also notes that the use of your technology may be terminated for material breach of contract"),
	"communications/3/statements/5": nsoSaid("You assert in your letter that NSO Group is"),
	"communications/3/statements/6": hulioSaid(),
	"communications/3/statements/7": hulioSaid(),
	"communications/3/statements/8": func() map[string]basis {
		b := rapporteurSays("Such a claim appears to be at odds with an interview that you gave")
		// The claim is statement 5 (“operational visibility is simply not
		// permitted”), the interview statement 6.
		b["refers_to"] = basis{quotes: []string{"Such a claim appears to be at odds with an interview that you gave", hulio}, value: []int{5, 6}}
		return b
	}(),
	"communications/3/statements/9": rapporteurSays("there is an extremely limited global framework"),
	"communications/3/statements/10": {
		"kind":               {quotes: []string{"urged a moratorium on the sale and transfer of such surveillance technologies until legal mechanisms to govern their export and use are in place"}, value: "recommendation"},
		"speaker":            {quotes: []string{"my report on the subject", "David Kaye", rapporteur}},
		"original_source_id": {quotes: []string{"my report on the subject to the UN Human Rights Council in May 2019 (A/HRC/41/35)"}, value: "4"},
		"said_on":            {quotes: []string{"in May 2019"}},
	},
	"communications/3/statements/11": rapporteurSays("an internal investigative team is counterintuitive to whistleblowing as a principle"),
	"communications/3/legal_references/1": {
		"instrument": {quotes: []string{"International Covenant on Civil and Political Rights (“ICCPR”)"}},
		"provision":  {quotes: []string{"Under Article 17 of the International Covenant on Civil and Political Rights"}, value: "17"},
	},
	"communications/3/legal_references/2": {
		"instrument": {quotes: []string{"Under Article 19 of the ICCPR"}},
		"provision":  {quotes: []string{"Under Article 19 of the ICCPR"}, value: "19"},
	},
	"communications/3/legal_references/3": {
		"instrument": {quotes: []string{ungp}},
		"provision":  {quotes: []string{"the UN Guiding Principles norm of ongoing evaluation and due diligence (Principle 17)"}, value: "17"},
	},
	"communications/1": {
		"kind":                {quotes: []string{"my letter of 18 October 2019"}, value: "letter"},
		"sent_on":             {quotes: []string{"my letter of 18 October 2019"}},
		"sender":              {quotes: []string{"my letter of 18 October 2019", "David Kaye", rapporteur}},
		"recipient_vendor_id": {quotes: []string{thanks, "NSO Group"}, value: "1"},
		"summary":             {quotes: []string{"my letter of 18 October 2019", "Many of the specific questions I raised in my initial letter remain unanswered"}},
	},
	"communications/2": {
		"kind":           {quotes: []string{thanks}, value: "reply"},
		"sent_on":        {quotes: []string{"your letter of 10 December 2019"}},
		"sender":         {quotes: []string{"Thank you for your letter of 10 December 2019", "You also indicated that NSO Group is"}},
		"recipient_name": {quotes: []string{thanks, "David Kaye", rapporteur}},
		"in_reply_to_id": {quotes: []string{thanks}, value: "1"},
		"summary": {quotes: []string{
			"your letter of 10 December 2019",
			"now designing and implementing enhanced procedures and governance structures to ensure full adherence",
			"develop an approach to protecting human rights tailored to the specifics of technology suppliers to the lawful interception industry",
			"may be terminated for material breach of contract",
			"limited by the technological and commercial boundaries of our products to track each specific usage",
			"given the nature of government security investigations",
			"operational visibility is simply not permitted",
			"licenses are limited in volume, geography, and duration",
			"briefly addressed whistleblowing in a reiteration of your published whistleblower policy",
		}},
	},
	"communications/3": {
		"reference":           {quotes: []string{"REFERENCE: OL OTH 2/2020"}, value: "OL OTH 2/2020"},
		"kind":                {quotes: []string{copyIL}, value: "letter"},
		"sent_on":             {quotes: []string{"20 February 2020"}},
		"sender":              {quotes: []string{"David Kaye", rapporteur}},
		"recipient_vendor_id": {quotes: []string{"Dear Mr. Hulio,", "governments using your company’s technology", "You also indicated that NSO Group is"}, value: "1"},
		"recipient_name":      {quotes: []string{"Dear Mr. Hulio,"}},
		"in_reply_to_id":      {quotes: []string{thanks}, value: "2"},
		"copied_states":       {quotes: []string{copyIL}, value: []string{"IL"}},
		"summary": {quotes: []string{
			"there is an extremely limited global framework to ensure the use of such technologies in accordance with human rights law",
			"urged a moratorium on the sale and transfer of such surveillance technologies until legal mechanisms to govern their export and use are in place",
			"Many of the specific questions I raised in my initial letter remain unanswered",
			"Rather than review those questions in detail",
			"my concerns and questions remain the same",
			"Article 17 of the International Covenant on Civil and Political Rights",
			"Article 19",
			"Principle 17",
			"last year",
			"appears to be at odds",
			"an internal investigative team is counterintuitive to whistleblowing as a principle",
			"the Government of the State of Israel",
		}},
	},
}

// generalWords may start a sentence of the dataset's own prose although the letter does
// not use them; none is a name, so none can smuggle in a fact.
var generalWords = words("known no follow-up")

// TestLetterVendored: the vendored letter is the seed letter, unedited.
func TestLetterVendored(t *testing.T) {
	raw, err := os.ReadFile(letterFile)
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != letterSHA256 {
		t.Errorf("%s has changed (SHA-256 %x); it must stay the seed letter", letterFile, sum)
	}
}

// TestFidelity holds every bundled record against the letter: each field a citation of
// a letter source supports is null, "unknown", or rests on quotes of the letter that
// the value agrees with; every quotation in public text and in a locator is the cited
// source's words; public text names no one the sources do not name and is written for
// readers, not in field names.
func TestFidelity(t *testing.T) {
	l := readLetter(t)
	for key, fields := range letterSays {
		for field, b := range fields {
			for _, q := range b.quotes {
				if !l.has(q) {
					t.Errorf("the table's quote for %s %s is not in the letter: %q", key, field, q)
				}
			}
		}
	}
	b, _, err := dataset.Read(dataset.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	heldText := map[domain.ID]string{} // what the dataset holds of a source not seen through the letter
	for _, s := range b.Sources {
		if !letterSources[s.ID] && s.Description != nil {
			heldText[s.ID] = *s.Description
		}
	}
	prose := proseFields()
	visited := map[string]bool{}
	for _, r := range records(t, b) {
		fc := fidelityCheck{t: t, l: l, r: r, prose: prose, held: heldText, visited: visited}
		fc.run()
	}
	for key := range letterSays {
		if strings.Count(key, "/") == 3 && !visited[key] {
			t.Errorf("the table has words for %s, which the dataset does not hold", key)
		}
	}
}

// fidelityCheck checks one record.
type fidelityCheck struct {
	t     *testing.T
	l     letter
	r     record
	prose map[string]bool
	held  map[domain.ID]string
	// visited are the nested entries checked (their keys in letterSays).
	visited map[string]bool
}

func (c fidelityCheck) errorf(format string, args ...any) {
	c.t.Helper()
	c.t.Errorf("%s: %s", c.r.key, fmt.Sprintf(format, args...))
}

func (c fidelityCheck) run() {
	r := c.r
	// What the record's quotations may quote besides the letter: the held text of
	// the other sources it cites.
	var others []string
	supported := map[string]bool{}
	for _, ct := range r.cites {
		if letterSources[ct.SourceID] {
			for _, f := range ct.Fields {
				supported[f] = true
			}
		} else {
			others = append(others, c.held[ct.SourceID])
		}
	}
	fromLetter := r.collection == "sources" && letterSources[r.id]
	if fromLetter {
		for _, f := range sourceFieldsChecked {
			supported[f] = true
		}
		if u, ok := r.fields["url"].(string); ok {
			sym, _ := r.fields["document_symbol"].(string)
			desc, _ := r.fields["description"].(string)
			if u != "https://undocs.org/"+sym || !strings.Contains(desc, "derived") {
				c.errorf("the letter gives no address, so url %q must be the UN's link derived from the document symbol, and the description must say so", u)
			}
		}
	}
	table := letterSays[r.key]
	for f := range table {
		if !supported[f] {
			c.errorf("the table has words for %s, but no citation of the letter supports that field", f)
		}
	}
	for f := range supported {
		c.field(f, table[f])
	}

	// Public text, whether or not the letter supports it. A source not seen through
	// the letter is its own evidence: its description is checked for wording only.
	letterText := r.collection != "sources" || fromLetter
	for f, v := range r.fields {
		if s, ok := v.(string); ok && c.prose[f] {
			c.publicText(f, s, letterText, others)
		}
	}
	for i, ct := range r.cites {
		if ct.Locator == nil {
			continue
		}
		name := fmt.Sprintf("citation %d locator", i+1)
		if letterSources[ct.SourceID] {
			c.publicText(name, *ct.Locator, true, nil)
		} else {
			c.publicText(name, *ct.Locator, false, nil)
			c.quotesIn(name, *ct.Locator, normalise(c.held[ct.SourceID]))
		}
	}
	if qs, ok := r.fields["questions"].([]any); ok {
		for _, q := range qs {
			q := q.(map[string]any)
			name := fmt.Sprintf("question %v", q["position"])
			if text, _ := q["text"].(string); !c.l.has(text) {
				c.errorf("%s is not the letter's words: %q", name, text)
			}
			if note, ok := q["answer_note"].(string); ok {
				c.publicText(name+" answer note", note, true, nil)
			}
			// A request is a sentence without a question mark; a question has one.
			want := "request"
			if text, _ := q["text"].(string); strings.HasSuffix(strings.TrimSpace(text), "?") {
				want = "question"
			}
			if q["kind"] != want {
				c.errorf("%s is a %s in the letter's words, not a %v", name, want, q["kind"])
			}
		}
	}
	for _, list := range nestedLists {
		entries, _ := r.fields[list].([]any)
		if len(entries) > 0 && !supported[list] {
			c.errorf("%s has entries, but no citation of the letter supports it", list)
		}
		for i, e := range entries {
			c.entry(list, i, e.(map[string]any))
		}
	}
}

// entry checks one entry of a nested list (a statement, a legal reference) like a
// record of its own.
func (c fidelityCheck) entry(list string, i int, fields map[string]any) {
	n := i + 1
	if p, ok := fields["position"].(float64); ok {
		n = int(p)
	}
	key := fmt.Sprintf("%s/%s/%d", c.r.key, list, n)
	c.visited[key] = true
	sub := c
	sub.r = record{collection: c.r.collection, id: c.r.id, key: key, fields: fields}
	if src, ok := fields["source_id"].(string); ok {
		if id, err := domain.ParseID(src); err != nil || !letterSources[id] {
			sub.errorf("its quote is from source %s, whose words the dataset does not hold", src)
		}
	}
	if q, ok := fields["quote"].(string); ok {
		if !c.l.has(q) {
			sub.errorf("quote is not the letter's words: %q", q)
		}
		sub.publicText("quote", q, true, nil)
	}
	if loc, ok := fields["locator"].(string); ok {
		sub.publicText("locator", loc, true, nil)
	}
	table := letterSays[key]
	for f, v := range fields {
		if entryOwnFields[f] {
			continue
		}
		if l, ok := v.([]any); ok && len(l) == 0 {
			continue // refers to none: claims nothing
		}
		sub.field(f, table[f])
	}
	for f := range table {
		if _, ok := fields[f]; !ok {
			sub.errorf("the table has words for %s, which the entry does not have", f)
		}
	}
}

// field checks one field the letter supports against its basis.
func (c fidelityCheck) field(f string, b basis) {
	v, ok := c.r.fields[f]
	if !ok {
		c.errorf("a citation names %s, which the record does not have", f)
		return
	}
	if base, ok := strings.CutSuffix(f, "_precision"); ok {
		// A precision is checked with its date.
		if _, dated := c.r.fields[base]; dated {
			return
		}
	}
	if v == nil || v == "unknown" || f == "questions" || slices.Contains(nestedLists, f) {
		return
	}
	if len(b.quotes) == 0 {
		c.errorf("%s = %v, but the table gives no words of the letter it rests on; make it null (or unknown) or add the letter's words", f, jsonText(v))
		return
	}
	s, isText := v.(string)
	_, dated := c.r.fields[f+"_precision"]
	switch {
	case dated:
		prec, _ := c.r.fields[f+"_precision"].(string)
		day, form, err := domain.Date(s).Parse()
		if err != nil {
			c.errorf("%s %q is not a date", f, s)
			return
		}
		if form != prec {
			c.errorf("%s %q is written to the %s, its precision is %s: a date's form says no more than is known", f, s, form, prec)
			return
		}
		said := map[string]string{domain.PrecisionDay: "2 January 2006", domain.PrecisionMonth: "January 2006", domain.PrecisionYear: "2006"}[prec]
		if said == "" || !containsAny(b.quotes, day.Format(said)) {
			c.errorf("%s %s at %s precision: the letter's words %q do not say %q", f, s, prec, b.quotes, day.Format(said))
		}
		if b.value != nil && b.value != s {
			c.errorf("%s %s: the letter's words %q support only %v", f, s, b.quotes, b.value)
		}
	case isText && c.prose[f]:
		for _, q := range b.quotes {
			if !strings.Contains(normalise(s), normalise(q)) {
				c.errorf("%s leaves out the letter's words it rests on: %q", f, q)
			}
		}
	case isText && nameFields[f]:
		have := words(strings.Join(b.quotes, " "))
		for w := range words(s) {
			if !have[w] {
				c.errorf("%s %q: %q is not in the letter's words %q", f, s, w, b.quotes)
			}
		}
		if b.value != nil && jsonText(b.value) != jsonText(v) {
			c.errorf("%s = %s, the letter's words support %s", f, jsonText(v), jsonText(b.value))
		}
	default:
		if b.value == nil {
			c.errorf("%s = %s: the table must say which value the letter's words %q support", f, jsonText(v), b.quotes)
		} else if jsonText(b.value) != jsonText(v) {
			c.errorf("%s = %s, the letter's words support %s", f, jsonText(v), jsonText(b.value))
		}
	}
}

// internalWording finds field names and talk of null in text meant for readers.
var internalWording = regexp.MustCompile(`\b[a-z]+_[a-z0-9_]+\b|(?i)\bnull\b`)

// publicText checks text a reader sees: no field names or "null"; when the text is
// the letter's, every quotation in it is the letter's words or those of another source
// the record cites, and every capitalised word (a name, a title) is one of those
// sources' words.
func (c fidelityCheck) publicText(name, s string, fromLetter bool, others []string) {
	if m := internalWording.FindAllString(s, -1); m != nil {
		c.errorf("%s is written in the registry's field names, not for readers: %q", name, m)
	}
	if !fromLetter {
		return
	}
	within := c.l.norm + " " + normalise(strings.Join(others, " "))
	c.quotesIn(name, s, within)
	vocab := words(within)
	for w := range wordsAsWritten(s) {
		lw := strings.ToLower(w)
		if unicode.IsUpper([]rune(w)[0]) && !vocab[lw] && !generalWords[lw] {
			c.errorf("%s says %q, which no cited source says", name, w)
		}
	}
}

// quotesIn checks that every quotation in s occurs in within (normalised).
func (c fidelityCheck) quotesIn(name, s, within string) {
	qs, err := quotations(s)
	if err != nil {
		c.errorf("%s: %v", name, err)
	}
	for _, q := range qs {
		if !strings.Contains(within, normalise(q)) {
			c.errorf("%s quotes words its source does not have: “%s”", name, q)
		}
	}
}

// letter is the letter's text in a form quotes can be found in.
type letter struct{ norm string }

// has reports whether q occurs in the letter, whitespace aside.
func (l letter) has(q string) bool { return q != "" && strings.Contains(l.norm, normalise(q)) }

var (
	markdownLink = regexp.MustCompile(`\[([^\]]*)\]\(#\)`)
	markdownMark = strings.NewReplacer("*", "", "#", "")
)

// readLetter reads the vendored letter and drops its Markdown: link text stays,
// heading and emphasis marks go.
func readLetter(t *testing.T) letter {
	t.Helper()
	raw, err := os.ReadFile(letterFile)
	if err != nil {
		t.Fatal(err)
	}
	text := markdownLink.ReplaceAllString(string(raw), "$1")
	return letter{norm: normalise(markdownMark.Replace(text))}
}

// normalise collapses every run of white space to one space.
func normalise(s string) string { return strings.Join(strings.Fields(s), " ") }

func containsAny(quotes []string, s string) bool {
	return slices.ContainsFunc(quotes, func(q string) bool { return strings.Contains(normalise(q), s) })
}

// quotations returns the outermost quotations of s: text in “ ” (which may nest) or
// in straight double quotes.
func quotations(s string) ([]string, error) {
	var out []string
	depth, start, straight := 0, 0, -1
	for i, r := range s {
		switch r {
		case '“':
			if depth == 0 {
				start = i + len("“")
			}
			depth++
		case '”':
			if depth == 0 {
				return out, fmt.Errorf("a closing ” without its opening “ at byte %d", i)
			}
			depth--
			if depth == 0 {
				out = append(out, s[start:i])
			}
		case '"':
			if depth > 0 {
				continue
			}
			if straight < 0 {
				straight = i + 1
			} else {
				out = append(out, s[straight:i])
				straight = -1
			}
		}
	}
	if depth != 0 || straight >= 0 {
		return out, errors.New("a quotation is not closed")
	}
	return out, nil
}

// wordsAsWritten returns the words of s (letters and digits, hyphens inside).
func wordsAsWritten(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	}) {
		if w = strings.Trim(w, "-"); w != "" {
			out[w] = true
		}
	}
	return out
}

// words returns the lower-cased words of s.
func words(s string) map[string]bool {
	out := map[string]bool{}
	for w := range wordsAsWritten(s) {
		out[strings.ToLower(w)] = true
	}
	return out
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// record is a bundled record as a reader sees it: its JSON fields by name.
type record struct {
	collection string
	id         domain.ID
	key        string
	fields     map[string]any
	cites      []citation
}

// citation is what the check reads of a citation (its own id is not set on import).
type citation struct {
	SourceID domain.ID `json:"source_id"`
	Fields   []string  `json:"fields"`
	Locator  *string   `json:"locator"`
}

// records returns every record of the batch.
func records(t *testing.T, b store.Batch) []record {
	t.Helper()
	var out []record
	out = append(out, asRecords(t, "sources", b.Sources)...)
	out = append(out, asRecords(t, "vendors", b.Vendors)...)
	out = append(out, asRecords(t, "products", b.Products)...)
	out = append(out, asRecords(t, "agencies", b.Agencies)...)
	out = append(out, asRecords(t, "licenses", b.Licenses)...)
	out = append(out, asRecords(t, "terminations", b.Terminations)...)
	out = append(out, asRecords(t, "allegations", b.Allegations)...)
	out = append(out, asRecords(t, "communications", b.Communications)...)
	return out
}

// asRecords turns the records of one collection into their JSON fields.
func asRecords[T any](t *testing.T, collection string, vs []T) []record {
	t.Helper()
	var out []record
	for _, v := range vs {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var head struct {
			ID        domain.ID  `json:"id"`
			Citations []citation `json:"citations"`
		}
		fields := map[string]any{}
		if err := errors.Join(json.Unmarshal(raw, &head), json.Unmarshal(raw, &fields)); err != nil {
			t.Fatal(err)
		}
		out = append(out, record{collection, head.ID, fmt.Sprintf("%s/%s", collection, head.ID), fields, head.Citations})
	}
	return out
}

// proseFields returns the JSON names of the record fields the domain marks as prose
// (text:"prose"): the public text written for readers.
func proseFields() map[string]bool {
	out := map[string]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				walk(f.Type)
				continue
			}
			if f.Tag.Get("text") == "prose" {
				out[strings.Split(f.Tag.Get("json"), ",")[0]] = true
			}
		}
	}
	for _, v := range []any{domain.SourceFields{}, domain.VendorFields{}, domain.ProductFields{}, domain.AgencyFields{},
		domain.LicenseFields{}, domain.TerminationFields{}, domain.AllegationFields{}, domain.CommunicationFields{}} {
		walk(reflect.TypeOf(v))
	}
	return out
}
