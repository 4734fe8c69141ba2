package httpapi

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// Filter names a list may accept, each parsed in one place below.
const (
	fCountry         = "country"
	fExporterCountry = "exporter_country"
	fVendor          = "vendor"
	fAgency          = "agency"
	fStatus          = "status"
	fActiveOn        = "active_on"
	fCovers          = "covers"
	fUpdatedSince    = "updated_since"
	fQ               = "q"
)

// paging are the parameters every list takes besides its filters.
var paging = []string{"limit", "cursor", "format", "bom"}

// listSpec says which filters a collection takes and which values of its own status
// (a licence's or allegation's) the status filter also accepts.
type listSpec struct {
	filters      []string
	kindStatuses []string
	// byCode: the list is keyed by country code (states), and so is its cursor.
	byCode bool
	// kind is the record type of the list's records (none for the states, which are
	// reference data): a list of records may be read as of a time (as_of).
	kind string
}

// parseList reads a list request's parameters. An unknown parameter, a repeated one,
// or a bad value is a 400 naming the parameter: a misspelt filter must not silently
// return everything.
func (s *Server) parseList(c echo.Context, spec listSpec) (store.ListParams, error) {
	q := c.QueryParams()
	p := store.ListParams{Statuses: []string{domain.StatusPublished}, Drafts: s.canSeeDrafts(c)}
	takes := spec.params()
	for name, vals := range q {
		if !slices.Contains(takes, name) {
			return p, domain.Invalid(name, "not a parameter of this list; it takes "+strings.Join(takes, ", "))
		}
		if len(vals) > 1 {
			return p, domain.Invalid(name, "given more than once")
		}
		if !utf8.ValidString(vals[0]) || strings.ContainsFunc(vals[0], isControl) {
			return p, domain.Invalid(name, "not valid UTF-8 text without control characters")
		}
	}
	at, err := asOf(c)
	if err != nil {
		return p, err
	}
	if at != nil {
		if err := refuseAtFilters(c, spec, store.ListAtFilters[spec.kind]); err != nil {
			return p, err
		}
	}
	if v := q.Get("limit"); v != "" {
		n, convErr := strconv.Atoi(v)
		if convErr != nil || n < 1 {
			return p, domain.Invalid("limit", "must be a whole number from 1 (larger than 500 is read as 500)")
		}
		p.Limit = min(n, store.MaxLimit)
	}
	v, err := unbindCursor(c.Path(), q.Get("cursor"))
	if err != nil {
		return p, err
	}
	if v, err = positionAt(v, at); err != nil {
		return p, err
	}
	switch {
	case v == "":
	case spec.byCode:
		if p.AfterCode, err = store.DecodeCodeCursor(v); err != nil {
			return p, err
		}
	default:
		if p.After, err = store.DecodeCursor(v); err != nil {
			return p, err
		}
	}
	if p.Country, err = countryParam(q.Get(fCountry), fCountry); err != nil {
		return p, err
	}
	if p.ExporterCountry, err = countryParam(q.Get(fExporterCountry), fExporterCountry); err != nil {
		return p, err
	}
	if p.Covers, err = countryParam(q.Get(fCovers), fCovers); err != nil {
		return p, err
	}
	p.Vendor = strings.TrimSpace(q.Get(fVendor))
	if v := q.Get(fAgency); v != "" {
		id, err := domain.ParseID(v)
		if err != nil {
			return p, domain.Invalid(fAgency, "must be an agency id")
		}
		p.AgencyID = int(id)
	}
	if v := q.Get(fActiveOn); v != "" {
		d, err := domain.ParseDate(v)
		if err != nil {
			return p, domain.Invalid(fActiveOn, err.Error())
		}
		p.ActiveOn = &d
	}
	if v := q.Get(fUpdatedSince); v != "" {
		t, err := parseTime(v)
		if err != nil {
			return p, domain.Invalid(fUpdatedSince, "must be a date (YYYY-MM-DD) or an RFC 3339 time")
		}
		p.UpdatedSince = &t
	}
	if v := strings.TrimSpace(q.Get(fQ)); v != "" {
		if problem := domain.QueryTextProblem(v); problem != "" {
			return p, domain.Invalid(fQ, problem)
		}
		p.Q = v
	}
	if v := q.Get(fStatus); v != "" {
		if err := s.parseStatus(c, v, spec, &p); err != nil {
			return p, err
		}
	}
	return p, nil
}

// parseStatus reads the status filter: a comma-separated list of record statuses
// (published, retracted; draft with a staff token) and, for licences and
// allegations, values of their own status.
func (s *Server) parseStatus(c echo.Context, v string, spec listSpec, p *store.ListParams) error {
	var records, kinds []string
	for _, st := range strings.Split(v, ",") {
		st = strings.TrimSpace(st)
		switch {
		case st == domain.StatusPublished || st == domain.StatusRetracted:
			records = append(records, st)
		case st == domain.StatusDraft:
			if !s.canSeeDrafts(c) {
				return domain.Errorf(domain.EUNAUTHORIZED, "drafts are visible only with a staff token")
			}
			records = append(records, st)
		case slices.Contains(spec.kindStatuses, st):
			kinds = append(kinds, st)
		default:
			allowed := append([]string{domain.StatusPublished, domain.StatusRetracted, domain.StatusDraft}, spec.kindStatuses...)
			return domain.Invalid(fStatus, strconv.Quote(st)+" is not one of "+strings.Join(allowed, ", "))
		}
	}
	if len(records) > 0 {
		p.Statuses = records
	}
	p.KindStatuses = kinds
	return nil
}

// isControl reports control characters, which no parameter needs.
func isControl(r rune) bool { return unicode.IsControl(r) }

// countryParam reads an optional ISO 3166-1 alpha-2 parameter, in either case.
func countryParam(v, name string) (string, error) {
	if v == "" {
		return "", nil
	}
	code, ok := domain.NormalizeCountry(v)
	if !ok {
		return "", domain.Invalid(name, domain.CountryCodeProblem(v))
	}
	return code, nil
}

// parseTime reads a date or an RFC 3339 time.
func parseTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	return domain.ParseDate(v)
}
