package domain

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// FuzzNormalizeControlListEntry checks that any text either fails or becomes an entry
// in the stored EU notation: the importers and the write path store what it returns,
// and ValidateControlListEntries (and the ent schema) must then accept it.
func FuzzNormalizeControlListEntry(f *testing.F) {
	for _, s := range []string{
		"4A005", "4D004", "4E001.c", "5A001.j", "5A001.f.1", "5A001.f.1.a",
		"4.A.5", "5.A.1.j", "5.A.1.f.1", "4.A.5.", " 4.A.005 ", "4.A.1000", "4.a.5",
		"", " ", "4A05", "4A0055", "4F005", "5A001.J", "5A001.f.123", "\x00", "\xff",
		"4A005\n", "4A005; DROP TABLE licenses;--", "..%2f4A005",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := NormalizeControlListEntry(s)
		if err != nil {
			if out != "" {
				t.Fatalf("NormalizeControlListEntry(%q) failed but returned %q", s, out)
			}
			return
		}
		// A stored entry is read back through the same function by a re-import.
		again, err := NormalizeControlListEntry(out)
		if err != nil || again != out {
			t.Fatalf("NormalizeControlListEntry(%q) = %q, which normalizes to %q, %v", s, out, again, err)
		}
		if err := ValidateControlListEntries([]string{out}); err != nil {
			t.Fatalf("NormalizeControlListEntry(%q) = %q, which does not validate: %v", s, out, err)
		}
	})
}

// FuzzParseID checks that an id is read only in its one public spelling, so a record
// has one URL: whatever ParseID accepts prints back as the same text.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{
		"1", "42", "9223372036854775807", "9223372036854775808", "99999999999999999999",
		"0", "-1", "+1", "01", " 1", "1 ", "1e3", "0x10", "", "\xff", "1\x00", "1 OR 1=1", "..%2f1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseID(s)
		if err != nil {
			if id != 0 {
				t.Fatalf("ParseID(%q) failed but returned %d", s, id)
			}
			return
		}
		if id <= 0 || id.String() != s {
			t.Fatalf("ParseID(%q) = %d, which prints as %q", s, id, id.String())
		}
		// JSON carries ids as text, through MarshalText and UnmarshalText.
		b, _ := id.MarshalText()
		var back ID
		if err := back.UnmarshalText(b); err != nil || back != id {
			t.Fatalf("id %d does not survive MarshalText/UnmarshalText: %d, %v", id, back, err)
		}
	})
}

// datePatternRE is DatePattern compiled, the schema validators' idea of a date.
var datePatternRE = regexp.MustCompile(DatePattern)

// FuzzValidateDateAt checks every precision against any text: the Go parser and the
// schema pattern must agree on what a date is, a date is stored in its one spelling,
// and a year's first day is also its month's first day.
func FuzzValidateDateAt(f *testing.F) {
	for _, s := range []string{
		"2019-10-01", "2019-01-01", "2019-10-15", "2019-02-29", "2020-02-29", "0000-01-01",
		"9999-12-31", "2019-1-1", "19-10-01", "2019-10-01T00:00:00Z", "+2019-10-01", "2019-13-01",
		"2019-00-10", "", "\xff", "2019-10-01\x00", "2019-10-01' OR '1'='1", "99999999999999999999",
	} {
		f.Add(s, PrecisionDay)
	}
	f.Add("2019-10-01", "decade")
	f.Add("2019-01-01", "")
	f.Fuzz(func(t *testing.T, s, precision string) {
		// The fuzzed precision reaches the default branch; the known ones are always tried.
		valid := map[string]bool{}
		for _, p := range []string{precision, PrecisionDay, PrecisionMonth, PrecisionYear} {
			valid[p] = ValidateDateAt(s, p) == nil
		}
		if ValidateDate(s) == nil && !datePatternRE.MatchString(s) {
			t.Fatalf("ValidateDate accepts %q, which DatePattern refuses", s)
		}
		if valid[PrecisionDay] != (ValidateDate(s) == nil) {
			t.Fatalf("ValidateDateAt(%q, day) = %v but ValidateDate = %v", s, valid[PrecisionDay], ValidateDate(s) == nil)
		}
		if valid[PrecisionYear] && !valid[PrecisionMonth] {
			t.Fatalf("%q is a year's first day but not its month's", s)
		}
		if valid[PrecisionMonth] && !valid[PrecisionDay] {
			t.Fatalf("%q is a month's first day but not a day", s)
		}
		if valid[PrecisionDay] {
			d, _ := ParseDate(s)
			if d.Format(DateLayout) != s {
				t.Fatalf("ParseDate(%q) prints back as %q", s, d.Format(DateLayout))
			}
		}
	})
}

// FuzzNormalizeCountry checks the country parameter's reading: it accepts exactly
// two ASCII letters (spaces trimmed) that upper-case to a valid code, and returns that
// code, so a filter can never reach the store with a code storage cannot hold, and a
// Unicode look-alike ("ıl") never becomes a real code.
func FuzzNormalizeCountry(f *testing.F) {
	for _, s := range []string{
		"IL", "il", " de ", "XK", "xk", "AN", "YU", "ZZ", "I", "ISR", "", " ", "\x00IL", "IL\n",
		"\xff", "..%2fIL", "IL' OR '1'='1", "ıl",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, ok := NormalizeCountry(s)
		trimmed := strings.Trim(s, " ")
		ascii := len(trimmed) == 2 && strings.Trim(trimmed, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
		if ok && (!ascii || code != strings.ToUpper(trimmed)) {
			t.Fatalf("NormalizeCountry(%q) accepts %q: only two ASCII letters, upper-cased, may pass", s, code)
		}
		if ascii && ok != ValidCountry(strings.ToUpper(trimmed)) {
			t.Fatalf("NormalizeCountry(%q) = %v, but ValidCountry(%q) = %v", s, ok, strings.ToUpper(trimmed), !ok)
		}
		if ok != ValidCountry(code) {
			t.Fatalf("NormalizeCountry(%q) = %q, %v; ValidCountry says %v", s, code, ok, !ok)
		}
		if !ok {
			return
		}
		if len(code) != 2 || CountryName(code) == "" {
			t.Fatalf("NormalizeCountry(%q) accepts %q, which has no name or is not two letters", s, code)
		}
		if again, ok := NormalizeCountry(code); !ok || again != code {
			t.Fatalf("accepted code %q normalizes to %q, %v", code, again, ok)
		}
	})
}

// ValidateDateAt checks a stored date and that it is the first day of the period its
// precision names.
func ValidateDateAt(s, precision string) error {
	t, err := ParseDate(s)
	if err != nil {
		return err
	}
	if PeriodStart(t, precision) != t {
		return fmt.Errorf("%q with precision %s must be the first day of its %s", s, precision, precision)
	}
	return nil
}
