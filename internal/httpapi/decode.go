package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

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
		return nil, err // the body limit's 413, or a broken connection
	}
	return b, nil
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
	if len(bytes.TrimSpace(b)) == 0 {
		return domain.Errorf(domain.EINVALID, "the body is empty; send a JSON object")
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

// mergePatch applies an RFC 7396 JSON merge patch to cur: fields present replace (null
// clears), absent fields stay. Unknown fields are refused by name.
func mergePatch[F any](cur F, patch []byte) (F, error) {
	var p map[string]json.RawMessage
	if err := json.Unmarshal(patch, &p); err != nil {
		return cur, jsonError(err)
	}
	if p == nil {
		return cur, domain.Errorf(domain.EINVALID, "the body must be a JSON object")
	}
	b, err := json.Marshal(cur)
	if err != nil {
		return cur, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return cur, err
	}
	for k, v := range p {
		if _, ok := m[k]; !ok {
			return cur, domain.Invalid(k, "not a field of this record that staff can write")
		}
		m[k] = v
	}
	merged, err := json.Marshal(m)
	if err != nil {
		return cur, err
	}
	var out F
	return out, decodeStrict(merged, &out)
}

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
	n, err := strconv.Atoi(strings.Trim(h, `"`))
	if err != nil || n < 1 || strings.HasPrefix(h, "W/") {
		return nil, domain.Errorf(domain.EPRECONDITION, "If-Match must be the record's ETag, e.g. \"3\"")
	}
	return &n, nil
}
