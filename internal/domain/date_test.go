package domain

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestDateForms: a Date's form is its precision; anything else is not a Date.
func TestDateForms(t *testing.T) {
	for _, tc := range []struct {
		in, precision, start, end string
	}{
		{"2014", PrecisionYear, "2014-01-01", "2014-12-31"},
		{"2014-03", PrecisionMonth, "2014-03-01", "2014-03-31"},
		{"2016-02", PrecisionMonth, "2016-02-01", "2016-02-29"},
		{"2014-03-05", PrecisionDay, "2014-03-05", "2014-03-05"},
		{"2014-13", "", "", ""},
		{"2014-3", "", "", ""},
		{"14", "", "", ""},
		{"2014-02-30", "", "", ""},
		{"2014-03-05T00:00:00Z", "", "", ""},
		{"", "", "", ""},
	} {
		d := Date(tc.in)
		start, p, err := d.Parse()
		if p != tc.precision || (err == nil) != (tc.precision != "") {
			t.Errorf("Date(%q).Parse() = %s, %v; want precision %q", tc.in, p, err, tc.precision)
			continue
		}
		if err != nil {
			continue
		}
		if got := start.Format(DateLayout); got != tc.start {
			t.Errorf("Date(%q) starts %s, want %s", tc.in, got, tc.start)
		}
		if got := d.End().Format(DateLayout); got != tc.end {
			t.Errorf("Date(%q) ends %s, want %s", tc.in, got, tc.end)
		}
		stored := StoreDate(&d)
		if *stored != tc.start {
			t.Errorf("Date(%q) is stored as %s, want %s", tc.in, *stored, tc.start)
		}
		if back := StoredDate(stored, &p); *back != d {
			t.Errorf("Date(%q) stored and read back is %q", tc.in, *back)
		}
	}
}

// TestResolveDates: the precision is inferred from the form; one that agrees is
// fine; the old full date at the start of a coarser period becomes that period; any
// other precision, or a date of no known form, is a problem naming the field.
func TestResolveDates(t *testing.T) {
	for _, tc := range []struct {
		name, date string
		precision  *string // nil: left out
		// want: the date and precision after, or the field with a problem.
		wantDate, wantPrecision, wantField string
	}{
		{"year inferred", "2014", nil, "2014", "year", ""},
		{"month inferred", "2014-03", nil, "2014-03", "month", ""},
		{"day inferred", "2014-03-05", nil, "2014-03-05", "day", ""},
		{"year agreeing", "2014", ptr("year"), "2014", "year", ""},
		{"day agreeing", "2014-03-05", ptr("day"), "2014-03-05", "day", ""},
		{"old form of a year", "2014-01-01", ptr("year"), "2014", "year", ""},
		{"old form of a month", "2014-03-01", ptr("month"), "2014-03", "month", ""},
		{"old form, not a year's first day", "2014-03-01", ptr("year"), "", "", "valid_from_precision"},
		{"old form, not a month's first day", "2014-03-05", ptr("month"), "", "", "valid_from_precision"},
		{"year said to be a day", "2014", ptr("day"), "", "", "valid_from_precision"},
		{"month said to be a year", "2014-03", ptr("year"), "", "", "valid_from_precision"},
		{"year said to be a month", "2014", ptr("month"), "", "", "valid_from_precision"},
		{"unknown precision", "2014", ptr("decade"), "", "", "valid_from_precision"},
		{"month 13", "2014-13", nil, "", "", "valid_from"},
		{"two-digit year", "14", nil, "", "", "valid_from"},
		{"one-digit month", "2014-3", ptr("month"), "", "", "valid_from"},
		{"no such day", "2014-02-30", nil, "", "", "valid_from"},
	} {
		d := Date(tc.date)
		f := LicenseFields{ValidFrom: &d, ValidFromPrecision: tc.precision}
		err := ResolveDates(&f)
		if tc.wantField != "" {
			if _, ok := ErrorFields(err)[tc.wantField]; !ok || ErrorCode(err) != EINVALID {
				t.Errorf("%s: ResolveDates = %v, want a problem with %s", tc.name, err, tc.wantField)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: ResolveDates = %v", tc.name, err)
			continue
		}
		if string(*f.ValidFrom) != tc.wantDate || f.ValidFromPrecision == nil || *f.ValidFromPrecision != tc.wantPrecision {
			t.Errorf("%s: got %q %v, want %q %q", tc.name, *f.ValidFrom, f.ValidFromPrecision, tc.wantDate, tc.wantPrecision)
		}
		if err := f.Check(); err != nil {
			t.Errorf("%s: resolved fields fail Check: %v", tc.name, err)
		}
	}
}

// TestResolveDatesNested: dates inside lists of objects (a vendor's aliases) and in
// the fields of a whole record are settled too, and their problems named by path.
func TestResolveDatesNested(t *testing.T) {
	d := Date("2014-01-01")
	v := Vendor{VendorFields: VendorFields{Aliases: []Alias{{Name: "Old", ValidFrom: &d, ValidFromPrecision: ptr("year")}}}}
	if err := ResolveDates(&v); err != nil {
		t.Fatal(err)
	}
	if a := v.Aliases[0]; *a.ValidFrom != "2014" || *a.ValidFromPrecision != "year" {
		t.Errorf("alias date %q %q, want 2014 year", *a.ValidFrom, *a.ValidFromPrecision)
	}
	bad := Date("2014-3")
	v.Aliases[0].ValidUntil = &bad
	if _, ok := ErrorFields(ResolveDates(&v))["aliases.valid_until"]; !ok {
		t.Error("a bad alias date is not named aliases.valid_until")
	}
}

// TestDateJSON: a Date is its reduced form in JSON, both ways.
func TestDateJSON(t *testing.T) {
	d := Date("2014")
	b, err := json.Marshal(SourceFields{PublishedOn: &d, PublishedOnPrecision: ptr("year")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"published_on":"2014","published_on_precision":"year"`) {
		t.Errorf("JSON %s", b)
	}
	var f SourceFields
	if err := json.Unmarshal([]byte(`{"published_on":"2019-05"}`), &f); err != nil || *f.PublishedOn != "2019-05" {
		t.Errorf("read back %v %v", f.PublishedOn, err)
	}
}

// TestReduceSnapshotDates: a revision written with the old form shows the reduced one.
func TestReduceSnapshotDates(t *testing.T) {
	var snap map[string]any
	if err := json.Unmarshal([]byte(`{"valid_from":"2014-01-01","valid_from_precision":"year","valid_until":"2015-03-05","valid_until_precision":"day",
		"title":"2014-01-01","aliases":[{"valid_from":"2010-06-01","valid_from_precision":"month"}],"citations":[{"source":{"published_on":"2019-05-01","published_on_precision":"month"}}]}`), &snap); err != nil {
		t.Fatal(err)
	}
	ReduceSnapshotDates(snap)
	b, _ := json.Marshal(snap)
	for _, want := range []string{`"valid_from":"2014"`, `"valid_until":"2015-03-05"`, `"title":"2014-01-01"`, `"valid_from":"2010-06"`, `"published_on":"2019-05"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// StoredDateOf cuts the Date from the stored day; what it gives must be what
// formatting the period's first day gives, for every precision and for values that
// are not a day.
func TestStoredDateOf(t *testing.T) {
	day, month, year, other := PrecisionDay, PrecisionMonth, PrecisionYear, "week"
	for _, c := range []struct {
		value     string
		precision *string
		want      Date
	}{
		{"2019-10-15", nil, "2019-10-15"},
		{"2019-10-15", &day, "2019-10-15"},
		{"2019-10-01", &month, "2019-10"},
		{"2019-10-15", &month, "2019-10"},
		{"2019-01-01", &year, "2019"},
		{"2019-10-15", &year, "2019"},
		{"2019-10-15", &other, "2019-10-15"},
		{"2019-02-30", &month, "2019-02-30"},
		{"2019-10", &month, "2019-10"},
		{"soon", nil, "soon"},
	} {
		if got := StoredDateOf(c.value, c.precision); got != c.want {
			t.Errorf("StoredDateOf(%q, %v) = %q, want %q", c.value, c.precision, got, c.want)
		}
		if got := StoredDate(&c.value, c.precision); *got != c.want {
			t.Errorf("StoredDate(%q, %v) = %q, want %q", c.value, c.precision, *got, c.want)
		}
	}
}
