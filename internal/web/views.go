package web

import (
	"context"
	"html/template"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// This file turns the store's records into what templates show: names for ids, words
// for enum values, dates at their precision. "Unknown" is shown wherever the sources
// do not settle a value; nothing is filled in.

// funcs are the helpers templates may call; each returns plain text or a small value,
// never HTML, so html/template escapes everything it writes.
var funcs = template.FuncMap{
	"label":        label,
	"field":        fieldLabel,
	"opt":          opt,
	"optInt":       optInt,
	"date":         dateOf,
	"country":      countryOf,
	"countryPtr":   countryPtr,
	"countries":    countriesOf,
	"plural":       plural,
	"assetVersion": func() string { return assetVersion },
	"siteName":     func() string { return SiteName },
	"isoDay":       func(t time.Time) string { return t.UTC().Format(domain.DateLayout) },
	"isoTime":      func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) },
	"asOfTime":     asOfTime,
	"isnil":        isNil,
	"deref":        func(s *string) string { return *s },
	"answers":      answers,
}

// isNil reports whether a list is null (unknown), as against empty (none): the
// registry keeps the two apart and so do the pages.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer:
		return rv.IsNil()
	}
	return false
}

// answers summarises the answer status of a communication's questions: "2 answered,
// 28 unknown".
func answers(qs []domain.Question) string {
	var order []string
	n := map[string]int{}
	for _, q := range qs {
		if n[q.AnswerStatus] == 0 {
			order = append(order, q.AnswerStatus)
		}
		n[q.AnswerStatus]++
	}
	parts := make([]string, len(order))
	for i, st := range order {
		parts[i] = strconv.Itoa(n[st]) + " " + strings.ToLower(label(st))
	}
	return strings.Join(parts, ", ")
}

// words are the labels of enum values whose words are not simply the value with
// spaces for underscores.
var words = map[string]string{
	"un_document":          "UN document",
	"ngo_report":           "NGO report",
	"end_user_license":     "End-user licence",
	"export_authorization": "Export authorization",
	"counter_terrorism":    "Counter-terrorism",
	"imsi_catcher":         "IMSI catcher",
	"iccpr_2_3":            "ICCPR art. 2(3) (effective remedy)",
	"iccpr_6":              "ICCPR art. 6 (life)",
	"iccpr_7":              "ICCPR art. 7 (torture)",
	"iccpr_9":              "ICCPR art. 9 (liberty and security)",
	"iccpr_14":             "ICCPR art. 14 (fair trial)",
	"iccpr_17":             "ICCPR art. 17 (privacy)",
	"iccpr_19":             "ICCPR art. 19 (expression)",
	"iccpr_21":             "ICCPR art. 21 (assembly)",
	"iccpr_22":             "ICCPR art. 22 (association)",
	"ungp_commitment":      "UN Guiding Principles commitment",
}

// label returns the words for an enum value; "" and "unknown" are "Unknown".
func label(v string) string {
	if w, ok := words[v]; ok {
		return w
	}
	if v == "" || v == domain.Unknown {
		return "Unknown"
	}
	// A field name reads as what it names: vendor_id is "Vendor", product_ids
	// "Products", url "URL".
	if base, ok := strings.CutSuffix(v, "_ids"); ok {
		v = base + "s"
	} else {
		v = strings.TrimSuffix(v, "_id")
	}
	parts := strings.Split(v, "_")
	for i, w := range parts {
		if w == "url" {
			parts[i] = "URL"
		}
	}
	s := strings.Join(parts, " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// fieldLabel names a record field a citation supports, in words.
func fieldLabel(f string) string {
	if w, ok := words[f]; ok {
		return w
	}
	f = strings.TrimSuffix(strings.TrimSuffix(f, "_ids"), "_id")
	return strings.ReplaceAll(f, "_", " ")
}

// opt shows an optional text, "Unknown" when absent.
func opt(s *string) string {
	if s == nil || strings.TrimSpace(*s) == "" {
		return "Unknown"
	}
	return *s
}

// optInt shows an optional number, "Unknown" when absent.
func optInt(n *int) string {
	if n == nil {
		return "Unknown"
	}
	return strconv.Itoa(*n)
}

// plural writes a count with its noun: "1 licence", "3 licences".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// dateView is a date as known: its machine form at its precision (2019, 2019-10,
// 2019-10-18) and its words.
type dateView struct {
	Known     bool
	ISO, Text string
	Precision string
}

// dateOf shows a date at its precision, the one its form says.
func dateOf(value *domain.Date) dateView {
	if value == nil {
		return dateView{Text: "Unknown"}
	}
	t, p, err := value.Parse()
	if err != nil {
		return dateView{Known: true, ISO: string(*value), Text: string(*value)}
	}
	switch p {
	case domain.PrecisionYear:
		return dateView{Known: true, ISO: string(*value), Text: t.Format("2006") + " (year only)", Precision: p}
	case domain.PrecisionMonth:
		return dateView{Known: true, ISO: string(*value), Text: t.Format("January 2006") + " (month only)", Precision: p}
	}
	return dateView{Known: true, ISO: string(*value), Text: t.Format("2 January 2006"), Precision: domain.PrecisionDay}
}

// countryView is a country with its page.
type countryView struct {
	Known      bool
	Code, Name string
	URL        string
}

// countryOf shows a country code as its name with a link to its page.
func countryOf(code string) countryView {
	name := domain.CountryName(code)
	if name == "" {
		return countryView{Known: code != "", Code: code, Name: code}
	}
	return countryView{Known: true, Code: code, Name: name, URL: "/countries/" + code}
}

// countryPtr shows an optional country code; nil is unknown.
func countryPtr(code *string) countryView {
	if code == nil || *code == "" {
		return countryView{Name: "Unknown"}
	}
	return countryOf(*code)
}

// countriesOf shows a list of country codes.
func countriesOf(codes []string) []countryView {
	out := make([]countryView, len(codes))
	for i, c := range codes {
		out[i] = countryOf(c)
	}
	return out
}

// ref is a link to another record: its name and page, or "Unknown" where the record
// names none. A reference to a record the public cannot see shows its kind and id
// only, without a link, so nothing of a draft leaks.
type ref struct {
	Known bool
	Name  string
	URL   string
}

// refs are the names of the vendors, products and agencies a page names, public
// records only (store.PublicNames).
type refs struct{ names store.Names }

// needs collects the ids a page will show before they are resolved.
type needs struct{ ids map[string][]domain.ID }

func (n *needs) add(kind string, id *domain.ID) {
	if id == nil {
		return
	}
	if n.ids == nil {
		n.ids = map[string][]domain.ID{}
	}
	n.ids[kind] = append(n.ids[kind], *id)
}

func (n *needs) vendor(id *domain.ID)  { n.add("vendor", id) }
func (n *needs) product(id *domain.ID) { n.add("product", id) }
func (n *needs) agency(id *domain.ID)  { n.add("agency", id) }
func (n *needs) source(id *domain.ID)  { n.add("source", id) }

// resolve loads the names (and vendor slugs) of the collected ids, in one query per
// kind.
func (s *server) resolve(ctx context.Context, n needs) (*refs, error) {
	ids := n.ids
	if ids == nil {
		ids = map[string][]domain.ID{} // nothing to look up (nil would mean everything)
	}
	names, err := s.st.PublicNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	return &refs{names: names}, nil
}

// notPublic names a referenced record the public may not see.
func notPublic(kind string, id int) ref {
	return ref{Known: true, Name: kind + " " + strconv.Itoa(id) + " (not public)"}
}

func (r *refs) vendor(id *domain.ID) ref {
	return r.named("vendor", id, func(n store.Name) string { return "/vendors/" + n.Slug })
}

func (r *refs) product(id *domain.ID) ref {
	return r.named("product", id, func(store.Name) string { return "/products/" + id.String() })
}

// source links a source by its title; one the public cannot see is named by id only.
func (r *refs) source(id *domain.ID) ref {
	return r.named("source", id, func(store.Name) string { return "/sources/" + id.String() })
}

func (r *refs) agency(id *domain.ID) ref {
	return r.named("agency", id, func(store.Name) string { return "/agencies/" + id.String() })
}

// named is a reference to a record of the kind by its name, linked to its page.
func (r *refs) named(kind string, id *domain.ID, url func(store.Name) string) ref {
	if id == nil {
		return ref{Name: "Unknown"}
	}
	n, ok := r.names.Of(kind, *id)
	if !ok {
		return notPublic(kind, int(*id))
	}
	return ref{Known: true, Name: n.Name, URL: url(n)}
}

// recordRef links a record by kind and id where no name is needed (a licence, a
// communication); its own page says whether it is public.
func recordRef(kind, collection string, id *domain.ID) ref {
	if id == nil {
		return ref{Name: "Unknown"}
	}
	return ref{Known: true, Name: kind + " " + id.String(), URL: "/" + collection + "/" + id.String()}
}

// The record views: a record with its references resolved and its dates shown.

type vendorView struct {
	domain.Vendor
	Path   string
	Parent ref
}

type productView struct {
	domain.Product
	Path   string
	Vendor ref
}

type agencyView struct {
	domain.Agency
	Path   string
	State  countryView
	Parent ref
}

type licenseView struct {
	domain.License
	Path, Label           string
	Vendor, Agency        ref
	Products              []ref
	EndUser, Exporter     countryView
	DecisionDate          dateView
	ValidFrom, ValidUntil dateView
	GeographyKnown        bool
	GeographyCountries    []countryView
}

type terminationView struct {
	domain.Termination
	Path, Label    string
	Vendor, Agency ref
	License        ref
	State          countryView
	TerminatedOn   dateView
}

type allegationView struct {
	domain.Allegation
	Path, Label             string
	Vendor, Product, Agency ref
	Operator, Target        countryView
	PeriodStart, PeriodEnd  dateView
}

type communicationView struct {
	domain.Communication
	Path, Label     string
	RecipientVendor ref
	RecipientState  countryView
	InReplyTo       ref
	SentOn          dateView
	Copied          []countryView
	Statements      []statementView
}

// statementView is a communication's statement with its speaker's vendor, its
// sources and its date resolved.
type statementView struct {
	domain.Statement
	SpeakerVendor, Source, OriginalSource ref
	SaidOn                                dateView
	// SpeakerIsVendor: the speaker is named as the vendor is, so the name links to
	// the vendor's page instead of being followed by it.
	SpeakerIsVendor bool
}

type sourceView struct {
	domain.Source
	Path        string
	PublishedOn dateView
}

func (r *refs) vendorView(v domain.Vendor) vendorView {
	return vendorView{Vendor: v, Path: "/vendors/" + v.Slug, Parent: r.vendor(v.ParentID)}
}

func (r *refs) productView(p domain.Product) productView {
	id := p.VendorID
	return productView{Product: p, Path: "/products/" + p.ID.String(), Vendor: r.vendor(&id)}
}

func (r *refs) agencyView(a domain.Agency) agencyView {
	return agencyView{Agency: a, Path: "/agencies/" + a.ID.String(), State: countryOf(a.StateCode), Parent: r.agency(a.ParentID)}
}

func (r *refs) licenseView(l domain.License) licenseView {
	v := licenseView{
		License: l, Path: "/licenses/" + l.ID.String(),
		Vendor: r.vendor(l.VendorID), Agency: r.agency(l.EndUserAgencyID),
		EndUser: countryPtr(l.EndUserState), Exporter: countryPtr(l.ExportingState),
		DecisionDate: dateOf(l.DecisionDate),
		ValidFrom:    dateOf(l.ValidFrom), ValidUntil: dateOf(l.ValidUntil),
		GeographyKnown: l.Geography != nil, GeographyCountries: countriesOf(l.Geography),
	}
	if l.ProductIDs != nil {
		v.Products = []ref{} // known, perhaps none: nil stays unknown
	}
	for _, id := range l.ProductIDs {
		v.Products = append(v.Products, r.product(&id))
	}
	v.Label = "Licence " + l.ID.String() + ": " + strings.ToLower(label(l.Kind)[:1]) + label(l.Kind)[1:]
	if v.Vendor.Known {
		v.Label += ", " + v.Vendor.Name
	}
	if v.EndUser.Known {
		v.Label += " to " + v.EndUser.Name
	}
	return v
}

func (r *refs) terminationView(t domain.Termination) terminationView {
	id := t.VendorID
	v := terminationView{
		Termination: t, Path: "/terminations/" + t.ID.String(),
		Vendor: r.vendor(&id), Agency: r.agency(t.AgencyID), License: recordRef("Licence", "licenses", t.LicenseID),
		State: countryPtr(t.StateCode), TerminatedOn: dateOf(t.TerminatedOn),
	}
	v.Label = "Termination " + t.ID.String() + ": " + v.Vendor.Name + ", reason " + strings.ToLower(label(t.Reason))
	return v
}

func (r *refs) allegationView(a domain.Allegation) allegationView {
	v := allegationView{
		Allegation: a, Path: "/allegations/" + a.ID.String(),
		Vendor: r.vendor(a.VendorID), Product: r.product(a.ProductID), Agency: r.agency(a.OperatorAgencyID),
		Operator: countryPtr(a.OperatorState), Target: countryPtr(a.TargetCountry),
		PeriodStart: dateOf(a.PeriodStart), PeriodEnd: dateOf(a.PeriodEnd),
	}
	v.Label = "Allegation " + a.ID.String() + ": " + label(a.AllegationStatus) + ", targets: " + strings.ToLower(label(a.TargetCategory))
	if v.Target.Known {
		v.Label += ", in " + v.Target.Name
	}
	return v
}

func (r *refs) communicationView(c domain.Communication) communicationView {
	v := communicationView{
		Communication: c, Path: "/communications/" + c.ID.String(),
		RecipientVendor: r.vendor(c.RecipientVendorID), RecipientState: countryPtr(c.RecipientState),
		InReplyTo: recordRef("Communication", "communications", c.InReplyToID),
		SentOn:    dateOf(c.SentOn), Copied: countriesOf(c.CopiedStates),
	}
	if c.Statements != nil {
		v.Statements = make([]statementView, 0, len(c.Statements)) // known: none or some
	}
	for _, st := range c.Statements {
		sv := statementView{Statement: st, SpeakerVendor: r.vendor(st.SpeakerVendorID),
			Source: r.source(st.SourceID), OriginalSource: r.source(st.OriginalSourceID), SaidOn: dateOf(st.SaidOn)}
		if st.SourceID == nil { // a public read hides a source not public yet
			sv.Source = ref{Known: true, Name: "a source not public"}
		}
		sv.SpeakerIsVendor = st.Speaker != nil && st.SpeakerVendorID != nil && sv.SpeakerVendor.URL != "" && *st.Speaker == sv.SpeakerVendor.Name
		v.Statements = append(v.Statements, sv)
	}
	v.Label = "Communication " + c.ID.String() + ": "
	switch {
	case c.Reference != nil && *c.Reference != "":
		v.Label += *c.Reference
	default:
		v.Label += strings.ToLower(label(c.Kind))
		if v.SentOn.Known {
			v.Label += " of " + strings.TrimSuffix(strings.TrimSuffix(v.SentOn.Text, " (month only)"), " (year only)")
		}
	}
	return v
}

func sourceViewOf(s domain.Source) sourceView {
	return sourceView{Source: s, Path: "/sources/" + s.ID.String(), PublishedOn: dateOf(s.PublishedOn)}
}
