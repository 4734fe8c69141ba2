package domain

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ControlListPattern is the stored form of a dual-use control-list entry: the EU
// Regulation 2021/821 notation, e.g. 4A005, 4D004, 4E001.c, 5A001.j, 5A001.f.1.
const ControlListPattern = `^[0-9][A-E][0-9]{3}(\.[a-z](\.[0-9]{1,2}(\.[a-z])?)?)?$`

var (
	controlListRE = regexp.MustCompile(ControlListPattern)
	// wassenaarRE matches the Wassenaar Arrangement notation: 4.A.5, 5.A.1.j, 5.A.1.f.1.
	wassenaarRE = regexp.MustCompile(`^([0-9])\.([A-E])\.([0-9]{1,3})((?:\.[a-z0-9]{1,2})*)\.?$`)
)

// NormalizeControlListEntry accepts an entry in EU (4A005) or Wassenaar (4.A.5)
// notation and returns it in EU notation, the one the registry stores.
func NormalizeControlListEntry(s string) (string, error) {
	s = strings.TrimSpace(s)
	if m := wassenaarRE.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[3])
		s = fmt.Sprintf("%s%s%03d%s", m[1], m[2], n, m[4])
	}
	if !controlListRE.MatchString(s) {
		return "", fmt.Errorf("%q is not a control-list entry (EU 4A005 or Wassenaar 4.A.5 notation)", s)
	}
	return s, nil
}

// ValidateControlListEntries checks stored entries: each in EU notation, no repeats.
func ValidateControlListEntries(entries []string) error {
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		if !controlListRE.MatchString(e) {
			return fmt.Errorf("%q is not a control-list entry in EU notation (e.g. 4A005, 5A001.j)", e)
		}
		if seen[e] {
			return fmt.Errorf("%q is listed twice", e)
		}
		seen[e] = true
	}
	return nil
}

// ValidateCountries checks a list of alpha-2 codes: each accepted, no repeats.
func ValidateCountries(codes []string) error {
	seen := make(map[string]bool, len(codes))
	for _, c := range codes {
		if !ValidCountry(c) {
			return fmt.Errorf("%q is not an ISO 3166-1 alpha-2 code", c)
		}
		if seen[c] {
			return fmt.Errorf("%q is listed twice", c)
		}
		seen[c] = true
	}
	return nil
}

// ValidateOneOf checks that every value is one of allowed, without repeats.
func ValidateOneOf(values []string, allowed ...string) error {
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		ok := false
		for _, a := range allowed {
			ok = ok || v == a
		}
		if !ok {
			return fmt.Errorf("%q is not one of %s", v, strings.Join(allowed, ", "))
		}
		if seen[v] {
			return fmt.Errorf("%q is listed twice", v)
		}
		seen[v] = true
	}
	return nil
}
