package search

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// MinScore is the lowest score Search returns. 0.3 is pg_trgm's default
// similarity threshold, which users of trigram search are used to; on this
// package's scale it admits one typo in a short word (≈ 0.6–0.75) and a partial
// multi-word match, and drops texts that merely share a letter or two with the
// query.
const MinScore = 0.3

// maxQueryRunes bounds the query: longer queries are cut to this many runes, so a
// pasted paragraph costs no more than a long title.
const maxQueryRunes = 200

// maxCandidates is how many trigram-selected entries Search scores in full. The
// blend it ranks by puts every entry containing the query's words (all trigrams
// shared) ahead of partial overlaps, so the cap only drops weak fuzzy matches.
const maxCandidates = 512

// maxPostings bounds the postings one query visits. Rarest trigrams are visited
// first, so a query only loses its most common trigrams, which discriminate least.
const maxPostings = 1 << 20

// maxFuzzyWords bounds the query words compared one by one with a text's words;
// further words still count through the trigram measure.
const maxFuzzyWords = 16

// Entry is one searchable text of a record.
type Entry struct {
	Type  string // "vendor", "product", "agency", "state", "source"
	ID    string // the record's public id ("12"), or the ISO code for a state
	Field string // the field the text comes from: "name", "alias", "slug", "title", "document_symbol", "code"
	Text  string
	Label string // what to show for the hit (the record's name/title), may equal Text
}

// Hit is one search result: a record, the field that matched best, and a score in (0, 1].
type Hit struct {
	// Type is the kind of record found: vendor, product, agency, state, source,
	// communication, allegation or termination.
	Type string `json:"type"`
	// ID is the record's id (a state's: its ISO 3166-1 alpha-2 code).
	ID string `json:"id"`
	// Label names the record as its page does.
	Label string `json:"label"`
	// Field is the record's field that matched (name, alias, slug, title, summary…).
	Field string `json:"matched_field"`
	// Text is what matched: the name or alias, or for running text the sentence.
	Text string `json:"matched_text"`
	// Score is how well the text matched, in (0, 1]; 1 is an exact match.
	Score float64 `json:"score"`
}

// Index is an immutable search index, safe for concurrent use.
type Index struct {
	entries []entry
	types   []string           // type names, indexed by entry.typ
	grams   map[uint64][]int32 // trigram → entries holding it, ascending
	exact   map[string][]int32 // normalized text → entries
	compact map[string][]int32 // normalized text without spaces → entries
	scratch sync.Pool          // *scratch, so concurrent queries share nothing
	typeIdx map[string]uint8   // type name → index in types
}

// entry is an Entry with the forms scoring needs, computed once in New.
type entry struct {
	Entry
	typ uint8
	form
}

// form is a normalized text in the shapes scoring compares: an entry's or a query's.
type form struct {
	norm    string
	compact string
	runes   int      // rune count of norm
	words   []string // norm split on spaces
	wrunes  [][]rune // words as runes, for edit distances
	grams   []uint64 // distinct trigrams, ascending
}

// newForm prepares a normalized, non-empty text for scoring.
func newForm(norm string) form {
	words := strings.Split(norm, " ")
	wr := make([][]rune, len(words))
	for i, w := range words {
		wr[i] = []rune(w)
	}
	return form{
		norm:    norm,
		compact: strings.ReplaceAll(norm, " ", ""),
		runes:   utf8.RuneCountInString(norm),
		words:   words,
		wrunes:  wr,
		grams:   trigrams(words),
	}
}

// scratch is the per-query working memory, pooled because the counts array is as
// long as the corpus.
type scratch struct {
	counts  []uint16 // shared trigrams per entry; zero outside a query
	touched []int32
	keys    []uint16
	picked  []int32
	osa     []int
}

// New builds an index over entries. Entries whose text normalizes to nothing are
// left out. The input order does not matter: entries are sorted canonically first
// so that every database, whatever order it returns rows in, yields the same index.
func New(entries []Entry) *Index {
	ix := &Index{
		grams:   make(map[uint64][]int32),
		exact:   make(map[string][]int32),
		compact: make(map[string][]int32),
		typeIdx: make(map[string]uint8),
	}
	sorted := slices.Clone(entries)
	slices.SortFunc(sorted, func(a, b Entry) int {
		return cmp.Or(
			strings.Compare(a.Type, b.Type),
			compareID(a.ID, b.ID),
			strings.Compare(a.Field, b.Field),
			strings.Compare(a.Text, b.Text),
			strings.Compare(a.Label, b.Label),
		)
	})
	ix.entries = make([]entry, 0, len(sorted))
	for _, e := range sorted {
		norm := Normalize(e.Text)
		if norm == "" {
			continue
		}
		t, ok := ix.typeIdx[e.Type]
		if !ok {
			// More than 256 record types would be a schema change, not data;
			// fold the excess into the last slot rather than fail.
			t = uint8(min(len(ix.types), math.MaxUint8))
			if len(ix.types) <= math.MaxUint8 {
				ix.types = append(ix.types, e.Type)
			}
			ix.typeIdx[e.Type] = t
		}
		ix.entries = append(ix.entries, entry{Entry: e, typ: t, form: newForm(norm)})
	}
	for i := range ix.entries {
		e := &ix.entries[i]
		id := int32(i)
		for _, g := range e.grams {
			ix.grams[g] = append(ix.grams[g], id)
		}
		ix.exact[e.norm] = append(ix.exact[e.norm], id)
		ix.compact[e.compact] = append(ix.compact[e.compact], id)
	}
	n := len(ix.entries)
	ix.scratch.New = func() any { return &scratch{counts: make([]uint16, n)} }
	return ix
}

// Search returns at most limit hits for q, best first, one hit per record (its
// best-matching entry), only hits scoring >= MinScore. types, when non-empty,
// restricts the record types. A limit <= 0, an empty query or one of punctuation
// only returns no hits.
func (ix *Index) Search(q string, limit int, types ...string) []Hit {
	if limit <= 0 || len(ix.entries) == 0 {
		return nil
	}
	query, ok := newQuery(q)
	if !ok {
		return nil
	}
	allow, ok := ix.allowed(types)
	if !ok {
		return nil
	}

	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	cands := ix.candidates(query, allow, sc)

	// Score the candidates and keep each record's best entry.
	type best struct {
		e     *entry
		score float64
	}
	records := make(map[string]best, len(cands))
	for _, id := range cands {
		e := &ix.entries[id]
		s := roundScore(score(query, e, sc))
		if s < MinScore {
			continue
		}
		key := e.Type + "\x00" + e.ID
		if b, ok := records[key]; !ok || betterInRecord(s, e, b.score, b.e) {
			records[key] = best{e, s}
		}
	}

	ranked := make([]best, 0, len(records))
	for _, b := range records {
		ranked = append(ranked, b)
	}
	slices.SortFunc(ranked, func(a, b best) int {
		return cmp.Or(
			cmp.Compare(b.score, a.score),
			cmp.Compare(a.e.runes, b.e.runes),
			strings.Compare(a.e.Type, b.e.Type),
			compareID(a.e.ID, b.e.ID),
		)
	})
	if len(ranked) > limit {
		ranked = ranked[:limit]
	}
	hits := make([]Hit, len(ranked))
	for i, b := range ranked {
		label := b.e.Label
		if label == "" {
			label = b.e.Text
		}
		hits[i] = Hit{Type: b.e.Type, ID: b.e.ID, Label: label, Field: b.e.Field, Text: b.e.Text, Score: b.score}
	}
	return hits
}

// allowed turns the types filter into a lookup by type index; nil means every
// type. ok is false when none of the named types is in the index.
func (ix *Index) allowed(types []string) (allow []bool, ok bool) {
	if len(types) == 0 {
		return nil, true
	}
	allow = make([]bool, len(ix.types))
	for _, t := range types {
		if i, found := ix.typeIdx[t]; found {
			allow[i] = true
			ok = true
		}
	}
	return allow, ok
}

// candidates returns the entries worth scoring: the maxCandidates best by shared
// trigrams, plus every entry whose text equals the query exactly or without spaces.
func (ix *Index) candidates(q *query, allow []bool, sc *scratch) []int32 {
	// Count shared trigrams, rarest trigram first.
	grams := slices.Clone(q.grams)
	slices.SortFunc(grams, func(a, b uint64) int {
		return cmp.Or(cmp.Compare(len(ix.grams[a]), len(ix.grams[b])), cmp.Compare(a, b))
	})
	sc.touched = sc.touched[:0]
	visited := 0
	for _, g := range grams {
		post := ix.grams[g]
		if visited > 0 && visited+len(post) > maxPostings {
			break
		}
		visited += len(post)
		for _, id := range post {
			if allow != nil && !allow[ix.entries[id].typ] {
				continue
			}
			if sc.counts[id] == 0 {
				sc.touched = append(sc.touched, id)
			}
			sc.counts[id]++
		}
	}

	// Rank by a blend of the query's share of trigrams found (favours texts
	// containing the query) and trigram similarity (favours texts of the query's
	// length), in integers so every platform ranks alike; both are in [0, 1000].
	nq := len(q.grams)
	sc.keys = sc.keys[:0]
	var hist [2001]int
	for _, id := range sc.touched {
		c := int(sc.counts[id])
		ne := len(ix.entries[id].grams)
		k := c*1000/nq + c*1000/(nq+ne-c)
		sc.keys = append(sc.keys, uint16(k))
		hist[k]++
	}
	// Find the lowest key still admitted, and how many entries at that key fit.
	threshold, room := 0, len(sc.touched)
	if len(sc.touched) > maxCandidates {
		taken := 0
		for k := len(hist) - 1; k >= 0; k-- {
			if taken+hist[k] >= maxCandidates {
				threshold, room = k, maxCandidates-taken
				break
			}
			taken += hist[k]
		}
	}
	picked := sc.picked[:0]
	var ties []int32
	for i, id := range sc.touched {
		switch k := int(sc.keys[i]); {
		case k > threshold:
			picked = append(picked, id)
		case k == threshold:
			ties = append(ties, id)
		}
		sc.counts[id] = 0
	}
	if len(ties) > room {
		// Entries are in canonical order, so the lowest ids are a stable choice.
		slices.Sort(ties)
		ties = ties[:room]
	}
	picked = append(picked, ties...)

	// Exact and space-free matches are always scored, whatever the cap dropped.
	for _, m := range [][]int32{ix.exact[q.norm], ix.compact[q.compact]} {
		for _, id := range m {
			if allow == nil || allow[ix.entries[id].typ] {
				picked = append(picked, id)
			}
		}
	}
	sc.picked = picked
	// Duplicates are harmless: scoring is pure and records keep their best.
	return picked
}

// betterInRecord reports whether entry a (scored sa) represents its record better
// than b (scored sb): higher score, then shorter text, then the more telling field.
func betterInRecord(sa float64, a *entry, sb float64, b *entry) bool {
	return cmp.Or(
		cmp.Compare(sb, sa),
		cmp.Compare(a.runes, b.runes),
		cmp.Compare(fieldRank(a.Field), fieldRank(b.Field)),
		strings.Compare(a.Field, b.Field),
		strings.Compare(a.Text, b.Text),
	) < 0
}

// fieldRank orders fields by how well they identify a record to a reader: a name
// beats an alias, which beats a slug.
func fieldRank(f string) int {
	switch f {
	case "name", "title":
		return 0
	case "document_symbol", "code":
		return 1
	case "alias":
		return 2
	case "slug":
		return 3
	}
	return 4
}

// compareID orders ids numerically when both are decimal numbers ("2" < "12") and
// lexically otherwise; numbers sort before other ids.
func compareID(a, b string) int {
	an, bn := isDecimal(a), isDecimal(b)
	switch {
	case an && bn:
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		// "007" and "7" are the same number but different ids: keep them apart.
		return cmp.Or(cmp.Compare(len(ta), len(tb)), strings.Compare(ta, tb), strings.Compare(a, b))
	case an:
		return -1
	case bn:
		return 1
	}
	return strings.Compare(a, b)
}

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// roundScore rounds to 4 decimals: equal-looking scores are then equal, and ties
// fall to the deterministic tie-breaks instead of to floating-point noise.
func roundScore(s float64) float64 {
	return math.Round(s*1e4) / 1e4
}
