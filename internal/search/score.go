package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// query is a normalized query with the forms scoring needs.
type query struct {
	form
}

// newQuery cuts q to maxQueryRunes runes and normalizes it; ok is false when
// nothing searchable is left.
func newQuery(q string) (*query, bool) {
	if utf8.RuneCountInString(q) > maxQueryRunes {
		q = string([]rune(q)[:maxQueryRunes])
	}
	norm := Normalize(q)
	if norm == "" {
		return nil, false
	}
	return &query{form: newForm(norm)}, true
}

// trigrams returns the distinct trigrams of words, ascending, padded as pg_trgm
// pads them: two spaces before a word and one after, so "ab" yields "  a", " ab"
// and "ab ". The padding makes word starts count, which is where typos are rarest.
// A trigram is packed into a uint64, 21 bits per rune.
func trigrams(words []string) []uint64 {
	var gs []uint64
	for _, w := range words {
		r0, r1 := rune(' '), rune(' ')
		for _, r := range w + " " {
			gs = append(gs, uint64(r0)<<42|uint64(r1)<<21|uint64(r))
			r0, r1 = r1, r
		}
	}
	slices.Sort(gs)
	return slices.Compact(gs)
}

// score rates how well entry e answers q; see the package comment for the design.
func score(q *query, e *entry, sc *scratch) float64 {
	if q.norm == e.norm {
		return 1
	}
	if q.compact == e.compact {
		return 0.95
	}
	cover := float64(q.runes) / float64(e.runes)
	best := 0.0
	if at, ok := phrase(q.words, e.words, false); ok {
		best = 0.8 + float64(0.15*cover)
		if at == 0 {
			best += 0.03
		}
	} else if _, ok := phrase(q.words, e.words, true); ok {
		best = 0.7 + float64(0.2*cover)
	} else if strings.Contains(e.norm, q.norm) {
		best = 0.4 + float64(0.4*cover)
	}
	// The fuzzy measures stay at or below 0.85; past that they cannot win.
	if best >= 0.85 {
		return best
	}
	best = max(best, 0.85*jaccard(q.grams, e.grams))
	best = max(best, wordScore(q, e, sc))
	return best
}

// phrase reports whether the query words occur as consecutive words of the text,
// and where. With prefix, the last query word need only start its text word.
func phrase(qw, tw []string, prefix bool) (at int, ok bool) {
	n := len(qw)
	for i := 0; i+n <= len(tw); i++ {
		match := true
		for j := 0; j < n; j++ {
			if qw[j] == tw[i+j] {
				continue
			}
			if prefix && j == n-1 && strings.HasPrefix(tw[i+j], qw[j]) {
				continue
			}
			match = false
			break
		}
		if match {
			return i, true
		}
	}
	return 0, false
}

// jaccard is pg_trgm's similarity: shared trigrams over distinct trigrams of
// both, computed by merging the two ascending sets.
func jaccard(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	shared := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			shared++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(shared) / float64(len(a)+len(b)-shared)
}

// wordScore matches each query word to its most similar text word and returns
// 0.85 · (similarity averaged by query word length) · (0.7 + 0.3 · share of the
// text's runes matched by some query word).
func wordScore(q *query, e *entry, sc *scratch) float64 {
	qw := q.wrunes
	if len(qw) > maxFuzzyWords {
		qw = qw[:maxFuzzyWords]
	}
	var matched uint64 // bit i: text word i matched (first 64 words)
	weighted, weight := 0.0, 0
	for _, a := range qw {
		bestSim, bestAt := 0.0, -1
		for i, b := range e.wrunes {
			s := wordSim(a, b, sc)
			if s > bestSim {
				bestSim, bestAt = s, i
			}
			if s == 1 {
				break
			}
		}
		weighted += float64(float64(len(a)) * bestSim)
		weight += len(a)
		if bestAt >= 0 && bestAt < 64 {
			matched |= 1 << bestAt
		}
	}
	if weighted == 0 {
		return 0
	}
	matchedRunes, textRunes := 0, 0
	for i, w := range e.wrunes {
		textRunes += len(w)
		if i < 64 && matched&(1<<i) != 0 {
			matchedRunes += len(w)
		}
	}
	avg := weighted / float64(weight)
	scale := 0.7 + float64(0.3*float64(matchedRunes)/float64(textRunes))
	return float64(0.85*avg) * scale
}

// wordSim is the similarity of query word a to text word b: 1 when equal, 0.5 to
// 0.9 when a starts b, 1 − distance/longer length when within the edit budget.
func wordSim(a, b []rune, sc *scratch) float64 {
	if slices.Equal(a, b) {
		return 1
	}
	if hasDigit(a) || hasDigit(b) {
		// Numbers identify documents; a near-miss is a different document.
		return 0
	}
	if len(a) >= 2 && len(a) < len(b) && slices.Equal(a, b[:len(a)]) {
		return 0.5 + float64(0.4*float64(len(a))/float64(len(b)))
	}
	budget := editBudget(len(a))
	if budget == 0 || abs(len(a)-len(b)) > budget {
		return 0
	}
	d := osa(a, b, budget, sc)
	if d > budget {
		return 0
	}
	return 1 - float64(d)/float64(max(len(a), len(b)))
}

// editBudget is the number of edits a query word of n runes may be off by: none
// for 1–2 runes (any change is a different word), 1 for 3–5, 2 beyond, as
// Elasticsearch's AUTO fuzziness does.
func editBudget(n int) int {
	switch {
	case n <= 2:
		return 0
	case n <= 5:
		return 1
	}
	return 2
}

// osa is the optimal string alignment distance (Levenshtein plus adjacent
// transpositions, each substring edited once) between a and b, or limit+1 as soon
// as it must exceed limit.
func osa(a, b []rune, limit int, sc *scratch) int {
	n := len(b) + 1
	if cap(sc.osa) < 3*n {
		sc.osa = make([]int, 3*n)
	}
	buf := sc.osa[:3*n]
	prev2, prev, cur := buf[:n], buf[n:2*n], buf[2*n:]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j < n; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			rowMin = min(rowMin, d)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[n-1]
}

func hasDigit(w []rune) bool {
	for _, r := range w {
		if unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
