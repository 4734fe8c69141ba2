package intake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/export-registry/registry/internal/domain"
)

// A MISP galaxy cluster file (https://github.com/MISP/misp-galaxy, CC0): the
// "surveillance-vendor" cluster lists vendors, each with its synonyms, products,
// references and official pages.
type galaxy struct {
	Name        string         `json:"name"`
	Type        string         `json:"type"`
	Source      string         `json:"source"`
	Description string         `json:"description"`
	UUID        string         `json:"uuid"`
	Version     json.Number    `json:"version"`
	Values      []galaxyValue  `json:"values"`
	Authors     []string       `json:"authors"`
	Category    string         `json:"category"`
	Extra       map[string]any `json:"-"`
}

type galaxyValue struct {
	Value       string `json:"value"`
	UUID        string `json:"uuid"`
	Description string `json:"description"`
	Meta        struct {
		Synonyms     []string `json:"synonyms"`
		Products     []string `json:"products"`
		Refs         []string `json:"refs"`
		OfficialRefs []string `json:"official-refs"`
		Country      string   `json:"country"`
	} `json:"meta"`
	Related []struct {
		DestUUID string   `json:"dest-uuid"`
		Type     string   `json:"type"`
		Tags     []string `json:"tags"`
	} `json:"related"`
}

// Related is a relation a galaxy value states (an entry of its related[]): the
// vendor row stating it, its type and its destination. What the registry makes of
// it (a draft's parent_id, or a note in the report) is the intake's to decide.
type Related struct {
	// From is the index in File.Rows of the vendor stating the relation.
	From int
	// Type is the relation's type, trimmed (the real cluster writes "is-allied-with "
	// beside "is-allied-with").
	Type string
	// Dest is the destination's external id (ExternalIDPrefix and its uuid), which may
	// name a value of the file, a vendor an earlier intake brought, or neither.
	Dest string
	// Tags are the relation's tags as the file gives them (estimative language).
	Tags []string
}

// The relation types that say who owns whom, the one relation the registry has a
// place for (vendor.parent_id, "the vendor that owns this one"). The others the
// cluster uses (part-of an alliance, is-allied-with, known-as, related-to) have none.
const (
	// RelIsAcquiredBy: the stating value's parent is the destination.
	RelIsAcquiredBy = "is-acquired-by"
	// RelAcquires: the destination's parent is the stating value.
	RelAcquires = "acquires"
)

// Ownership reads a relation type as ownership: ok when it is one, and whether the
// destination (rather than the stating value) is the one owned.
func Ownership(typ string) (destOwned, ok bool) {
	switch typ {
	case RelIsAcquiredBy:
		return false, true
	case RelAcquires:
		return true, true
	}
	return false, false
}

// ExternalIDPrefix marks a galaxy value's uuid as a vendor's external id.
const ExternalIDPrefix = "misp-galaxy:"

// raw marshals a value as a field's JSON.
func raw(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// readGalaxy reads a galaxy cluster: a source for the galaxy itself (with its
// version), one for each reference, a vendor draft per value (aliases from its
// synonyms, website from its first official page, headquarters from its country)
// citing the galaxy and its references, a product draft per product it lists, and
// the relations each value states (each once).
func readGalaxy(b []byte) (File, error) {
	var g galaxy
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&g); err != nil {
		return File{}, Problem{Reason: "not a MISP galaxy cluster (JSON with values[]): " + err.Error()}
	}
	if g.Values == nil {
		return File{}, Problem{Field: "values", Reason: "a MISP galaxy cluster lists its entries in values[]"}
	}
	if len(g.Values) > MaxRows {
		return File{}, Problem{Field: "values", Reason: fmt.Sprintf("more than %d values: split the file", MaxRows)}
	}
	out := File{Format: FormatMISP}
	typ := g.Type
	if typ == "" {
		typ = "surveillance-vendor"
	}
	galaxyURL := "https://github.com/MISP/misp-galaxy/blob/main/clusters/" + url.PathEscape(typ) + ".json"
	title := "MISP galaxy cluster " + typ
	if g.Name != "" {
		title = "MISP galaxy: " + g.Name
	}
	if g.Version != "" {
		title += ", version " + g.Version.String()
	}
	publisher := g.Source
	if publisher == "" {
		publisher = "MISP Project"
	}
	desc := strings.TrimSpace(g.Description + " Community dataset (CC0), taken in by the registry's intake; each vendor drawn from it is a draft to review.")
	out.Sources = append(out.Sources, Source{Key: galaxyURL, Fields: map[string]json.RawMessage{
		"kind": raw("other"), "title": raw(title), "publisher": raw(publisher), "url": raw(galaxyURL), "description": raw(desc),
	}})
	galaxyKey := out.Sources[0].Key
	known := map[string]bool{galaxyKey: true}
	for i, v := range g.Values {
		row := Row{Row: i + 1, Collection: "vendors", Fields: map[string]json.RawMessage{}, Vendor: -1, Name: v.Value,
			Cites: []string{galaxyKey}}
		if v.UUID != "" {
			row.ExternalID = ExternalIDPrefix + strings.ToLower(v.UUID)
		}
		row.Fields["name"] = raw(strings.TrimSpace(v.Value))
		if len(v.Meta.Synonyms) > 0 {
			aliases := make([]domain.Alias, 0, len(v.Meta.Synonyms))
			for _, s := range v.Meta.Synonyms {
				if s = strings.TrimSpace(s); s != "" && s != v.Value {
					aliases = append(aliases, domain.Alias{Name: s})
				}
			}
			row.Fields["aliases"] = raw(aliases)
		}
		if d := strings.TrimSpace(v.Description); d != "" {
			row.Fields["description"] = raw(d)
		}
		if len(v.Meta.OfficialRefs) > 0 {
			row.Fields["website"] = raw(v.Meta.OfficialRefs[0])
		}
		if c := strings.TrimSpace(v.Meta.Country); c != "" {
			if code, ok := domain.SuggestCountry(c); ok {
				c = code
			}
			row.Fields["headquarters_country"] = raw(c) // a country no one knows is refused, naming it
		}
		for _, ref := range v.Meta.Refs {
			ref = strings.TrimSpace(ref)
			if ref == "" {
				continue
			}
			if !known[ref] {
				known[ref] = true
				out.Sources = append(out.Sources, Source{Key: ref, Fields: map[string]json.RawMessage{
					"kind": raw("other"), "title": raw(refTitle(ref)), "url": raw(ref),
				}})
			}
			row.Cites = append(row.Cites, ref)
		}
		vendor := len(out.Rows)
		out.Rows = append(out.Rows, row)
		seen := map[[2]string]bool{}
		for _, rel := range v.Related {
			r := Related{From: vendor, Type: strings.TrimSpace(rel.Type), Dest: ExternalIDPrefix + strings.ToLower(strings.TrimSpace(rel.DestUUID)), Tags: rel.Tags}
			if r.Type == "" || r.Dest == ExternalIDPrefix || seen[[2]string{r.Type, r.Dest}] {
				continue // said twice ("is-allied-with" and "is-allied-with "), or saying nothing
			}
			seen[[2]string{r.Type, r.Dest}] = true
			out.Relations = append(out.Relations, r)
		}
		for _, p := range v.Meta.Products {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			out.Rows = append(out.Rows, Row{Row: i + 1, Collection: "products", Name: p, Vendor: vendor,
				Fields: map[string]json.RawMessage{"name": raw(p)}, Cites: row.Cites})
		}
	}
	return out, nil
}

// refTitle names a reference by its address, as nothing else is known of it.
func refTitle(ref string) string {
	if u, err := url.Parse(ref); err == nil && u.Host != "" {
		return "Reference at " + u.Host + u.EscapedPath()
	}
	return ref
}
