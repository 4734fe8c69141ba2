package domain

import (
	"fmt"
	"regexp"
	"time"
)

// Date precisions: sources are vague, so every date says how much of it is known.
// A date is stored as the first day of the period it names ("2019-10-01" with
// precision month means "some day in October 2019").
const (
	PrecisionDay   = "day"
	PrecisionMonth = "month"
	PrecisionYear  = "year"
)

// DateLayout is the one format of a stored date.
const DateLayout = "2006-01-02"

// DatePattern is the pattern of a stored date, for schema validators.
const DatePattern = `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`

// ParseDate reads a YYYY-MM-DD date.
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

// reducedDate is a date as sources give it: a year, a month or a day.
var reducedDate = regexp.MustCompile(`^([0-9]{4})(-[0-9]{2})?(-[0-9]{2})?$`)

// ParseReducedDate reads a date in an ISO 8601 reduced form, 2014, 2014-03 or
// 2014-03-05, as the stored date (the first day of the period) and the precision its
// form gives (year, month, day). Staff write a date once, as the source gives it.
func ParseReducedDate(s string) (date, precision string, err error) {
	m := reducedDate.FindStringSubmatch(s)
	if m == nil {
		return "", "", fmt.Errorf("%q is not a year (2014), a month (2014-03) or a day (2014-03-05)", s)
	}
	date, precision = s, PrecisionDay
	switch {
	case m[2] == "":
		date, precision = s+"-01-01", PrecisionYear
	case m[3] == "":
		date, precision = s+"-01", PrecisionMonth
	}
	if ValidateDateAt(date, precision) != nil {
		return "", "", fmt.Errorf("%q is not a year (2014), a month (2014-03) or a day (2014-03-05)", s)
	}
	return date, precision, nil
}
