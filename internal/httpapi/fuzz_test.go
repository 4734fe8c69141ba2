package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// bodySeeds are request bodies for the JSON targets: valid ones and the ways a broken
// or hostile client gets them wrong.
var bodySeeds = []string{
	`{"email":"editor@example.org","password":"correct horse battery staple"}`,
	`{"kind":"end_user_license","vendor_id":"1","product_ids":["1","2"],"license_status":"granted","geography":["IL"],"control_list_entries":["5A001.j"],"max_targets":10}`,
	`{"slug":"nso-group","name":"NSO Group","aliases":[{"name":"Q Cyber","valid_from":"2019-01-01","valid_from_precision":"year"}],"parent_id":null}`,
	``, ` `, `null`, `{}`, `[]`, `"text"`, `1`, `{"email":`, `{"email":"a"`, `{"email":"a","email":"b"}`,
	`{"EMAIL":"a"}`, `{"email":null,"password":null}`, `{"email":1}`, `{"vendor_id":1}`, `{"vendor_id":"0"}`,
	`{"max_targets":1e309}`, `{"max_targets":99999999999999999999}`, `{"max_targets":-1}`, `{"unknown":1}`,
	"{\"email\":\"\x00\x1f\"}", "{\"email\":\"\xff\"}", `{"email":"\ud800"}`, `{} {}`, `{} x`, `{}]`,
	`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
	`{"website":"..%2f..%2fetc%2fpasswd"}`, `{"email":"' OR '1'='1'; DROP TABLE users;--"}`, "\xef\xbb\xbf{}",
}

// requireInvalid fails unless err is an EINVALID domain error: the error handler
// shows any other error as a 500, and a body is the client's mistake, never ours.
func requireInvalid(t *testing.T, err error) {
	t.Helper()
	if domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("error %v (%T, code %q), want an EINVALID *domain.Error", err, err, domain.ErrorCode(err))
	}
}

// requireRoundTrip checks that what was decoded encodes to JSON that decodeStrict
// accepts again as the same value: a client echoing back what it read must not be
// refused.
func requireRoundTrip[T any](t *testing.T, v T) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("decoded %+v does not marshal: %v", v, err)
	}
	var back T
	if err := decodeStrict(b, &back); err != nil {
		t.Fatalf("re-encoded %s is refused: %v", b, err)
	}
	if again, _ := json.Marshal(back); !bytes.Equal(again, b) {
		t.Fatalf("round trip changes the value:\n%s\n%s", b, again)
	}
}

// checkDecodeStrict is the property of every strict decode: EINVALID or a value
// that round-trips.
func checkDecodeStrict[T any](t *testing.T, body []byte) {
	t.Helper()
	var v T
	if err := decodeStrict(body, &v); err != nil {
		requireInvalid(t, err)
		return
	}
	requireRoundTrip(t, v)
}

// FuzzDecodeStrictLicense decodes arbitrary bodies into a licence's writable fields,
// the widest request type: ids as text, nullable fields, lists and numbers.
func FuzzDecodeStrictLicense(f *testing.F) {
	for _, s := range bodySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkDecodeStrict[domain.LicenseFields](t, body)
	})
}

// FuzzDecodeStrictLogin decodes arbitrary bodies into a login, the one body an
// anonymous client can send.
func FuzzDecodeStrictLogin(f *testing.F) {
	for _, s := range bodySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkDecodeStrict[loginRequest](t, body)
	})
}

// FuzzMergePatchVendor applies arbitrary patches to arbitrary vendors. Besides the
// decoding properties it checks the merge itself: a field the patch leaves out keeps
// its current value.
func FuzzMergePatchVendor(f *testing.F) {
	cur := `{"slug":"nso-group","name":"NSO Group","aliases":[{"name":"Q Cyber","valid_from":"2019-01-01"}],"headquarters_country":"IL","designations":[{"list":"Entity List","authority":"BIS","reference":"x"}]}`
	for _, s := range bodySeeds {
		f.Add([]byte(cur), []byte(s))
	}
	f.Add([]byte(cur), []byte(`{"name":"NSO","aliases":null,"website":"https://example.org"}`))
	f.Add([]byte(`{}`), []byte(`{"slug":"a","slug":"b"}`))
	f.Add([]byte(`not json`), []byte(`{"designations":[{"list":"x","extra":1}]}`))
	f.Fuzz(func(t *testing.T, curJSON, patch []byte) {
		// Any vendor the store could hold: what curJSON decodes to, or none.
		var cur domain.VendorFields
		if json.Unmarshal(curJSON, &cur) != nil {
			cur = domain.VendorFields{}
		}
		out, err := mergePatch(cur, patch)
		if err != nil {
			requireInvalid(t, err)
			return
		}
		requireRoundTrip(t, out)
		var patched map[string]json.RawMessage
		if err := json.Unmarshal(patch, &patched); err != nil {
			t.Fatalf("mergePatch accepted %q, which is not a JSON object: %v", patch, err)
		}
		before, after := fieldsJSON(t, cur), fieldsJSON(t, out)
		for k, v := range before {
			if _, ok := patched[k]; !ok && !bytes.Equal(after[k], v) {
				t.Fatalf("field %s is not in the patch but changed from %s to %s", k, v, after[k])
			}
		}
	})
}

// fieldsJSON returns v's JSON by field name.
func fieldsJSON(t *testing.T, v any) map[string]json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// FuzzParseListLicenses parses arbitrary query strings as a licence list request,
// by an anonymous reader or by staff, without a database: parseList reads the
// server only for the viewer in the request's context.
func FuzzParseListLicenses(f *testing.F) {
	for _, q := range []string{
		"", "limit=50", "limit=500", "limit=501", "limit=0", "limit=-1", "limit=99999999999999999999", "limit=1e3",
		"country=il&exporter_country=DE&covers=xk", "country=ZZ", "country=%C4%B1l", "country=IL&country=IL",
		"cursor=" + bindCursor("/api/v1/licenses", store.EncodeCursor(7)), "cursor=" + bindCursor("/api/v1/sources", store.EncodeCursor(7)), "cursor=..%2f..%2f", "agency=1", "agency=0", "agency=01",
		"status=published,retracted", "status=draft", "status=granted,%20refused", "status=", "status=,,",
		"active_on=2019-10-01", "active_on=2019-02-30", "updated_since=2019-10-01T00:00:00Z", "updated_since=yesterday",
		"q=" + strings.Repeat("x", 201), "q=%00", "q=%ff", "q=%27%20OR%20%271%27%3D%271", "vendor=nso-group",
		"format=csv", "unknown=1", "limit=1;cursor=x", "%zz", "&&&", "=",
	} {
		f.Add(q, false)
		f.Add(q, true)
	}
	e := echo.New()
	staffCtx := domain.WithViewer(httptest.NewRequest(http.MethodGet, "/", nil).Context(), domain.Viewer{UserID: 1, Role: domain.RoleEditor})
	f.Fuzz(func(t *testing.T, rawQuery string, staff bool) {
		// RawQuery is set after the fact: NewRequest panics on a URL it cannot parse,
		// but a client can still send any bytes after the "?".
		req := httptest.NewRequest(http.MethodGet, "/api/v1/licenses", nil)
		req.URL.RawQuery = rawQuery
		if staff {
			req = req.WithContext(staffCtx)
		}
		c := e.NewContext(req, httptest.NewRecorder())
		c.SetPath("/api/v1/licenses")
		p, err := (&Server{}).parseList(c, licensesSpec)
		if err != nil {
			code := domain.ErrorCode(err)
			if code != domain.EINVALID && (code != domain.EUNAUTHORIZED || staff) {
				t.Fatalf("query %q (staff %v): error %v (code %q)", rawQuery, staff, err, code)
			}
			return
		}
		if p.Limit < 0 || p.Limit > store.MaxLimit {
			t.Fatalf("query %q: limit %d", rawQuery, p.Limit)
		}
		for _, c := range []string{p.Country, p.ExporterCountry, p.Covers} {
			if c != "" && !domain.ValidCountry(c) {
				t.Fatalf("query %q: country filter %q is not a valid code", rawQuery, c)
			}
		}
		if p.After < 0 || p.AgencyID < 0 {
			t.Fatalf("query %q: cursor %d, agency %d", rawQuery, p.After, p.AgencyID)
		}
		// Drafts are the one thing an anonymous reader must never get.
		if !staff && (p.Drafts || slices.Contains(p.Statuses, domain.StatusDraft)) {
			t.Fatalf("query %q: an anonymous reader gets drafts: %+v", rawQuery, p)
		}
		if len(p.Statuses) == 0 {
			t.Fatalf("query %q: no record statuses", rawQuery)
		}
		for _, st := range p.KindStatuses {
			if !slices.Contains(domain.LicenseStatuses, st) {
				t.Fatalf("query %q: licence status %q", rawQuery, st)
			}
		}
		if utf8.RuneCountInString(p.Q) > domain.MaxQueryText || !utf8.ValidString(p.Q+p.Vendor) || strings.ContainsFunc(p.Q+p.Vendor, isControl) {
			t.Fatalf("query %q: q %q, vendor %q", rawQuery, p.Q, p.Vendor)
		}
	})
}

// FuzzCountryParam checks the country parameters: empty means no filter, anything
// else is an accepted code or an EINVALID error naming the parameter.
func FuzzCountryParam(f *testing.F) {
	for _, s := range []string{"", "IL", "il", " xk ", "AN", "ZZ", "ISR", "\x00", "\xff", "ıl", "..%2f", "IL' OR 1=1--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		code, err := countryParam(v, fCountry)
		switch {
		case v == "":
			if code != "" || err != nil {
				t.Fatalf("countryParam(\"\") = %q, %v; want no filter", code, err)
			}
		case err != nil:
			requireInvalid(t, err)
			if _, ok := domain.ErrorFields(err)[fCountry]; !ok {
				t.Fatalf("countryParam(%q): error %v does not name the parameter", v, err)
			}
		case !domain.ValidCountry(code):
			t.Fatalf("countryParam(%q) = %q, not an accepted code", v, code)
		}
	})
}

// FuzzParseTime checks updated_since's reading: what parses is an instant that
// prints and parses back to itself, and a bare date is its day's UTC midnight.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2019-10-01", "2019-10-01T00:00:00Z", "2019-10-01T12:34:56.123456789+02:00", "2019-10-01T00:00:00+23:59",
		"0000-01-01T00:00:00-23:59", "9999-12-31T23:59:59+00:00", "2019-10-01T24:00:00Z", "2019-10-01t00:00:00z",
		"2019-10-01 00:00:00Z", "2019-10-01T00:00:00,5Z", "", "\xff", "1e309", "99999999999999999999", "2019-10-01%00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		tm, err := parseTime(v)
		if err != nil {
			return
		}
		back, err := time.Parse(time.RFC3339Nano, tm.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(tm) {
			t.Fatalf("parseTime(%q) = %v, which prints as %q and reads back as %v, %v", v, tm, tm.Format(time.RFC3339Nano), back, err)
		}
		if d, err := domain.ParseDate(v); err == nil && !d.Equal(tm) {
			t.Fatalf("parseTime(%q) = %v, but the date is %v", v, tm, d)
		}
	})
}

// FuzzIfMatch checks the If-Match header's reading: a revision from 1, nothing when
// it may be absent, or a precondition error; never another kind of error.
func FuzzIfMatch(f *testing.F) {
	for _, h := range []string{`"3"`, `3`, ` "3" `, `W/"3"`, `"0"`, `"-1"`, `"+3"`, `"03"`, `*`, ``, ` `, `"99999999999999999999"`, "\"3\"\x00", "\xff"} {
		f.Add(h, true)
		f.Add(h, false)
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, h string, required bool) {
		req := httptest.NewRequest(http.MethodPatch, "/api/v1/vendors/1", nil)
		req.Header["If-Match"] = []string{h}
		n, err := ifMatch(e.NewContext(req, httptest.NewRecorder()), required)
		blank := strings.TrimSpace(h) == ""
		switch code := domain.ErrorCode(err); {
		case blank && required && code != domain.EPRECONDITIONREQUIRED:
			t.Fatalf("ifMatch(%q, required) = %v, %v; want precondition_required", h, n, err)
		case blank && !required && (n != nil || err != nil):
			t.Fatalf("ifMatch(%q, optional) = %v, %v; want nothing", h, n, err)
		case !blank && err != nil && code != domain.EPRECONDITION:
			t.Fatalf("ifMatch(%q) error %v (code %q), want precondition_failed", h, err, code)
		case !blank && err == nil && (n == nil || *n < 1):
			t.Fatalf("ifMatch(%q) = %v, want a revision from 1", h, n)
		}
	})
}

// mergePatch applies an RFC 7396 JSON merge patch to cur: fields present replace (null
// clears), absent fields stay. Unknown fields are refused by name, and every field's
// problem is named at once (applyPatch; the write path resolves references first).
func mergePatch[F any](cur F, patch []byte) (F, error) {
	o, err := readObject(patch)
	if err != nil {
		return cur, err
	}
	return applyPatch(cur, o, domain.Problems{})
}
