package domain

import (
	"sort"
	"strings"

	"github.com/biter777/countries"
)

// Country is one ISO 3166-1 entry of the registry's reference data.
type Country struct {
	Code   string // alpha-2, upper case
	Alpha3 string
	Name   string
	// Official is false for a user-assigned code the registry accepts because data
	// users meet it (XK, commonly used for Kosovo).
	Official bool
}

// userAssigned are codes outside the officially assigned ISO 3166-1 set that the
// registry accepts anyway. XK is used by the European Commission, the IMF and many
// sources for Kosovo; refusing it would force records about Kosovo to lie.
var userAssigned = map[string]bool{"XK": true}

// withdrawn are codes the countries package still lists but ISO 3166-1 no longer
// assigns (transitionally reserved); they are not valid registry codes.
var withdrawn = map[string]bool{"AN": true, "YU": true}

var countryIndex = func() map[string]Country {
	m := make(map[string]Country, 252)
	for _, c := range countries.All() {
		code := c.Alpha2()
		if len(code) != 2 || withdrawn[code] {
			continue
		}
		m[code] = Country{Code: code, Alpha3: c.Alpha3(), Name: c.String(), Official: !userAssigned[code]}
	}
	return m
}()

// Countries returns every country code the registry accepts, sorted by code: the
// 249 officially assigned ISO 3166-1 alpha-2 codes and the user-assigned XK.
func Countries() []Country {
	out := make([]Country, 0, len(countryIndex))
	for _, c := range countryIndex {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// ValidCountry reports whether code is an accepted alpha-2 code. Only the exact upper
// case form is valid: storage never holds two spellings of one country.
func ValidCountry(code string) bool {
	_, ok := countryIndex[code]
	return ok
}

// NormalizeCountry upper-cases and trims user input (a query parameter) and returns it
// with whether it is an accepted code. Only ASCII letters and spaces count: Unicode
// case mapping would turn look-alikes ("ıl", "ſe") into real codes.
func NormalizeCountry(s string) (string, bool) {
	s = strings.Trim(s, " ")
	if len(s) != 2 || !asciiLetter(s[0]) || !asciiLetter(s[1]) {
		return s, false
	}
	code := strings.ToUpper(s)
	return code, ValidCountry(code)
}

func asciiLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// CountryName returns the name of an accepted code, or "".
func CountryName(code string) string {
	return countryIndex[code].Name
}
