package store

import (
	"context"

	"github.com/export-registry/registry/ent"
	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/ent/vendor"
)

// CountryCounts are the totals of one country on the home page's map and list.
type CountryCounts struct {
	// Licenses are the published licences to or from the country, each counted once:
	// the country is the end user, the exporter, or (where the sources name no
	// exporting state) the headquarters of the licence's vendor, when that vendor is
	// public, as in the country profile.
	Licenses int
	// Vendors are the published vendors headquartered in the country.
	Vendors int
}

// CountryCounts returns every country's public totals in two queries rather than a
// profile per country: licences grouped by end user, exporter and vendor, and the
// public vendors' headquarters. Countries with nothing are absent. A draft vendor
// places no licence: its country is not public (see vendorIn).
func (s *Store) CountryCounts(ctx context.Context) (map[string]CountryCounts, error) {
	vendors, err := s.Client.Vendor.Query().
		Where(vendor.StatusIn(statusValues[vendor.Status](visible(false))...), vendor.HeadquartersCountryNotNil()).
		Select(vendor.FieldID, vendor.FieldStatus, vendor.FieldHeadquartersCountry).All(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]CountryCounts{}
	hq := make(map[int]string, len(vendors))
	for _, v := range vendors {
		hq[v.ID] = *v.HeadquartersCountry
		if v.Status == vendor.StatusPublished {
			c := out[*v.HeadquartersCountry]
			c.Vendors++
			out[*v.HeadquartersCountry] = c
		}
	}
	var groups []struct {
		EndUser  *string `json:"end_user_state"`
		Exporter *string `json:"exporting_state"`
		VendorID *int    `json:"vendor_id"`
		Count    int     `json:"count"`
	}
	err = s.Client.License.Query().Where(license.StatusEQ(license.StatusPublished)).
		GroupBy(license.FieldEndUserState, license.FieldExportingState, license.FieldVendorID).
		Aggregate(ent.Count()).Scan(ctx, &groups)
	if err != nil {
		return nil, err
	}
	add := func(code string, n int) {
		c := out[code]
		c.Licenses += n
		out[code] = c
	}
	for _, g := range groups {
		from, to := "", ""
		switch {
		case g.Exporter != nil:
			from = *g.Exporter
		case g.VendorID != nil:
			from = hq[*g.VendorID]
		}
		if g.EndUser != nil {
			to = *g.EndUser
		}
		if to != "" {
			add(to, g.Count)
		}
		// A licence from a country to itself counts once.
		if from != "" && from != to {
			add(from, g.Count)
		}
	}
	return out, nil
}
