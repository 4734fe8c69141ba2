package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/search"
)

// searchLimit is how many hits the page shows.
const searchLimit = 30

// searchHit is one result with the page it links to.
type searchHit struct {
	search.Hit
	Kind, URL string
}

// searchData is the search page.
type searchData struct {
	Query   string
	Problem string
	Hits    []searchHit
	Asked   bool
}

// hitKinds are the page kinds of the record types search covers.
var hitKinds = map[string][2]string{
	"vendor":  {"Vendor", "vendors"},
	"product": {"Product", "products"},
	"agency":  {"Agency", "agencies"},
	"state":   {"Country", "countries"},
	"source":  {"Source", "sources"},
	// Running text: a hit shows the sentence that matched.
	"communication": {"Communication", "communications"},
	"allegation":    {"Allegation", "allegations"},
	"termination":   {"Termination", "terminations"},
}

// search serves /search?q=: typo-tolerant search over names, as the API's search,
// with each hit linked to its page.
func (s *server) search(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	data := searchData{Query: q, Asked: q != ""}
	if problem := domain.QueryTextProblem(q); problem != "" {
		data.Problem = "The search text is " + problem + "."
		if !utf8.ValidString(q) {
			data.Query = "" // not text to show again
		}
	}
	version, err := s.st.DatasetVersion(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if data.Asked && data.Problem == "" {
		ix, err := s.st.SearchIndex(ctx, version)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, h := range ix.Search(q, searchLimit) {
			k := hitKinds[h.Type]
			data.Hits = append(data.Hits, searchHit{Hit: h, Kind: k[0], URL: "/" + k[1] + "/" + url.PathEscape(h.ID)})
		}
	}
	// The permalink of a search is its query: the same words give the same hits at
	// the same dataset version.
	p := page{Title: "Search", Path: "/search", Version: version, Query: data.Query,
		CSVNote: "Search results have no CSV form; every collection does, under /api/v1/export/.", Data: data}
	p.URL = absURL(r, "/search")
	if data.Asked && data.Problem == "" {
		query := url.Values{"q": {q}}.Encode()
		p.Title = "Search: " + q
		p.URL += "?" + query
		p.JSON = []link{{"These results (JSON)", "/api/v1/search?" + query}}
	}
	s.render(w, r, "search", p)
}
