package search

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
)

// fixture is a small registry: real-like names with the aliases, codes and
// document symbols users type.
func fixture() []Entry {
	return []Entry{
		{Type: "vendor", ID: "1", Field: "name", Text: "NSO Group", Label: "NSO Group"},
		{Type: "vendor", ID: "1", Field: "alias", Text: "Q Cyber Technologies", Label: "NSO Group"},
		{Type: "vendor", ID: "1", Field: "alias", Text: "NSO Group Technologies", Label: "NSO Group"},
		{Type: "vendor", ID: "2", Field: "name", Text: "Gamma Group", Label: "Gamma Group"},
		{Type: "vendor", ID: "2", Field: "alias", Text: "FinFisher", Label: "Gamma Group"},
		{Type: "vendor", ID: "3", Field: "name", Text: "Candiru", Label: "Candiru"},
		{Type: "product", ID: "1", Field: "name", Text: "Pegasus", Label: "Pegasus"},
		{Type: "product", ID: "1", Field: "slug", Text: "pegasus", Label: "Pegasus"},
		{Type: "product", ID: "2", Field: "name", Text: "FinSpy", Label: "FinSpy"},
		{Type: "agency", ID: "1", Field: "name", Text: "Centro Nacional de Inteligencia", Label: "Centro Nacional de Inteligencia"},
		{Type: "state", ID: "IL", Field: "name", Text: "Israel", Label: "Israel"},
		{Type: "state", ID: "IL", Field: "code", Text: "IL", Label: "Israel"},
		{Type: "state", ID: "MX", Field: "name", Text: "Mexico", Label: "Mexico"},
		{Type: "state", ID: "MX", Field: "code", Text: "MX", Label: "Mexico"},
		{Type: "state", ID: "ME", Field: "name", Text: "Montenegro", Label: "Montenegro"},
		{Type: "state", ID: "ME", Field: "code", Text: "ME", Label: "Montenegro"},
		{Type: "source", ID: "1", Field: "title", Text: "Surveillance and human rights", Label: "Surveillance and human rights"},
		{Type: "source", ID: "1", Field: "document_symbol", Text: "A/HRC/41/35", Label: "Surveillance and human rights"},
		{Type: "source", ID: "2", Field: "document_symbol", Text: "A/HRC/27/37", Label: "A/HRC/27/37"},
	}
}

func TestSearchTopHit(t *testing.T) {
	ix := New(fixture())
	tests := []struct {
		q         string
		types     []string
		wantType  string
		wantID    string
		wantField string // empty: any field
		wantScore float64
	}{
		{q: "NSO Grup", wantType: "vendor", wantID: "1", wantField: "name"},
		{q: "nso", wantType: "vendor", wantID: "1"},
		{q: "nso group", wantType: "vendor", wantID: "1", wantField: "name", wantScore: 1},
		{q: "pegasus", wantType: "product", wantID: "1", wantField: "name", wantScore: 1},
		{q: "PEGASUS", wantType: "product", wantID: "1", wantField: "name", wantScore: 1},
		{q: "Pegasu", wantType: "product", wantID: "1"},
		{q: "pegasis", wantType: "product", wantID: "1"},
		{q: "finfisher", wantType: "vendor", wantID: "2", wantField: "alias", wantScore: 1},
		{q: "fin fisher", wantType: "vendor", wantID: "2", wantField: "alias"},
		{q: "finfischer", wantType: "vendor", wantID: "2", wantField: "alias"},
		{q: "israel", wantType: "state", wantID: "IL", wantField: "name", wantScore: 1},
		{q: "Isreal", wantType: "state", wantID: "IL", wantField: "name"},
		{q: "mexcio", wantType: "state", wantID: "MX", wantField: "name"},
		{q: "México", wantType: "state", wantID: "MX", wantField: "name", wantScore: 1},
		{q: "MX", wantType: "state", wantID: "MX", wantField: "code", wantScore: 1},
		{q: "A/HRC/41/35", wantType: "source", wantID: "1", wantField: "document_symbol", wantScore: 1},
		{q: "a-hrc-41-35", wantType: "source", wantID: "1", wantField: "document_symbol", wantScore: 1},
		{q: "hrc/41/35", wantType: "source", wantID: "1", wantField: "document_symbol"},
		{q: "hrc 41 35", wantType: "source", wantID: "1", wantField: "document_symbol"},
		{q: "A/HRC/27/37", wantType: "source", wantID: "2", wantField: "document_symbol", wantScore: 1},
		{q: "surveilance", wantType: "source", wantID: "1", wantField: "title"},
		{q: "candiru", wantType: "vendor", wantID: "3", wantScore: 1},
		{q: "inteligencia", wantType: "agency", wantID: "1"},
		{q: "q cyber", wantType: "vendor", wantID: "1", wantField: "alias"},
		{q: "group", types: []string{"vendor"}, wantType: "vendor", wantID: "1", wantField: "name"}, // the word is a larger share of "NSO Group" than of "Gamma Group"
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			hits := ix.Search(tt.q, 5, tt.types...)
			if len(hits) == 0 {
				t.Fatalf("Search(%q) = no hits", tt.q)
			}
			h := hits[0]
			if h.Type != tt.wantType || h.ID != tt.wantID || (tt.wantField != "" && h.Field != tt.wantField) {
				t.Fatalf("Search(%q) top hit = %+v, want %s %s %s; all: %+v", tt.q, h, tt.wantType, tt.wantID, tt.wantField, hits)
			}
			if tt.wantScore != 0 && h.Score != tt.wantScore {
				t.Errorf("Search(%q) top score = %v, want %v", tt.q, h.Score, tt.wantScore)
			}
		})
	}
}

func TestSearchNoHits(t *testing.T) {
	ix := New(fixture())
	tests := []struct {
		name  string
		q     string
		limit int
		types []string
	}{
		{name: "gibberish", q: "zzzzqqq", limit: 10},
		{name: "empty", q: "", limit: 10},
		{name: "blank", q: "   \t ", limit: 10},
		{name: "punctuation only", q: "/-./!?", limit: 10},
		{name: "zero limit", q: "pegasus", limit: 0},
		{name: "negative limit", q: "pegasus", limit: -1},
		{name: "unknown type", q: "pegasus", limit: 10, types: []string{"allegation"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if hits := ix.Search(tt.q, tt.limit, tt.types...); len(hits) != 0 {
				t.Errorf("Search(%q) = %+v, want no hits", tt.q, hits)
			}
		})
	}
}

func TestSearchTypesFilter(t *testing.T) {
	ix := New(fixture())
	for _, h := range ix.Search("pegasus", 10, "vendor") {
		if h.Type != "vendor" {
			t.Errorf("Search(pegasus, vendor) returned %+v", h)
		}
	}
	hits := ix.Search("fin", 10, "product", "vendor")
	if len(hits) == 0 {
		t.Fatal("Search(fin, product, vendor) = no hits")
	}
	for _, h := range hits {
		if h.Type != "product" && h.Type != "vendor" {
			t.Errorf("Search(fin, product, vendor) returned %+v", h)
		}
	}
}

func TestSearchInvariants(t *testing.T) {
	ix := New(fixture())
	queries := []string{"group", "nso group", "NSO Grup", "fin", "a hrc", "i", "me", "pegasus", "centro", "human rights", "hrc 41 35"}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			hits := ix.Search(q, 50)
			seen := map[string]bool{}
			for i, h := range hits {
				if h.Score < MinScore || h.Score > 1 {
					t.Errorf("hit %d %+v: score outside [MinScore, 1]", i, h)
				}
				if i > 0 && h.Score > hits[i-1].Score {
					t.Errorf("hit %d %+v scores above hit %d %+v", i, h, i-1, hits[i-1])
				}
				key := h.Type + "/" + h.ID
				if seen[key] {
					t.Errorf("record %s appears twice: %+v", key, hits)
				}
				seen[key] = true
			}
			// The same query gives the same answer, every time.
			for range 5 {
				if again := ix.Search(q, 50); !reflect.DeepEqual(again, hits) {
					t.Fatalf("repeated Search(%q) = %+v, first %+v", q, again, hits)
				}
			}
		})
	}
}

func TestSearchOneHitPerRecord(t *testing.T) {
	ix := New(fixture())
	hits := ix.Search("nso group", 10)
	n := 0
	for _, h := range hits {
		if h.Type == "vendor" && h.ID == "1" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("vendor 1 appears %d times in %+v, want once", n, hits)
	}
	if hits[0].Field != "name" || hits[0].Label != "NSO Group" {
		t.Errorf("top hit = %+v, want vendor 1 by name labelled NSO Group", hits[0])
	}
}

func TestSearchLimit(t *testing.T) {
	ix := New(fixture())
	all := ix.Search("group", 50)
	if len(all) < 2 {
		t.Fatalf("Search(group) = %+v, want at least 2 hits", all)
	}
	one := ix.Search("group", 1)
	if len(one) != 1 || !reflect.DeepEqual(one[0], all[0]) {
		t.Errorf("Search(group, 1) = %+v, want [%+v]", one, all[0])
	}
}

// TestSearchInputOrder checks the canonical ordering in New: rows loaded in any
// order, as two databases may return them, give the same answers.
func TestSearchInputOrder(t *testing.T) {
	entries := fixture()
	want := New(entries)
	r := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		r.Shuffle(len(entries), func(i, j int) { entries[i], entries[j] = entries[j], entries[i] })
		got := New(entries)
		for _, q := range []string{"group", "fin", "hrc", "i", "NSO Grup"} {
			if a, b := got.Search(q, 20), want.Search(q, 20); !reflect.DeepEqual(a, b) {
				t.Fatalf("Search(%q) after shuffle = %+v, want %+v", q, a, b)
			}
		}
	}
}

func TestSearchConcurrent(t *testing.T) {
	ix := New(fixture())
	want := ix.Search("NSO Grup", 10)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if got := ix.Search("NSO Grup", 10); !reflect.DeepEqual(got, want) {
					t.Errorf("concurrent Search = %+v, want %+v", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestSearchLongQuery(t *testing.T) {
	ix := New(fixture())
	long := "pegasus"
	for range 100 {
		long += " pegasus"
	}
	// Cut to 200 runes the query is still 25 copies of the word: no crash, and
	// the product still comes out on top.
	hits := ix.Search(long, 3)
	if len(hits) == 0 || hits[0].Type != "product" || hits[0].ID != "1" {
		t.Errorf("Search(long) = %+v, want product 1 first", hits)
	}
}

func TestSearchLabelDefaultsToText(t *testing.T) {
	ix := New([]Entry{{Type: "vendor", ID: "9", Field: "name", Text: "Hacking Team"}})
	hits := ix.Search("hacking team", 1)
	if len(hits) != 1 || hits[0].Label != "Hacking Team" {
		t.Errorf("Search = %+v, want label Hacking Team", hits)
	}
}

func TestSearchLargeCorpus(t *testing.T) {
	ix := New(scaleEntries(50000))
	tests := []struct {
		q, wantType, wantID string
	}{
		{"NSO Grup", "vendor", "1"},
		{"pegasus", "product", "1"},
		{"A/HRC/41/35", "source", "1"},
		{"Vendor 12345 Systems", "vendor", "12345"},
		{"isreal", "state", "IL"},
	}
	for _, tt := range tests {
		hits := ix.Search(tt.q, 10)
		if len(hits) == 0 || hits[0].Type != tt.wantType || hits[0].ID != tt.wantID {
			t.Errorf("Search(%q) = %+v, want %s %s first", tt.q, hits, tt.wantType, tt.wantID)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"NSO Group", "nso group"},
		{"A/HRC/41/35", "a hrc 41 35"},
		{"  México  ", "mexico"},
		{"Mexico\u0301", "mexico"}, // decomposed accent
		{"Ærø-Łódź", "aero lodz"},
		{"Straße", "strasse"},
		{"İstanbul", "istanbul"},
		{"Ｆｕｌｌ　Ｗｉｄｔｈ", "full width"},
		{"Q.Cyber...Technologies", "q cyber technologies"},
		{"Россия", "россия"},
		{"---", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Normalize(Normalize(tt.in)); got != tt.want {
			t.Errorf("Normalize is not idempotent on %q: %q", tt.in, got)
		}
	}
}

func TestOSA(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"grup", "group", 2, 1},
		{"isreal", "israel", 2, 1},
		{"mexcio", "mexico", 2, 1},
		{"abc", "abc", 1, 0},
		{"ca", "abc", 3, 3}, // OSA, not unrestricted Damerau: 3, not 2
		{"kitten", "sitting", 5, 3},
		{"kitten", "sitting", 1, 2}, // cut off at limit+1
	}
	sc := &scratch{}
	for _, tt := range tests {
		if got := osa([]rune(tt.a), []rune(tt.b), tt.limit, sc); got != tt.want {
			t.Errorf("osa(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

// scaleEntries is the fixture plus n synthetic vendors ("Vendor 12345 Systems")
// and invented products, agencies and source titles, like the dataset's scale
// generator produces.
func scaleEntries(n int) []Entry {
	entries := fixture()
	r := rand.New(rand.NewPCG(42, 7))
	syll := []string{"ka", "lo", "mi", "ra", "te", "sun", "vor", "dex", "tri", "nex", "zo", "pha", "cy", "ber", "gon", "lyx"}
	word := func() string {
		w := ""
		for range 2 + r.IntN(3) {
			w += syll[r.IntN(len(syll))]
		}
		return w
	}
	suffix := []string{"Systems", "Technologies", "Labs", "Group", "Solutions", "Intelligence"}
	for i := 100; len(entries) < n; i++ {
		id := fmt.Sprint(i)
		switch i % 4 {
		case 0:
			entries = append(entries, Entry{Type: "vendor", ID: id, Field: "name", Text: fmt.Sprintf("Vendor %d %s", i, suffix[i%len(suffix)])})
		case 1:
			entries = append(entries, Entry{Type: "product", ID: id, Field: "name", Text: word()})
		case 2:
			entries = append(entries, Entry{Type: "agency", ID: id, Field: "name", Text: "Directorate of " + word() + " " + word()})
		case 3:
			entries = append(entries, Entry{Type: "source", ID: id, Field: "title", Text: "Report on " + word() + " surveillance exports " + id})
		}
	}
	entries = append(entries, Entry{Type: "vendor", ID: "12345", Field: "name", Text: "Vendor 12345 Systems"})
	return entries
}

func BenchmarkSearch(b *testing.B) {
	ix := New(scaleEntries(50000))
	queries := []string{"NSO Grup", "pegasus", "vendor 12345", "surveilance exports", "A/HRC/41/35", "kaloMi", "directorate", "isreal", "v"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ix.Search(queries[i%len(queries)], 20)
	}
}

func ExampleIndex_Search() {
	ix := New([]Entry{
		{Type: "vendor", ID: "1", Field: "name", Text: "NSO Group", Label: "NSO Group"},
		{Type: "product", ID: "1", Field: "name", Text: "Pegasus", Label: "Pegasus"},
		{Type: "source", ID: "1", Field: "document_symbol", Text: "A/HRC/41/35", Label: "Surveillance and human rights"},
	})
	for _, q := range []string{"NSO Grup", "pegasu", "hrc 41 35"} {
		h := ix.Search(q, 1)[0]
		fmt.Printf("%s → %s %s %q via %s (%.2f)\n", q, h.Type, h.ID, h.Label, h.Field, h.Score)
	}
	// Output:
	// NSO Grup → vendor 1 "NSO Group" via name (0.75)
	// pegasu → product 1 "Pegasus" via name (0.87)
	// hrc 41 35 → source 1 "Surveillance and human rights" via document_symbol (0.92)
}
