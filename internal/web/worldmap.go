package web

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// worldJSON holds the country outlines, converted once from Natural Earth's 1:110m
// boundaries by ./gen (see assets/README.md for the source and licence).
//
//go:embed assets/world.json
var worldJSON []byte

// outline is one country's shape in the map's view box.
type outline struct {
	Code  string `json:"code"`
	D     string `json:"d"`
	Label [2]int `json:"label"`
}

// outlines are the embedded shapes and the view box they are drawn in, read once.
var outlines, viewBox = func() ([]outline, string) {
	var f struct {
		ViewBox   [4]int    `json:"view_box"`
		Countries []outline `json:"countries"`
	}
	if err := json.Unmarshal(worldJSON, &f); err != nil {
		panic("web: assets/world.json: " + err.Error())
	}
	sort.Slice(f.Countries, func(i, j int) bool { return f.Countries[i].Code < f.Countries[j].Code })
	return f.Countries, fmt.Sprintf("%d %d %d %d", f.ViewBox[0], f.ViewBox[1], f.ViewBox[2], f.ViewBox[3])
}()

// worldMap is the home page's map: every country with a shape, shaded by its number
// of licences. Colour is never the only carrier: each shape has a title with the
// number, the legend says it in words, and the country table gives it all again.
type worldMap struct {
	ViewBox   string
	Countries []mapCountry
	Legend    []legendItem
}

// mapCountry is one shape of the map.
type mapCountry struct {
	Code, URL, D string
	// Shade is the CSS class of the licence-count bucket.
	Shade string
	// Title is the shape's accessible name and tooltip: "Israel: 1 licence".
	Title string
	// Marker is set for a country with licences: a dot at (X, Y) keeps it visible
	// and clickable however small its shape.
	Marker bool
	X, Y   int
}

// legendItem is one shade and the counts it stands for.
type legendItem struct {
	Shade, Label string
}

// shades are the buckets of licence counts, lowest first.
var shades = []struct {
	min   int
	class string
	label string
}{
	{0, "s0", "no licence recorded"},
	{1, "s1", "1 licence"},
	{2, "s2", "2 to 4 licences"},
	{5, "s3", "5 to 9 licences"},
	{10, "s4", "10 or more licences"},
}

// shadeOf returns the class of a licence count.
func shadeOf(n int) string {
	class := shades[0].class
	for _, s := range shades {
		if n >= s.min {
			class = s.class
		}
	}
	return class
}

// buildMap shades each outline by its country's count.
func buildMap(counts map[string]store.CountryCount) worldMap {
	m := worldMap{ViewBox: viewBox}
	for _, s := range shades {
		m.Legend = append(m.Legend, legendItem{s.class, s.label})
	}
	var marked []mapCountry
	for _, o := range outlines {
		n := counts[o.Code].Licenses
		c := mapCountry{
			Code: o.Code, URL: "/countries/" + o.Code, D: o.D, Shade: shadeOf(n),
			Title:  domain.CountryName(o.Code) + ": " + plural(n, "licence", "licences"),
			Marker: n > 0, X: o.Label[0], Y: o.Label[1],
		}
		// A country's vendors' licences are not its own (see store.CountryCount), so
		// a country with vendors and no licence says it has the vendors.
		if v := counts[o.Code].Vendors; v > 0 {
			c.Title += "; " + plural(v, "vendor", "vendors") + " headquartered there"
		}
		if c.Marker {
			marked = append(marked, c)
			continue
		}
		m.Countries = append(m.Countries, c)
	}
	// Countries with markers come last, so that no shape covers a dot.
	m.Countries = append(m.Countries, marked...)
	return m
}
