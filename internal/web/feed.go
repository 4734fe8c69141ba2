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
	var n needs
	recs := make([]any, len(changes))
	for i, c := range changes {
		id := int(c.RecordID)
		var (
			rec any
			err error
		)
		switch c.RecordType {
		case "vendor":
			n.vendor(&c.RecordID)
		case "license":
			var l domain.License
			if l, err = st.GetLicense(ctx, id, false); err == nil {
				rec = l
				n.vendor(l.VendorID)
				n.agency(l.EndUserAgencyID)
			}
		case "termination":
			var t domain.Termination
			if t, err = st.GetTermination(ctx, id, false); err == nil {
				rec = t
				n.vendor(&t.VendorID)
			}
		case "allegation":
			var a domain.Allegation
			if a, err = st.GetAllegation(ctx, id, false); err == nil {
				rec = a
				n.vendor(a.VendorID)
				n.product(a.ProductID)
				n.agency(a.OperatorAgencyID)
			}
		case "communication":
			var cm domain.Communication
			if cm, err = st.GetCommunication(ctx, id, false); err == nil {
				rec = cm
				n.vendor(cm.RecipientVendorID)
			}
		}
		if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
			return nil, err
		}
		recs[i] = rec
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
