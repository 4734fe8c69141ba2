package store

import (
	"strings"
	"testing"
)

// TestJoinDocuments: a page's documents are joined by commas, and one whose licence
// left the list (nil) takes its comma with it, wherever it stands.
func TestJoinDocuments(t *testing.T) {
	for _, c := range []struct {
		name string
		docs string // comma-separated; '_' is a licence gone
		want string
	}{
		{"none", "", "["},
		{"each there", "A,B,C", "[A,B,C"},
		{"first gone", "_,B", "[B"},
		{"last gone", "A,_", "[A"},
		{"middle gone", "A,_,C", "[A,C"},
		{"all gone", "_,_", "["},
	} {
		t.Run(c.name, func(t *testing.T) {
			var docs [][]byte
			if c.docs != "" {
				for d := range strings.SplitSeq(c.docs, ",") {
					if d == "_" {
						docs = append(docs, nil)
					} else {
						docs = append(docs, []byte(d))
					}
				}
			}
			if got := string(joinDocuments([]byte("["), docs)); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

// TestDocumentCache: the cache answers a list only with documents kept at the
// list's version, keeps no more than its size (the least recently taken go first),
// and holds nothing for a list without a version.
func TestDocumentCache(t *testing.T) {
	doc := func(s string) []byte { return []byte(s) }
	// Room for two documents of 10 bytes.
	dc := newDocumentCache(2 * (10 + documentOverhead))
	held := func(version string, ids ...int) string {
		t.Helper()
		docs := make([][]byte, len(ids))
		dc.take(version, ids, docs)
		var out []string
		for _, d := range docs {
			if d == nil {
				out = append(out, "_")
			} else {
				out = append(out, string(d))
			}
		}
		return strings.Join(out, ",")
	}
	dc.keep("1", []int{1, 2}, [][]byte{doc("one-------"), doc("two-------")})
	if got := held("1", 1, 2, 3); got != "one-------,two-------,_" {
		t.Errorf("version 1: %s", got)
	}
	if got := held("2", 1, 2); got != "_,_" {
		t.Errorf("version 2 took version 1's documents: %s", got)
	}
	if got := held("", 1, 2); got != "_,_" {
		t.Errorf("no version took version 1's documents: %s", got)
	}
	held("1", 1) // 1 taken last: 2 is the least recently used
	dc.keep("1", []int{3}, [][]byte{doc("three-----")})
	if got := held("1", 1, 2, 3); got != "one-------,_,three-----" {
		t.Errorf("after a third document: %s, want the least recently used gone", got)
	}
	if dc.bytes != 2*(10+documentOverhead) || len(dc.entries) != 2 || dc.lru.Len() != 2 {
		t.Errorf("%d bytes, %d entries, %d in the list: want 2 documents' worth", dc.bytes, len(dc.entries), dc.lru.Len())
	}
	dc.keep("1", []int{4}, [][]byte{make([]byte, 2*(10+documentOverhead))}) // larger than the cache
	if got := held("1", 1, 3, 4); got != "one-------,three-----,_" {
		t.Errorf("after a document larger than the cache: %s", got)
	}
	dc.keep("2", []int{5}, [][]byte{doc("five------")})
	if got := held("2", 1, 3, 5); got != "_,_,five------" {
		t.Errorf("version 2 kept: %s, want version 1's gone", got)
	}
	if dc.bytes != 10+documentOverhead || len(dc.entries) != 1 {
		t.Errorf("%d bytes, %d entries after a new version: want one document's", dc.bytes, len(dc.entries))
	}
	dc.keep("2", []int{7}, [][]byte{nil}) // a licence gone from the page
	if _, ok := dc.entries[7]; ok || len(dc.entries) != 1 {
		t.Errorf("a missing document kept: %d entries", len(dc.entries))
	}
	dc.keep("", []int{6}, [][]byte{doc("six-------")})
	if got := held("2", 5, 6); got != "five------,_" {
		t.Errorf("a document kept without a version: %s", got)
	}
	if newDocumentCache(0) != nil {
		t.Error("a cache of 0 bytes made")
	}
	var none *documentCache
	none.keep("1", []int{1}, [][]byte{doc("x")})
	if got := len(none.take("1", []int{1, 2}, make([][]byte, 2))); got != 2 {
		t.Errorf("a nil cache holds %d of 2 documents missing", 2-got)
	}
}
