package domain

import (
	"fmt"
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
