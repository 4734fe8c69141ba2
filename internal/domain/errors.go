// Package domain holds what every layer of the registry shares: the public record
// types, the error codes, and the validation of codes and dates that sources use.
package domain

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. The store and the importers return them; the HTTP layer alone decides
// which status each one becomes (httpx.Status).
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EFORBIDDEN    = "forbidden"
	EUNAUTHORIZED = "unauthorized"
	// EPRECONDITION: the client's If-Match names a revision that is no longer current.
	EPRECONDITION = "precondition_failed"
	// EPRECONDITIONREQUIRED: a change was sent without If-Match.
	EPRECONDITIONREQUIRED = "precondition_required"
	// ETOOMANY: the client must wait before trying again.
	ETOOMANY = "too_many_requests"
	// EUNAVAILABLE: the answer cannot be given now; the same request may succeed later.
	EUNAVAILABLE = "unavailable"
	// ENOTACCEPTABLE: the representation asked for (a format) is one the route cannot give.
	ENOTACCEPTABLE = "not_acceptable"
	// EAWAITINGREVIEW: not a failure; in two-person review a publish by the draft's
	// last editor was recorded as a review request and published nothing.
	EAWAITINGREVIEW = "awaiting_review"
)

// Publishing rules (REGISTRY_REVIEW): one staff member may publish their own draft,
// or a second must.
const (
	ReviewSingle    = "single"
	ReviewTwoPerson = "two-person"
)

// Error is a failure the registry can explain to its user: a code, a message safe to
// show, and for invalid input the fields at fault with what is wrong with each.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error about one named field.
func Invalid(field, problem string) *Error {
	return &Error{Code: EINVALID, Message: "invalid " + field, Fields: map[string]string{field: problem}}
}

// NotFound returns an ENOTFOUND error for a record of a kind.
func NotFound(kind, id string) *Error {
	return Errorf(ENOTFOUND, "%s %q not found", kind, id)
}

// ErrorCode returns the code of an *Error anywhere in err's chain, EINTERNAL for any
// other error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the message of an *Error, or "internal error" for any other
// error, so that driver text never reaches a user.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "internal error"
	}
}

// ErrorFields returns the per-field problems of an *Error in err's chain, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
