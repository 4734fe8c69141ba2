package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpx"
	"github.com/export-registry/registry/internal/search"
	"github.com/export-registry/registry/internal/store"
)

// The OpenRefine reconciliation service: the W3C Entity Reconciliation community
// group's API, version 0.2 (https://reconciliation-api.github.io/specs/0.2/), the
// version OpenRefine speaks. It answers from the public search index (package
// search), so it sees published records only and ranks alike on both databases.
//
// An entity's id is the path of its public page without the leading slash
// ("vendors/1", "countries/IL"): unique across types, and the manifest's view URL
// maps it to the page.

// Bounds of a reconciliation request.
const (
	maxReconcileBatch   = 50 // queries in one batch; OpenRefine sends 10
	maxReconcileLimit   = 25 // candidates per query
	defaultReconcileLim = 10
	maxReconcileProps   = 10 // properties per query
	maxSuggest          = 10
)

// Matching: candidates are records whose names answer the query (a name, alias, slug,
// code, official name, title or document symbol; never a sentence of running text,
// which the shared search index also holds). The top candidate is a match (match:
// true) when it scores at least matchScore and it leads the
// next candidate by at least matchLead points, so a name that two records answer
// about equally well is never matched automatically. 70 admits one typo in a word
// of a name ("NSO Grup" scores 75 for NSO Group), which the search scores at
// 0.6–0.75 in short words; the lead keeps a typo from choosing between namesakes.
const (
	matchScore = 70
	matchLead  = 10
)

// nameFields are the index fields that hold a record's names.
var nameFields = []string{"name", "alias", "slug", "code", "official_name", "title", "document_symbol"}

// reconcileTypes are the types the service reconciles against, in the manifest's
// order: the type id is the search index's record type.
var reconcileTypes = []reconcileType{
	{ID: "vendor", Name: "Vendor"},
	{ID: "product", Name: "Product"},
	{ID: "agency", Name: "Agency"},
	{ID: "state", Name: "State"},
	{ID: "source", Name: "Source"},
}

// reconcilePages are the public page collections by type: an entity id is
// page + "/" + the record's id.
var reconcilePages = map[string]string{
	"vendor": "vendors", "product": "products", "agency": "agencies", "state": "countries", "source": "sources",
}

// Parameters of the reconciliation routes (query string; a POST's form carries
// queries too).
var (
	reconcileParams = []string{"queries"}
	previewParams   = []string{"id"}
	suggestParams   = []string{"prefix", "type", "type_strict", "cursor"} // OpenRefine's suggest box may send type_strict
)

// reconcileType is a type of entity: {id, name}.
type reconcileType struct {
	// The type's id: vendor, product, agency, state or source.
	ID string `json:"id" example:"vendor"`
	// The type's name for people.
	Name string `json:"name" example:"Vendor"`
}

// reconcileService locates a suggest service.
type reconcileService struct {
	ServiceURL  string `json:"service_url" example:"https://registry.example/reconcile"`
	ServicePath string `json:"service_path" example:"/suggest/entity"`
}

// reconcileManifest is the service manifest (spec 0.2).
type reconcileManifest struct {
	Versions        []string `json:"versions" example:"0.2"`
	Name            string   `json:"name" example:"Surveillance Export Registry"`
	IdentifierSpace string   `json:"identifierSpace" example:"https://registry.example/"`
	SchemaSpace     string   `json:"schemaSpace" example:"https://registry.example/docs"`
	Documentation   string   `json:"documentation" example:"https://registry.example/docs"`
	View            struct {
		URL string `json:"url" example:"https://registry.example/{{id}}"`
	} `json:"view"`
	DefaultTypes []reconcileType `json:"defaultTypes"`
	Preview      struct {
		URL    string `json:"url" example:"https://registry.example/reconcile/preview?id={{id}}"`
		Width  int    `json:"width" example:"400"`
		Height int    `json:"height" example:"200"`
	} `json:"preview"`
	Suggest struct {
		Entity reconcileService `json:"entity"`
	} `json:"suggest"`
}

// reconcileCandidate is one candidate of a query's result.
type reconcileCandidate struct {
	// The record: its collection and id, which the view URL turns into its page.
	ID string `json:"id" example:"vendors/1"`
	// The record's name or title.
	Name string `json:"name" example:"NSO Group"`
	// How well the name matches the query, from 0 to 100.
	Score float64 `json:"score" example:"95"`
	// True only for the top candidate when it is unambiguous: a client may take it without
	// asking.
	Match bool `json:"match"`
	// The record's type.
	Type []reconcileType `json:"type"`
	// A line that tells namesakes apart (type, country); left out when there is nothing to
	// say.
	Description string `json:"description,omitempty" example:"Vendor, headquartered in Israel"`
}

// reconcileResult is the answer to one query.
type reconcileResult struct {
	// The candidates, best first; [] when none.
	Result []reconcileCandidate `json:"result"`
}

// suggestEntity is one suggestion.
type suggestEntity struct {
	// The record: its collection and id, which the view URL turns into its page.
	ID string `json:"id" example:"vendors/1"`
	// The record's name or title.
	Name string `json:"name" example:"NSO Group"`
	// A line that tells namesakes apart (type, country); left out when there is nothing to
	// say.
	Description string `json:"description,omitempty" example:"Vendor, headquartered in Israel"`
	// The entity's type.
	Notable []reconcileType `json:"notable"`
}

// suggestResponse is the answer of the suggest service.
type suggestResponse struct {
	// The suggestions, best first; [] when none.
	Result []suggestEntity `json:"result"`
}

// reconcileQuery is one query of a batch as a client sends it.
type reconcileQuery struct {
	Query      *string         `json:"query"`
	Type       json.RawMessage `json:"type"`
	Limit      *int            `json:"limit"`
	TypeStrict string          `json:"type_strict"`
	Properties []struct {
		PID string          `json:"pid"`
		V   json.RawMessage `json:"v"`
	} `json:"properties"`
}

// parsedQuery is a query checked: its text, types, limit and country filter.
type parsedQuery struct {
	text      string
	types     []string
	limit     int
	countries []string // alpha-2 codes; empty: no filter
}

// corsReconcile lets any origin call the reconciliation routes, as the spec
// requires: OpenRefine and other tools call from the browser.
func corsReconcile(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Content-Type, Accept")
		h.Set("Access-Control-Max-Age", "86400")
		return next(c)
	}
}

// reconcileRead reports a public read of the reconciliation service: never cached
// (a batch is a POST, or a GET nobody repeats), so the server's bound on reads in
// progress (guard) admits it as it admits the reads the cache cannot answer.
func reconcileRead(c echo.Context) bool {
	r := c.Request()
	return strings.HasPrefix(c.Path(), "/reconcile") && r.Method != http.MethodOptions && r.Header.Get(echo.HeaderAuthorization) == ""
}

// reconcilePreflight answers a CORS preflight on a reconciliation route.
func reconcilePreflight(c echo.Context) error { return c.NoContent(http.StatusNoContent) }

// reconcileBase is the scheme and host the request came in by.
func reconcileBase(c echo.Context) string {
	return httpx.Scheme(c.Request()) + "://" + c.Request().Host
}

// reconcile answers the manifest (no queries) or a batch of queries.
//
//	@Summary		Reconciliation service (OpenRefine)
//	@Description	The W3C Entity Reconciliation API, version 0.2, as OpenRefine speaks it. Without parameters: the service manifest. With queries (a JSON object in the query string, or in an application/x-www-form-urlencoded POST as OpenRefine sends it): a batch of at most 50 queries keyed by query id, each with query (up to 200 characters), optional type ("vendor", "product", "agency", "state", "source", or a list of them; type_strict any/all/should is accepted, and the type always restricts the candidates), limit (1-25, default 10) and properties ([{pid, v}], v a string or an already reconciled {id, name}; the pid country, an ISO alpha-2 code, a country's name or a reconciled countries/XX, narrows vendors by headquarters, agencies and products by their state or vendor's headquarters, states to themselves; sources have no country and drop out). The answer maps each query id to its result: candidates with id (the public page's path: vendors/1, countries/IL), name, score 0-100 (the search score times 100), match, type and description. Candidates are records whose names answer the query (not running text such as a source's description). match is true only for the top candidate, when it scores at least 70 (a name with one typo in a word: NSO Grup for NSO Group) and it leads the next candidate by at least 10 points. Drafts never appear. Any origin may call it (CORS).
//	@Tags			reconciliation
//	@Accept			x-www-form-urlencoded
//	@Produce		json,application/problem+json
//	@Param			queries	query		string			false	"a JSON batch: {\"q0\":{\"query\":\"NSO	Grup\",\"type\":\"vendor\"}}"
//	@Success		200		{object}	map[string]any	"without queries the manifest (versions, name, identifierSpace, schemaSpace, view, defaultTypes, preview, suggest); with queries an object mapping each query id to {result: [candidates]}, as POST /reconcile answers"
//	@Failure		400		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Failure		503		{object}	Problem
//	@Router			/reconcile [get]
//	@ID				reconcile
func (s *Server) reconcile(c echo.Context) error {
	var raw string
	if c.Request().Method == http.MethodPost {
		if err := c.Request().ParseForm(); err != nil {
			return domain.Invalid("queries", "the form could not be read: send application/x-www-form-urlencoded")
		}
		for name := range c.Request().PostForm {
			if name != "queries" {
				return domain.Invalid(name, "not a parameter of reconcile; it takes queries")
			}
		}
		if vs := c.Request().Form["queries"]; len(vs) > 1 {
			return domain.Invalid("queries", "given more than once")
		}
		raw = c.Request().FormValue("queries")
	} else {
		if vs := c.QueryParams()["queries"]; len(vs) > 1 {
			return domain.Invalid("queries", "given more than once")
		}
		raw = c.QueryParam("queries")
	}
	if raw == "" {
		if c.Request().Method == http.MethodPost {
			return domain.Invalid("queries", "required: a JSON object of queries keyed by query id")
		}
		return s.reconcileManifest(c)
	}
	var batch map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &batch); err != nil || batch == nil {
		return domain.Invalid("queries", "not a JSON object of queries keyed by query id")
	}
	if len(batch) == 0 {
		return domain.Invalid("queries", "holds no query")
	}
	if len(batch) > maxReconcileBatch {
		return domain.Invalid("queries", "more than "+strconv.Itoa(maxReconcileBatch)+" queries in one batch")
	}
	qs := make(map[string]parsedQuery, len(batch))
	for id, b := range batch {
		q, err := parseReconcileQuery(id, b)
		if err != nil {
			return err
		}
		qs[id] = q
	}
	ctx := c.Request().Context()
	version, err := s.version(c)
	if err != nil {
		return err
	}
	ix, err := s.store.SearchIndex(ctx, version)
	if err != nil {
		return err
	}
	lk := &recordLookup{st: s.store, ix: ix, country: map[string]string{}, desc: map[string]string{}}
	out := make(map[string]reconcileResult, len(qs))
	for id, q := range qs {
		cands, err := lk.reconcile(ctx, q)
		if err != nil {
			return err
		}
		out[id] = reconcileResult{Result: cands}
	}
	noStore(c)
	c.Response().Header().Set("X-Dataset-Version", version)
	return c.JSON(http.StatusOK, out)
}

// reconcilePost answers a batch of queries sent as a form, as OpenRefine sends them.
//
//	@Summary		Reconciliation queries (OpenRefine)
//	@Description	The batch of queries of GET /reconcile, sent as OpenRefine sends it: an application/x-www-form-urlencoded body whose queries field is the JSON batch (at most 50 queries). The answer maps each query id to {result: [candidates]}; see GET /reconcile for the queries' fields, the scores and the match rule.
//	@Tags			reconciliation
//	@Accept			x-www-form-urlencoded
//	@Produce		json,application/problem+json
//	@Param			queries	formData	string	true	"a JSON batch: {\"q0\":{\"query\":\"NSO	Grup\",\"type\":\"vendor\"}}"
//	@Success		200		{object}	map[string]reconcileResult
//	@Failure		400		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Failure		503		{object}	Problem
//	@Router			/reconcile [post]
//	@ID				reconcileQueries
func (s *Server) reconcilePost(c echo.Context) error { return s.reconcile(c) }

// reconcileManifest answers the service manifest.
func (s *Server) reconcileManifest(c echo.Context) error {
	base := reconcileBase(c)
	var m reconcileManifest
	m.Versions = []string{"0.1", "0.2"}
	m.Name = "Surveillance Export Registry"
	m.IdentifierSpace = base + "/"
	m.SchemaSpace = base + "/docs"
	m.Documentation = base + "/docs"
	m.View.URL = base + "/{{id}}"
	m.DefaultTypes = reconcileTypes
	m.Preview.URL = base + "/reconcile/preview?id={{id}}"
	m.Preview.Width, m.Preview.Height = 400, 200
	m.Suggest.Entity = reconcileService{ServiceURL: base + "/reconcile", ServicePath: "/suggest/entity"}
	return c.JSON(http.StatusOK, m)
}

// parseReconcileQuery checks one query of a batch; its problems name "queries".
func parseReconcileQuery(id string, b json.RawMessage) (parsedQuery, error) {
	bad := func(why string) error { return domain.Invalid("queries", "query "+strconv.Quote(id)+": "+why) }
	var rq reconcileQuery
	if err := json.Unmarshal(b, &rq); err != nil {
		return parsedQuery{}, bad("not a query object {query, type, limit, type_strict, properties}")
	}
	if rq.Query == nil {
		return parsedQuery{}, bad("query is required")
	}
	q := parsedQuery{text: strings.TrimSpace(*rq.Query), limit: defaultReconcileLim}
	if problem := domain.QueryTextProblem(q.text); problem != "" {
		return q, bad("query is " + problem)
	}
	if len(rq.Type) > 0 && string(rq.Type) != "null" {
		var one string
		var many []string
		if json.Unmarshal(rq.Type, &one) == nil {
			many = []string{one}
		} else if json.Unmarshal(rq.Type, &many) != nil {
			return q, bad("type must be a type id or a list of them")
		}
		for _, t := range many {
			if !slices.ContainsFunc(reconcileTypes, func(rt reconcileType) bool { return rt.ID == t }) {
				return q, bad("type " + strconv.Quote(t) + " is not one of vendor, product, agency, state, source")
			}
			q.types = append(q.types, t)
		}
	}
	switch rq.TypeStrict {
	case "", "any", "all", "should":
	default:
		return q, bad("type_strict must be any, all or should")
	}
	if rq.Limit != nil {
		if *rq.Limit < 1 || *rq.Limit > maxReconcileLimit {
			return q, bad("limit must be from 1 to " + strconv.Itoa(maxReconcileLimit))
		}
		q.limit = *rq.Limit
	}
	if len(rq.Properties) > maxReconcileProps {
		return q, bad("more than " + strconv.Itoa(maxReconcileProps) + " properties")
	}
	for _, p := range rq.Properties {
		if p.PID != "country" {
			return q, bad("property " + strconv.Quote(p.PID) + " is not known; this service reconciles with country")
		}
		codes, err := countryValues(p.V)
		if err != nil {
			return q, bad("country: " + err.Error())
		}
		q.countries = append(q.countries, codes...)
	}
	return q, nil
}

// countryValues reads a country property's value: a string (an alpha-2 or alpha-3
// code or a name) or an already reconciled {id, name} ("countries/IL"), or a list
// of those.
func countryValues(v json.RawMessage) ([]string, error) {
	var list []json.RawMessage
	if json.Unmarshal(v, &list) == nil {
		var out []string
		for _, e := range list {
			c, err := countryValues(e)
			if err != nil {
				return nil, err
			}
			out = append(out, c...)
		}
		return out, nil
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		var ref struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		}
		if json.Unmarshal(v, &ref) != nil || ref.ID == "" {
			return nil, errors.New("v must be a country (a code or a name) or a reconciled {id, name}")
		}
		code, ok := strings.CutPrefix(ref.ID, "countries/")
		if !ok || !domain.ValidCountry(code) {
			return nil, errors.New(strconv.Quote(ref.ID) + " is not a reconciled country (countries/XX)")
		}
		return []string{code}, nil
	}
	s = strings.TrimSpace(s)
	if code, ok := domain.SuggestCountry(s); ok {
		return []string{code}, nil
	}
	return nil, errors.New(strconv.Quote(s) + " is not a country this service knows (an ISO code or a name)")
}

// recordLookup loads what a candidate's country and description need, once per
// record in a request.
type recordLookup struct {
	st      *store.Store
	ix      *search.Index
	country map[string]string // entity id → alpha-2 code, "" for none
	desc    map[string]string // entity id → description
}

// reconcile answers one query.
func (lk *recordLookup) reconcile(ctx context.Context, q parsedQuery) ([]reconcileCandidate, error) {
	if q.text == "" {
		return []reconcileCandidate{}, nil
	}
	fetch := q.limit + 1 // one more, to judge whether the top is ahead
	if len(q.countries) > 0 {
		fetch = 50 // candidates the country filter may drop
	}
	types := q.types
	if len(types) == 0 {
		for _, t := range reconcileTypes {
			types = append(types, t.ID)
		}
	}
	hits := lk.ix.Search(q.text, fetch, types...)
	out := []reconcileCandidate{}
	for _, h := range hits {
		if len(out) == q.limit+1 {
			break
		}
		if !slices.Contains(nameFields, h.Field) {
			continue // a source whose description mentions the words is not a namesake
		}
		id := reconcilePages[h.Type] + "/" + h.ID
		if len(q.countries) > 0 {
			cc, err := lk.countryOf(ctx, h.Type, h.ID, id)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(q.countries, cc) {
				continue
			}
		}
		desc, err := lk.description(ctx, h.Type, h.ID, id)
		if err != nil {
			return nil, err
		}
		out = append(out, reconcileCandidate{ID: id, Name: h.Label, Score: math.Round(100 * h.Score),
			Type: []reconcileType{typeOf(h.Type)}, Description: desc})
	}
	if len(out) > 0 {
		scores := []float64{out[0].Score}
		if len(out) > 1 {
			scores = append(scores, out[1].Score)
		}
		out[0].Match = unambiguous(scores...)
	}
	if len(out) > q.limit {
		out = out[:q.limit]
	}
	return out, nil
}

// unambiguous reports whether the top of candidates' scores (0–100, best first: the
// top and the next, if any) is a match: at least matchScore, and matchLead ahead.
// Staff's intake matches incoming records by the same rule.
func unambiguous(scores ...float64) bool {
	return len(scores) > 0 && scores[0] >= matchScore && (len(scores) == 1 || scores[0]-scores[1] >= matchLead)
}

func typeOf(t string) reconcileType {
	for _, rt := range reconcileTypes {
		if rt.ID == t {
			return rt
		}
	}
	return reconcileType{ID: t, Name: t}
}

// countryOf is a record's country: a vendor's headquarters, an agency's state, a
// product's vendor's headquarters, a state itself; "" for a source or one unknown.
func (lk *recordLookup) countryOf(ctx context.Context, typ, rid, id string) (string, error) {
	if cc, ok := lk.country[id]; ok {
		return cc, nil
	}
	var cc string
	switch typ {
	case "state":
		cc = rid
	case "vendor":
		v, err := lk.st.GetVendor(ctx, rid, false)
		if err = gone(err); err != nil {
			return "", err
		}
		if v.HeadquartersCountry != nil {
			cc = *v.HeadquartersCountry
		}
	case "agency":
		n, _ := strconv.Atoi(rid)
		a, err := lk.st.GetAgency(ctx, n, false)
		if err = gone(err); err != nil {
			return "", err
		}
		cc = a.StateCode
	case "product":
		n, _ := strconv.Atoi(rid)
		p, err := lk.st.GetProduct(ctx, n, false)
		if err = gone(err); err != nil {
			return "", err
		}
		if p.VendorID != 0 {
			return lk.countryOf(ctx, "vendor", p.VendorID.String(), "vendors/"+p.VendorID.String())
		}
	}
	lk.country[id] = cc
	return cc, nil
}

// gone treats a record not found (retracted since the index was built) as empty.
func gone(err error) error {
	var de *domain.Error
	if errors.As(err, &de) && de.Code == domain.ENOTFOUND {
		return nil
	}
	return err
}

// description says what a candidate is, to tell namesakes apart.
func (lk *recordLookup) description(ctx context.Context, typ, rid, id string) (string, error) {
	if d, ok := lk.desc[id]; ok {
		return d, nil
	}
	d := typeOf(typ).Name
	switch typ {
	case "vendor", "agency", "product":
		cc, err := lk.countryOf(ctx, typ, rid, id)
		if err != nil {
			return "", err
		}
		if name := domain.CountryName(cc); name != "" {
			switch typ {
			case "vendor":
				d += ", headquartered in " + name
			case "agency":
				d += " of " + name
			case "product":
				d += " of a vendor headquartered in " + name
			}
		}
	case "state":
		d += " (" + rid + ")"
	}
	lk.desc[id] = d
	return d, nil
}

// previewCard is the HTML of a preview: a small card, escaped by html/template.
var previewCard = template.Must(template.New("card").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Name}}</title>
<style>body{font:14px/1.4 sans-serif;margin:8px}h1{font-size:16px;margin:0 0 4px}p{margin:2px 0}.t{color:#555}</style></head>
<body><h1><a href="{{.URL}}" target="_blank" rel="noopener">{{.Name}}</a></h1>
<p class="t">{{.Description}}</p>
{{range .Lines}}<p>{{.}}</p>
{{end}}</body></html>
`))

// reconcilePreview answers a small HTML card of an entity.
//
//	@Summary		Reconciliation preview
//	@Description	A small HTML card of a published record, for OpenRefine's preview pane (400×200): its name linking to its public page, what it is, and a few facts. id is an entity id as the reconciliation service gives it (vendors/1, countries/IL).
//	@Tags			reconciliation
//	@Produce		html,application/problem+json
//	@Param			id	query		string	true	"entity id, e.g. vendors/1"
//	@Success		200	{string}	string	"the card"
//	@Failure		400	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		429	{object}	Problem
//	@Failure		500	{object}	Problem
//	@Failure		503	{object}	Problem
//	@Router			/reconcile/preview [get]
//	@ID				reconcilePreview
func (s *Server) reconcilePreview(c echo.Context) error {
	id := c.QueryParam("id")
	typ, rid, ok := parseEntityID(id)
	if !ok {
		return domain.Invalid("id", "not an entity id (vendors/1, products/1, agencies/1, countries/IL, sources/1)")
	}
	ctx := c.Request().Context()
	card := struct {
		Name, URL, Description string
		Lines                  []string
	}{URL: reconcileBase(c) + "/" + id}
	switch typ {
	case "vendor":
		v, err := s.store.GetVendor(ctx, rid, false)
		if err != nil {
			return err
		}
		card.Name = v.Name
		for _, a := range v.Aliases {
			card.Lines = append(card.Lines, "Also known as "+a.Name)
		}
		card.Lines = append(card.Lines, short(v.Description))
	case "product":
		p, err := s.store.GetProduct(ctx, atoi(rid), false)
		if err != nil {
			return err
		}
		card.Name = p.Name
		if v, err := s.store.GetVendor(ctx, p.VendorID.String(), false); err == nil {
			card.Lines = append(card.Lines, "Made by "+v.Name)
		}
		card.Lines = append(card.Lines, short(p.Description))
	case "agency":
		a, err := s.store.GetAgency(ctx, atoi(rid), false)
		if err != nil {
			return err
		}
		card.Name = a.Name
		card.Lines = append(card.Lines, short(a.Description))
	case "state":
		st, err := s.store.GetState(ctx, rid)
		if err != nil {
			return err
		}
		card.Name = st.Name
		card.Lines = append(card.Lines, "ISO 3166-1 "+st.Code+" / "+st.Alpha3)
	case "source":
		src, err := s.store.GetSource(ctx, atoi(rid), false)
		if err != nil {
			return err
		}
		card.Name = src.Title
		if src.Publisher != nil {
			card.Lines = append(card.Lines, "Published by "+*src.Publisher)
		}
	}
	lk := &recordLookup{st: s.store, country: map[string]string{}, desc: map[string]string{}}
	d, err := lk.description(ctx, typ, rid, id)
	if err != nil {
		return err
	}
	card.Description = d
	card.Lines = slices.DeleteFunc(card.Lines, func(l string) bool { return l == "" })
	var buf bytes.Buffer
	if err := previewCard.Execute(&buf, card); err != nil {
		return err
	}
	h := c.Response().Header()
	// OpenRefine shows the card in an iframe of its own page: any page may frame it;
	// it runs no script and loads nothing.
	h.Del("X-Frame-Options")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	noStore(c)
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// short cuts a description to a card's length.
func short(p *string) string {
	if p == nil {
		return ""
	}
	r := []rune(strings.TrimSpace(*p))
	if len(r) > 280 {
		return strings.TrimSpace(string(r[:280])) + "…"
	}
	return string(r)
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// parseEntityID reads an entity id: a page collection and a record id.
func parseEntityID(id string) (typ, rid string, ok bool) {
	page, rid, ok := strings.Cut(id, "/")
	if !ok {
		return "", "", false
	}
	for t, p := range reconcilePages {
		if p != page {
			continue
		}
		if t == "state" {
			return t, rid, domain.ValidCountry(rid)
		}
		_, err := domain.ParseID(rid)
		return t, rid, err == nil
	}
	return "", "", false
}

// reconcileSuggest suggests entities as a user types.
//
//	@Summary		Reconciliation entity suggest
//	@Description	Suggests published records whose names begin like, or resemble, prefix (up to 200 characters): at most 10, best first, for OpenRefine's search box. type narrows them (vendor, product, agency, state, source, comma-separated); cursor skips as many.
//	@Tags			reconciliation
//	@Produce		json,application/problem+json
//	@Param			prefix		query		string	true	"what the user typed"
//	@Param			type		query		string	false	"comma-separated types"
//	@Param			type_strict	query		string	false	"any, all or should (accepted; the type always restricts)"
//	@Param			cursor		query		int		false	"suggestions to skip (0-40)"
//	@Success		200			{object}	suggestResponse
//	@Failure		400			{object}	Problem
//	@Failure		429			{object}	Problem
//	@Failure		500			{object}	Problem
//	@Failure		503			{object}	Problem
//	@Router			/reconcile/suggest/entity [get]
//	@ID				reconcileSuggestEntity
func (s *Server) reconcileSuggest(c echo.Context) error {
	prefix := strings.TrimSpace(c.QueryParam("prefix"))
	switch {
	case prefix == "":
		return domain.Invalid("prefix", "required: what the user typed")
	case domain.QueryTextProblem(prefix) != "":
		return domain.Invalid("prefix", domain.QueryTextProblem(prefix))
	}
	var types []string
	if v := c.QueryParam("type"); v != "" {
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			if _, ok := reconcilePages[t]; !ok {
				return domain.Invalid("type", strconv.Quote(t)+" is not one of vendor, product, agency, state, source")
			}
			types = append(types, t)
		}
	} else {
		for _, t := range reconcileTypes {
			types = append(types, t.ID)
		}
	}
	switch c.QueryParam("type_strict") {
	case "", "any", "all", "should": // a record has one type: the type restricts whatever the strictness
	default:
		return domain.Invalid("type_strict", "must be any, all or should")
	}
	cursor := 0
	if v := c.QueryParam("cursor"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 40 {
			return domain.Invalid("cursor", "must be a whole number from 0 to 40")
		}
		cursor = n
	}
	ctx := c.Request().Context()
	version, err := s.version(c)
	if err != nil {
		return err
	}
	ix, err := s.store.SearchIndex(ctx, version)
	if err != nil {
		return err
	}
	hits := ix.Search(prefix, cursor+maxSuggest, types...)
	hits = hits[min(cursor, len(hits)):]
	lk := &recordLookup{st: s.store, ix: ix, country: map[string]string{}, desc: map[string]string{}}
	out := suggestResponse{Result: []suggestEntity{}}
	for _, h := range hits {
		id := reconcilePages[h.Type] + "/" + h.ID
		d, err := lk.description(ctx, h.Type, h.ID, id)
		if err != nil {
			return err
		}
		out.Result = append(out.Result, suggestEntity{ID: id, Name: h.Label, Description: d, Notable: []reconcileType{typeOf(h.Type)}})
	}
	noStore(c)
	return c.JSON(http.StatusOK, out)
}
