package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSentenceRunes bounds one prose entry: a longer sentence is cut between words
// into pieces of at most this many runes, so a hit's matched_text stays readable and
// a phrase's coverage of its entry stays meaningful.
const maxSentenceRunes = 300

// Sentences splits running text into the entries a search indexes: its sentences
// (ending at ".", "?" or "!" followed by a space, or at a line break), each cut into
// pieces of at most 300 runes between words. Empty pieces are dropped.
func Sentences(text string) []string {
	var out []string
	start := 0
	flush := func(end int) {
		if s := strings.TrimSpace(text[start:end]); s != "" {
			out = append(out, cut(s)...)
		}
		start = end
	}
	for i, r := range text {
		switch {
		case r == '\n':
			flush(i)
		case r == '.' || r == '?' || r == '!':
			next, size := utf8.DecodeRuneInString(text[i+1:])
			if size == 0 || unicode.IsSpace(next) {
				flush(i + 1)
			}
		}
	}
	flush(len(text))
	return out
}

// cut splits s between words into pieces of at most maxSentenceRunes runes (a single
// longer word is its own piece).
func cut(s string) []string {
	if utf8.RuneCountInString(s) <= maxSentenceRunes {
		return []string{s}
	}
	var (
		out   []string
		piece []string
		n     int
	)
	for _, w := range strings.Fields(s) {
		wn := utf8.RuneCountInString(w)
		if n > 0 && n+1+wn > maxSentenceRunes {
			out = append(out, strings.Join(piece, " "))
			piece, n = nil, 0
		}
		if n > 0 {
			n++
		}
		piece, n = append(piece, w), n+wn
	}
	if len(piece) > 0 {
		out = append(out, strings.Join(piece, " "))
	}
	return out
}
