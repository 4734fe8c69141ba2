package web

import (
	"context"
	"net/url"
	"strconv"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// collection is one record collection as the console edits it: the store's write
// path (store.Kind, the same the API writes through) and reads with drafts, behind
// one non-generic face so that one set of handlers and templates serves all eight.
type collection interface {
	// Plural is the collection's URL segment ("licenses"); Type the record type.
	Plural() string
	Type() string
	Title() string // "Licences"
	Fields() []formField
	// Get reads a record, drafts included.
	Get(ctx context.Context, id int) (staffRecord, error)
	List(ctx context.Context, p store.ListParams) ([]staffRecord, string, error)
	// Create and Save parse a form and write it; problems are the form's per field.
	Create(ctx context.Context, form url.Values, e store.Edit) (domain.ID, domain.Problems, error)
	Save(ctx context.Context, id, rev int, form url.Values, e store.Edit) (domain.Problems, error)
	Publish(ctx context.Context, id int, rev *int, e store.Edit) error
	Retract(ctx context.Context, id int, rev *int, reason string, e store.Edit) error
	Cite(ctx context.Context, id int, rev *int, c domain.Citation, e store.Edit) error
	Uncite(ctx context.Context, id int, rev *int, citationID int, e store.Edit) error
}

// staffRecord is a record as the console shows it.
type staffRecord struct {
	domain.Record
	Name string
	// Form is the record's fields as form values.
	Form url.Values
}

// coll implements collection for a record kind.
type coll[F, R any] struct {
	plural, typ, title string
	kind               store.Kind[F, R]
	fields             []formField
	split              func(R) (domain.Record, F)
	name               func(R) string
	get                func(*store.Store, context.Context, int) (R, error)
	list               func(*store.Store, context.Context, store.ListParams) ([]R, string, error)
	st                 *store.Store
	// resolve reads the references its forms name (see refResolver).
	resolve refResolver
}

func (c *coll[F, R]) bind(r refResolver) { c.resolve = r }

func (c *coll[F, R]) Plural() string      { return c.plural }
func (c *coll[F, R]) Type() string        { return c.typ }
func (c *coll[F, R]) Title() string       { return c.title }
func (c *coll[F, R]) Fields() []formField { return c.fields }

func (c *coll[F, R]) view(r R) staffRecord {
	base, f := c.split(r)
	return staffRecord{Record: base, Name: c.name(r), Form: recordForm(c.fields, f)}
}

func (c *coll[F, R]) Get(ctx context.Context, id int) (staffRecord, error) {
	r, err := c.get(c.st, ctx, id)
	if err != nil {
		return staffRecord{}, err
	}
	return c.view(r), nil
}

func (c *coll[F, R]) List(ctx context.Context, p store.ListParams) ([]staffRecord, string, error) {
	rows, next, err := c.list(c.st, ctx, p)
	out := make([]staffRecord, len(rows))
	for i, r := range rows {
		out[i] = c.view(r)
	}
	return out, next, err
}

func (c *coll[F, R]) Create(ctx context.Context, form url.Values, e store.Edit) (domain.ID, domain.Problems, error) {
	f, p, err := parseForm[F](ctx, c.fields, form, c.resolve)
	if err != nil || len(p) > 0 {
		return 0, p, err
	}
	r, err := store.Create(ctx, c.st, c.kind, f, e)
	if err != nil {
		return 0, nil, err
	}
	base, _ := c.split(r)
	return base.ID, nil, nil
}

func (c *coll[F, R]) Save(ctx context.Context, id, rev int, form url.Values, e store.Edit) (domain.Problems, error) {
	f, p, err := parseForm[F](ctx, c.fields, form, c.resolve)
	if err != nil || len(p) > 0 {
		return p, err
	}
	// The form carries every field: it replaces the record's fields whole.
	_, err = store.Update(ctx, c.st, c.kind, id, rev, func(F) (F, error) { return f, nil }, e)
	return nil, err
}

func (c *coll[F, R]) Publish(ctx context.Context, id int, rev *int, e store.Edit) error {
	_, err := store.Publish(ctx, c.st, c.kind, id, rev, e)
	return err
}

func (c *coll[F, R]) Retract(ctx context.Context, id int, rev *int, reason string, e store.Edit) error {
	_, err := store.Retract(ctx, c.st, c.kind, id, rev, reason, e)
	return err
}

func (c *coll[F, R]) Cite(ctx context.Context, id int, rev *int, ct domain.Citation, e store.Edit) error {
	_, err := store.AddCitation(ctx, c.st, c.kind, id, rev, ct, e)
	return err
}

func (c *coll[F, R]) Uncite(ctx context.Context, id int, rev *int, citationID int, e store.Edit) error {
	_, err := store.DeleteCitation(ctx, c.st, c.kind, id, rev, citationID, e)
	return err
}

// optName is a record's optional text name, or its type and id.
func optName(s *string, what string, id domain.ID) string {
	if s != nil && *s != "" {
		return *s
	}
	return what + " " + id.String()
}

// collections returns the console's collections over st, in the order the console
// lists them.
func collections(st *store.Store) []collection {
	all := []collection{
		&coll[domain.VendorFields, domain.Vendor]{plural: "vendors", typ: "vendor", title: "Vendors", kind: store.Vendors,
			fields: formFields[domain.VendorFields]("vendor"), st: st,
			split: func(r domain.Vendor) (domain.Record, domain.VendorFields) { return r.Record, r.VendorFields },
			name:  func(r domain.Vendor) string { return r.Name },
			get: func(s *store.Store, ctx context.Context, id int) (domain.Vendor, error) {
				return s.GetVendor(ctx, strconv.Itoa(id), true)
			},
			list: (*store.Store).ListVendors},
		&coll[domain.ProductFields, domain.Product]{plural: "products", typ: "product", title: "Products", kind: store.Products,
			fields: formFields[domain.ProductFields]("product"), st: st,
			split: func(r domain.Product) (domain.Record, domain.ProductFields) { return r.Record, r.ProductFields },
			name:  func(r domain.Product) string { return r.Name },
			get: func(s *store.Store, ctx context.Context, id int) (domain.Product, error) {
				return s.GetProduct(ctx, id, true)
			},
			list: (*store.Store).ListProducts},
		&coll[domain.AgencyFields, domain.Agency]{plural: "agencies", typ: "agency", title: "Agencies", kind: store.Agencies,
			fields: formFields[domain.AgencyFields]("agency"), st: st,
			split: func(r domain.Agency) (domain.Record, domain.AgencyFields) { return r.Record, r.AgencyFields },
			name:  func(r domain.Agency) string { return r.Name + " (" + r.StateCode + ")" },
			get: func(s *store.Store, ctx context.Context, id int) (domain.Agency, error) {
				return s.GetAgency(ctx, id, true)
			},
			list: (*store.Store).ListAgencies},
		&coll[domain.LicenseFields, domain.License]{plural: "licenses", typ: "license", title: "Licences", kind: store.Licenses,
			fields: formFields[domain.LicenseFields]("license"), st: st,
			split: func(r domain.License) (domain.Record, domain.LicenseFields) { return r.Record, r.LicenseFields },
			name:  func(r domain.License) string { return optName(r.Reference, "Licence", r.ID) },
			get: func(s *store.Store, ctx context.Context, id int) (domain.License, error) {
				return s.GetLicense(ctx, id, true)
			},
			list: (*store.Store).ListLicenses},
		&coll[domain.TerminationFields, domain.Termination]{plural: "terminations", typ: "termination", title: "Terminations", kind: store.Terminations,
			fields: formFields[domain.TerminationFields]("termination"), st: st,
			split: func(r domain.Termination) (domain.Record, domain.TerminationFields) {
				return r.Record, r.TerminationFields
			},
			name: func(r domain.Termination) string { return "Termination " + r.ID.String() },
			get: func(s *store.Store, ctx context.Context, id int) (domain.Termination, error) {
				return s.GetTermination(ctx, id, true)
			},
			list: (*store.Store).ListTerminations},
		&coll[domain.AllegationFields, domain.Allegation]{plural: "allegations", typ: "allegation", title: "Allegations", kind: store.Allegations,
			fields: formFields[domain.AllegationFields]("allegation"), st: st,
			split: func(r domain.Allegation) (domain.Record, domain.AllegationFields) {
				return r.Record, r.AllegationFields
			},
			name: func(r domain.Allegation) string { return "Allegation " + r.ID.String() },
			get: func(s *store.Store, ctx context.Context, id int) (domain.Allegation, error) {
				return s.GetAllegation(ctx, id, true)
			},
			list: (*store.Store).ListAllegations},
		&coll[domain.CommunicationFields, domain.Communication]{plural: "communications", typ: "communication", title: "Communications", kind: store.Communications,
			fields: formFields[domain.CommunicationFields]("communication"), st: st,
			split: func(r domain.Communication) (domain.Record, domain.CommunicationFields) {
				return r.Record, r.CommunicationFields
			},
			name: func(r domain.Communication) string { return optName(r.Reference, "Communication", r.ID) },
			get: func(s *store.Store, ctx context.Context, id int) (domain.Communication, error) {
				return s.GetCommunication(ctx, id, true)
			},
			list: (*store.Store).ListCommunications},
		&coll[domain.SourceFields, domain.Source]{plural: "sources", typ: "source", title: "Sources", kind: store.Sources,
			fields: formFields[domain.SourceFields]("source"), st: st,
			split: func(r domain.Source) (domain.Record, domain.SourceFields) { return r.Record, r.SourceFields },
			name:  func(r domain.Source) string { return r.Title },
			get: func(s *store.Store, ctx context.Context, id int) (domain.Source, error) {
				return s.GetSource(ctx, id, true)
			},
			list: (*store.Store).ListSources},
	}
	resolve := refFinder{st: st, colls: all}.resolve
	for _, c := range all {
		c.(interface{ bind(refResolver) }).bind(resolve)
	}
	return all
}
