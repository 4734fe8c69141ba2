package domain

import (
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The rules of text fields are written once, as struct tags on the types requests
// carry, so that the OpenAPI document (swag reads the same tags) and the validation
// cannot disagree:
//
//   - maxLength:"N": at most N bytes of UTF-8. The limits, by kind of text:
//     codes 64 (a citation's field names), a language tag 35 (RFC 5646), a document
//     symbol or communication reference 200, a slug 100, names 300 (records, aliases,
//     designations, licence references), titles and bodies 500 (a source's title and
//     publisher, an issuing authority, a sender), URLs 2,000, a retraction reason
//     2,000, and prose 20,000 (descriptions, summaries, notes, questions, quotes).
//     Nothing longer is needed, and a 900 KB description only burdens every reader.
//   - format:"uri": an absolute http or https URL with a host and no user name (so
//     javascript:, data:, relative and https://trusted@elsewhere URLs are refused: the
//     pages show these as links).
//   - text:"prose": running text, which may hold the joiners and marks some scripts
//     need (see Invisible). Every other text (names, titles, codes, URLs) may hold none.
//
// Every text field refuses bidi embedding, override and isolate controls (they
// reorder what a reader sees: "‮txt.exe" shows as "exe.txt").

// TextRule is what one text field accepts.
type TextRule struct {
	// Max is the most bytes (UTF-8) the text may have; 0: no limit of its own.
	Max int
	// URL asks for an absolute http or https URL.
	URL bool
	// Prose allows the zero-width joiners and directional marks of running text.
	Prose bool
}

// Problem returns what is wrong with s under the rule, or "" when nothing is.
func (r TextRule) Problem(s string) string {
	if r.Max > 0 && len(s) > r.Max {
		return fmt.Sprintf("longer than %d bytes", r.Max)
	}
	if i := strings.IndexFunc(s, func(c rune) bool { return Invisible(c, r.Prose) }); i >= 0 {
		c, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Sprintf("holds an invisible formatting character (U+%04X): leave it out", c)
	}
	if r.URL && !WebURL(s) {
		return "not an absolute http or https URL"
	}
	return ""
}

// Invisible reports whether c is a bidi control or zero-width character a text may
// not hold. Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069)
// are refused everywhere: they reorder the text around them. Names, titles, codes and
// URLs also refuse the characters that show nothing: the directional marks (U+200E,
// U+200F, U+061C), zero-width space, non-joiner and joiner (U+200B–U+200D), word
// joiner (U+2060) and byte-order mark (U+FEFF), with which two names that look the
// same differ. Prose keeps the marks and zero-width characters running text in
// Persian, Arabic, Hebrew, Burmese or Thai needs, but not the word joiner and the
// byte-order mark.
func Invisible(c rune, prose bool) bool {
	switch {
	case c >= 0x202A && c <= 0x202E, c >= 0x2066 && c <= 0x2069, c == 0x2060, c == 0xFEFF:
		return true
	case c >= 0x200B && c <= 0x200F, c == 0x061C:
		return !prose
	}
	return false
}

// WebURL reports whether s is an absolute http or https URL with a host and without
// a user name or password.
func WebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Opaque == "" &&
		u.Hostname() != "" && u.User == nil && !strings.ContainsRune(s, ' ')
}

// CheckTexts adds a problem for each text field of v, a struct, that breaks its
// rule (see TextRule), named by its JSON name; a field inside a list of objects is
// named list.field (aliases.name). Every Check of a record's fields calls it.
func (p Problems) CheckTexts(v any) {
	p.checkTexts("", reflect.ValueOf(v))
}

func (p Problems) checkTexts(prefix string, v reflect.Value) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	for _, f := range textFieldsOf(v.Type()) {
		fv := v.FieldByIndex(f.index)
		name := prefix + f.name
		if f.nested {
			if fv.Kind() == reflect.Slice {
				for i := range fv.Len() {
					p.checkTexts(name+".", fv.Index(i))
				}
			} else {
				p.checkTexts(name+".", fv)
			}
			continue
		}
		for _, s := range textValues(fv) {
			if problem := f.rule.Problem(s); problem != "" {
				p.Add(name, problem)
				break
			}
		}
	}
}

// textValues returns the texts a string, *string or []string field holds.
func textValues(v reflect.Value) []string {
	switch v.Kind() {
	case reflect.String:
		return []string{v.String()}
	case reflect.Pointer:
		if !v.IsNil() {
			return textValues(v.Elem())
		}
	case reflect.Slice:
		out := make([]string, v.Len())
		for i := range v.Len() {
			out[i] = v.Index(i).String()
		}
		return out
	}
	return nil
}

// textField is a text field of a struct type, or a field of objects holding some.
type textField struct {
	index  []int
	name   string
	rule   TextRule
	nested bool // a struct, or a pointer to or a list of structs: checked field by field
}

// textFields caches textFieldsOf by type: the tags are read once.
var textFields sync.Map

// textFieldsOf lists the text fields of a struct type and their rules, embedded
// structs flattened as in JSON.
func textFieldsOf(t reflect.Type) []textField {
	if fs, ok := textFields.Load(t); ok {
		return fs.([]textField)
	}
	var fs []textField
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		elem := f.Type
		for elem.Kind() == reflect.Pointer || elem.Kind() == reflect.Slice {
			elem = elem.Elem()
		}
		switch {
		case f.Anonymous && name == "" && elem.Kind() == reflect.Struct:
			for _, inner := range textFieldsOf(elem) {
				inner.index = append([]int{i}, inner.index...)
				fs = append(fs, inner)
			}
		case elem.Kind() == reflect.Struct && elem.PkgPath() == t.PkgPath():
			fs = append(fs, textField{index: []int{i}, name: name, nested: true})
		case elem.Kind() == reflect.String:
			max, _ := strconv.Atoi(f.Tag.Get("maxLength"))
			fs = append(fs, textField{index: []int{i}, name: name, rule: TextRule{
				Max: max, URL: f.Tag.Get("format") == "uri", Prose: f.Tag.Get("text") == "prose"}})
		}
	}
	textFields.Store(t, fs)
	return fs
}

// MaxQueryText bounds the text a reader searches for, in characters.
const MaxQueryText = 200

// QueryTextProblem says what is wrong with a text to search for (q=, a search, a
// reconciliation query or prefix), or "" when nothing is: it must be valid UTF-8
// without control characters, and at most MaxQueryText characters.
func QueryTextProblem(s string) string {
	switch {
	case !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl):
		return "not valid text without control characters"
	case utf8.RuneCountInString(s) > MaxQueryText:
		return "longer than 200 characters"
	}
	return ""
}
