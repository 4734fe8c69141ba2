package domain

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"
)

// Date precisions: sources are vague, so every date says how much of it is known.
const (
	PrecisionDay   = "day"
	PrecisionMonth = "month"
	PrecisionYear  = "year"
)

// DateLayout is the form of a day: a stored date, and the instants that filters take
// (active_on=2021-07-01).
const DateLayout = "2006-01-02"

// DatePattern is the pattern of a stored date, for schema validators. The database
// keeps a date as the first day of the period it names ("2019-10-01" with precision
// month means "some day in October 2019"); only the store sees that form.
const DatePattern = `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`

// ReducedDatePattern is the pattern of a Date: ISO 8601's reduced forms.
const ReducedDatePattern = `^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$`

var reducedDateRE = regexp.MustCompile(ReducedDatePattern)

// Date is a date known to a precision, written in the ISO 8601 form that says no more
// than is known: "2014" (some day in 2014), "2014-03" (some day in March 2014) or
// "2014-03-05". The form is the precision; every record keeps a *_precision field
// beside each Date that repeats it. It is the one form of a date in JSON, CSV, pages
// and feeds, in and out.
type Date string

// dateLayouts are the layouts of a Date by precision.
var dateLayouts = map[string]string{PrecisionYear: "2006", PrecisionMonth: "2006-01", PrecisionDay: DateLayout}

// Parse returns the first day of the period a Date names and its precision.
func (d Date) Parse() (time.Time, string, error) {
	s := string(d)
	if reducedDateRE.MatchString(s) {
		p := [...]string{4: PrecisionYear, 7: PrecisionMonth, 10: PrecisionDay}[len(s)]
		if t, err := time.Parse(dateLayouts[p], s); err == nil {
			return t, p, nil
		}
	}
	return time.Time{}, "", fmt.Errorf("%q is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD", s)
}

// Precision is the precision a Date's form says: day, month or year ("" when it is
// not a date).
func (d Date) Precision() string {
	_, p, _ := d.Parse()
	return p
}

// Start is the first day of the period a Date names (the zero time when it is not a
// date).
func (d Date) Start() time.Time {
	t, _, _ := d.Parse()
	return t
}

// End is the last day of the period a Date names.
func (d Date) End() time.Time {
	t, p, err := d.Parse()
	if err != nil {
		return t
	}
	return PeriodEnd(t, p)
}

// DateAt is the Date of the period of the given precision that holds t.
func DateAt(t time.Time, precision string) Date {
	layout, ok := dateLayouts[precision]
	if !ok {
		layout = DateLayout
	}
	return Date(t.Format(layout))
}

// StoredDate reads a date as the store keeps it (the first day of its period, and its
// precision) as a Date; nil stays nil. A stored date that is not a day is returned as
// it is, for Check to refuse.
func StoredDate(value, precision *string) *Date {
	if value == nil {
		return nil
	}
	d := StoredDateOf(*value, precision)
	return &d
}

// StoredDateOf is StoredDate of a value that is there, for readers that keep the
// Date themselves. The Date is cut from the stored day: the period's first day, in
// the form its precision says, makes no new text.
func StoredDateOf(value string, precision *string) Date {
	if _, err := ParseDate(value); err != nil {
		return Date(value)
	}
	if precision != nil {
		switch *precision {
		case PrecisionYear:
			return Date(value[:len("2006")])
		case PrecisionMonth:
			return Date(value[:len("2006-01")])
		}
	}
	return Date(value)
}

// StoreDate writes a Date as the store keeps it: the first day of its period (the
// precision goes in its own column). nil stays nil.
func StoreDate(d *Date) *string {
	if d == nil {
		return nil
	}
	t, _, err := d.Parse()
	if err != nil {
		s := string(*d)
		return &s
	}
	s := t.Format(DateLayout)
	return &s
}

// ParseDate reads a YYYY-MM-DD day: a stored date, or a filter's instant.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date in YYYY-MM-DD form", s)
	}
	return t, nil
}

// ValidateDate checks a stored date.
func ValidateDate(s string) error {
	_, err := ParseDate(s)
	return err
}

// PeriodStart returns the first day of the period of the given precision holding t.
func PeriodStart(t time.Time, precision string) time.Time {
	switch precision {
	case PrecisionYear:
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	case PrecisionMonth:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	default:
		return t
	}
}

// PeriodEnd returns the last day of the period of the given precision holding t.
func PeriodEnd(t time.Time, precision string) time.Time {
	start := PeriodStart(t, precision)
	switch precision {
	case PrecisionYear:
		return start.AddDate(1, 0, -1)
	case PrecisionMonth:
		return start.AddDate(0, 1, -1)
	default:
		return start
	}
}

// ResolveDates settles the precision of every Date in the record fields *v points to
// (the embedded structs and lists of structs included), before they are checked and
// written: a *_precision left out is the one the Date's form says; one given must
// agree with it. For clients written before dates had reduced forms, a first day of
// its period with a coarser precision ("2014-01-01" with "year") is read as that
// period ("2014"); any other disagreement is a problem naming the precision field, and
// a Date of no known form one naming the date's.
func ResolveDates(v any) error {
	p := Problems{}
	resolveDates(reflect.ValueOf(v).Elem(), "", p)
	return p.Err("invalid date")
}

var datePtrType = reflect.TypeFor[*Date]()

func resolveDates(v reflect.Value, prefix string, p Problems) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Anonymous && f.Type.Kind() == reflect.Struct:
			resolveDates(v.Field(i), prefix, p)
		case f.Type == datePtrType:
			if prec, ok := precisionField(v, name+"_precision"); ok {
				resolveDate(prefix+name, v.Field(i), prec, p)
			}
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			for j := range v.Field(i).Len() {
				resolveDates(v.Field(i).Index(j), prefix+name+".", p)
			}
		}
	}
}

// precisionField finds the *string field of a struct whose JSON name is name.
func precisionField(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if n, _, _ := strings.Cut(f.Tag.Get("json"), ","); n == name && f.Type == reflect.TypeFor[*string]() {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// resolveDate settles one Date and its precision field (both *Date / *string values).
func resolveDate(field string, date, precision reflect.Value, p Problems) {
	if date.IsNil() {
		return // a precision without a date is Check's to refuse
	}
	d := date.Interface().(*Date)
	start, form, err := d.Parse()
	if err != nil {
		p.Add(field, err.Error())
		return
	}
	if precision.IsNil() {
		precision.Set(reflect.ValueOf(&form))
		return
	}
	given := *precision.Interface().(*string)
	switch {
	case given == form:
	case given != PrecisionDay && given != PrecisionMonth && given != PrecisionYear:
		p.Add(field+"_precision", "must be day, month or year")
	case form == PrecisionDay && given != PrecisionDay && PeriodStart(start, given) == start:
		reduced := DateAt(start, given)
		date.Set(reflect.ValueOf(&reduced))
	default:
		p.Add(field+"_precision", fmt.Sprintf("%s contradicts %s %q, whose form says %s (YYYY is a year, YYYY-MM a month, YYYY-MM-DD a day); leave the precision out or make it agree",
			given, field, string(*d), form))
	}
}

// ReduceSnapshotDates rewrites, in place, the dates of a record snapshot (a record as
// JSON, such as a revision keeps) in their reduced forms: a revision written before
// dates had them holds "2014-01-01" beside "year", which it shows as "2014". Every
// string field x with a string x_precision beside it is a date; lists and objects
// are followed.
func ReduceSnapshotDates(snap map[string]any) {
	for k, v := range snap {
		switch v := v.(type) {
		case string:
			if p, ok := snap[k+"_precision"].(string); ok {
				if d := StoredDate(&v, &p); d != nil {
					if _, form, err := d.Parse(); err == nil && form == p {
						snap[k] = string(*d)
					}
				}
			}
		case map[string]any:
			ReduceSnapshotDates(v)
		case []any:
			for _, e := range v {
				if m, ok := e.(map[string]any); ok {
					ReduceSnapshotDates(m)
				}
			}
		}
	}
}
