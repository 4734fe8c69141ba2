package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// homeTitle names the home page in its title and citation.
const homeTitle = "Surveillance technology exports by country"

// countryRow is a country in the home page's lists.
type countryRow struct {
	Code, Name string
	URL        string
	store.CountryCount
}

// changeRow is one entry of the latest changes.
type changeRow struct {
	At     time.Time
	Action string
	Kind   string
	Label  string
	URL    string
	Reason *string
}

// homeData is the home page.
type homeData struct {
	Map         worldMap
	WithRecords []countryRow
	All         []countryRow
	Changes     []changeRow
}

// home serves /: the search box, the map, the countries with their counts and the
// latest public changes.
func (s *server) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	version, err := s.st.DatasetVersion(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.countryCounts(ctx, version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var states []domain.State
	for p := (store.ListParams{Limit: store.MaxLimit}); ; {
		batch, next, err := s.st.ListStates(ctx, p)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		states = append(states, batch...)
		if next == "" {
			break
		}
		if p.AfterCode, err = store.DecodeCodeCursor(next); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	data := homeData{Map: buildMap(counts)}
	for _, st := range states {
		row := countryRow{Code: st.Code, Name: st.Name, URL: "/countries/" + st.Code, CountryCount: counts[st.Code]}
		data.All = append(data.All, row)
		if row.Licenses > 0 || row.Vendors > 0 {
			data.WithRecords = append(data.WithRecords, row)
		}
	}
	sort.SliceStable(data.All, func(i, j int) bool { return data.All[i].Name < data.All[j].Name })
	sort.SliceStable(data.WithRecords, func(i, j int) bool {
		a, b := data.WithRecords[i], data.WithRecords[j]
		if a.Licenses != b.Licenses {
			return a.Licenses > b.Licenses
		}
		if a.Vendors != b.Vendors {
			return a.Vendors > b.Vendors
		}
		return a.Name < b.Name
	})
	if data.Changes, err = s.latestChanges(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "home", page{
		Title: homeTitle, Path: "/", Version: version,
		JSON: []link{
			{"All countries (JSON)", listJSON("states", url.Values{})},
			{"Latest changes (JSON)", "/api/v1/changes"},
			{"Dataset version (JSON)", "/api/v1/version"},
		},
		CSV: []link{
			{"All countries (CSV)", "/api/v1/export/states.csv"},
			{"All licences (CSV)", "/api/v1/export/licenses.csv"},
			{"All vendors (CSV)", "/api/v1/export/vendors.csv"},
		},
		Data: data,
	})
}

// countryCounts returns the per-country counts of the dataset version, computing
// them once per version.
func (s *server) countryCounts(ctx context.Context, version string) (map[string]store.CountryCount, error) {
	s.mu.Lock()
	c := s.counts
	s.mu.Unlock()
	if c.ok && c.version == version {
		return c.value, nil
	}
	counts, err := s.st.CountryCounts(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.counts = cached[map[string]store.CountryCount]{version: version, value: counts, ok: true}
	s.mu.Unlock()
	return counts, nil
}

// changeKinds are the pages of each record type of the change feed.
var changeKinds = map[string][2]string{
	"vendor":        {"Vendor", "vendors"},
	"product":       {"Product", "products"},
	"agency":        {"Agency", "agencies"},
	"license":       {"Licence", "licenses"},
	"termination":   {"Termination", "terminations"},
	"allegation":    {"Allegation", "allegations"},
	"communication": {"Communication", "communications"},
	"source":        {"Source", "sources"},
}

// latestChanges returns the newest public changes, linked to their records' pages.
func (s *server) latestChanges(ctx context.Context) ([]changeRow, error) {
	changes, _, _, err := s.st.Changes(ctx, store.ChangeParams{Newest: true, Limit: 10})
	if err != nil {
		return nil, err
	}
	var n needs
	for _, c := range changes {
		if c.RecordType == "vendor" {
			id := c.RecordID
			n.vendor(&id)
		}
	}
	rs, err := s.resolve(ctx, n)
	if err != nil {
		return nil, err
	}
	out := make([]changeRow, 0, len(changes))
	for _, c := range changes {
		k := changeKinds[c.RecordType]
		row := changeRow{At: c.At, Action: c.Action, Kind: k[0], Label: c.Label, Reason: c.Reason,
			URL: "/" + k[1] + "/" + c.RecordID.String()}
		if c.RecordType == "vendor" {
			id := c.RecordID
			// A vendor that is no longer public has no page to link.
			row.URL = rs.vendor(&id).URL
		}
		out = append(out, row)
	}
	return out, nil
}
