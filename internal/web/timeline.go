package web

import (
	"sort"
	"strconv"
	"time"

	"github.com/export-registry/registry/internal/domain"
)

// The timeline draws each licence's validity as a bar, at the precision the sources
// give. A date known to the month or year names a whole period ("2019" is some day in
// 2019), so such a start or end is drawn as a pale stretch covering its period, the
// certain part in between solid; an end the sources do not give is drawn as a hatched
// stretch to the axis's end and labelled, never as a date.

// Timeline geometry, in view-box units.
const (
	tlWidth  = 800
	tlLeft   = 20
	tlRight  = 24
	tlTop    = 28
	tlRow    = 40
	tlBar    = 14
	tlBottom = 10
)

// timeline is the SVG of a country page's licence periods and its text alternative.
type timeline struct {
	Bars []timelineBar
	// Undated are the licences without a known start, which cannot be drawn.
	Undated int
	// Hidden are the dated licences past the bars drawn, so a page stays light.
	Hidden  int
	Ticks   []timelineTick
	ViewBox string
	Height  int
	// AxisY is where the axis line runs; TodayX marks today.
	AxisY, TodayX int
}

// timelineBar is one licence.
type timelineBar struct {
	Label, URL           string
	From, Until          dateView
	OpenEnd              bool
	LabelY, BarY         int
	FuzzyStartX, FuzzyW  int // the start's period, when not a day
	SolidX, SolidW       int
	FuzzyEndX, FuzzyEndW int
	OpenX, OpenW         int // the unknown end
	Title                string
}

// timelineTick is a year mark on the axis.
type timelineTick struct {
	X     int
	Label string
}

// periodEnd returns the day after the period a stored date names.
func periodEnd(t time.Time, precision *string) time.Time {
	p := domain.PrecisionDay
	if precision != nil {
		p = *precision
	}
	switch p {
	case domain.PrecisionYear:
		return t.AddDate(1, 0, 0)
	case domain.PrecisionMonth:
		return t.AddDate(0, 1, 0)
	}
	return t.AddDate(0, 0, 1)
}

// buildTimeline lays out the licences with a known start, each once, oldest first,
// drawing at most maxBars.
func buildTimeline(licenses []licenseView, now time.Time, maxBars int) timeline {
	type span struct {
		l                              licenseView
		start, startEnd, endStart, end time.Time
		open                           bool
	}
	var spans []span
	seen := map[domain.ID]bool{}
	tl := timeline{}
	for _, l := range licenses {
		if seen[l.ID] {
			continue
		}
		seen[l.ID] = true
		if l.License.ValidFrom == nil {
			tl.Undated++
			continue
		}
		start, _, err := l.License.ValidFrom.Parse()
		if err != nil {
			tl.Undated++
			continue
		}
		sp := span{l: l, start: start, startEnd: periodEnd(start, l.ValidFromPrecision)}
		if l.License.ValidUntil != nil {
			if until, _, err := l.License.ValidUntil.Parse(); err == nil {
				sp.endStart, sp.end = until, periodEnd(until, l.ValidUntilPrecision)
			}
		}
		if sp.end.IsZero() {
			sp.open = true
		}
		spans = append(spans, sp)
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start.Before(spans[j].start) })
	if len(spans) > maxBars {
		tl.Hidden = len(spans) - maxBars
		spans = spans[:maxBars]
	}
	if len(spans) == 0 {
		return tl
	}

	// The axis runs over whole years, from the earliest start to the latest end, or
	// to next year where an end is unknown.
	first, last := spans[0].start.Year(), now.Year()
	for _, sp := range spans {
		if sp.open {
			last = max(last, sp.startEnd.Year()+1)
		} else {
			last = max(last, sp.end.Year())
		}
	}
	if last <= first {
		last = first + 1
	}
	axisStart := time.Date(first, 1, 1, 0, 0, 0, 0, time.UTC)
	axisEnd := time.Date(last+1, 1, 1, 0, 0, 0, 0, time.UTC)
	hours := axisEnd.Sub(axisStart).Hours()
	x := func(t time.Time) int {
		f := t.Sub(axisStart).Hours() / hours
		return tlLeft + int(f*float64(tlWidth-tlLeft-tlRight)+0.5)
	}
	step := 1
	for (last+1-first)/step > 12 {
		step++
	}
	for y := first; y <= last+1; y += step {
		tl.Ticks = append(tl.Ticks, timelineTick{X: x(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)), Label: strconv.Itoa(y)})
	}

	tl.TodayX = x(now)
	for i, sp := range spans {
		top := tlTop + i*tlRow
		b := timelineBar{Label: shorten(sp.l.Label, 100), URL: sp.l.Path, From: sp.l.ValidFrom, Until: sp.l.ValidUntil,
			OpenEnd: sp.open, LabelY: top + 12, BarY: top + 18}
		if sp.startEnd.Sub(sp.start) > 48*time.Hour {
			b.FuzzyStartX, b.FuzzyW = x(sp.start), x(sp.startEnd)-x(sp.start)
		}
		solidFrom := sp.startEnd
		if b.FuzzyW == 0 {
			solidFrom = sp.start
		}
		switch {
		case sp.open:
			b.OpenX, b.OpenW = x(solidFrom), x(axisEnd)-x(solidFrom)
			b.Title = sp.l.Label + ": from " + sp.l.ValidFrom.Text + ", end unknown"
		default:
			solidTo := sp.endStart
			if sp.end.Sub(sp.endStart) > 48*time.Hour {
				b.FuzzyEndX, b.FuzzyEndW = x(sp.endStart), x(sp.end)-x(sp.endStart)
			} else {
				solidTo = sp.end
			}
			if solidTo.After(solidFrom) {
				b.SolidX, b.SolidW = x(solidFrom), max(1, x(solidTo)-x(solidFrom))
			}
			b.Title = sp.l.Label + ": from " + sp.l.ValidFrom.Text + " until " + sp.l.ValidUntil.Text
		}
		tl.Bars = append(tl.Bars, b)
	}
	tl.AxisY = tlTop + len(spans)*tlRow
	tl.Height = tl.AxisY + 20 + tlBottom
	tl.ViewBox = "0 0 " + strconv.Itoa(tlWidth) + " " + strconv.Itoa(tl.Height)
	return tl
}

// shorten cuts a label to n runes: SVG text does not wrap, and the table beside the
// timeline gives the whole label.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
