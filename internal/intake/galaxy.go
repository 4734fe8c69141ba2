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
// citing the galaxy and its references, and a product draft per product it lists.
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
