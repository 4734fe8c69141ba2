package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// vendorListLimit bounds the vendors whose own lists a country page links; the
// vendors' pages link them all.
const vendorListLimit = 10

// countryPage is a country's profile as a page.
type countryPage struct {
	State  domain.State
	Counts store.ProfileCounts
	// Empty is set when the registry holds no record about the country, which the
	// page must not let pass for evidence that there is nothing to hold.
	Empty              bool
	Agencies           section[agencyView]
	Vendors            section[vendorView]
	Products           section[productView]
	LicensesTo         section[licenseView]
	LicensesFrom       section[licenseView]
	VendorLicenses     section[licenseView]
	Terminations       section[terminationView]
	VendorTerminations section[terminationView]
	Allegations        section[allegationView]
	Communications     section[communicationView]
	Timeline           timeline
}

// country serves /countries/{iso2}: everything the registry holds about a country.
// A lower-case code redirects to its canonical upper-case form; any other code is a
// 404.
func (s *server) country(w http.ResponseWriter, r *http.Request) {
	raw := r.PathValue("iso2")
	code, ok := domain.NormalizeCountry(raw)
	if !ok && strings.TrimSpace(raw) == raw {
		if code, ok = domain.CountryByAlpha3(raw); ok { // /countries/ISR is /countries/IL
			http.Redirect(w, r, withQuery(r, "/countries/"+code), http.StatusPermanentRedirect)
			return
		}
	}
	if !ok || strings.TrimSpace(raw) != raw {
		s.notFound(w, r)
		return
	}
	if code != raw {
		http.Redirect(w, r, withQuery(r, "/countries/"+code), http.StatusMovedPermanently)
		return
	}
	ctx := r.Context()
	var p store.Profile
	var err error
	if at := asOfFrom(ctx); at != nil {
		p, err = s.st.StateProfileAt(ctx, code, *at)
	} else {
		p, err = s.st.StateProfile(ctx, code, false)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}

	var n needs
	for _, v := range p.Vendors {
		n.vendor(&v.ID)
		n.vendor(v.ParentID)
	}
	for _, pr := range p.Products {
		n.vendor(&pr.VendorID)
	}
	for _, a := range p.Agencies {
		n.agency(a.ParentID)
	}
	for _, l := range slices.Concat(p.LicensesTo, p.LicensesFrom, p.VendorLicenses) {
		n.vendor(l.VendorID)
		n.agency(l.EndUserAgencyID)
		for _, id := range l.ProductIDs {
			n.product(&id)
		}
	}
	for _, t := range slices.Concat(p.Terminations, p.VendorTerminations) {
		n.vendor(&t.VendorID)
		n.agency(t.AgencyID)
	}
	for _, a := range p.Allegations {
		n.vendor(a.VendorID)
		n.product(a.ProductID)
		n.agency(a.OperatorAgencyID)
	}
	for _, c := range p.Communications {
		n.vendor(c.RecipientVendorID)
	}
	rs, err := s.resolve(ctx, n)
	if err != nil {
		s.fail(w, r, err)
		return
	}

	agencies := mapViews(p.Agencies, rs.agencyView)
	vendors := mapViews(p.Vendors, rs.vendorView)
	products := mapViews(p.Products, rs.productView)
	licensesTo := mapViews(p.LicensesTo, rs.licenseView)
	licensesFrom := mapViews(p.LicensesFrom, rs.licenseView)
	vendorLicenses := mapViews(p.VendorLicenses, rs.licenseView)
	terminations := mapViews(p.Terminations, rs.terminationView)
	vendorTerminations := mapViews(p.VendorTerminations, rs.terminationView)
	allegations := mapViews(p.Allegations, rs.allegationView)
	communications := mapViews(p.Communications, rs.communicationView)

	// The profile also holds the records of the country's vendors (their licences
	// and terminations in sections of their own, allegations about them and letters
	// to them beside the country's); the API lists those by vendor, so each vendor's
	// lists are linked beside the section.
	var byVendor struct{ licenses, terminations, allegations, communications []link }
	for i, v := range p.Vendors {
		if i == vendorListLimit {
			break
		}
		vq := func() url.Values { return url.Values{"vendor": {v.Slug}} }
		byVendor.licenses = append(byVendor.licenses, link{"licences of " + v.Name, listCSV("licenses", vq())})
		byVendor.terminations = append(byVendor.terminations, link{"terminations by " + v.Name, listCSV("terminations", vq())})
		byVendor.allegations = append(byVendor.allegations, link{"allegations about " + v.Name, listCSV("allegations", vq())})
		byVendor.communications = append(byVendor.communications, link{"communications to " + v.Name, listCSV("communications", vq())})
	}
	q := func(k string) url.Values { return url.Values{k: {code}} }
	name := p.State.Name
	csv := []link{
		{"Licences to " + name + " (CSV)", listCSV("licenses", q("country"))},
		{"Licences naming " + name + " as exporting state (CSV)", listCSV("licenses", q("exporter_country"))},
	}
	csv = append(csv, capitalized(byVendor.licenses, " (CSV)")...)
	csv = append(csv,
		link{"Vendors headquartered in " + name + " (CSV)", listCSV("vendors", q("country"))},
		link{"Their products (CSV)", listCSV("products", q("country"))},
		link{"Agencies of " + name + " (CSV)", listCSV("agencies", q("country"))},
		link{"Terminations naming " + name + " (CSV)", listCSV("terminations", q("country"))},
		link{"Allegations naming " + name + " (CSV)", listCSV("allegations", q("country"))},
		link{"Communications to or copying " + name + " (CSV)", listCSV("communications", q("country"))})
	for _, l := range [][]link{byVendor.terminations, byVendor.allegations, byVendor.communications} {
		csv = append(csv, capitalized(l, " (CSV)")...)
	}
	jsonLinks := []link{
		{"The whole profile (JSON)", "/api/v1/states/" + code},
		{"Licences to " + name + " (JSON)", listJSON("licenses", q("country"))},
		{"Changes about " + name + " (JSON)", "/api/v1/changes?" + q("country").Encode()},
	}

	s.renderFit(w, r, "country", func(d detail) page {
		data := countryPage{
			State:  p.State,
			Counts: p.Counts,
			Empty:  p.Counts.Empty(),
			Agencies: withLinks(newSection(agencies, p.Counts.Agencies, agencyRef, d),
				"agencies", q("country"), nil),
			Vendors: withLinks(newSection(vendors, p.Counts.Vendors, vendorRef, d),
				"vendors", q("country"), nil),
			Products: withLinks(newSection(products, p.Counts.Products, productRef, d),
				"products", q("country"), nil),
			LicensesTo: withLinks(newSection(licensesTo, p.Counts.LicensesTo, licenseRef, d),
				"licenses", q("country"), nil),
			LicensesFrom: withLinks(newSection(licensesFrom, p.Counts.LicensesFrom, licenseRef, d),
				"licenses", q("exporter_country"), nil),
			VendorLicenses: byVendors(newSection(vendorLicenses, p.Counts.VendorLicenses, licenseRef, d), byVendor.licenses),
			Terminations: withLinks(newSection(terminations, p.Counts.Terminations, terminationRef, d),
				"terminations", q("country"), nil),
			VendorTerminations: byVendors(newSection(vendorTerminations, p.Counts.VendorTerminations, terminationRef, d), byVendor.terminations),
			Allegations: withLinks(newSection(allegations, p.Counts.Allegations, allegationRef, d),
				"allegations", q("country"), byVendor.allegations),
			Communications: withLinks(newSection(communications, p.Counts.Communications, communicationRef, d),
				"communications", q("country"), byVendor.communications),
			Timeline: buildTimeline(slices.Concat(licensesTo, licensesFrom, vendorLicenses), s.now(), d.bars),
		}
		return page{Title: name, Path: "/countries/" + code, JSON: jsonLinks, CSV: csv, Data: data}
	})
}

// withLinks sets a section's API lists.
func withLinks[T any](s section[T], collection string, q url.Values, extra []link) section[T] {
	s.JSON = listJSON(collection, maps.Clone(q))
	s.CSV = listCSV(collection, maps.Clone(q))
	s.Extra = extra
	return s
}

// byVendors sets the API lists of a section that no one API list holds, the records
// of a country's vendors: each vendor's own list.
func byVendors[T any](s section[T], lists []link) section[T] {
	s.Extra = lists
	return s
}

// capitalized returns links with their labels capitalized and suffixed, for a list
// of their own.
func capitalized(links []link, suffix string) []link {
	out := make([]link, len(links))
	for i, l := range links {
		out[i] = link{strings.ToUpper(l.Label[:1]) + l.Label[1:] + suffix, l.URL}
	}
	return out
}
