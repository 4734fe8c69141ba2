package httpapi

import (
	"encoding/xml"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpx"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/web"
)

// changesMeta is the meta of the change feed: where to poll from next.
type changesMeta struct {
	// NextCursor is the position after this page: pass it as since on the next poll.
	// It is always present; with no new changes it stays where it was.
	NextCursor string `json:"next_cursor"`
	// HasMore says whether more changes may follow at once.
	HasMore bool `json:"has_more"`
	// Names the public state of the registry this answer comes from.
	DatasetVersion string `json:"dataset_version"`
}

// changesResponse is a page of the change feed.
type changesResponse struct {
	// The changes, oldest first.
	Data []store.Change `json:"data"`
	Meta changesMeta    `json:"meta"`
}

// changesParams are the parameters of the change feed: its filters, the page size,
// and (for the JSON feed, which pages) the position to go on from.
func changesParams(withSince bool) []string {
	allowed := []string{fCountry, fVendor, "limit"}
	if withSince {
		allowed = append(allowed, "since")
	}
	return allowed
}

// parseChanges reads the feed's parameters.
func (s *Server) parseChanges(c echo.Context, withSince bool) (store.ChangeParams, error) {
	allowed := changesParams(withSince)
	q := c.QueryParams()
	var p store.ChangeParams
	for name, vals := range q {
		if !slices.Contains(allowed, name) {
			return p, domain.Invalid(name, "not a parameter of the change feed")
		}
		if len(vals) > 1 {
			return p, domain.Invalid(name, "given more than once")
		}
	}
	var err error
	if p.Country, err = countryParam(q.Get(fCountry), fCountry); err != nil {
		return p, err
	}
	if v := q.Get(fVendor); v != "" {
		if p.VendorID, err = s.store.VendorIDOf(c.Request().Context(), v); err != nil {
			return p, err
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, domain.Invalid("limit", "must be a whole number from 1 (larger than 500 is read as 500)")
		}
		p.Limit = min(n, store.MaxLimit)
	}
	if v := q.Get("since"); v != "" {
		if p.After, err = store.DecodeFeedCursor(v); err != nil {
			return p, err
		}
	}
	return p, nil
}

// listChanges is the change feed.
//
//	@Summary		Change feed
//	@Description	Every public change (a publication, a correction of a published record, a retraction), oldest first, from the position since names (the start when absent). Poll with meta.next_cursor as since: no change is missed or repeated, even while staff write. country keeps changes of records naming the country in any country field; vendor keeps changes of the vendor and of records about it.
//	@Tags			changes
//	@Produce		json,application/problem+json
//	@Param			since	query		string	false	"the next_cursor of the previous poll"
//	@Param			country	query		string	false	"ISO 3166-1 alpha-2"
//	@Param			vendor	query		string	false	"vendor id or slug"
//	@Param			limit	query		int		false	"page size, 1-500 (default 50)"
//	@Success		200		{object}	changesResponse
//	@Success		304		"not modified"
//	@Failure		400		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Failure		503		{object}	Problem
//	@Router			/api/v1/changes [get]
//	@ID				listChanges
func (s *Server) listChanges(c echo.Context) error {
	p, err := s.parseChanges(c, true)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	changes, pos, more, err := s.store.Changes(ctx, p)
	if err != nil {
		return err
	}
	version, err := s.version(c)
	if err != nil {
		return err
	}
	if changes == nil {
		changes = []store.Change{}
	}
	next := store.EncodeFeedCursor(pos)
	if more {
		u := *c.Request().URL
		q := u.Query()
		q.Set("since", next)
		u.RawQuery = q.Encode()
		c.Response().Header().Set("Link", "<"+u.RequestURI()+`>; rel="next"`)
	}
	return s.respond(c, changesResponse{Data: changes, Meta: changesMeta{NextCursor: next, HasMore: more, DatasetVersion: version}}, "", version)
}

// The Atom document (RFC 4287) of the change feed.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary string     `xml:"summary"`
}

// atomTag is the scheme of the feed's ids: tag URIs (RFC 4151), stable whatever host
// serves the feed.
const atomTag = "tag:surveillance-export-registry,2026:"

// changesAtom is the change feed as Atom.
//
//	@Summary		Change feed (Atom)
//	@Description	The newest 50 public changes as an Atom feed (RFC 4287) for feed readers, with the same filters as /api/v1/changes. Each entry is titled as its record's page names it ("Licence 1: end-user licence, NSO Group to Mexico — published") and links to that page (text/html) and to the record in the API (application/json).
//	@Tags			changes
//	@Produce		application/atom+xml,application/problem+json
//	@Param			country	query		string	false	"ISO 3166-1 alpha-2"
//	@Param			vendor	query		string	false	"vendor id or slug"
//	@Success		200		{string}	string	"an Atom feed"
//	@Success		304		"not modified"
//	@Failure		400		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Failure		500		{object}	Problem
//	@Failure		503		{object}	Problem
//	@Router			/feeds/changes.atom [get]
//	@ID				getChangesAtom
func (s *Server) changesAtom(c echo.Context) error {
	p, err := s.parseChanges(c, false)
	if err != nil {
		return err
	}
	p.Newest, p.Limit = true, 50
	ctx := c.Request().Context()
	changes, _, _, err := s.store.Changes(ctx, p)
	if err != nil {
		return err
	}
	version, err := s.version(c)
	if err != nil {
		return err
	}
	// The feed is kept by the response cache under its canonical query, scheme and
	// host (cacheKey): it is built from those alone, so that every request it is
	// served to gets the same document.
	query := canonicalQuery(c.Path(), c.QueryParams())
	base := httpx.Scheme(c.Request()) + "://" + c.Request().Host
	self := base + c.Request().URL.Path
	if query != "" {
		self += "?" + query
	}
	feed := atomFeed{
		ID:      atomTag + "changes?" + query,
		Title:   "Surveillance Export Registry: changes",
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
		Author:  atomPerson{Name: "Surveillance Export Registry"},
		Links: []atomLink{
			{Rel: "self", Href: self, Type: "application/atom+xml"},
			{Rel: "alternate", Href: base + "/api/v1/changes", Type: "application/json"},
		},
	}
	// Each entry is named as its record's page names it, and links to that page first
	// (what a feed reader opens), then to the record in the API.
	heads, err := web.Headlines(ctx, s.store, changes)
	if err != nil {
		return err
	}
	for i, ch := range changes {
		at := ch.At.Format(time.RFC3339)
		if i == 0 {
			feed.Updated = at
		}
		var links []atomLink
		if heads[i].Path != "" {
			links = append(links, atomLink{Rel: "alternate", Href: base + heads[i].Path, Type: "text/html"})
		}
		links = append(links, atomLink{Rel: "alternate", Href: base + "/api/v1/" + plurals[ch.RecordType] + "/" + ch.RecordID.String(), Type: "application/json"})
		summary := heads[i].Title + ": " + past[ch.Action] + " (revision " + strconv.Itoa(ch.Revision) + ")"
		if ch.Reason != nil {
			summary += ". Reason: " + *ch.Reason
		}
		feed.Entries = append(feed.Entries, atomEntry{
			ID:      atomTag + "change/" + strconv.FormatInt(ch.Seq, 10),
			Title:   heads[i].Title + " — " + past[ch.Action],
			Updated: at,
			Links:   links,
			Summary: summary,
		})
	}
	b, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	return s.send(c, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), b...), "", version)
}

// plurals are the collections' URL names by record type.
var plurals = map[string]string{
	"vendor": "vendors", "product": "products", "agency": "agencies", "license": "licenses",
	"termination": "terminations", "allegation": "allegations", "communication": "communications", "source": "sources",
}

// past are the actions as a title says them.
var past = map[string]string{"create": "added", "update": "corrected", "publish": "published", "retract": "retracted"}
