package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpx"
	"github.com/export-registry/registry/internal/store"
)

// staffFuncs are the console templates' helpers besides the public pages' funcs.
var staffFuncs = template.FuncMap{
	"has":   func(list []string, v string) bool { return slices.Contains(list, v) },
	"ts":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"lower": strings.ToLower,
	"list":  func(v ...string) []string { return v },
	"inc":   func(i int) int { return i + 1 },
	"diffTable": func(before, after string, rows []diffRow) any {
		return struct {
			Before, After string
			Rows          []diffRow
		}{before, after, rows}
	},
}

// allStatuses are the statuses the console lists: staff see drafts.
var allStatuses = []string{domain.StatusDraft, domain.StatusPublished, domain.StatusRetracted}

// option is one choice of a select or a set of checkboxes.
type option struct {
	Value, Label string
	Selected     bool
}

// fieldView is a form field with what the form shows in it.
type fieldView struct {
	formField
	Value   string
	Values  []string
	None    bool
	Error   string
	Options []option
	// Prefix is put before the input's name (the inline source form's "new_source.",
	// an item's "aliases.0.").
	Prefix string
	// Items are a list of objects' items, each a fieldset (inItems); Each the inputs
	// of a list of plain values, one per item (formField.itemized: a country picker
	// offering Options, a reference's input, or a text input). Both end with a
	// blank one to fill in.
	Items []itemView
	Each  []listInput
	// Lookup is where a reference's input finds suggestions as the staffer types.
	Lookup string
}

// itemView is one item of a list of objects in its form.
type itemView struct {
	Index  int
	Fields []fieldView
	Error  string
}

// listInput is one item's input of a list of plain values: the value it shows (for
// a country picker, the code chosen), or Unknown, a value sent that no picker's
// option is (kept and shown, with its error).
type listInput struct {
	Value, Unknown, Error string
}

// collByType returns the collection of a record type.
func (s *staff) collByType(typ string) collection {
	for _, c := range s.colls {
		if c.Type() == typ {
			return c
		}
	}
	return nil
}

// refText is a reference as its input shows it: a stored id as "Name (#12)"; what
// the staffer typed as typed.
func (s *staff) refText(ctx context.Context, typ, v string) (string, error) {
	id, err := domain.ParseID(strings.TrimSpace(v))
	c := s.collByType(typ)
	if err != nil || c == nil {
		return v, nil
	}
	rec, err := c.Get(ctx, int(id))
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return v, nil
	}
	if err != nil {
		return "", err
	}
	return refLabel(rec.Name, rec.ID), nil
}

// countryOptions are the states of the reference data, by name.
var countryOptions = func() []option {
	var out []option
	for _, c := range domain.Countries() {
		out = append(out, option{Value: c.Code, Label: c.Name + " (" + c.Code + ")"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}()

// fieldViews fills a form's fields with the form's values and errors, and the
// selects with their choices. Each list of objects shows its items and a blank one
// (add names a list, by its full input name, that shows one blank more: the "add
// another" button).
func (s *staff) fieldViews(ctx context.Context, fields []formField, form url.Values, errs map[string]string, prefix, add string) ([]fieldView, error) {
	out := make([]fieldView, len(fields))
	for i, f := range fields {
		v := fieldView{formField: f, Value: form.Get(f.Name), Values: form[f.Name], None: form.Get(f.Name+noneSuffix) != "",
			Error: errs[f.Name], Prefix: prefix}
		var opts []option
		switch f.Input {
		case inSelect:
			for _, e := range f.Enum {
				opts = append(opts, option{Value: e, Label: label(e)})
			}
		case inCountry:
			opts = countryOptions
		}
		if c := s.collByType(f.Ref); c != nil {
			v.Lookup = "/staff/lookup?in=" + c.Plural()
		}
		switch f.Input {
		case inRef:
			t, err := s.refText(ctx, f.Ref, v.Value)
			if err != nil {
				return nil, err
			}
			v.Value = t
		case inCountries, inRefs, inLines:
			// The inputs as sent, an emptied one gone (unless the staffer asked for
			// one more), and a blank one at the end; an item's error is by its place
			// in the form sent.
			for d, val := range listValues(form, f.Name) {
				if val = strings.TrimSpace(val); val == "" && add != prefix+f.Name {
					continue
				}
				in := listInput{Value: val, Error: errs[f.Name+"."+strconv.Itoa(d)]}
				switch f.Input {
				case inCountries:
					in = pickOf(val, in.Error)
				case inRefs:
					t, err := s.refText(ctx, f.Ref, val)
					if err != nil {
						return nil, err
					}
					in.Value = t
				}
				v.Each = append(v.Each, in)
			}
			if add == prefix+f.Name {
				v.Each = append(v.Each, listInput{})
			}
			if len(v.Each) == 0 || v.Each[len(v.Each)-1] != (listInput{}) {
				v.Each = append(v.Each, listInput{})
			}
			if f.Input == inCountries {
				v.Options = countryOptions // each picker's, the chosen one by its Value
			}
		case inItems:
			subs := itemForms(form, f.Name)
			if add == prefix+f.Name {
				subs = append(subs, url.Values{})
			}
			if len(subs) == 0 || !blank(f.Sub, subs[len(subs)-1]) {
				subs = append(subs, url.Values{}) // always one blank to fill in
			}
			for d, sub := range subs {
				itemPrefix := f.Name + "." + strconv.Itoa(d) + "."
				subErrs := map[string]string{}
				for k, msg := range errs {
					if name, ok := strings.CutPrefix(k, itemPrefix); ok {
						subErrs[name] = msg
					}
				}
				fv, err := s.fieldViews(ctx, f.Sub, sub, fieldErrors(f.Sub, subErrs), prefix+itemPrefix, add)
				if err != nil {
					return nil, err
				}
				v.Items = append(v.Items, itemView{Index: d + 1, Fields: fv, Error: errs[f.Name+"."+strconv.Itoa(d)]})
			}
		}
		if f.Input == inSelect && v.Value == "" && slices.Contains(f.Enum, domain.Unknown) && len(form) == 0 && prefix == "" {
			// A new form says nothing the staffer did not choose: unknown, not the
			// first value of the list.
			v.Values = []string{domain.Unknown}
		}
		for _, o := range opts {
			o.Selected = slices.Contains(v.Values, o.Value)
			v.Options = append(v.Options, o)
		}
		out[i] = v
	}
	return out, nil
}

// pickOf is a country picker showing what was sent in it: an accepted code (in
// either case) chosen among the options, anything else kept as it was sent.
func pickOf(sent, problem string) listInput {
	if sent == "" {
		return listInput{Error: problem}
	}
	if code, ok := domain.NormalizeCountry(sent); ok {
		return listInput{Value: code, Error: problem}
	}
	return listInput{Unknown: sent, Error: problem}
}

// refLists are the suggestions of the reference inputs of a form, by record type:
// each a <datalist> the inputs of that type name (list="refs-vendor"), which the
// console's script refines as the staffer types.
func (s *staff) refLists(ctx context.Context, fields []formField) (map[string][]lookupItem, error) {
	out := map[string][]lookupItem{}
	var walk func([]formField) error
	walk = func(fs []formField) error {
		for _, f := range fs {
			if f.Input == inItems {
				if err := walk(f.Sub); err != nil {
					return err
				}
			}
			if (f.Input != inRef && f.Input != inRefs) || out[f.Ref] != nil {
				continue
			}
			items, err := s.suggestions(ctx, f.Ref, "")
			if err != nil {
				return err
			}
			out[f.Ref] = items
		}
		return nil
	}
	return out, walk(fields)
}

// coll returns the collection of the path, or answers 404.
func (s *staff) coll(w http.ResponseWriter, r *http.Request, c *staffCtx) (collection, bool) {
	col, ok := s.byURL[r.PathValue("collection")]
	if !ok {
		s.errorPage(w, r, c, http.StatusNotFound, "Not found", "There is no such collection.")
	}
	return col, ok
}

// edit is the provenance of a console write.
func edit(w http.ResponseWriter) store.Edit {
	return store.Edit{RequestID: w.Header().Get("X-Request-Id")}
}

// staffChangeRow is a change in the console's lists of changes.
type staffChangeRow struct {
	store.StaffChange
	Name, URL, Status string
}

// staffHomeData is the console's home page.
type staffHomeData struct {
	MyDrafts  []staffChangeRow
	Recent    []staffChangeRow
	TwoPerson bool
	// ToReview are the drafts others asked to have published (two-person review):
	// publishing one approves it. Mine are the requests this staffer made.
	ToReview, Mine []reviewRow
}

// reviewRow is an open review request with its record's console page.
type reviewRow struct {
	store.Review
	Name, URL string
}

// home shows the staffer's drafts and everyone's latest changes.
func (s *staff) home(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	ctx := r.Context()
	mine, err := s.st.StaffChanges(ctx, int(c.sess.User.ID), 200)
	if err != nil {
		s.fail(w, r, c, err)
		return
	}
	recent, err := s.st.StaffChanges(ctx, 0, 30)
	if err != nil {
		s.fail(w, r, c, err)
		return
	}
	d := staffHomeData{TwoPerson: s.opts.Review == "two-person"}
	reviews, err := s.st.OpenReviews(ctx)
	if err != nil {
		s.fail(w, r, c, err)
		return
	}
	for _, rv := range reviews {
		row, ok := s.describe(ctx, store.StaffChange{RecordType: rv.RecordType, RecordID: rv.RecordID})
		if !ok || row.Status != domain.StatusDraft {
			continue
		}
		rr := reviewRow{Review: rv, Name: row.Name, URL: row.URL}
		if rv.RequestedByID == c.sess.User.ID {
			d.Mine = append(d.Mine, rr)
		} else {
			d.ToReview = append(d.ToReview, rr)
		}
	}
	seen := map[string]bool{}
	for _, ch := range mine {
		key := ch.RecordType + "/" + ch.RecordID.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		if len(d.MyDrafts) == 50 {
			break // the page shows 50: no more records read for nothing
		}
		row, ok := s.describe(ctx, ch)
		if ok && row.Status == domain.StatusDraft {
			d.MyDrafts = append(d.MyDrafts, row)
		}
	}
	for _, ch := range recent {
		row, _ := s.describe(ctx, ch)
		d.Recent = append(d.Recent, row)
	}
	s.render(w, r, c, "home", staffPage{Title: "Staff console", Data: d})
}

// describe names a change's record, as it is now.
func (s *staff) describe(ctx context.Context, ch store.StaffChange) (staffChangeRow, bool) {
	row := staffChangeRow{StaffChange: ch, Name: label(ch.RecordType) + " " + ch.RecordID.String()}
	col := s.collByType(ch.RecordType)
	if col == nil {
		return row, false
	}
	row.URL = "/staff/" + col.Plural() + "/" + ch.RecordID.String()
	rec, err := col.Get(ctx, int(ch.RecordID))
	if err != nil {
		return row, false
	}
	row.Name, row.Status = rec.Name, rec.Status
	return row, true
}

// listData is a collection's list page.
type listData struct {
	Coll     collection
	Rows     []staffRecord
	Status   string
	Q        string
	Statuses []string
	Next     string
}

// list lists a collection's records, drafts included, by status and name.
func (s *staff) list(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	col, ok := s.coll(w, r, c)
	if !ok {
		return
	}
	q := r.URL.Query()
	d := listData{Coll: col, Status: q.Get("status"), Q: strings.TrimSpace(q.Get("q")), Statuses: allStatuses}
	p := store.ListParams{Statuses: allStatuses, Drafts: true, Q: d.Q, Limit: 100}
	if slices.Contains(allStatuses, d.Status) {
		p.Statuses = []string{d.Status}
	} else {
		d.Status = ""
	}
	if cur := q.Get("cursor"); cur != "" {
		after, err := store.DecodeCursor(cur)
		if err != nil {
			s.errorPage(w, r, c, http.StatusBadRequest, "Bad request", "The page link is broken; start from the first page.")
			return
		}
		p.After = after
	}
	rows, next, err := col.List(r.Context(), p)
	if err != nil {
		s.fail(w, r, c, err)
		return
	}
	d.Rows = rows
	if next != "" {
		v := url.Values{"cursor": {next}}
		if d.Status != "" {
			v.Set("status", d.Status)
		}
		if d.Q != "" {
			v.Set("q", d.Q)
		}
		d.Next = "?" + v.Encode()
	}
	s.render(w, r, c, "list", staffPage{Title: col.Title(), Data: d})
}

// recordData is the record page: its form, and for a saved record its citations,
// history and actions.
type recordData struct {
	Coll   collection
	IsNew  bool
	Rec    staffRecord
	Fields []fieldView
	// FormError is a problem with the form that names no field of it.
	FormError string
	// Revision is the revision the form is based on (If-Match of the save).
	Revision int
	Conflict *conflictView
	// ActionError is what a publish, retract or citation change refused.
	ActionError string
	Notice      string
	PublicURL   string
	History     []historyView
	Cite        citeView
	// Add is the list the staffer asked one more blank item of ("add another").
	Add string
	// RefLists are the reference inputs' suggestions, by record type.
	RefLists map[string][]lookupItem
	// citeInput and citeErrs are a refused citation's input and problems.
	citeInput url.Values
	citeErrs  map[string]string
}

// conflictView shows a stale save: the record as it now is, beside the staffer's
// input, field by field where they differ.
type conflictView struct {
	Revision int
	Actor    string
	Diffs    []diffRow
}

type diffRow struct {
	Field, Label, Before, After string
}

// historyView is one revision, with the fields it changed.
type historyView struct {
	domain.Change
	Diffs []diffRow
}

// citeView is the citation form: the record's citations, the sources to pick from,
// an inline new source, and the fields a citation may support.
type citeView struct {
	Citations []domain.Citation
	// Source is the source input's text (a source's name, slug or id).
	Source      string
	NewSource   []fieldView
	Fields      []option
	Confidences []option
	Locator     string
	Errors      map[string]string
}

// newSourceFields are the fields of a source the citation form asks for inline; the
// rest are on the source's own page.
var newSourceFields = []string{"kind", "title", "publisher", "url", "published_on", "document_symbol"}

// newRecord shows an empty form.
func (s *staff) newRecord(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	col, ok := s.coll(w, r, c)
	if !ok {
		return
	}
	s.renderRecord(w, r, c, col, recordData{IsNew: true}, url.Values{}, nil, http.StatusOK)
}

// createRecord writes a new draft from the form, or shows the form again with every
// problem beside its field and the input kept.
func (s *staff) createRecord(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	col, ok := s.coll(w, r, c)
	if !ok {
		return
	}
	if add := r.PostFormValue("add"); add != "" {
		// "Add another": the same form with one more blank item; nothing is written.
		s.renderRecord(w, r, c, col, recordData{IsNew: true, Add: add}, r.PostForm, nil, http.StatusOK)
		return
	}
	id, problems, err := col.Create(r.Context(), r.PostForm, edit(w))
	if errs, status, ok := s.formProblems(w, r, c, problems, err); !ok {
		return
	} else if errs != nil {
		s.renderRecord(w, r, c, col, recordData{IsNew: true}, r.PostForm, errs, status)
		return
	}
	http.Redirect(w, r, "/staff/"+col.Plural()+"/"+id.String()+"?done=created", http.StatusSeeOther)
}

// formProblems sorts a write's outcome: field problems (the form's own, or the
// store's) to show in the form with a status; an error no form shows is answered
// here (ok false).
func (s *staff) formProblems(w http.ResponseWriter, r *http.Request, c *staffCtx, problems domain.Problems, err error) (map[string]string, int, bool) {
	if len(problems) > 0 {
		return problems, http.StatusUnprocessableEntity, true
	}
	if err == nil {
		return nil, 0, true
	}
	switch domain.ErrorCode(err) {
	case domain.EINVALID, domain.ECONFLICT:
		fields := domain.ErrorFields(err)
		if len(fields) == 0 {
			fields = map[string]string{"": domain.ErrorMessage(err)}
		}
		return fields, httpx.Status(err), true
	}
	s.fail(w, r, c, err)
	return nil, 0, false
}

// record shows a record's form, citations, history and actions.
func (s *staff) record(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	col, rec, ok := s.loadRecord(w, r, c)
	if !ok {
		return
	}
	s.renderRecord(w, r, c, col, recordData{Rec: rec, Notice: recordNotices[r.URL.Query().Get("done")]}, rec.Form, nil, http.StatusOK)
}

// recordNotices are what a record page says after a change (by a code in the URL).
var recordNotices = map[string]string{
	"created":          "Draft created. Cite a source, then publish it.",
	"saved":            "Saved.",
	"published":        "Published: the record is public now.",
	"review-requested": "Review requested: two-person review is on, so another staff member must publish this draft. Nothing was published.",
	"retracted":        "Retracted: the record stays at its address, marked retracted.",
	"cited":            "Citation added.",
	"uncited":          "Citation removed.",
}

func (s *staff) loadRecord(w http.ResponseWriter, r *http.Request, c *staffCtx) (collection, staffRecord, bool) {
	col, ok := s.coll(w, r, c)
	if !ok {
		return nil, staffRecord{}, false
	}
	id, err := domain.ParseID(r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, c, http.StatusNotFound, "Not found", "There is no record at this address.")
		return nil, staffRecord{}, false
	}
	rec, err := col.Get(r.Context(), int(id))
	if err != nil {
		s.fail(w, r, c, err)
		return nil, staffRecord{}, false
	}
	return col, rec, true
}

// saveRecord writes the form over the record, if the record is still at the
// revision the form was read at. If someone else saved it since, the page shows
// their version beside the staffer's input, which the form keeps: saving again
// applies it over theirs.
func (s *staff) saveRecord(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	col, rec, ok := s.loadRecord(w, r, c)
	if !ok {
		return
	}
	rev, err := strconv.Atoi(r.PostFormValue("revision"))
	if err != nil {
		rev = -1 // no revision: treated as stale, never as a blind overwrite
	}
	if add := r.PostFormValue("add"); add != "" {
		// "Add another": the same form with one more blank item; nothing is saved.
		s.renderRecord(w, r, c, col, recordData{Rec: rec, Revision: rev, Add: add}, r.PostForm, nil, http.StatusOK)
		return
	}
	problems, err := col.Save(r.Context(), int(rec.ID), rev, r.PostForm, edit(w))
	if domain.ErrorCode(err) == domain.EPRECONDITION {
		cur, gerr := col.Get(r.Context(), int(rec.ID))
		if gerr != nil {
			s.fail(w, r, c, gerr)
			return
		}
		d := recordData{Rec: cur, Conflict: s.conflict(r.Context(), col, cur, r.PostForm)}
		s.renderRecord(w, r, c, col, d, r.PostForm, nil, http.StatusConflict)
		return
	}
	if errs, status, ok := s.formProblems(w, r, c, problems, err); !ok {
		return
	} else if errs != nil {
		d := recordData{Rec: rec, Revision: rev}
		s.renderRecord(w, r, c, col, d, r.PostForm, errs, status)
		return
	}
	http.Redirect(w, r, "/staff/"+col.Plural()+"/"+rec.ID.String()+"?done=saved", http.StatusSeeOther)
}

// conflict compares the record as it now is with the staffer's input.
func (s *staff) conflict(ctx context.Context, col collection, cur staffRecord, mine url.Values) *conflictView {
	cv := &conflictView{Revision: cur.Revision}
	if hist, err := s.st.History(ctx, col.Type(), int(cur.ID), true); err == nil && len(hist) > 0 {
		cv.Actor = hist[len(hist)-1].Actor
	}
	for _, f := range col.Fields() {
		theirs, yours := formText(f, cur.Form), formText(f, mine)
		if theirs != yours {
			cv.Diffs = append(cv.Diffs, diffRow{Field: f.Name, Label: f.Label, Before: theirs, After: yours})
		}
	}
	return cv
}

// formText is a field's form value as one comparable text.
// A reference shows as its id whichever way it was typed as a suggestion ("Acme
// (#12)"); a list of objects as a line per item that is not blank; a list of
// plain values as a line per item, a country by name ("Mexico (MX)").
func formText(f formField, v url.Values) string {
	var parts []string
	if f.itemized() {
		for _, s := range listValues(v, f.Name) {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			if code, ok := domain.NormalizeCountry(s); ok && f.Input == inCountries {
				s = domain.CountryName(code) + " (" + code + ")"
			}
			if m := labelledID.FindStringSubmatch(s); m != nil && f.Input == inRefs {
				s = m[1]
			}
			parts = append(parts, s)
		}
	}
	if f.Input == inItems {
		for _, sub := range itemForms(v, f.Name) {
			if blank(f.Sub, sub) {
				continue
			}
			var fields []string
			for _, sf := range f.Sub {
				if t := formText(sf, sub); t != "" && sf.Input != inHidden {
					fields = append(fields, sf.Label+": "+t)
				}
			}
			parts = append(parts, strings.Join(fields, "; "))
		}
	}
	for _, s := range v[f.Name] {
		if s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")); s != "" {
			if m := labelledID.FindStringSubmatch(s); m != nil && f.Input == inRef {
				s = m[1]
			}
			parts = append(parts, s)
		}
	}
	out := strings.Join(parts, "\n")
	if out == "" && v.Get(f.Name+noneSuffix) != "" {
		return "(none)"
	}
	return out
}

// renderRecord renders the record page: form (with form's values and errs), and
// for a saved record its citation form, history and actions.
func (s *staff) renderRecord(w http.ResponseWriter, r *http.Request, c *staffCtx, col collection, d recordData, form url.Values, errs map[string]string, status int) {
	ctx := r.Context()
	d.Coll = col
	if d.Revision == 0 {
		d.Revision = d.Rec.Revision
	}
	placed := fieldErrors(col.Fields(), errs)
	var err error
	if d.Fields, err = s.fieldViews(ctx, col.Fields(), form, placed, "", d.Add); err != nil {
		s.fail(w, r, c, err)
		return
	}
	if d.RefLists, err = s.refLists(ctx, col.Fields()); err != nil {
		s.fail(w, r, c, err)
		return
	}
	for k, v := range placed {
		if !slices.ContainsFunc(col.Fields(), func(f formField) bool { return f.Name == k || itemProblem(f, k) }) {
			d.FormError = strings.TrimSpace(d.FormError + " " + strings.TrimSpace(k+" "+v))
		}
	}
	title := "New " + strings.ToLower(label(col.Type()))
	if !d.IsNew {
		title = d.Rec.Name
		if d.Rec.Status != domain.StatusDraft {
			d.PublicURL = "/" + col.Plural() + "/" + d.Rec.ID.String()
		}
		hist, err := s.st.History(ctx, col.Type(), int(d.Rec.ID), true)
		if err != nil {
			s.fail(w, r, c, err)
			return
		}
		for i := len(hist) - 1; i >= 0; i-- {
			d.History = append(d.History, historyView{Change: hist[i], Diffs: changeDiffs(hist[i].Before, hist[i].After)})
		}
		if col.Type() != "source" {
			if err := s.citeForm(ctx, col, &d, d.citeInput, d.citeErrs); err != nil {
				s.fail(w, r, c, err)
				return
			}
		}
	}
	s.render(w, r, c, "record", staffPage{Title: title, Status: status, Data: d})
}

// citeForm fills the citation form, with its values and errors.
func (s *staff) citeForm(ctx context.Context, col collection, d *recordData, form url.Values, errs map[string]string) error {
	cv := citeView{Citations: d.Rec.Citations, Locator: form.Get("locator"), Errors: errs}
	src, err := s.refText(ctx, "source", form.Get("source_id"))
	if err != nil {
		return err
	}
	cv.Source = src
	if d.RefLists["source"] == nil {
		if d.RefLists["source"], err = s.suggestions(ctx, "source", ""); err != nil {
			return err
		}
	}
	var srcFields []formField
	for _, f := range s.collByType("source").Fields() {
		if slices.Contains(newSourceFields, f.Name) {
			srcFields = append(srcFields, f)
		}
	}
	sub := url.Values{}
	for k, v := range form {
		if name, ok := strings.CutPrefix(k, "new_source."); ok {
			sub[name] = v
		}
	}
	srcErrs := map[string]string{}
	for k, v := range errs {
		if name, ok := strings.CutPrefix(k, "new_source."); ok {
			srcErrs[name] = v
		}
	}
	if cv.NewSource, err = s.fieldViews(ctx, srcFields, sub, srcErrs, "new_source.", ""); err != nil {
		return err
	}
	for _, f := range col.Fields() {
		cv.Fields = append(cv.Fields, option{Value: f.Name, Label: f.Label, Selected: slices.Contains(form["fields"], f.Name)})
	}
	for _, cf := range domain.Confidences {
		cv.Confidences = append(cv.Confidences, option{Value: cf, Label: label(cf), Selected: form.Get("confidence") == cf})
	}
	d.Cite = cv
	return nil
}

// changeDiffs lists the fields a revision changed, with their values before and after.
func changeDiffs(before, after map[string]any) []diffRow {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []diffRow
	for k := range keys {
		switch k {
		case "revision", "updated_at", "created_at", "id":
			continue
		}
		b, a := valueText(before, k), valueText(after, k)
		if b != a {
			out = append(out, diffRow{Field: k, Label: label(k), Before: b, After: a})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// valueText shows a snapshot's value: a string as it is, anything else as JSON; an
// absent or null value is empty.
func valueText(m map[string]any, k string) string {
	v, ok := m[k]
	if !ok || v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// revOf reads the revision a form was read at; none: no If-Match.
func revOf(r *http.Request) *int {
	n, err := strconv.Atoi(r.PostFormValue("revision"))
	if err != nil {
		return nil
	}
	return &n
}

// markAction runs a publish, retraction or citation change and goes back to the
// record page, saying what happened or what was refused.
func (s *staff) markAction(w http.ResponseWriter, r *http.Request, c *staffCtx, done string, do func(context.Context, collection, staffRecord) error) {
	col, rec, ok := s.loadRecord(w, r, c)
	if !ok {
		return
	}
	if err := do(r.Context(), col, rec); err != nil {
		if errors.Is(err, store.ErrAwaitingReview) {
			// Two-person review: the request is recorded, nothing was published.
			http.Redirect(w, r, "/staff/"+col.Plural()+"/"+rec.ID.String()+"?done=review-requested", http.StatusSeeOther)
			return
		}
		switch domain.ErrorCode(err) {
		case domain.EINVALID, domain.ECONFLICT, domain.EPRECONDITION, domain.EFORBIDDEN:
			msg := domain.ErrorMessage(err)
			for k, v := range domain.ErrorFields(err) {
				msg += fmt.Sprintf(" %s: %s.", label(k), v)
			}
			s.renderRecord(w, r, c, col, recordData{Rec: rec, ActionError: msg}, rec.Form, nil, httpx.Status(err))
		default:
			s.fail(w, r, c, err)
		}
		return
	}
	http.Redirect(w, r, "/staff/"+col.Plural()+"/"+rec.ID.String()+"?done="+done, http.StatusSeeOther)
}

// publish publishes a draft (refused without a citation of a published source).
func (s *staff) publish(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	s.markAction(w, r, c, "published", func(ctx context.Context, col collection, rec staffRecord) error {
		e := edit(w)
		e.Review = s.opts.Review
		return col.Publish(ctx, int(rec.ID), revOf(r), e)
	})
}

// retract retracts a published record with a reason.
func (s *staff) retract(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	s.markAction(w, r, c, "retracted", func(ctx context.Context, col collection, rec staffRecord) error {
		return col.Retract(ctx, int(rec.ID), revOf(r), r.PostFormValue("reason"), edit(w))
	})
}

// uncite removes a citation.
func (s *staff) uncite(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	s.markAction(w, r, c, "uncited", func(ctx context.Context, col collection, rec staffRecord) error {
		cid, err := domain.ParseID(r.PathValue("cid"))
		if err != nil {
			return domain.NotFound("citation", r.PathValue("cid"))
		}
		return col.Uncite(ctx, int(rec.ID), revOf(r), int(cid), edit(w))
	})
}

// cite adds a citation: of a source picked from the list, or of a new source made
// from the inline fields (a draft, to be published on its own page before the
// record can be). Problems show in the citation form, its input kept.
func (s *staff) cite(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	col, rec, ok := s.loadRecord(w, r, c)
	if !ok {
		return
	}
	ctx := r.Context()
	form := r.PostForm
	errs := map[string]string{}
	srcID := strings.TrimSpace(form.Get("source_id"))
	if strings.TrimSpace(form.Get("new_source.title")) != "" {
		sub := url.Values{}
		for k, v := range form {
			if name, ok := strings.CutPrefix(k, "new_source."); ok {
				sub[name] = v
			}
		}
		id, problems, err := s.collByType("source").Create(ctx, sub, edit(w))
		fields, _, ok := s.formProblems(w, r, c, problems, err)
		if !ok {
			return
		}
		for k, v := range fields {
			errs["new_source."+k] = v
		}
		if len(fields) == 0 {
			srcID = id.String()
			// The new source is in the picker now: a failed citation keeps it chosen.
			form = cloneWithout(form, "new_source.")
			form.Set("source_id", srcID)
		}
	}
	if len(errs) == 0 {
		ct := domain.Citation{Fields: form["fields"], Confidence: form.Get("confidence")}
		if ct.Fields == nil {
			ct.Fields = []string{}
		}
		if loc := strings.TrimSpace(form.Get("locator")); loc != "" {
			ct.Locator = &loc
		}
		if srcID != "" {
			id, problem, err := refFinder{st: s.st, colls: s.colls}.resolve(ctx, "source", srcID)
			if err != nil {
				s.fail(w, r, c, err)
				return
			}
			if problem != "" {
				errs["source_id"] = problem
			}
			ct.SourceID = id
		}
		for _, f := range ct.Fields {
			if !slices.ContainsFunc(col.Fields(), func(ff formField) bool { return ff.Name == f }) {
				errs["fields"] = f + " is not a field of this record"
			}
		}
		if len(errs) == 0 {
			err := col.Cite(ctx, int(rec.ID), nil, ct, edit(w))
			if err == nil {
				http.Redirect(w, r, "/staff/"+col.Plural()+"/"+rec.ID.String()+"?done=cited", http.StatusSeeOther)
				return
			}
			fields, _, ok := s.formProblems(w, r, c, nil, err)
			if !ok {
				return
			}
			for k, v := range fields {
				errs[k] = v
			}
		}
	}
	// Show the page with the citation form's input and problems.
	if srcID != "" {
		if cur, err := col.Get(ctx, int(rec.ID)); err == nil {
			rec = cur
		}
	}
	d := recordData{Rec: rec, ActionError: "The citation was not added: see the citation form.", citeInput: form, citeErrs: errs}
	s.renderRecord(w, r, c, col, d, rec.Form, nil, http.StatusUnprocessableEntity)
}

// cloneWithout copies a form without the fields of a prefix.
func cloneWithout(form url.Values, prefix string) url.Values {
	out := url.Values{}
	for k, v := range form {
		if !strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out
}
