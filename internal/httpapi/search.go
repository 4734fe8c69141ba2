package httpapi

import (
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/search"
)

// searchHit is one search result with the record's URL.
type searchHit struct {
	search.Hit
	// URL is the record's address in the API.
	URL string `json:"url" example:"/api/v1/vendors/1"`
}

// searchResponse is the answer to a search.
type searchResponse struct {
	// Data are the hits, best first, one per record.
	Data []searchHit `json:"data"`
	Meta itemMeta    `json:"meta"`
}

// searchParams are the parameters of a search.
var searchParams = []string{fQ, "type", "limit"}

// searchTypes are the record types a search covers.
var searchTypes = []string{"vendor", "product", "agency", "state", "source", "communication", "allegation", "termination"}

// searchRecords searches names across the registry.
//
//	@Summary		Search
//	@Description	Typo-tolerant search across vendors (names, slugs, aliases), products, agencies (names, aliases), states (ISO short names, official names, alpha-2 and alpha-3 codes, and other names people use: UK, Britain, USA, Holland, Ivory Coast), sources (titles, document symbols such as A/HRC/41/35, descriptions), and the running text of communications (summaries, questions), allegations (summaries, vendors' replies) and terminations (descriptions). Hits are ranked best first, one per record, each with its type, the field that matched (for running text, matched_text is the sentence) and a score in (0, 1]. A name matches ahead of running text that mentions it.
//	@Tags			search
//	@Produce		json,application/problem+json
//	@Param			q		query		string	true	"what to look for (up to 200 characters)"
//	@Param			type	query		string	false	"comma-separated record types: vendor, product, agency, state, source, communication, allegation, termination"
//	@Param			limit	query		int		false	"hits, 1-50 (default 20)"
//	@Success		200		{object}	searchResponse
//	@Success		304		"not modified"
//	@Failure		400		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Failure		503		{object}	Problem
//	@Router			/api/v1/search [get]
//	@ID				search
func (s *Server) searchRecords(c echo.Context) error {
	params := c.QueryParams()
	for name, vals := range params {
		if !slices.Contains(searchParams, name) {
			return domain.Invalid(name, "not a parameter of search; it takes "+strings.Join(searchParams, ", "))
		}
		if len(vals) > 1 {
			return domain.Invalid(name, "given more than once")
		}
	}
	q := strings.TrimSpace(params.Get("q"))
	switch {
	case q == "":
		return domain.Invalid("q", "required: what to look for")
	case domain.QueryTextProblem(q) != "":
		return domain.Invalid("q", domain.QueryTextProblem(q))
	}
	var types []string
	if v := params.Get("type"); v != "" {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); !slices.Contains(searchTypes, t) {
				return domain.Invalid("type", strconv.Quote(t)+" is not one of "+strings.Join(searchTypes, ", "))
			}
			types = append(types, t)
		}
	}
	limit := 20
	if v := params.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			return domain.Invalid("limit", "must be a whole number from 1 to 50")
		}
		limit = n
	}
	ctx := c.Request().Context()
	version, err := s.version(c)
	if err != nil {
		return err
	}
	// The index is built in process, not with FTS5 or pg_trgm, so SQLite and
	// PostgreSQL rank alike: see package search.
	ix, err := s.store.SearchIndex(ctx, version)
	if err != nil {
		return err
	}
	hits := ix.Search(q, limit, types...)
	out := make([]searchHit, len(hits))
	for i, h := range hits {
		url := "/api/v1/states/" + h.ID
		if h.Type != "state" {
			url = "/api/v1/" + plurals[h.Type] + "/" + h.ID
		}
		out[i] = searchHit{Hit: h, URL: url}
	}
	return s.respond(c, searchResponse{Data: out, Meta: itemMeta{DatasetVersion: version}}, "", version)
}
