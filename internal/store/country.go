package store

import (
	"context"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/export-registry/registry/ent/license"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/ent/termination"
	"github.com/export-registry/registry/ent/vendor"
	"github.com/export-registry/registry/internal/domain"
)

// A licence is placed in a country by its own fields only: "to" its end-user state
// and "from" its exporting state. A licence whose sources name no exporting state
// is from no country: its vendor's headquarters say where the vendor is, not which
// state authorised the export. Those licences are listed apart, as the licences of
// the vendors headquartered in a country (a profile's vendor_licenses), when the
// reader may see that vendor (vendorIn): a draft vendor's country is as unpublished
// as its name.
// The country profile lists by licensesFrom; the per-country counts group by the
// same columns in SQL and leave the vendors' licences out. Both are here, side by
// side, and TestCountryCounts holds them to each other.

// licensesFrom is the predicate of the licences from a country: those naming it as
// the exporting state.
func licensesFrom(code string) predicate.License {
	return license.ExportingState(code)
}

// A termination is placed in a country as a licence is "to" one: by the customer's
// state it names, directly or through one of its agencies (when the reader may see
// that agency). The terminations of the vendors headquartered in a country are, like
// their licences, a section of their own. The profile and the termination list's
// country filter share terminationsOf.

// terminationsOf is the predicate of the terminations naming a country as the
// customer's state, for a reader who may see drafts or not.
func terminationsOf(code string, drafts bool) predicate.Termination {
	return termination.Or(termination.StateCode(code), agencyIn(termination.FieldAgencyID, code, drafts))
}

// CountryCount is what the registry holds for one country, in the home page's terms.
type CountryCount struct {
	// Licenses are the published licences to or from the country (end-user or
	// exporting state), each counted once: a licence from a country to itself is one
	// licence of that country. A licence of a vendor headquartered there that names
	// neither is not counted: Vendors counts the vendor.
	Licenses int
	// Vendors are the published vendors headquartered in the country.
	Vendors int
}

// CountryCounts returns the public counts of every country that has any, in two
// queries rather than a profile per country.
func (s *Store) CountryCounts(ctx context.Context) (map[string]CountryCount, error) {
	out := map[string]CountryCount{}
	b := entsql.Dialect(s.dialect)

	// Vendors by headquarters.
	v := b.Table(vendor.Table)
	query, args := b.Select(v.C(vendor.FieldHeadquartersCountry), entsql.Count("*")).From(v).
		Where(entsql.And(entsql.EQ(v.C(vendor.FieldStatus), domain.StatusPublished), entsql.NotNull(v.C(vendor.FieldHeadquartersCountry)))).
		GroupBy(v.C(vendor.FieldHeadquartersCountry)).Query()
	err := s.scanRows(ctx, query, args, func(scan func(...any) error) error {
		var (
			code string
			n    int
		)
		if err := scan(&code, &n); err != nil {
			return err
		}
		c := out[code]
		c.Vendors = n
		out[code] = c
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Licences by end user and exporting state, as licensesFrom places them.
	l := b.Table(license.Table)
	query, args = b.Select(l.C(license.FieldEndUserState), l.C(license.FieldExportingState), entsql.Count("*")).From(l).
		Where(entsql.EQ(l.C(license.FieldStatus), domain.StatusPublished)).
		GroupBy(l.C(license.FieldEndUserState), l.C(license.FieldExportingState)).Query()
	err = s.scanRows(ctx, query, args, func(scan func(...any) error) error {
		var (
			to, from *string
			n        int
		)
		if err := scan(&to, &from, &n); err != nil {
			return err
		}
		add := func(code string) {
			c := out[code]
			c.Licenses += n
			out[code] = c
		}
		if to != nil {
			add(*to)
		}
		if from != nil && (to == nil || *from != *to) {
			add(*from)
		}
		return nil
	})
	return out, err
}

// scanRows runs a query and calls row for each row with its Scan.
func (s *Store) scanRows(ctx context.Context, query string, args []any, row func(scan func(...any) error) error) error {
	rows, err := s.client.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
