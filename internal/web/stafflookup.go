package web

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// References (a licence's vendor, a statement's source) are typed by name in the
// console: a text input whose suggestions come from the records of the kind, and
// what was typed is resolved here when the form is sent. An id, a vendor's slug (as
// the API resolves references, store.RefID) or a suggestion's "Name (#12)" names
// one record; a name names the records that have exactly it, and is refused beside
// its input, with the candidates, unless exactly one does.

// lookupLimit is the most records a lookup or a suggestion list shows.
const lookupLimit = 20

// refFinder resolves references over the console's collections.
type refFinder struct {
	st    *store.Store
	colls []collection
}

// refLabel is how a reference shows in its input and in suggestions: the record's
// name and id, which resolve back to that record.
func refLabel(name string, id domain.ID) string {
	return name + " (#" + id.String() + ")"
}

// labelledID reads the id of a "Name (#12)", "#12" or "12".
var labelledID = regexp.MustCompile(`(?:^#?|\(#)([0-9]+)\)?\s*$`)

func (r refFinder) coll(typ string) collection {
	for _, c := range r.colls {
		if c.Type() == typ {
			return c
		}
	}
	return nil
}

// search lists the records of a kind whose name (or, for a vendor, slug) contains
// q, drafts included.
func (r refFinder) search(ctx context.Context, typ, q string, limit int) ([]staffRecord, error) {
	c := r.coll(typ)
	if c == nil {
		return nil, nil
	}
	rows, _, err := c.List(ctx, store.ListParams{Statuses: allStatuses, Drafts: true, Q: q, Limit: limit})
	return rows, err
}

// resolve is the console's refResolver.
func (r refFinder) resolve(ctx context.Context, typ, typed string) (domain.ID, string, error) {
	typed = strings.TrimSpace(typed)
	if m := labelledID.FindStringSubmatch(typed); m != nil {
		id, err := r.st.RefID(ctx, typ, m[1])
		if err != nil {
			if c := domain.ErrorCode(err); c == domain.ENOTFOUND || c == domain.EINVALID {
				return 0, "no " + typ + " has the id " + m[1], nil
			}
			return 0, "", err
		}
		return id, "", nil
	}
	if typ == "vendor" && domain.ValidSlug(typed) {
		id, err := r.st.RefID(ctx, typ, typed)
		if err == nil {
			return id, "", nil
		}
		if domain.ErrorCode(err) != domain.ENOTFOUND {
			return 0, "", err
		}
	}
	rows, err := r.search(ctx, typ, typed, 100)
	if err != nil {
		return 0, "", err
	}
	var exact []staffRecord
	for _, row := range rows {
		if strings.EqualFold(strings.TrimSpace(row.Name), typed) {
			exact = append(exact, row)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0].ID, "", nil
	case len(exact) > 1:
		return 0, "more than one " + typ + " is named " + quote(typed) + ": pick one of " + candidates(exact), nil
	case len(rows) > 0:
		return 0, "no " + typ + " is named " + quote(typed) + "; did you mean " + candidates(rows) + "?", nil
	}
	return 0, "no " + typ + " is named " + quote(typed) + " (type a name, a slug or an id)", nil
}

func quote(s string) string { return "\u201c" + s + "\u201d" }

// candidates lists records as their inputs take them, at most ten.
func candidates(rows []staffRecord) string {
	var out []string
	for i, r := range rows {
		if i == 10 {
			out = append(out, "…")
			break
		}
		out = append(out, refLabel(r.Name, r.ID))
	}
	return strings.Join(out, ", ")
}

// lookupItem is one suggestion of a reference's input.
type lookupItem struct {
	ID     domain.ID `json:"id"`
	Name   string    `json:"name"`
	Status string    `json:"status"`
	// Value is what the input takes: "Name (#12)".
	Value string `json:"value"`
}

// lookup answers the records of a collection whose name contains q (drafts
// included) as JSON, for the reference inputs' suggestions:
// GET /staff/lookup?in={collection}&q=.
func (s *staff) lookup(w http.ResponseWriter, r *http.Request, c *staffCtx) {
	col, ok := s.byURL[r.URL.Query().Get("in")]
	if !ok {
		s.errorPage(w, r, c, http.StatusNotFound, "Not found", "There is no such collection.")
		return
	}
	items, err := s.suggestions(r.Context(), col.Type(), strings.TrimSpace(r.URL.Query().Get("q")))
	if err != nil {
		s.fail(w, r, c, err)
		return
	}
	setStaffHeaders(w.Header())
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(items)
}

// suggestions are the records of a type whose name contains q, at most
// lookupLimit.
func (s *staff) suggestions(ctx context.Context, typ, q string) ([]lookupItem, error) {
	rows, err := refFinder{st: s.st, colls: s.colls}.search(ctx, typ, q, lookupLimit)
	if err != nil {
		return nil, err
	}
	items := make([]lookupItem, 0, len(rows))
	for _, row := range rows {
		items = append(items, lookupItem{ID: row.ID, Name: row.Name, Status: row.Status, Value: refLabel(row.Name, row.ID)})
	}
	return items, nil
}
