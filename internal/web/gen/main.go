// Command gen converts Natural Earth's 1:110m country boundaries, as the world-atlas
// npm package ships them (TopoJSON), into the compact projected outlines the web
// pages embed: internal/web/assets/world.json. It runs once, by hand, when the
// boundaries are to be updated; the pages never fetch anything at run time.
//
//	cd /tmp && npm pack world-atlas@2.0.2
//	go run ./internal/web/gen -in /tmp/world-atlas-2.0.2.tgz -out internal/web/assets/world.json
//
// The outlines are projected with the Natural Earth I projection (the one d3-geo
// calls geoNaturalEarth1), simplified per shared arc so that neighbours keep a common
// border, rounded to whole units of the view box, and written as SVG path data keyed
// by ISO 3166-1 alpha-2 code.
package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/biter777/countries"

	"github.com/export-registry/registry/internal/domain"
)

// Width is the view box's width; the height follows from the projection. At this
// width a whole unit is about a quarter of a degree of longitude at the equator:
// enough for small countries such as Israel to keep a recognisable outline, while
// the file stays near 40 KB.
const Width = 1500

// tolerance is the Douglas–Peucker tolerance in view-box units.
const tolerance = 0.5

// minArea drops islands smaller than this (in square units) unless they are all a
// country has: they would be invisible anyway and cost bytes.
const minArea = 2.0

// byName gives codes to the world-atlas shapes that have no ISO numeric id.
// Kosovo has the user-assigned code the registry accepts; Northern Cyprus and
// Somaliland are, for ISO 3166-1, parts of Cyprus and Somalia, so their shapes join
// those countries' outlines.
var byName = map[string]string{
	"Kosovo":     "XK",
	"N. Cyprus":  "CY",
	"Somaliland": "SO",
}

// topology is the part of a TopoJSON topology this converter reads.
type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects struct {
		Countries struct {
			Geometries []geometry `json:"geometries"`
		} `json:"countries"`
	} `json:"objects"`
}

// geometry is one country: a Polygon (rings of arc indices) or a MultiPolygon.
type geometry struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Arcs       json.RawMessage `json:"arcs"`
	Properties struct {
		Name string `json:"name"`
	} `json:"properties"`
}

// Output is the file the web package embeds.
type Output struct {
	Source    string    `json:"source"`
	License   string    `json:"license"`
	ViewBox   [4]int    `json:"view_box"`
	Countries []Country `json:"countries"`
}

// Country is one outline: its alpha-2 code, SVG path data in view-box units, and
// the point where a marker for it goes.
type Country struct {
	Code  string `json:"code"`
	D     string `json:"d"`
	Label [2]int `json:"label"`
}

type point struct{ X, Y float64 }

func main() {
	in := flag.String("in", "world-atlas-2.0.2.tgz", "the world-atlas package (.tgz) or its countries-110m.json")
	out := flag.String("out", "internal/web/assets/world.json", "where to write the outlines")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	raw, err := readInput(in)
	if err != nil {
		return err
	}
	var topo topology
	if err := json.Unmarshal(raw, &topo); err != nil {
		return fmt.Errorf("decode TopoJSON: %w", err)
	}
	arcs, pr := decodeArcs(topo)
	rings := map[string][]intRing{}
	for _, g := range topo.Objects.Countries.Geometries {
		code, err := codeOf(g)
		if err != nil {
			return err
		}
		polys, err := polygons(g)
		if err != nil {
			return fmt.Errorf("%s: %w", g.Properties.Name, err)
		}
		rings[code] = append(rings[code], projectRings(polys, arcs, pr)...)
	}
	o := Output{
		Source:  "world-atlas 2.0.2 (npm), countries-110m.json: Natural Earth 1:110m Admin 0 country boundaries, version 4.1.0",
		License: "Natural Earth data: public domain. world-atlas packaging: ISC, Copyright 2013-2019 Michael Bostock.",
		ViewBox: [4]int{0, 0, Width, int(math.Ceil(pr.height))},
	}
	for code, rs := range rings {
		o.Countries = append(o.Countries, Country{Code: code, D: pathData(rs), Label: labelPoint(rs)})
	}
	sort.Slice(o.Countries, func(i, j int) bool { return o.Countries[i].Code < o.Countries[j].Code })
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}

// readInput returns countries-110m.json from the package tarball or the file itself.
func readInput(path string) ([]byte, error) {
	if !strings.HasSuffix(path, ".tgz") && !strings.HasSuffix(path, ".tar.gz") {
		return os.ReadFile(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, errors.New("no package/countries-110m.json in " + path)
		}
		if err != nil {
			return nil, err
		}
		if h.Name == "package/countries-110m.json" {
			return io.ReadAll(io.LimitReader(tr, 16<<20))
		}
	}
}

// codeOf maps a shape to its registry country code.
func codeOf(g geometry) (string, error) {
	if code, ok := byName[g.Properties.Name]; ok && g.ID == "" {
		return code, nil
	}
	n, err := strconv.Atoi(g.ID)
	if err != nil {
		return "", fmt.Errorf("%s: id %q is not an ISO numeric code", g.Properties.Name, g.ID)
	}
	code := countries.ByNumeric(n).Alpha2()
	if !domain.ValidCountry(code) {
		return "", fmt.Errorf("%s: numeric %d has no registry code (got %q)", g.Properties.Name, n, code)
	}
	return code, nil
}

// polygons returns a geometry's polygons, each a list of rings of arc indices.
func polygons(g geometry) ([][][]int, error) {
	switch g.Type {
	case "Polygon":
		var p [][]int
		err := json.Unmarshal(g.Arcs, &p)
		return [][][]int{p}, err
	case "MultiPolygon":
		var mp [][][]int
		err := json.Unmarshal(g.Arcs, &mp)
		return mp, err
	}
	return nil, fmt.Errorf("unexpected geometry type %q", g.Type)
}

// projector maps longitude and latitude (degrees) to view-box units, y downwards.
type projector struct{ minX, minY, k, height float64 }

func (p projector) project(q point) point {
	x, y := naturalEarth(q.X*math.Pi/180, q.Y*math.Pi/180)
	return point{(x - p.minX) * p.k, (-y - p.minY) * p.k}
}

// decodeArcs decodes the quantized, delta-encoded arcs to longitude and latitude,
// fits the projection to them, and simplifies each arc in projected units. Arcs are
// shared by neighbouring countries, so simplifying them (not the rings) keeps
// borders common.
func decodeArcs(t topology) ([][]point, projector) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	lonlat := make([][]point, len(t.Arcs))
	for i, arc := range t.Arcs {
		var x, y float64
		for _, d := range arc {
			x, y = x+d[0], y+d[1]
			q := point{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
			lonlat[i] = append(lonlat[i], q)
			px, py := naturalEarth(q.X*math.Pi/180, q.Y*math.Pi/180)
			minX, maxX = math.Min(minX, px), math.Max(maxX, px)
			minY, maxY = math.Min(minY, -py), math.Max(maxY, -py)
		}
	}
	k := Width / (maxX - minX)
	pr := projector{minX: minX, minY: minY, k: k, height: (maxY - minY) * k}
	out := make([][]point, len(lonlat))
	for i, arc := range lonlat {
		projected := make([]point, len(arc))
		for j, q := range arc {
			projected[j] = pr.project(q)
		}
		for _, j := range simplify(projected, tolerance) {
			out[i] = append(out[i], arc[j])
		}
	}
	return out, pr
}

// naturalEarth is the Natural Earth I projection (Šavrič, Jenny, Patterson, Petrovič
// and Hurni, 2011), in d3-geo's polynomial form: radians in, unit-sphere units out.
func naturalEarth(lambda, phi float64) (float64, float64) {
	phi2 := phi * phi
	phi4 := phi2 * phi2
	x := lambda * (0.8707 - 0.131979*phi2 + phi4*(-0.013791+phi4*(0.003971*phi2-0.001529*phi4)))
	y := phi * (1.007226 + phi2*(0.015085+phi4*(-0.044475+0.028874*phi2-0.005916*phi4)))
	return x, y
}

// simplify is Douglas–Peucker keeping both ends of the arc; it returns the indices
// of the points kept.
func simplify(pts []point, tol float64) []int {
	if len(pts) <= 2 {
		out := make([]int, len(pts))
		for i := range out {
			out[i] = i
		}
		return out
	}
	keep := make([]bool, len(pts))
	keep[0], keep[len(pts)-1] = true, true
	var rec func(a, b int)
	rec = func(a, b int) {
		best, at := 0.0, -1
		for i := a + 1; i < b; i++ {
			if d := segDist(pts[i], pts[a], pts[b]); d > best {
				best, at = d, i
			}
		}
		if at >= 0 && best > tol {
			keep[at] = true
			rec(a, at)
			rec(at, b)
		}
	}
	rec(0, len(pts)-1)
	var out []int
	for i := range pts {
		if keep[i] {
			out = append(out, i)
		}
	}
	return out
}

// segDist is the distance from p to the segment ab.
func segDist(p, a, b point) float64 {
	dx, dy := b.X-a.X, b.Y-a.Y
	if dx == 0 && dy == 0 {
		return math.Hypot(p.X-a.X, p.Y-a.Y)
	}
	t := math.Max(0, math.Min(1, ((p.X-a.X)*dx+(p.Y-a.Y)*dy)/(dx*dx+dy*dy)))
	return math.Hypot(p.X-a.X-t*dx, p.Y-a.Y-t*dy)
}

// ring joins a ring's arcs (a negative index ~i is arc i reversed), dropping each
// arc's first point after the first arc: it repeats the previous arc's last.
func ring(idx []int, arcs [][]point) []point {
	var out []point
	for n, i := range idx {
		var a []point
		if i >= 0 {
			a = arcs[i]
		} else {
			src := arcs[^i]
			a = make([]point, len(src))
			for j := range src {
				a[j] = src[len(src)-1-j]
			}
		}
		if n > 0 {
			a = a[1:]
		}
		out = append(out, a...)
	}
	return out
}

// splitAntimeridian cuts a ring that crosses the ±180° meridian (Fiji, Chukotka)
// into the parts on either side; drawn whole, it would streak across the map. A ring
// around a pole (Antarctica) does not close when unwrapped and is left as it is:
// its edge along the meridian is its true outline on this projection.
func splitAntimeridian(r []point) [][]point {
	crosses := false
	for i := 1; i < len(r); i++ {
		crosses = crosses || math.Abs(r[i].X-r[i-1].X) > 180
	}
	if !crosses {
		return [][]point{r}
	}
	u := make([]point, len(r))
	u[0] = r[0]
	for i := 1; i < len(r); i++ {
		lon := r[i].X
		for lon-u[i-1].X > 180 {
			lon -= 360
		}
		for lon-u[i-1].X < -180 {
			lon += 360
		}
		u[i] = point{lon, r[i].Y}
	}
	if math.Abs(u[len(u)-1].X-u[0].X) > 180 {
		return [][]point{r}
	}
	// The part within ±180° stays; a part past either meridian moves a turn back.
	var out [][]point
	for _, part := range []struct {
		pts   []point
		shift float64
	}{
		{clip(clip(u, 180, false), -180, true), 0},
		{clip(u, 180, true), -360},
		{clip(u, -180, false), 360},
	} {
		if len(part.pts) < 3 {
			continue
		}
		shifted := make([]point, len(part.pts))
		for i, p := range part.pts {
			shifted[i] = point{p.X + part.shift, p.Y}
		}
		out = append(out, shifted)
	}
	return out
}

// clip is Sutherland–Hodgman against the meridian at lon: it keeps the side east of
// it when east is set, else the west.
func clip(r []point, lon float64, east bool) []point {
	inside := func(p point) bool {
		if east {
			return p.X >= lon
		}
		return p.X <= lon
	}
	var out []point
	for i := range r {
		cur, prev := r[i], r[(i+len(r)-1)%len(r)]
		if inside(cur) != inside(prev) {
			t := (lon - prev.X) / (cur.X - prev.X)
			out = append(out, point{lon, prev.Y + t*(cur.Y-prev.Y)})
		}
		if inside(cur) {
			out = append(out, cur)
		}
	}
	return out
}

// intRing is a projected ring in whole units with its area.
type intRing struct {
	pts  [][2]int
	area float64
}

// projectRings assembles a shape's rings, cuts them at the antimeridian, projects
// them and rounds them to whole units, dropping repeated points.
func projectRings(polys [][][]int, arcs [][]point, pr projector) []intRing {
	var out []intRing
	for _, poly := range polys {
		for _, idx := range poly {
			for _, part := range splitAntimeridian(ring(idx, arcs)) {
				var pts [][2]int
				for _, q := range part {
					p := pr.project(q)
					ip := [2]int{int(math.Round(p.X)), int(math.Round(p.Y))}
					if len(pts) == 0 || pts[len(pts)-1] != ip {
						pts = append(pts, ip)
					}
				}
				if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
					pts = pts[:len(pts)-1]
				}
				out = append(out, intRing{pts, math.Abs(area(pts))})
			}
		}
	}
	return out
}

// pathData writes a country's rings as compact SVG path data: one absolute move per
// ring, then relative lines. Tiny islands are dropped unless the country has nothing
// bigger: a small island state must still show, as at least a unit square.
func pathData(rings []intRing) string {
	largest := 0.0
	for _, r := range rings {
		largest = math.Max(largest, r.area)
	}
	var sb strings.Builder
	for _, r := range rings {
		if r.area < largest && (len(r.pts) < 3 || r.area < minArea) {
			continue
		}
		pts := r.pts
		if len(pts) < 3 {
			p := pts[0]
			pts = [][2]int{p, {p[0] + 1, p[1]}, {p[0] + 1, p[1] + 1}, {p[0], p[1] + 1}}
		}
		sb.WriteString("M" + strconv.Itoa(pts[0][0]) + " " + strconv.Itoa(pts[0][1]) + "l")
		for i := 1; i < len(pts); i++ {
			writePair(&sb, pts[i][0]-pts[i-1][0], pts[i][1]-pts[i-1][1], i == 1)
		}
		sb.WriteString("z")
	}
	return sb.String()
}

// labelPoint is where the map marks a country too small to see: the centre of its
// largest ring's bounding box.
func labelPoint(rings []intRing) [2]int {
	best := rings[0]
	for _, r := range rings {
		if r.area > best.area {
			best = r
		}
	}
	minX, minY, maxX, maxY := best.pts[0][0], best.pts[0][1], best.pts[0][0], best.pts[0][1]
	for _, p := range best.pts {
		minX, maxX = min(minX, p[0]), max(maxX, p[0])
		minY, maxY = min(minY, p[1]), max(maxY, p[1])
	}
	return [2]int{(minX + maxX) / 2, (minY + maxY) / 2}
}

// writePair writes a relative coordinate pair with the fewest separators SVG allows:
// a minus sign separates numbers by itself.
func writePair(sb *strings.Builder, dx, dy int, first bool) {
	for i, v := range []int{dx, dy} {
		if (!first || i > 0) && v >= 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(strconv.Itoa(v))
	}
}

// area is the shoelace area of a ring.
func area(pts [][2]int) float64 {
	s := 0.0
	for i := range pts {
		j := (i + 1) % len(pts)
		s += float64(pts[i][0]*pts[j][1] - pts[j][0]*pts[i][1])
	}
	return s / 2
}
