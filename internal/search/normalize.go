package search

import (
	"strings"
	"unicode"
)

// Normalize folds s to the form the index compares: lower case, accented Latin
// letters mapped to ASCII (see latinFold), combining marks dropped, every rune that
// is neither a letter nor a digit turned into a space, and runs of spaces collapsed
// and trimmed. It approximates NFKD folding without golang.org/x/text, which the
// registry does not want as a dependency of its search; letters outside the table
// (Cyrillic, Greek, CJK …) are kept, lower-cased, as they are.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending; written only before the next word
	for _, r := range s {
		r = unicode.ToLower(r)
		// Fullwidth ASCII (U+FF01–U+FF5E) is ASCII in compatibility form.
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		if f, ok := latinFold[r]; ok {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(f)
			continue
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			// A combining mark of decomposed input ("e\u0301"): dropping it is
			// what NFKD folding followed by mark removal would do.
		default:
			space = true
		}
	}
	return b.String()
}

// latinFold maps lower-case accented Latin letters, ligatures and a few letters
// without a decomposition (ø, ł, đ, ß, þ) to ASCII. It covers Latin-1 Supplement
// and Latin Extended-A, which is what the names of the registry's vendors,
// agencies and states use.
var latinFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a",
	'æ': "ae",
	'ç': "c", 'ć': "c", 'ĉ': "c", 'ċ': "c", 'č': "c",
	'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ĕ': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ĝ': "g", 'ğ': "g", 'ġ': "g", 'ģ': "g",
	'ĥ': "h", 'ħ': "h",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ĩ': "i", 'ī': "i", 'ĭ': "i", 'į': "i", 'ı': "i",
	'ĳ': "ij",
	'ĵ': "j",
	'ķ': "k", 'ĸ': "k",
	'ĺ': "l", 'ļ': "l", 'ľ': "l", 'ŀ': "l", 'ł': "l",
	'ñ': "n", 'ń': "n", 'ņ': "n", 'ň': "n", 'ŉ': "n", 'ŋ': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ŏ': "o", 'ő': "o",
	'œ': "oe",
	'ŕ': "r", 'ŗ': "r", 'ř': "r",
	'ś': "s", 'ŝ': "s", 'ş': "s", 'š': "s", 'ș': "s", 'ſ': "s",
	'ß': "ss",
	'ţ': "t", 'ť': "t", 'ŧ': "t", 'ț': "t",
	'þ': "th",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ũ': "u", 'ū': "u", 'ŭ': "u", 'ů': "u", 'ű': "u", 'ų': "u",
	'ŵ': "w",
	'ý': "y", 'ÿ': "y", 'ŷ': "y",
	'ź': "z", 'ż': "z", 'ž': "z",
	'ﬀ': "ff", 'ﬁ': "fi", 'ﬂ': "fl", 'ﬃ': "ffi", 'ﬄ': "ffl", 'ﬅ': "st", 'ﬆ': "st",
}
