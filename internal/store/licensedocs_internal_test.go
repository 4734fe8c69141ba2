package store

import "testing"

// TestFillHoles: stale documents go into their places in a page, and one whose
// licence left the list takes its comma with it, wherever it stands.
func TestFillHoles(t *testing.T) {
	docs := map[int][]byte{1: []byte("A"), 2: []byte("B"), 3: []byte("C")}
	for _, c := range []struct {
		name  string
		list  string // '_' marks a hole, numbered by the licence ids in holes
		holes []int
		want  string
	}{
		{"no hole", "[x,y", nil, "[x,y"},
		{"each stale", "[_,_,_", []int{1, 2, 3}, "[A,B,C"},
		{"first gone", "[_,y", []int{9}, "[y"},
		{"last gone", "[x,_", []int{9}, "[x"},
		{"middle gone", "[x,_,y", []int{9}, "[x,y"},
		{"all gone", "[_,_", []int{8, 9}, "["},
		{"first gone, then stale", "[_,_,z", []int{9, 2}, "[B,z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var dst []byte
			var holes []hole
			for _, r := range []byte(c.list) {
				if r == '_' {
					holes = append(holes, hole{len(dst), c.holes[len(holes)]})
					continue
				}
				dst = append(dst, r)
			}
			if got := string(fillHoles(dst, 1, holes, docs)); got != c.want {
				t.Errorf("%q with holes %v: %q, want %q", c.list, c.holes, got, c.want)
			}
		})
	}
}
