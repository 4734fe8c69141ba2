package dataset

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// FtMDataset is the dataset name every exported FollowTheMoney entity carries.
const FtMDataset = "surveillance_export_registry"

// FtMEntity is one FollowTheMoney entity: a schema of the FtM model, its properties
// (every value a list of strings), and when the registry first and last saw it.
type FtMEntity struct {
	ID         string              `json:"id"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
	Datasets   []string            `json:"datasets"`
	FirstSeen  string              `json:"first_seen,omitempty"`
	LastSeen   string              `json:"last_seen,omitempty"`
}

// FtM ids are namespaced by record type, so that a vendor and an agency with the
// same registry id never collide, and stay the same from one export to the next.
func ftmID(kind string, id domain.ID) string { return fmt.Sprintf("ser-%s-%d", kind, id) }
func ftmStateID(code string) string          { return "ser-state-" + code }

// ftmTime is a timestamp in FtM's form (ISO 8601, UTC, to the second).
func ftmTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05")
}

// ftmProps collects an entity's properties, leaving out empty values.
type ftmProps map[string][]string

func (p ftmProps) add(prop string, values ...string) {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			p[prop] = append(p[prop], v)
		}
	}
}

func (p ftmProps) addPtr(prop string, v *string) {
	if v != nil {
		p.add(prop, *v)
	}
}

func (p ftmProps) addDate(prop string, d *domain.Date) {
	if d != nil {
		p.add(prop, string(*d))
	}
}

// addCountry adds a country as FtM writes them: lower-case ISO 3166-1 alpha-2.
func (p ftmProps) addCountry(prop string, codes ...string) {
	for _, c := range codes {
		p.add(prop, strings.ToLower(c))
	}
}

// ftmWriter writes the entities of one export, keeping what later entities refer to.
type ftmWriter struct {
	enc   *json.Encoder
	names store.Names
	// sources are the public sources written, by id: a citation of any other is left out.
	sources map[domain.ID]bool
	// states are the states referred to, written last as PublicBody entities.
	states map[string]bool
}

func (w *ftmWriter) write(e FtMEntity) error {
	if e.Properties == nil {
		e.Properties = map[string][]string{}
	}
	e.Datasets = []string{FtMDataset}
	return w.enc.Encode(e)
}

// record writes a record's entity and a Documentation entity for each of its citations.
func (w *ftmWriter) record(kind string, r domain.Record, schema string, p ftmProps) error {
	if r.Status == domain.StatusRetracted {
		note := "Retracted by the registry"
		if r.RetractionReason != nil && *r.RetractionReason != "" {
			note += ": " + *r.RetractionReason
		}
		p.add("notes", note)
	}
	id := ftmID(kind, r.ID)
	if err := w.write(FtMEntity{ID: id, Schema: schema, Properties: p, FirstSeen: ftmTime(r.CreatedAt), LastSeen: ftmTime(r.UpdatedAt)}); err != nil {
		return err
	}
	for i, c := range r.Citations {
		if !w.sources[c.SourceID] {
			continue
		}
		cid := ftmID("citation", c.ID)
		if c.ID == 0 {
			cid = fmt.Sprintf("ser-citation-%s-%d-%d", kind, r.ID, i)
		}
		dp := ftmProps{}
		dp.add("document", ftmID("source", c.SourceID))
		dp.add("entity", id)
		dp.add("role", c.Confidence)
		if len(c.Fields) > 0 {
			dp.add("summary", "supports: "+strings.Join(c.Fields, ", "))
		}
		dp.addPtr("description", c.Locator)
		if err := w.write(FtMEntity{ID: cid, Schema: "Documentation", Properties: dp, FirstSeen: ftmTime(r.CreatedAt), LastSeen: ftmTime(r.UpdatedAt)}); err != nil {
			return err
		}
	}
	return nil
}

// ref returns the FtM id of a public vendor, agency or product, or "" when the record
// is not public (a draft never shows, even as a reference).
func (w *ftmWriter) ref(kind string, id *domain.ID) string {
	if id == nil {
		return ""
	}
	if _, ok := w.names.Of(kind, *id); !ok {
		return ""
	}
	return ftmID(kind, *id)
}

// state returns the FtM id of a state, noting it to be written.
func (w *ftmWriter) state(code *string) string {
	if code == nil || *code == "" {
		return ""
	}
	w.states[*code] = true
	return ftmStateID(*code)
}

// WriteFtM writes every public record as FollowTheMoney entities, one JSON object a
// line: sources as Document (Article for the media), with a Documentation entity for
// each citation linking the source to the record it supports; vendors as Company;
// agencies and the states named as PublicBody; licences as License, with the end user
// as its authority and a ContractAward naming the vendor as supplier (and the validity
// as its start and end); allegations and terminations as Event. Products, which FtM
// has no schema for, are a licence's commodities. Drafts are never written, nor a
// reference to one. Call it on a store that reads one consistent state
// (store.Snapshot) for an export that agrees with itself.
func WriteFtM(ctx context.Context, st *store.Store, out io.Writer) error {
	names, err := st.PublicNames(ctx, nil)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	w := &ftmWriter{enc: enc, names: names, sources: map[domain.ID]bool{}, states: map[string]bool{}}

	err = eachPublic(ctx, st.ListSources, func(s domain.Source) error {
		w.sources[s.ID] = true
		return nil
	})
	if err != nil {
		return err
	}
	err = eachPublic(ctx, st.ListSources, func(s domain.Source) error {
		p := ftmProps{}
		p.add("title", s.Title)
		p.add("name", s.Title)
		p.addPtr("publisher", s.Publisher)
		p.addPtr("sourceUrl", s.URL)
		p.addDate("publishedAt", s.PublishedOn)
		p.addPtr("keywords", s.DocumentSymbol)
		p.add("keywords", s.Kind)
		p.addPtr("description", s.Description)
		schema := "Document"
		if s.Kind == "media" {
			schema = "Article"
		}
		return w.record("source", s.Record, schema, p)
	})
	if err != nil {
		return err
	}
	err = eachPublic(ctx, st.ListVendors, func(v domain.Vendor) error {
		p := ftmProps{}
		p.add("name", v.Name)
		for _, a := range v.Aliases {
			p.add("alias", a.Name)
		}
		if v.HeadquartersCountry != nil {
			p.addCountry("jurisdiction", *v.HeadquartersCountry)
			p.addCountry("mainCountry", *v.HeadquartersCountry)
		}
		p.addCountry("country", v.OtherJurisdictions...)
		p.addPtr("website", v.Website)
		p.add("parent", w.ref("vendor", v.ParentID))
		p.addPtr("description", v.Description)
		for _, d := range v.Designations {
			p.add("program", d.List)
		}
		return w.record("vendor", v.Record, "Company", p)
	})
	if err != nil {
		return err
	}
	err = eachPublic(ctx, st.ListAgencies, func(a domain.Agency) error {
		p := ftmProps{}
		p.add("name", a.Name)
		p.add("alias", a.Aliases...)
		p.addCountry("country", a.StateCode)
		p.addCountry("jurisdiction", a.StateCode)
		p.add("classification", a.Kind)
		p.add("parent", w.ref("agency", a.ParentID))
		p.addPtr("description", a.Description)
		return w.record("agency", a.Record, "PublicBody", p)
	})
	if err != nil {
		return err
	}
	err = eachPublic(ctx, st.ListLicenses, func(l domain.License) error {
		p := ftmProps{}
		vendor := w.ref("vendor", l.VendorID)
		endUser := w.ref("agency", l.EndUserAgencyID)
		if endUser == "" {
			endUser = w.state(l.EndUserState)
		}
		p.add("name", licenseName(l, w.names))
		p.add("authority", endUser)
		p.add("type", l.Kind)
		p.add("status", l.LicenseStatus)
		p.addDate("contractDate", l.DecisionDate)
		p.addPtr("procedureNumber", l.Reference)
		for _, pid := range l.ProductIDs {
			if n, ok := w.names.Of("product", pid); ok {
				p.add("commodities", n.Name)
			}
		}
		p.add("classification", l.ControlListEntries...)
		if l.EndUserState != nil {
			p.addCountry("country", *l.EndUserState)
		}
		if l.ExportingState != nil {
			p.addCountry("country", *l.ExportingState)
		}
		p.add("area", l.Geography...)
		if l.IssuingAuthority != nil {
			p.add("notes", "Issued by "+*l.IssuingAuthority)
		}
		p.addPtr("description", l.Description)
		if err := w.record("license", l.Record, "License", p); err != nil {
			return err
		}
		if vendor == "" {
			return nil
		}
		ap := ftmProps{}
		ap.add("contract", ftmID("license", l.ID))
		ap.add("supplier", vendor)
		ap.add("role", "vendor")
		ap.add("status", l.LicenseStatus)
		ap.addDate("startDate", l.ValidFrom)
		ap.addDate("endDate", l.ValidUntil)
		ap.addDate("date", l.DecisionDate)
		return w.write(FtMEntity{ID: ftmID("award", l.ID), Schema: "ContractAward", Properties: ap, FirstSeen: ftmTime(l.CreatedAt), LastSeen: ftmTime(l.UpdatedAt)})
	})
	if err != nil {
		return err
	}
	err = eachPublic(ctx, st.ListTerminations, func(t domain.Termination) error {
		p := ftmProps{}
		vendor := w.ref("vendor", &t.VendorID)
		p.add("involved", vendor)
		p.add("involved", w.ref("agency", t.AgencyID))
		p.add("involved", w.state(t.StateCode))
		name := "Termination"
		if n, ok := w.names.Of("vendor", t.VendorID); ok {
			name = "Termination: " + n.Name // who ended it is initiated_by, in keywords
		}
		p.add("name", name)
		p.addDate("date", t.TerminatedOn)
		if t.StateCode != nil {
			p.addCountry("country", *t.StateCode)
		}
		p.add("keywords", "termination", "initiated_by:"+t.InitiatedBy, "reason:"+t.Reason, "scope:"+t.Scope)
		if t.LicenseID != nil {
			p.add("notes", "Ends licence "+ftmID("license", *t.LicenseID))
		}
		p.addPtr("description", t.Description)
		return w.record("termination", t.Record, "Event", p)
	})
	if err != nil {
		return err
	}
	err = eachPublic(ctx, st.ListAllegations, func(a domain.Allegation) error {
		p := ftmProps{}
		p.add("name", "Alleged use against a "+strings.ReplaceAll(a.TargetCategory, "_", " "))
		p.add("involved", w.ref("vendor", a.VendorID))
		p.add("organizer", w.ref("agency", a.OperatorAgencyID))
		if p["organizer"] == nil {
			p.add("organizer", w.state(a.OperatorState))
		}
		if a.TargetCountry != nil {
			p.addCountry("country", *a.TargetCountry)
		}
		p.addDate("startDate", a.PeriodStart)
		p.addDate("endDate", a.PeriodEnd)
		p.add("keywords", "allegation", "status:"+a.AllegationStatus, "target:"+a.TargetCategory)
		if a.ProductID != nil {
			if n, ok := w.names.Of("product", *a.ProductID); ok {
				p.add("keywords", "product:"+n.Name)
			}
		}
		p.addPtr("summary", a.Summary)
		if a.VendorReply != nil {
			p.add("notes", "Vendor reply: "+*a.VendorReply)
		}
		return w.record("allegation", a.Record, "Event", p)
	})
	if err != nil {
		return err
	}

	// The states named, as PublicBody (the model has no Territory schema).
	if len(w.states) == 0 {
		return nil
	}
	codes := make([]string, 0, len(w.states))
	for c := range w.states {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	byCode := map[string]domain.State{}
	err = eachPublic(ctx, st.ListStates, func(s domain.State) error {
		byCode[s.Code] = s
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range codes {
		p := ftmProps{}
		name := c
		if s, ok := byCode[c]; ok {
			name = s.Name
		}
		p.add("name", name)
		p.addCountry("country", c)
		p.addCountry("jurisdiction", c)
		p.add("classification", "state")
		if err := w.write(FtMEntity{ID: ftmStateID(c), Schema: "PublicBody", Properties: p}); err != nil {
			return err
		}
	}
	return nil
}

// licenseName names a licence for people: its kind, and who sold what to whom.
func licenseName(l domain.License, names store.Names) string {
	name := strings.ReplaceAll(l.Kind, "_", " ")
	if l.Reference != nil && *l.Reference != "" {
		name += " " + *l.Reference
	}
	if l.VendorID != nil {
		if n, ok := names.Of("vendor", *l.VendorID); ok {
			name += ", " + n.Name
		}
	}
	if l.EndUserState != nil {
		name += " to " + *l.EndUserState
	}
	return name
}

// eachPublic calls f on every public record a list function gives, a page at a time.
func eachPublic[T any](ctx context.Context, list func(context.Context, store.ListParams) ([]T, string, error), f func(T) error) error {
	p := store.ListParams{Statuses: domain.PublicStatuses, Batch: 5000}
	for {
		rows, next, err := list(ctx, p)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := f(r); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		if id, err := store.DecodeCursor(next); err == nil {
			p.After = id
			continue
		}
		if p.AfterCode, err = store.DecodeCodeCursor(next); err != nil {
			return err
		}
	}
}
