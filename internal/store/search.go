package store

import (
	"context"
	"strconv"
	"strings"
	"sync"

	"github.com/export-registry/registry/ent/agency"
	"github.com/export-registry/registry/ent/allegation"
	"github.com/export-registry/registry/ent/communication"
	"github.com/export-registry/registry/ent/predicate"
	"github.com/export-registry/registry/ent/product"
	"github.com/export-registry/registry/ent/setting"
	"github.com/export-registry/registry/ent/source"
	"github.com/export-registry/registry/ent/termination"
	"github.com/export-registry/registry/ent/vendor"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/search"
)

// searchEntries returns the searchable texts of the public (published) records and
// of the states: vendor names, slugs and aliases; product names; agency names and
// aliases; source titles and document symbols; state names and codes.
func (s *Store) searchEntries(ctx context.Context) ([]search.Entry, error) {
	out, err := s.nameEntries(ctx, true)
	if err != nil {
		return nil, err
	}
	states, err := s.client.State.Query().All(ctx)
	if err != nil {
		return nil, err
	}
	for _, st := range states {
		out = append(out,
			search.Entry{Type: "state", ID: st.ID, Field: "name", Text: st.Name, Label: st.Name},
			search.Entry{Type: "state", ID: st.ID, Field: "code", Text: st.ID, Label: st.Name})
		if st.Alpha3 != "" {
			out = append(out, search.Entry{Type: "state", ID: st.ID, Field: "code", Text: st.Alpha3, Label: st.Name})
		}
		official, other := domain.CountryOtherNames(st.ID)
		if official != "" {
			out = append(out, search.Entry{Type: "state", ID: st.ID, Field: "official_name", Text: official, Label: st.Name})
		}
		for _, o := range other {
			out = append(out, search.Entry{Type: "state", ID: st.ID, Field: "alias", Text: o, Label: st.Name})
		}
	}
	prose, err := s.proseEntries(ctx)
	if err != nil {
		return nil, err
	}
	return append(out, prose...), nil
}

// StaffNameIndex returns a search index of the names of every vendor, product,
// agency and source in any status (retracted ones aside), for staff's intake to match
// incoming records against drafts too. It is built afresh on each call and never
// answers the public.
func (s *Store) StaffNameIndex(ctx context.Context) (*search.Index, error) {
	entries, err := s.nameEntries(ctx, false)
	if err != nil {
		return nil, err
	}
	return search.New(entries), nil
}

// nameEntries returns the names of vendors, products, agencies and sources:
// published ones only (public), or drafts too.
func (s *Store) nameEntries(ctx context.Context, public bool) ([]search.Entry, error) {
	var out []search.Entry
	add := func(typ string, id int, field, text, label string) {
		if text != "" {
			out = append(out, search.Entry{Type: typ, ID: strconv.Itoa(id), Field: field, Text: text, Label: label})
		}
	}
	vendors, err := s.client.Vendor.Query().Where(vendorStatus(public)).
		Select(vendor.FieldID, vendor.FieldName, vendor.FieldSlug, vendor.FieldAliases).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, v := range vendors {
		add("vendor", v.ID, "name", v.Name, v.Name)
		add("vendor", v.ID, "slug", v.Slug, v.Name)
		for _, a := range v.Aliases {
			add("vendor", v.ID, "alias", a.Name, v.Name)
		}
	}
	products, err := s.client.Product.Query().Where(productStatus(public)).
		Select(product.FieldID, product.FieldName).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range products {
		add("product", p.ID, "name", p.Name, p.Name)
	}
	agencies, err := s.client.Agency.Query().Where(agencyStatus(public)).
		Select(agency.FieldID, agency.FieldName, agency.FieldAliases).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range agencies {
		add("agency", a.ID, "name", a.Name, a.Name)
		for _, alias := range a.Aliases {
			add("agency", a.ID, "alias", alias, a.Name)
		}
	}
	sources, err := s.client.Source.Query().Where(sourceStatus(public)).
		Select(source.FieldID, source.FieldTitle, source.FieldDocumentSymbol).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, src := range sources {
		add("source", src.ID, "title", src.Title, src.Title)
		if src.DocumentSymbol != nil {
			add("source", src.ID, "document_symbol", *src.DocumentSymbol, src.Title)
		}
	}
	return out, nil
}

// proseEntries returns the public records' running text, a sentence per entry so
// that a hit shows the sentence that matched: communications' summaries and
// questions, allegations' summaries and vendors' replies, terminations' and
// sources' descriptions.
func (s *Store) proseEntries(ctx context.Context) ([]search.Entry, error) {
	var out []search.Entry
	add := func(typ string, id int, field string, text *string, label string) {
		if text == nil {
			return
		}
		for _, sentence := range search.Sentences(*text) {
			out = append(out, search.Entry{Type: typ, ID: strconv.Itoa(id), Field: field, Text: sentence, Label: label})
		}
	}
	comms, err := s.client.Communication.Query().Where(communication.StatusEQ(communication.StatusPublished)).
		WithQuestions().All(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range comms {
		label := communicationLabel(c.Reference, string(c.Kind), c.Sender)
		add("communication", c.ID, "summary", c.Summary, label)
		for _, q := range c.Edges.Questions {
			add("communication", c.ID, "question", &q.Text, label)
		}
	}
	allegations, err := s.client.Allegation.Query().Where(allegation.StatusEQ(allegation.StatusPublished)).
		Select(allegation.FieldID, allegation.FieldSummary, allegation.FieldVendorReply).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range allegations {
		label := "Allegation " + strconv.Itoa(a.ID)
		add("allegation", a.ID, "summary", a.Summary, label)
		add("allegation", a.ID, "vendor_reply", a.VendorReply, label)
	}
	terminations, err := s.client.Termination.Query().Where(termination.StatusEQ(termination.StatusPublished)).
		Select(termination.FieldID, termination.FieldDescription).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range terminations {
		add("termination", t.ID, "description", t.Description, "Termination "+strconv.Itoa(t.ID))
	}
	sources, err := s.client.Source.Query().Where(source.StatusEQ(source.StatusPublished)).
		Select(source.FieldID, source.FieldTitle, source.FieldDescription).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, src := range sources {
		add("source", src.ID, "description", src.Description, src.Title)
	}
	return out, nil
}

// communicationLabel is how a search hit names a communication: its reference
// ("OL OTH 2/2020"), else its kind and sender ("Reply from NSO Group").
func communicationLabel(reference *string, kind, sender string) string {
	if reference != nil && *reference != "" {
		return *reference
	}
	if kind == "" {
		kind = "communication"
	}
	return strings.ToUpper(kind[:1]) + kind[1:] + " from " + sender
}

// syntheticKey is the setting that marks a database as holding generated data.
const syntheticKey = "synthetic"

// MarkSynthetic marks the database as synthetic: every answer from it says so.
func (s *Store) MarkSynthetic(ctx context.Context) error {
	return s.client.Setting.Create().SetID(syntheticKey).SetValue("true").
		OnConflictColumns(setting.FieldID).UpdateNewValues().Exec(domain.SystemContext(ctx))
}

// IsSynthetic reports whether the database holds a synthetic registry.
func (s *Store) IsSynthetic(ctx context.Context) (bool, error) {
	return s.client.Setting.Query().Where(setting.ID(syntheticKey)).Exist(ctx)
}

// searchCache keeps the search index of one dataset version, shared by every user of
// the store (the API and the pages).
type searchCache struct {
	mu      sync.Mutex
	version string
	index   *search.Index
}

// SearchIndex returns the search index of the public records at the given dataset
// version, building it when the version has moved. Every instance builds its own from
// the shared database, keyed by the shared version, so all answer alike.
func (s *Store) SearchIndex(ctx context.Context, version string) (*search.Index, error) {
	c := s.search
	if c == nil { // a transaction's store: no cache to share
		entries, err := s.searchEntries(ctx)
		if err != nil {
			return nil, err
		}
		return search.New(entries), nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.index != nil && c.version == version {
		return c.index, nil
	}
	entries, err := s.searchEntries(ctx)
	if err != nil {
		return nil, err
	}
	c.index, c.version = search.New(entries), version
	return c.index, nil
}

// The statuses nameEntries reads: published, or published and drafts.
func vendorStatus(public bool) predicate.Vendor {
	if public {
		return vendor.StatusEQ(vendor.StatusPublished)
	}
	return vendor.StatusNEQ(vendor.StatusRetracted)
}

func productStatus(public bool) predicate.Product {
	if public {
		return product.StatusEQ(product.StatusPublished)
	}
	return product.StatusNEQ(product.StatusRetracted)
}

func agencyStatus(public bool) predicate.Agency {
	if public {
		return agency.StatusEQ(agency.StatusPublished)
	}
	return agency.StatusNEQ(agency.StatusRetracted)
}

func sourceStatus(public bool) predicate.Source {
	if public {
		return source.StatusEQ(source.StatusPublished)
	}
	return source.StatusNEQ(source.StatusRetracted)
}
