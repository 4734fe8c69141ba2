package domain

import (
	"strings"
	"testing"
)

func TestNormalizeControlListEntry(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"4A005", "4A005"},
		{"4.A.5", "4A005"},
		{"4.A.5.", "4A005"},
		{"4.D.4", "4D004"},
		{"5.A.1.j", "5A001.j"},
		{"5A001.j", "5A001.j"},
		{"5.A.1.f.1", "5A001.f.1"},
		{" 4E001.c ", "4E001.c"},
	} {
		got, err := NormalizeControlListEntry(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("NormalizeControlListEntry(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "4A5", "4F005", "A4005", "4A0055", "5A001.J", "5.A.1.jj.x", "cyber", "4A005;DROP"} {
		if got, err := NormalizeControlListEntry(bad); err == nil {
			t.Errorf("NormalizeControlListEntry(%q) = %q, want an error", bad, got)
		}
	}
	if err := ValidateControlListEntries([]string{"4A005", "4A005"}); err == nil {
		t.Error("a repeated entry passed")
	}
	if err := ValidateControlListEntries([]string{"4.A.5"}); err == nil {
		t.Error("Wassenaar notation passed the stored-form check")
	}
}

func TestCountries(t *testing.T) {
	all := Countries()
	official := 0
	for _, c := range all {
		if c.Official {
			official++
		}
	}
	if official != 249 || len(all) != 250 {
		t.Errorf("%d countries, %d official; want 250 and 249", len(all), official)
	}
	for code, want := range map[string]bool{"IL": true, "XK": true, "GB": true, "ZZ": false, "UK": false, "AN": false, "YU": false, "il": false, "ISR": false, "": false} {
		if got := ValidCountry(code); got != want {
			t.Errorf("ValidCountry(%q) = %v, want %v", code, got, want)
		}
	}
	if code, ok := NormalizeCountry(" mx "); code != "MX" || !ok {
		t.Errorf("NormalizeCountry(mx) = %q, %v", code, ok)
	}
}

func TestDates(t *testing.T) {
	for _, tc := range []struct {
		date, precision string
		ok              bool
	}{
		{"2019-10-18", PrecisionDay, true},
		{"2019-10-01", PrecisionMonth, true},
		{"2019-10-18", PrecisionMonth, false},
		{"2019-01-01", PrecisionYear, true},
		{"2019-02-01", PrecisionYear, false},
		{"2019-02-30", PrecisionDay, false},
		{"2019-10", PrecisionMonth, false},
		{"18/10/2019", PrecisionDay, false},
	} {
		if err := ValidateDateAt(tc.date, tc.precision); (err == nil) != tc.ok {
			t.Errorf("ValidateDateAt(%q, %s) = %v, want ok=%v", tc.date, tc.precision, err, tc.ok)
		}
	}
}

func TestLicenseCheck(t *testing.T) {
	s := func(v string) *string { return &v }
	n := func(v int) *int { return &v }
	d := func(v string) *Date { x := Date(v); return &x }
	for _, tc := range []struct {
		name  string
		l     LicenseFields
		field string
	}{
		{"period out of order", LicenseFields{ValidFrom: d("2021-01-01"), ValidFromPrecision: s("day"), ValidUntil: d("2020-01-01"), ValidUntilPrecision: s("day")}, "valid_until"},
		{"period out of order, coarse", LicenseFields{ValidFrom: d("2021-03"), ValidFromPrecision: s("month"), ValidUntil: d("2020"), ValidUntilPrecision: s("year")}, "valid_until"},
		{"date without precision", LicenseFields{ValidFrom: d("2021-01-01")}, "valid_from_precision"},
		{"precision without date", LicenseFields{ValidUntilPrecision: s("day")}, "valid_until"},
		{"day with precision month", LicenseFields{DecisionDate: d("2021-01-15"), DecisionDatePrecision: s("month")}, "decision_date_precision"},
		{"not a month", LicenseFields{DecisionDate: d("2021-13"), DecisionDatePrecision: s("month")}, "decision_date"},
		{"negative targets", LicenseFields{MaxTargets: n(-1)}, "max_targets"},
		{"more concurrent than total", LicenseFields{MaxTargets: n(5), MaxConcurrentTargets: n(10)}, "max_concurrent_targets"},
		{"bad country", LicenseFields{EndUserState: s("ZZ")}, "end_user_state"},
	} {
		err := tc.l.Check()
		if _, ok := ErrorFields(err)[tc.field]; !ok || ErrorCode(err) != EINVALID {
			t.Errorf("%s: Check() = %v, want a problem with %s", tc.name, err, tc.field)
		}
	}
	if _, ok := ErrorFields((Citation{SourceID: 1, Confidence: "sure"}).Check())["confidence"]; !ok {
		t.Error("a citation with an unknown confidence passed")
	}
	if err := (LicenseFields{ValidFrom: d("2020"), ValidFromPrecision: s("year"), ValidUntil: d("2020-06"), ValidUntilPrecision: s("month"), MaxTargets: n(10), MaxConcurrentTargets: n(5)}).Check(); err != nil {
		t.Errorf("a valid licence: %v", err)
	}
}

// TestVendorCheck: a vendor's alias or designation period out of order is refused,
// naming the nested field and its start.
func TestVendorCheck(t *testing.T) {
	s := func(v string) *string { return &v }
	d := func(v string) *Date { x := Date(v); return &x }
	for _, tc := range []struct {
		name  string
		v     VendorFields
		field string
	}{
		{"alias period out of order", VendorFields{Slug: "x", Name: "X", Aliases: []Alias{{Name: "Y",
			ValidFrom: d("2020-01-01"), ValidFromPrecision: s("day"), ValidUntil: d("2019"), ValidUntilPrecision: s("year")}}}, "aliases.valid_until"},
		{"delisted before listed", VendorFields{Slug: "x", Name: "X", Designations: []Designation{{List: "L", Authority: "A",
			ListedOn: s("2021-11-03"), DelistedOn: s("2021-01-01")}}}, "designations.delisted_on"},
	} {
		err := tc.v.Check()
		msg, ok := ErrorFields(err)[tc.field]
		if !ok || ErrorCode(err) != EINVALID {
			t.Errorf("%s: Check() = %v, want a problem with %s", tc.name, err, tc.field)
		} else if !strings.Contains(msg, strings.Replace(tc.field, "until", "from", 1)) && !strings.Contains(msg, "listed_on") {
			t.Errorf("%s: %q does not name the start it is before", tc.name, msg)
		}
	}
}

func TestErrors(t *testing.T) {
	if ErrorCode(nil) != "" || ErrorMessage(nil) != "" {
		t.Error("nil error has a code or message")
	}
	plain := errInternal("pq: relation \"vendors\" does not exist")
	if ErrorCode(plain) != EINTERNAL || ErrorMessage(plain) != "internal error" {
		t.Errorf("driver text leaks: %q", ErrorMessage(plain))
	}
	if id, err := ParseID("007"); err == nil {
		t.Errorf("ParseID(007) = %v: ids have one spelling", id)
	}
	if _, err := ParseID("12"); err != nil {
		t.Error(err)
	}
}

type errInternal string

func (e errInternal) Error() string { return string(e) }
