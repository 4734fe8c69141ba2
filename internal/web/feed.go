package web

import (
	"context"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// Headline is how a change feed names a change's record: as the record's page does,
// with the page's path.
type Headline struct {
	// Title names the record, its kind first, in the pages' words ("Licence 1:
	// end-user licence, NSO Group to Mexico"; "Vendor: NSO Group").
	Title string
	// Path is the record's page ("/licenses/1"), or "" when the public cannot see it.
	Path string
}

// Headlines names the records of changes as their pages do. Named records (vendors,
// products, agencies, sources) are named as the change left them; the others are
// labelled from the public record as it is now, with the names of the records it
// refers to, as on its page.
func Headlines(ctx context.Context, st *store.Store, changes []store.Change) ([]Headline, error) {
	s := &server{st: st}
	ids := map[string][]int{}
	for _, c := range changes {
		ids[c.RecordType] = append(ids[c.RecordType], int(c.RecordID))
	}
	// The records as public now, one read per kind, by kind and id.
	found := map[string]map[domain.ID]any{}
	keep := func(kind string, id domain.ID, rec any) {
		if found[kind] == nil {
			found[kind] = map[domain.ID]any{}
		}
		found[kind][id] = rec
	}
	var n needs
	if ids["license"] != nil {
		ls, err := st.GetLicenses(ctx, ids["license"], false)
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			keep("license", l.ID, l)
			n.vendor(l.VendorID)
			n.agency(l.EndUserAgencyID)
		}
	}
	if ids["termination"] != nil {
		ts, err := st.GetTerminations(ctx, ids["termination"], false)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			keep("termination", t.ID, t)
			n.vendor(&t.VendorID)
		}
	}
	if ids["allegation"] != nil {
		as, err := st.GetAllegations(ctx, ids["allegation"], false)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			keep("allegation", a.ID, a)
			n.vendor(a.VendorID)
			n.product(a.ProductID)
			n.agency(a.OperatorAgencyID)
		}
	}
	if ids["communication"] != nil {
		cs, err := st.GetCommunications(ctx, ids["communication"], false)
		if err != nil {
			return nil, err
		}
		for _, cm := range cs {
			keep("communication", cm.ID, cm)
			n.vendor(cm.RecipientVendorID)
		}
	}
	recs := make([]any, len(changes))
	for i, c := range changes {
		if c.RecordType == "vendor" {
			n.vendor(&c.RecordID)
		}
		recs[i] = found[c.RecordType][c.RecordID]
	}
	rs, err := s.resolve(ctx, n)
	if err != nil {
		return nil, err
	}
	out := make([]Headline, len(changes))
	for i, c := range changes {
		k := changeKinds[c.RecordType]
		h := Headline{Title: k[0] + ": " + c.Label, Path: "/" + k[1] + "/" + c.RecordID.String()}
		switch rec := recs[i].(type) {
		case domain.License:
			v := rs.licenseView(rec)
			h = Headline{v.Label, v.Path}
		case domain.Termination:
			v := rs.terminationView(rec)
			h = Headline{v.Label, v.Path}
		case domain.Allegation:
			v := rs.allegationView(rec)
			h = Headline{v.Label, v.Path}
		case domain.Communication:
			v := rs.communicationView(rec)
			h = Headline{v.Label, v.Path}
		case nil:
			switch c.RecordType {
			case "vendor":
				h.Path = rs.vendor(&c.RecordID).URL // by its slug; none if no longer public
			case "license", "termination", "allegation", "communication":
				// No longer public: named by kind and id, as a reference to it is.
				h = Headline{k[0] + " " + c.RecordID.String(), ""}
			}
		}
		out[i] = h
	}
	return out, nil
}
