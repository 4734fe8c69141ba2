package domain

import (
	_ "embed"
	"encoding/json"
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

// countryNamesJSON holds the countries' other names, extracted by gencountries from
// the world-countries package (ODbL 1.0; see the file's source and licence fields).
//
//go:embed countrynames.json
var countryNamesJSON []byte

// CountryNamesFile is the shape of countrynames.json.
type CountryNamesFile struct {
	Source    string         `json:"source"`
	Licence   string         `json:"licence"`
	Countries []CountryNames `json:"countries"`
}

// CountryNames are the names of one country besides its ISO short name.
type CountryNames struct {
	Code     string   `json:"code"`
	Official string   `json:"official"`
	Other    []string `json:"other,omitempty"` // common names and other spellings: "UK", "Holland", "Ivory Coast"
}

var (
	countryNames  = map[string]CountryNames{}
	countryByName = map[string]string{} // folded name, alpha-3 or other name → alpha-2
)

func init() {
	var f CountryNamesFile
	if err := json.Unmarshal(countryNamesJSON, &f); err != nil {
		panic("domain: countrynames.json: " + err.Error())
	}
	ambiguous := map[string]bool{}
	name := func(s, code string) {
		k := foldCountry(s)
		if k == "" || ambiguous[k] {
			return
		}
		if other, ok := countryByName[k]; ok && other != code {
			delete(countryByName, k)
			ambiguous[k] = true
			return
		}
		countryByName[k] = code
	}
	for _, c := range f.Countries {
		if ValidCountry(c.Code) {
			countryNames[c.Code] = c
		}
	}
	for _, c := range Countries() {
		name(c.Alpha3, c.Code)
		name(c.Name, c.Code)
		name(countryNames[c.Code].Official, c.Code)
		for _, o := range countryNames[c.Code].Other {
			name(o, c.Code)
		}
	}
}

// foldCountry is the form names are compared in: lower case, single spaces.
func foldCountry(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// CountryOtherNames returns a country's official name ("" when not known) and its
// other names (common names, other spellings, in other languages too).
func CountryOtherNames(code string) (official string, other []string) {
	n := countryNames[code]
	return n.Official, n.Other
}

// CountryByAlpha3 returns the alpha-2 code of an ISO 3166-1 alpha-3 code, in either
// case.
func CountryByAlpha3(s string) (string, bool) {
	if len(s) != 3 || !asciiLetter(s[0]) || !asciiLetter(s[1]) || !asciiLetter(s[2]) {
		return "", false
	}
	code, ok := alpha3Index[strings.ToUpper(s)]
	return code, ok
}

// alpha3Index maps each accepted country's alpha-3 code to its alpha-2 code.
var alpha3Index = func() map[string]string {
	m := make(map[string]string, len(countryIndex))
	for _, c := range countryIndex {
		m[c.Alpha3] = c.Code
	}
	return m
}()

// SuggestCountry returns the alpha-2 code a refused country value most likely means:
// the country whose alpha-3 code, name, official name or other name it is ("UK",
// "USA", "Britain" is not: it is part of a name, not a name). ok is false when the
// value names no country, or several.
func SuggestCountry(s string) (string, bool) {
	if code, ok := NormalizeCountry(s); ok {
		return code, true // "gb" where only "GB" is accepted
	}
	code, ok := countryByName[foldCountry(s)]
	return code, ok
}

// CountryCodeProblem says why v is not an accepted country code, suggesting the code
// it most likely means: "not an ISO 3166-1 alpha-2 country code; did you mean GB?"
// for "UK".
func CountryCodeProblem(v string) string {
	const msg = "not an ISO 3166-1 alpha-2 country code"
	if code, ok := SuggestCountry(v); ok {
		return msg + "; did you mean " + code + " (" + CountryName(code) + ")?"
	}
	return msg
}
