package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
)

// readJSON reads a request body that must be JSON: the right content type, one JSON
// value, nothing after it.
func readJSON(c echo.Context, types ...string) ([]byte, error) {
	if len(types) == 0 {
		types = []string{echo.MIMEApplicationJSON}
	}
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	ok := false
	for _, t := range types {
		ok = ok || (err == nil && mt == t)
	}
	if !ok {
		return nil, echo.NewHTTPError(http.StatusUnsupportedMediaType, "the body must be "+strings.Join(types, " or "))
	}
	b, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return nil, bodyError(err)
	}
	return b, nil
}

// bodyError answers a body that could not be read as the client's doing, never as an
// internal error: one that did not arrive within the server's ReadTimeout is a 408
// (a slow or abandoned upload), one cut short is a 400; the body limit's 413 stays.
func bodyError(err error) error {
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		return err
	case errors.Is(err, os.ErrDeadlineExceeded):
		return echo.NewHTTPError(http.StatusRequestTimeout, "the request body did not arrive in time")
	default:
		return domain.Errorf(domain.EINVALID, "the request body could not be read whole")
	}
}

// decodeValid decodes a JSON body into T, refusing unknown fields, wrong types and
// trailing data, each as a 400 naming the field where there is one.
func decodeValid[T any](c echo.Context) (T, error) {
	var v T
	b, err := readJSON(c)
	if err != nil {
		return v, err
	}
	return v, decodeStrict(b, &v)
}

// decodeStrict decodes one JSON value into v, strictly.
func decodeStrict(b []byte, v any) error {
	if err := checkBody(b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return domain.Errorf(domain.EINVALID, "the body holds more than one JSON value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return domain.Errorf(domain.EINVALID, "the body has data after its JSON value")
	}
	return nil
}

// checkBody refuses a body that encoding/json would read without complaint but
// should not: empty, not UTF-8, or with a key given twice (see checkDuplicateKeys).
// Every JSON body goes through it, whether decoded into a request type or applied
// as a merge patch.
func checkBody(b []byte) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return domain.Errorf(domain.EINVALID, "the body is empty; send a JSON object")
	}
	if !utf8.Valid(b) {
		return domain.Errorf(domain.EINVALID, "the body is not valid UTF-8")
	}
	return checkDuplicateKeys(b)
}

// maxDepth bounds how deeply a body may nest: no request needs more than a few levels.
const maxDepth = 32

// checkDuplicateKeys refuses a JSON body that gives one object a key twice (which
// encoding/json would silently resolve to the last value: two readers of the same
// body could disagree), nests deeper than maxDepth, or holds control characters other
// than tab and newlines in a string (PostgreSQL cannot store NUL, and no field needs
// the others).
func checkDuplicateKeys(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	type frame struct {
		keys   map[string]bool
		object bool
		key    bool // the next string token is a key
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return jsonError(err)
		}
		top := len(stack) - 1
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if top >= 0 && stack[top].object {
					stack[top].key = true
				}
				if len(stack) == maxDepth {
					return domain.Errorf(domain.EINVALID, "the body nests deeper than %d levels", maxDepth)
				}
				stack = append(stack, frame{keys: map[string]bool{}, object: t == '{', key: t == '{'})
			default:
				stack = stack[:top]
				if top > 0 && stack[top-1].object {
					stack[top-1].key = true
				}
			}
		case string:
			if strings.ContainsFunc(t, badControl) {
				return domain.Errorf(domain.EINVALID, "a string holds a control character")
			}
			if top >= 0 && stack[top].object && stack[top].key {
				if !fieldName.MatchString(t) {
					// encoding/json would match "EMAIL" to email: field names have one spelling.
					return domain.Invalid(t, "not a field of this request (field names are lower-case snake_case)")
				}
				if stack[top].keys[t] {
					return domain.Invalid(t, "given twice in one object")
				}
				stack[top].keys[t] = true
				stack[top].key = false
				continue
			}
			if top >= 0 && stack[top].object {
				stack[top].key = true
			}
		default:
			if top >= 0 && stack[top].object {
				stack[top].key = true
			}
		}
	}
}

// fieldName is the one spelling of every field the API reads.
var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// badControl reports control characters a text field may not hold.
func badControl(r rune) bool {
	return r != '\t' && r != '\n' && r != '\r' && unicode.IsControl(r)
}

// jsonError turns a decoding error into a domain error naming the field.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return domain.Errorf(domain.EINVALID, "malformed JSON at byte %d", syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Errorf(domain.EINVALID, "the JSON body is cut short")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return domain.Errorf(domain.EINVALID, "the body must be a JSON object")
		}
		return domain.Invalid(field, "wrong type: want "+jsonKind(typ.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return domain.Invalid(name, "not a field of this request")
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return de
	}
	return domain.Errorf(domain.EINVALID, "the body is not valid JSON for this request")
}

// jsonKind names a Go type as JSON knows it.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	}
	return "an object"
}

// etagRE is a record's ETag, quoted as sent or bare: "3" or 3.
var etagRE = regexp.MustCompile(`^"?([1-9][0-9]{0,9})"?$`)

// ifMatch reads the If-Match header as a record revision. required: a missing header
// is a 428.
func ifMatch(c echo.Context, required bool) (*int, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" {
		if required {
			return nil, domain.Errorf(domain.EPRECONDITIONREQUIRED, "send If-Match with the record's ETag, so no one's edit is silently overwritten")
		}
		return nil, nil
	}
	m := etagRE.FindStringSubmatch(h)
	if m == nil {
		return nil, domain.Errorf(domain.EPRECONDITION, "If-Match must be the record's ETag, e.g. \"3\"")
	}
	n, _ := strconv.Atoi(m[1])
	return &n, nil
}
