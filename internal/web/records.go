package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"golang.org/x/sync/errgroup"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// This file serves one page per record: vendors (by slug), products, agencies,
// licences, terminations, allegations, communications and sources. A retracted record
// keeps its page, with the retraction shown first; a draft is a 404.

// section is one list on a page: the records shown in full, the rest by name, and
// the total the store counted.
type section[T any] struct {
	Items []T
	Rest  []ref
	Total int
	// More is set when the store held more than the page lists.
	More bool
	// CSV and JSON are the list in the API's formats; Extra are further API lists
	// that hold some of the section's records (a country's vendors' own lists).
	CSV, JSON string
	Extra     []link
}

// newSection splits records into those shown in full, those named, and those left
// to the API (More) at a level of detail.
func newSection[T any](items []T, total int, name func(T) ref, d detail) section[T] {
	s := section[T]{Total: total}
	for i, it := range items {
		switch {
		case i < d.full:
			s.Items = append(s.Items, it)
		case i < d.full+d.named:
			s.Rest = append(s.Rest, name(it))
		}
	}
	s.More = total > len(s.Items)+len(s.Rest)
	return s
}

// recordLinks are the data links of a record's page: the record and its history as
// JSON, and its collection's CSV export (the API has no CSV of one record).
func recordLinks(collection, id string) ([]link, []link) {
	api := "/api/v1/" + collection + "/" + url.PathEscape(id)
	return []link{{"This record (JSON)", api}, {"Its public history (JSON)", api + "/history"}},
		[]link{{"All " + collection + ", this one included (CSV)", "/api/v1/export/" + collection + ".csv"}}
}

// listCSV is the URL of a filtered API list as CSV.
func listCSV(collection string, q url.Values) string {
	q.Set("format", "csv")
	q.Set("limit", "500")
	return "/api/v1/" + collection + "?" + q.Encode()
}

// listJSON is the URL of a filtered API list as JSON.
func listJSON(collection string, q url.Values) string {
	q.Set("limit", "500")
	return "/api/v1/" + collection + "?" + q.Encode()
}

// published keeps the published records of a list read with public visibility:
// lists, like country profiles, leave retracted records out.
func published[T any](rows []T, status func(T) string) []T {
	out := rows[:0:0]
	for _, r := range rows {
		if status(r) == domain.StatusPublished {
			out = append(out, r)
		}
	}
	return out
}

// vendorPage is a vendor with the records about it.
type vendorPage struct {
	Vendor         vendorView
	Products       section[productView]
	Licenses       section[licenseView]
	Terminations   section[terminationView]
	Allegations    section[allegationView]
	Communications section[communicationView]
	// Statements are those the communications shown attribute to the vendor.
	Statements []attributedStatement
}

// attributedStatement is a statement a communication attributes to a vendor, with
// the communication it is recorded in.
type attributedStatement struct {
	domain.Statement
	In     string // the communication's label
	InPath string // its page, at the statement
	SaidOn dateView
}

// vendorStatements are the statements the communications attribute to the vendor.
func vendorStatements(vendor domain.ID, cs []communicationView) []attributedStatement {
	var out []attributedStatement
	for _, c := range cs {
		for _, st := range c.Communication.Statements {
			if st.SpeakerVendorID != nil && *st.SpeakerVendorID == vendor {
				out = append(out, attributedStatement{Statement: st, In: c.Label,
					InPath: fmt.Sprintf("%s#statement-%d", c.Path, st.Position), SaidOn: dateOf(st.SaidOn)})
			}
		}
	}
	return out
}

// vendor serves /vendors/{ref}: a vendor by its slug. An id or a differently spelled
// reference redirects to the slug, the vendor's permalink.
func (s *server) vendor(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, err := s.st.GetVendor(ctx, r.PathValue("ref"), false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The permalink is the slug the vendor has now, whatever the time shown.
	slug := v.Slug
	if r.PathValue("ref") != slug {
		http.Redirect(w, r, withQuery(r, "/vendors/"+slug), http.StatusMovedPermanently)
		return
	}
	if at := asOfFrom(ctx); at != nil {
		if v, err = s.st.VendorAt(ctx, slug, *at); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	// Related lists resolve the vendor among public records (a retracted vendor
	// still has them) and show the published ones.
	p := store.ListParams{Statuses: domain.PublicStatuses, Vendor: slug, Limit: store.ProfileSectionLimit}
	var (
		products       []domain.Product
		licenses       []domain.License
		terminations   []domain.Termination
		allegations    []domain.Allegation
		communications []domain.Communication
	)
	g, gctx := errgroup.WithContext(ctx)
	goList(g, gctx, &products, listAt(ctx, s.st, "product", s.st.ListProducts), p)
	goList(g, gctx, &licenses, listAt(ctx, s.st, "license", s.st.ListLicenses), p)
	goList(g, gctx, &terminations, listAt(ctx, s.st, "termination", s.st.ListTerminations), p)
	goList(g, gctx, &allegations, listAt(ctx, s.st, "allegation", s.st.ListAllegations), p)
	goList(g, gctx, &communications, listAt(ctx, s.st, "communication", s.st.ListCommunications), p)
	if err := g.Wait(); err != nil {
		s.fail(w, r, err)
		return
	}
	// A list as long as the limit may have more rows than the page shows.
	full := [5]bool{len(products) == p.Limit, len(licenses) == p.Limit, len(terminations) == p.Limit,
		len(allegations) == p.Limit, len(communications) == p.Limit}
	products = published(products, func(x domain.Product) string { return x.Status })
	licenses = published(licenses, func(x domain.License) string { return x.Status })
	terminations = published(terminations, func(x domain.Termination) string { return x.Status })
	allegations = published(allegations, func(x domain.Allegation) string { return x.Status })
	communications = published(communications, func(x domain.Communication) string { return x.Status })

	var n needs
	n.vendor(&v.ID)
	n.vendor(v.ParentID)
	for _, l := range licenses {
		n.vendor(l.VendorID)
		n.agency(l.EndUserAgencyID)
		for _, id := range l.ProductIDs {
			n.product(&id)
		}
	}
	for _, t := range terminations {
		n.agency(t.AgencyID)
	}
	for _, a := range allegations {
		n.product(a.ProductID)
		n.agency(a.OperatorAgencyID)
	}
	rs, err := s.resolve(ctx, n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filter := url.Values{"vendor": {slug}}
	jsonLinks, _ := recordLinks("vendors", slug)
	jsonLinks = append(jsonLinks, link{"Its licences (JSON)", listJSON("licenses", filter)})
	csv := []link{
		{"Its products (CSV)", listCSV("products", url.Values{"vendor": {v.Slug}})},
		{"Its licences (CSV)", listCSV("licenses", url.Values{"vendor": {v.Slug}})},
		{"Its terminations (CSV)", listCSV("terminations", url.Values{"vendor": {v.Slug}})},
		{"Its allegations (CSV)", listCSV("allegations", url.Values{"vendor": {v.Slug}})},
		{"Communications addressed to it (CSV)", listCSV("communications", url.Values{"vendor": {v.Slug}})},
		{"All vendors, this one included (CSV)", "/api/v1/export/vendors.csv"},
	}
	s.renderFit(w, r, "vendor", func(d detail) page {
		data := vendorPage{
			Vendor:         rs.vendorView(v),
			Products:       newSection(mapViews(products, rs.productView), len(products), productRef, d),
			Licenses:       newSection(mapViews(licenses, rs.licenseView), len(licenses), licenseRef, d),
			Terminations:   newSection(mapViews(terminations, rs.terminationView), len(terminations), terminationRef, d),
			Allegations:    newSection(mapViews(allegations, rs.allegationView), len(allegations), allegationRef, d),
			Communications: newSection(mapViews(communications, rs.communicationView), len(communications), communicationRef, d),
		}
		unknownTotal(&data.Products, full[0])
		unknownTotal(&data.Licenses, full[1])
		unknownTotal(&data.Terminations, full[2])
		unknownTotal(&data.Allegations, full[3])
		unknownTotal(&data.Communications, full[4])
		data.Statements = vendorStatements(v.ID, data.Communications.Items)
		return page{Title: v.Name, Path: "/vendors/" + slug, JSON: jsonLinks, CSV: csv,
			Retraction: retractionOf(v.Record), Data: data}
	})
}

// unknownTotal marks a section whose list filled the store's page: there may be
// more records than it holds, and their number is not known here.
func unknownTotal[T any](s *section[T], full bool) {
	if full {
		s.More, s.Total = true, 0
	}
}

// mapViews converts records to their views.
func mapViews[T, V any](rows []T, view func(T) V) []V {
	out := make([]V, len(rows))
	for i, r := range rows {
		out[i] = view(r)
	}
	return out
}

func agencyRef(v agencyView) ref           { return ref{true, v.Name, v.Path} }
func vendorRef(v vendorView) ref           { return ref{true, v.Name, v.Path} }
func productRef(v productView) ref         { return ref{true, v.Name, v.Path} }
func licenseRef(v licenseView) ref         { return ref{true, v.Label, v.Path} }
func terminationRef(v terminationView) ref { return ref{true, v.Label, v.Path} }
func allegationRef(v allegationView) ref   { return ref{true, v.Label, v.Path} }
func communicationRef(v communicationView) ref {
	return ref{true, v.Label, v.Path}
}

// product serves /products/{id}.
func (s *server) product(w http.ResponseWriter, r *http.Request) {
	id, ok := s.parseID(w, r)
	if !ok {
		return
	}
	p, err := getAt(r.Context(), s.st, "product", s.st.GetProduct)(r.Context(), id, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var n needs
	n.vendor(&p.VendorID)
	rs, err := s.resolve(r.Context(), n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := rs.productView(p)
	jsonLinks, csv := recordLinks("products", p.ID.String())
	s.render(w, r, "product", page{Title: p.Name + " (" + v.Vendor.Name + ")", Path: v.Path, JSON: jsonLinks, CSV: csv,
		Retraction: retractionOf(p.Record), Data: v})
}

// agencyPage is an agency with the licences, terminations and allegations naming it.
type agencyPage struct {
	Agency       agencyView
	Licenses     section[licenseView]
	Terminations section[terminationView]
	Allegations  section[allegationView]
}

// agency serves /agencies/{id}.
func (s *server) agency(w http.ResponseWriter, r *http.Request) {
	id, ok := s.parseID(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	a, err := getAt(ctx, s.st, "agency", s.st.GetAgency)(ctx, id, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := store.ListParams{Statuses: []string{domain.StatusPublished}, AgencyID: id, Limit: store.ProfileSectionLimit}
	var (
		licenses     []domain.License
		terminations []domain.Termination
		allegations  []domain.Allegation
	)
	g, gctx := errgroup.WithContext(ctx)
	goList(g, gctx, &licenses, listAt(ctx, s.st, "license", s.st.ListLicenses), p)
	goList(g, gctx, &terminations, listAt(ctx, s.st, "termination", s.st.ListTerminations), p)
	goList(g, gctx, &allegations, listAt(ctx, s.st, "allegation", s.st.ListAllegations), p)
	if err := g.Wait(); err != nil {
		s.fail(w, r, err)
		return
	}
	var n needs
	n.agency(a.ParentID)
	n.agency(&a.ID)
	for _, l := range licenses {
		n.vendor(l.VendorID)
		for _, pid := range l.ProductIDs {
			n.product(&pid)
		}
	}
	for _, t := range terminations {
		n.vendor(&t.VendorID)
	}
	for _, al := range allegations {
		n.vendor(al.VendorID)
		n.product(al.ProductID)
	}
	rs, err := s.resolve(ctx, n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	jsonLinks, csv := recordLinks("agencies", a.ID.String())
	csv = append([]link{{"Licences to it (CSV)", listCSV("licenses", url.Values{"agency": {a.ID.String()}})}}, csv...)
	s.renderFit(w, r, "agency", func(d detail) page {
		data := agencyPage{
			Agency:       rs.agencyView(a),
			Licenses:     newSection(mapViews(licenses, rs.licenseView), len(licenses), licenseRef, d),
			Terminations: newSection(mapViews(terminations, rs.terminationView), len(terminations), terminationRef, d),
			Allegations:  newSection(mapViews(allegations, rs.allegationView), len(allegations), allegationRef, d),
		}
		unknownTotal(&data.Licenses, len(licenses) == p.Limit)
		unknownTotal(&data.Terminations, len(terminations) == p.Limit)
		unknownTotal(&data.Allegations, len(allegations) == p.Limit)
		return page{Title: a.Name, Path: data.Agency.Path, JSON: jsonLinks, CSV: csv,
			Retraction: retractionOf(a.Record), Data: data}
	})
}

// license serves /licenses/{id}.
func (s *server) license(w http.ResponseWriter, r *http.Request) {
	recordPage(s, w, r, "licenses", "license", getAt(r.Context(), s.st, "license", s.st.GetLicense), func(l domain.License, n *needs) {
		n.vendor(l.VendorID)
		n.agency(l.EndUserAgencyID)
		for _, pid := range l.ProductIDs {
			n.product(&pid)
		}
	}, (*refs).licenseView)
}

// termination serves /terminations/{id}.
func (s *server) termination(w http.ResponseWriter, r *http.Request) {
	recordPage(s, w, r, "terminations", "termination", getAt(r.Context(), s.st, "termination", s.st.GetTermination), func(t domain.Termination, n *needs) {
		n.vendor(&t.VendorID)
		n.agency(t.AgencyID)
	}, (*refs).terminationView)
}

// allegation serves /allegations/{id}.
func (s *server) allegation(w http.ResponseWriter, r *http.Request) {
	recordPage(s, w, r, "allegations", "allegation", getAt(r.Context(), s.st, "allegation", s.st.GetAllegation), func(a domain.Allegation, n *needs) {
		n.vendor(a.VendorID)
		n.product(a.ProductID)
		n.agency(a.OperatorAgencyID)
	}, (*refs).allegationView)
}

// communication serves /communications/{id}.
func (s *server) communication(w http.ResponseWriter, r *http.Request) {
	recordPage(s, w, r, "communications", "communication", getAt(r.Context(), s.st, "communication", s.st.GetCommunication), func(c domain.Communication, n *needs) {
		n.vendor(c.RecipientVendorID)
		for _, st := range c.Statements {
			n.vendor(st.SpeakerVendorID)
			n.source(st.SourceID)
			n.source(st.OriginalSourceID)
		}
	}, (*refs).communicationView)
}

// labeled is a record view that names its own page.
type labeled interface {
	label() string
	path() string
}

func (v licenseView) label() string       { return v.Label }
func (v licenseView) path() string        { return v.Path }
func (v terminationView) label() string   { return v.Label }
func (v terminationView) path() string    { return v.Path }
func (v allegationView) label() string    { return v.Label }
func (v allegationView) path() string     { return v.Path }
func (v communicationView) label() string { return v.Label }
func (v communicationView) path() string  { return v.Path }

// recordPage serves the page of a record that shows its own fields and the names of
// the records it refers to: read it (public records only), resolve those names in one
// pass, render.
func recordPage[R interface{ Base() domain.Record }, V labeled](s *server, w http.ResponseWriter, r *http.Request, collection, tmpl string,
	get func(context.Context, int, bool) (R, error), refer func(R, *needs), view func(*refs, R) V) {
	id, ok := s.parseID(w, r)
	if !ok {
		return
	}
	rec, err := get(r.Context(), id, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var n needs
	refer(rec, &n)
	rs, err := s.resolve(r.Context(), n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := view(rs, rec)
	base := rec.Base()
	jsonLinks, csv := recordLinks(collection, base.ID.String())
	s.render(w, r, tmpl, page{Title: v.label(), Path: v.path(), JSON: jsonLinks, CSV: csv,
		Retraction: retractionOf(base), Data: v})
}

// source serves /sources/{id}.
func (s *server) source(w http.ResponseWriter, r *http.Request) {
	id, ok := s.parseID(w, r)
	if !ok {
		return
	}
	src, err := getAt(r.Context(), s.st, "source", s.st.GetSource)(r.Context(), id, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := sourceViewOf(src)
	jsonLinks, csv := recordLinks("sources", src.ID.String())
	s.render(w, r, "source", page{Title: src.Title, Path: v.Path, JSON: jsonLinks, CSV: csv,
		Retraction: retractionOf(src.Record), Data: v})
}
