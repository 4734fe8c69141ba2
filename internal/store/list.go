package store

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"
	"github.com/export-registry/registry/internal/domain"
)

// Page sizes: DefaultLimit when none is asked for; a larger limit than MaxLimit is
// clamped to it.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// ListParams are the filters and paging of a list. Fields a collection does not have
// are ignored by its list; the HTTP layer refuses them before they get here.
type ListParams struct {
	// Statuses are the record statuses to list: never empty.
	Statuses []string
	// Drafts is whether the reader may see drafts (staff); it decides which cited
	// sources show.
	Drafts bool
	// KindStatuses filter a licence's or allegation's own status.
	KindStatuses    []string
	Country         string
	ExporterCountry string
	// Vendor is a vendor's id or slug.
	Vendor       string
	AgencyID     int
	ActiveOn     *time.Time
	Covers       string
	UpdatedSince *time.Time
	Q            string
	Limit        int
	// Batch, when set, is the page size instead of Limit, which is clamped to
	// MaxLimit: exports read whole id ranges a page at a time.
	Batch int
	// After is the id the page starts after (the decoded cursor).
	After int
	// Before, when set, keeps ids below it (exports read id ranges in parallel).
	Before int
	// AfterCode is where a page of states starts (states are keyed by code).
	AfterCode string
}

// EncodeCursor returns the opaque cursor of a page that starts after id.
func EncodeCursor(id int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c1:" + strconv.Itoa(id)))
}

// DecodeCursor reads a cursor made by EncodeCursor.
func DecodeCursor(s string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		if v, ok := strings.CutPrefix(string(b), "c1:"); ok {
			if id, err := strconv.Atoi(v); err == nil && id > 0 && EncodeCursor(id) == s {
				return id, nil
			}
		}
	}
	return 0, domain.Invalid("cursor", "not a cursor this registry issued")
}

// EncodeCodeCursor returns the opaque cursor of a page of states after code.
func EncodeCodeCursor(code string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("s1:" + code))
}

// DecodeCodeCursor reads a cursor made by EncodeCodeCursor.
func DecodeCodeCursor(s string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		if v, ok := strings.CutPrefix(string(b), "s1:"); ok && domain.ValidCountry(v) && EncodeCodeCursor(v) == s {
			return v, nil
		}
	}
	return "", domain.Invalid("cursor", "not a cursor this registry issued")
}

// limit returns the page size to fetch.
func (p ListParams) limit() int {
	switch {
	case p.Batch > 0:
		return p.Batch
	case p.Limit <= 0:
		return DefaultLimit
	case p.Limit > MaxLimit:
		return MaxLimit
	default:
		return p.Limit
	}
}

// common returns the predicates every record list shares: status, cursor and
// updated_since, as selector functions any ent predicate type converts from.
func (p ListParams) common() []func(*sql.Selector) {
	preds := []func(*sql.Selector){
		sql.FieldIn("status", p.Statuses...),
	}
	if p.After > 0 {
		preds = append(preds, sql.FieldGT("id", p.After))
	}
	if p.Before > 0 {
		preds = append(preds, sql.FieldLT("id", p.Before))
	}
	if p.UpdatedSince != nil {
		preds = append(preds, sql.FieldGTE("updated_at", *p.UpdatedSince))
	}
	return preds
}

// as converts generic selector predicates to an entity's predicate type.
func as[P ~func(*sql.Selector)](fs []func(*sql.Selector)) []P {
	out := make([]P, len(fs))
	for i, f := range fs {
		out[i] = P(f)
	}
	return out
}

// page cuts the extra row fetched to learn whether there is a next page, and returns
// the cursor of that page ("" when this is the last).
func page[T any](rows []T, limit int, id func(T) int) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	return rows, EncodeCursor(id(rows[len(rows)-1]))
}

// statusValues converts record statuses to an entity's status enum type.
func statusValues[S ~string](statuses []string) []S {
	out := make([]S, len(statuses))
	for i, s := range statuses {
		out[i] = S(s)
	}
	return out
}
