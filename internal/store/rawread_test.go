package store

import (
	"database/sql"
	"encoding/json"
	"reflect"
	"testing"
)

// decodeStrings must read a stored JSON list exactly as ent's json.Unmarshal does,
// its fast path included (nil against empty, PostgreSQL's spacing, escapes).
func TestDecodeStringsIsJSON(t *testing.T) {
	for _, text := range []string{
		`["MZ","ZA"]`, `["MZ", "ZA"]`, `[]`, `null`, `["5A001.j"]`, `[""]`, `["a",""]`,
		`["a\"b"]`, `["caf\u00e9"]`, `["café"]`, `["a\\b"]`, `[ "a" , "b" ]`, `["a","b",]`, `["a"`, `["a"]x`, `"a"`,
	} {
		got, err := decodeStrings(sql.NullString{String: text, Valid: true})
		var want []string
		wantErr := json.Unmarshal([]byte(text), &want)
		if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %#v, %v; encoding/json reads %#v, %v", text, got, err, want, wantErr)
		}
	}
	for _, v := range []sql.NullString{{}, {Valid: true}} {
		if got, err := decodeStrings(v); got != nil || err != nil {
			t.Errorf("%#v: %#v, %v; ent reads nil", v, got, err)
		}
	}
}
