package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/httpapi"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

const strongPassword = "correct horse battery staple 42"

// staff creates an account as the registry itself would from the command line.
func staff(t *testing.T, st *store.Store, email, role string) {
	t.Helper()
	name, _, _ := strings.Cut(email, "@")
	if _, err := st.CreateUser(domain.SystemContext(context.Background()), store.NewUser{
		Email: email, Role: role, DisplayName: "Staff " + name, Password: strongPassword}); err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
}

// login returns the access and refresh tokens of an account.
func (a *api) login(email, password string) (string, string) {
	a.t.Helper()
	r := a.send(http.MethodPost, "/api/v1/auth/login", nil, map[string]string{"email": email, "password": password})
	if r.status != http.StatusOK {
		a.t.Fatalf("login %s: %d %s", email, r.status, r.body)
	}
	body := r.json(a.t)
	return body["access_token"].(string), body["refresh_token"].(string)
}

func bearer(token string, more ...string) map[string]string {
	h := map[string]string{"Authorization": "Bearer " + token}
	for i := 0; i+1 < len(more); i += 2 {
		h[more[i]] = more[i+1]
	}
	return h
}

// expect fails the test unless r has the status; it returns r's JSON data object.
func expect(t *testing.T, what string, r response, status int) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.status, status, truncate(r.body))
	}
	if len(r.body) == 0 || r.body[0] != '{' {
		return nil
	}
	data, _ := r.json(t)["data"].(map[string]any)
	return data
}

// problemField returns whether a problem names the field.
func problemField(t *testing.T, r response, field string) bool {
	t.Helper()
	errs, _ := r.json(t)["errors"].(map[string]any)
	_, ok := errs[field]
	return ok
}

// TestEditorialWorkflow is the staff member's path: log in, draft a vendor, cite a
// source, publish, correct with If-Match, retract; the public sees each step and its
// history, and nothing half-written stays.
func TestEditorialWorkflow(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("editor@example.org", strongPassword)
		auth := bearer(token)
		version := func() string { return a.do(http.MethodGet, "/api/v1/vendors", nil).header.Get("X-Dataset-Version") }
		src := expect(t, "create source", a.send(http.MethodPost, "/api/v1/sources", auth, map[string]any{
			"kind": "ngo_report", "title": "A test report", "url": "https://example.org/report", "published_on": "2021-07-01", "published_on_precision": "day"}), 201)
		expect(t, "publish source", a.send(http.MethodPost, "/api/v1/sources/"+src["id"].(string)+"/publish", auth, nil), 200)
		v0 := version()

		created := a.send(http.MethodPost, "/api/v1/vendors", auth, map[string]any{"slug": "acme-intercept", "name": "Acme Intercept", "headquarters_country": "DE"})
		vendor := expect(t, "create vendor", created, 201)
		id := vendor["id"].(string)
		url := "/api/v1/vendors/" + id
		if vendor["status"] != "draft" || created.header.Get("ETag") != `"1"` || created.header.Get("Location") != url {
			t.Fatalf("created: status %v, ETag %s, Location %s", vendor["status"], created.header.Get("ETag"), created.header.Get("Location"))
		}
		if v := version(); v != v0 {
			t.Errorf("a draft moved the dataset_version from %s to %s", v0, v)
		}

		// A draft is the staff's only.
		expect(t, "anonymous reads a draft", a.do(http.MethodGet, url, nil), 404)
		expect(t, "anonymous reads a draft by slug", a.do(http.MethodGet, "/api/v1/vendors/acme-intercept", nil), 404)
		staffRead := a.do(http.MethodGet, url, auth)
		expect(t, "staff reads a draft", staffRead, 200)
		if cc := staffRead.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("a draft answer is cacheable: %q", cc)
		}
		if r := a.do(http.MethodGet, "/api/v1/vendors?country=DE", nil); strings.Contains(string(r.body), "acme") {
			t.Error("a draft is listed publicly")
		}
		expect(t, "staff lists drafts", a.do(http.MethodGet, "/api/v1/vendors?status=draft", auth), 200)

		// Publishing needs evidence.
		r := a.send(http.MethodPost, url+"/publish", auth, nil)
		expect(t, "publish without a citation", r, 409)
		if !problemField(t, r, "citations") {
			t.Errorf("the refusal does not name citations: %s", r.body)
		}
		// Evidence the public cannot read is no evidence: a citation of a draft source
		// does not let a record be published.
		draftSrc := expect(t, "create a draft source", a.send(http.MethodPost, "/api/v1/sources", auth, map[string]any{"kind": "media", "title": "Unpublished notes"}), 201)
		other := expect(t, "create another vendor", a.send(http.MethodPost, "/api/v1/vendors", auth, map[string]any{"slug": "draft-evidence", "name": "Draft Evidence"}), 201)
		otherURL := "/api/v1/vendors/" + other["id"].(string)
		expect(t, "cite the draft source", a.send(http.MethodPost, otherURL+"/citations", auth, map[string]any{"source_id": draftSrc["id"], "confidence": "reported"}), 200)
		r = a.send(http.MethodPost, otherURL+"/publish", auth, nil)
		expect(t, "publish on a draft source's word", r, 409)
		if !problemField(t, r, "citations") {
			t.Errorf("the refusal does not name citations: %s", r.body)
		}
		r = a.send(http.MethodPost, url+"/citations", auth, map[string]any{"source_id": src["id"], "confidence": "reported", "locator": "p. 4", "fields": []string{"name"}})
		if d := expect(t, "cite", r, 200); d["revision"] != float64(2) {
			t.Errorf("citing did not move the revision: %v", d["revision"])
		}
		expect(t, "cite an unknown source", a.send(http.MethodPost, url+"/citations", auth, map[string]any{"source_id": "999", "confidence": "reported"}), 400)
		expect(t, "cite with a bad confidence", a.send(http.MethodPost, url+"/citations", auth, map[string]any{"source_id": src["id"], "confidence": "certain"}), 400)
		expect(t, "publish with a stale If-Match", a.send(http.MethodPost, url+"/publish", bearer(token, "If-Match", `"1"`), nil), 412)
		pub := expect(t, "publish", a.send(http.MethodPost, url+"/publish", bearer(token, "If-Match", `"2"`), nil), 200)
		if pub["status"] != "published" {
			t.Fatalf("published: %v", pub["status"])
		}
		expect(t, "publish twice", a.send(http.MethodPost, url+"/publish", auth, nil), 409)
		public := expect(t, "the public reads it", a.do(http.MethodGet, url, nil), 200)
		if public["name"] != "Acme Intercept" || len(public["citations"].([]any)) != 1 {
			t.Errorf("public record: %v", public)
		}
		v1 := version()
		if v1 == v0 {
			t.Error("publishing did not move the dataset_version")
		}

		// Corrections need the current ETag.
		patch := map[string]any{"name": "Acme Intercept GmbH"}
		expect(t, "patch without If-Match", a.send(http.MethodPatch, url, auth, patch), 428)
		expect(t, "patch with a stale If-Match", a.send(http.MethodPatch, url, bearer(token, "If-Match", `"2"`), patch), 412)
		expect(t, "patch with a junk If-Match", a.send(http.MethodPatch, url, bearer(token, "If-Match", `W/"x"`), patch), 412)
		for _, bad := range []struct {
			name, field string
			body        any
		}{
			{"unknown field", "owner", map[string]any{"owner": "x"}},
			{"status is not written by PATCH", "status", map[string]any{"status": "retracted"}},
			{"revision is not written by PATCH", "revision", map[string]any{"revision": 99}},
			{"wrong type", "name", map[string]any{"name": 42}},
			{"bad country", "headquarters_country", map[string]any{"headquarters_country": "ZZ"}},
			{"bad slug", "slug", map[string]any{"slug": "Not A Slug"}},
			{"empty name", "name", map[string]any{"name": ""}},
			{"alias date contradicting its precision", "aliases.valid_from_precision", map[string]any{"aliases": []any{map[string]any{"name": "Old", "valid_from": "2019", "valid_from_precision": "day"}}}},
			{"bad alias date", "aliases.valid_from", map[string]any{"aliases": []any{map[string]any{"name": "Old", "valid_from": "2019-1"}}}},
		} {
			r := a.send(http.MethodPatch, url, bearer(token, "If-Match", `"3"`), bad.body)
			if r.status != 400 || !problemField(t, r, bad.field) {
				t.Errorf("%s: %d %s; want 400 naming %s", bad.name, r.status, r.body, bad.field)
			}
		}
		for _, bad := range []string{`{"name":`, `["name"]`, `{"name":"a"} {"name":"b"}`, ``, `null`} {
			if r := a.send(http.MethodPatch, url, bearer(token, "If-Match", `"3"`), bad); r.status != 400 {
				t.Errorf("patch %q: %d, want 400", bad, r.status)
			}
		}
		plain := bearer(token, "If-Match", `"3"`, "Content-Type", "text/plain")
		if r := a.send(http.MethodPatch, url, plain, `{"name":"x"}`); r.status != http.StatusUnsupportedMediaType {
			t.Errorf("text/plain body: %d, want 415", r.status)
		}
		if got := expect(t, "unchanged after refusals", a.do(http.MethodGet, url, nil), 200); got["revision"] != float64(3) || got["name"] != "Acme Intercept" {
			t.Fatalf("refused patches changed the record: revision %v name %v", got["revision"], got["name"])
		}
		fixed := a.send(http.MethodPatch, url, bearer(token, "If-Match", `"3"`), patch)
		if d := expect(t, "patch", fixed, 200); d["name"] != "Acme Intercept GmbH" || d["headquarters_country"] != "DE" || fixed.header.Get("ETag") != `"4"` {
			t.Errorf("patched: %v, ETag %s", d, fixed.header.Get("ETag"))
		}
		if d := expect(t, "clear a field with null", a.send(http.MethodPatch, url, bearer(token, "If-Match", `"4"`), `{"headquarters_country":null}`), 200); d["headquarters_country"] != nil {
			t.Errorf("null did not clear: %v", d["headquarters_country"])
		}
		if v := version(); v == v1 {
			t.Error("a public correction did not move the dataset_version")
		}

		// Retraction keeps the record at its URL.
		expect(t, "retract without a reason", a.send(http.MethodPost, url+"/retract", auth, map[string]any{"reason": "  "}), 400)
		expect(t, "retract", a.send(http.MethodPost, url+"/retract", auth, map[string]any{"reason": "wrong company"}), 200)
		gone := expect(t, "a retracted record stays", a.do(http.MethodGet, url, nil), 200)
		if gone["status"] != "retracted" || gone["retraction_reason"] != "wrong company" || gone["retracted_at"] == nil {
			t.Errorf("retracted record: %v", gone)
		}
		if r := a.do(http.MethodGet, "/api/v1/vendors", nil); strings.Contains(string(r.body), "acme-intercept") {
			t.Error("a retracted record is still listed")
		}
		if r := a.do(http.MethodGet, "/api/v1/vendors?status=retracted", nil); !strings.Contains(string(r.body), "acme-intercept") {
			t.Error("status=retracted does not list it")
		}

		// The public history: public changes only, staff named by display name.
		h := a.do(http.MethodGet, url+"/history", nil)
		expect(t, "history", h, 200)
		var actions []string
		for _, c := range h.json(t)["data"].([]any) {
			ch := c.(map[string]any)
			actions = append(actions, ch["action"].(string))
			if ch["actor"] != "Staff editor" {
				t.Errorf("history actor %v, want the display name", ch["actor"])
			}
		}
		if got := strings.Join(actions, ","); got != "publish,update,update,retract" {
			t.Errorf("public history %s, want publish,update,update,retract", got)
		}
		if strings.Contains(string(h.body), "editor@example.org") {
			t.Error("the history names staff by email")
		}
		staffHistory := a.do(http.MethodGet, url+"/history", auth)
		if n := len(staffHistory.json(t)["data"].([]any)); n != 6 {
			t.Errorf("staff history has %d changes, want 6 (create, cite, publish, two updates, retract)", n)
		}
	})
}

// TestWritesEveryCollection creates, cites, publishes, patches and retracts one
// record of each collection.
func TestWritesEveryCollection(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("editor@example.org", strongPassword)
		auth := bearer(token)
		for _, tc := range []struct {
			plural string
			body   map[string]any
			patch  map[string]any
		}{
			{"products", map[string]any{"vendor_id": "1", "name": "Test Product", "control_list_entries": []string{"4.A.5"}}, map[string]any{"categories": []string{"forensics"}}},
			{"agencies", map[string]any{"state_code": "MX", "name": "Test Agency", "kind": "intelligence"}, map[string]any{"aliases": []string{"TA"}}},
			{"licenses", map[string]any{"kind": "export_authorization", "vendor_id": "1", "exporting_state": "IL", "end_user_state": "MX", "max_targets": 50, "geography": []string{"MX"},
				"valid_from": "2020-01-01", "valid_from_precision": "day", "valid_until": "2021-01-01", "valid_until_precision": "year", "product_ids": []string{"1"}}, map[string]any{"license_status": "granted"}},
			{"terminations", map[string]any{"vendor_id": "1", "reason": "human_rights_concerns", "rights_involved": []string{"iccpr_17"}, "scope": "agency_only"}, map[string]any{"reported_to": []string{}}},
			{"allegations", map[string]any{"vendor_id": "1", "product_id": "1", "target_category": "journalist", "target_country": "MX"}, map[string]any{"allegation_status": "disputed"}},
			{"communications", map[string]any{"sender": "A mandate", "kind": "letter", "recipient_vendor_id": "1", "questions": []any{map[string]any{"position": 1, "text": "Why?", "answer_status": "unanswered"}}}, map[string]any{"copied_states": []string{"IL"}}},
		} {
			t.Run(tc.plural, func(t *testing.T) {
				a.t = t
				rec := expect(t, "create", a.send(http.MethodPost, "/api/v1/"+tc.plural, auth, tc.body), 201)
				url := "/api/v1/" + tc.plural + "/" + rec["id"].(string)
				expect(t, "cite", a.send(http.MethodPost, url+"/citations", auth, map[string]any{"source_id": "1", "confidence": "alleged"}), 200)
				expect(t, "publish", a.send(http.MethodPost, url+"/publish", auth, nil), 200)
				expect(t, "patch", a.send(http.MethodPatch, url, bearer(token, "If-Match", `"3"`), tc.patch), 200)
				got := expect(t, "read", a.do(http.MethodGet, url, nil), 200)
				for k, want := range tc.patch {
					// The stored value is the patch's (read back as JSON), and it was not
					// the created record's already: a PATCH that is ignored fails here.
					if same(rec[k], want) {
						t.Fatalf("%s: the patch must change the field, which is already %v", k, rec[k])
					}
					if !same(got[k], want) {
						t.Errorf("%s after the patch: %v, want %v", k, got[k], want)
					}
				}
				cites := got["citations"].([]any)
				cid := cites[0].(map[string]any)["id"].(string)
				expect(t, "remove the last citation of a published record", a.send(http.MethodDelete, url+"/citations/"+cid, auth, nil), 409)
				expect(t, "retract", a.send(http.MethodPost, url+"/retract", auth, map[string]any{"reason": "test"}), 200)
			})
		}
		a.t = t
		if r := a.do(http.MethodGet, "/api/v1/products?vendor=nso-group", nil); !strings.Contains(string(r.body), "Pegasus") {
			t.Error("the bundled product is gone")
		}
		if r := a.do(http.MethodGet, "/api/v1/products?status=retracted", nil); !strings.Contains(string(r.body), `"4A005"`) {
			t.Errorf("the control-list entry was not normalised to 4A005: %s", truncate(r.body))
		}
		r := a.send(http.MethodPost, "/api/v1/licenses", auth, map[string]any{"kind": "export_authorization", "valid_from": "2021-01-01", "valid_from_precision": "day", "valid_until": "2020-01-01", "valid_until_precision": "day"})
		if r.status != 400 || !problemField(t, r, "valid_until") {
			t.Errorf("a period out of order: %d %s", r.status, r.body)
		}
		if r := a.send(http.MethodPost, "/api/v1/products", auth, map[string]any{"vendor_id": "999", "name": "Orphan"}); r.status != 400 || !problemField(t, r, "vendor_id") {
			t.Errorf("a product of no vendor: %d %s", r.status, r.body)
		}
		if r := a.send(http.MethodPost, "/api/v1/licenses", auth, map[string]any{"kind": "end_user_license", "product_ids": []string{"1", "998"}}); r.status != 400 || !problemField(t, r, "product_ids") {
			t.Errorf("a licence of no product: %d %s", r.status, r.body)
		}
	})
}

// TestAuthentication covers tokens: the same answer for unknown email and wrong
// password, refresh rotation and reuse, logout, disabled accounts, forged tokens.
func TestAuthentication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "admin@example.org", domain.RoleAdmin)
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)

		wrong := a.send(http.MethodPost, "/api/v1/auth/login", nil, map[string]string{"email": "editor@example.org", "password": "not the password at all"})
		unknown := a.send(http.MethodPost, "/api/v1/auth/login", nil, map[string]string{"email": "nobody@example.org", "password": "not the password at all"})
		if wrong.status != 401 || unknown.status != 401 || wrong.json(t)["detail"] != unknown.json(t)["detail"] {
			t.Errorf("wrong password %d %s; unknown email %d %s: want the same 401", wrong.status, wrong.body, unknown.status, unknown.body)
		}
		expect(t, "login with an unknown field", a.send(http.MethodPost, "/api/v1/auth/login", nil, map[string]string{"email": "a@b.c", "password": "x", "role": "admin"}), 400)

		access, refresh := a.login("editor@example.org", strongPassword)
		me := expect(t, "me", a.do(http.MethodGet, "/api/v1/auth/me", bearer(access)), 200)
		if me["email"] != "editor@example.org" || me["role"] != "editor" {
			t.Errorf("me: %v", me)
		}
		expect(t, "an editor lists users", a.do(http.MethodGet, "/api/v1/users", bearer(access)), 403)

		// Rotation: each refresh token works once; reusing one kills the session.
		r := a.send(http.MethodPost, "/api/v1/auth/refresh", nil, map[string]string{"refresh_token": refresh})
		expect(t, "refresh", r, 200)
		access2, refresh2 := r.json(t)["access_token"].(string), r.json(t)["refresh_token"].(string)
		if refresh2 == refresh {
			t.Fatal("the refresh token did not rotate")
		}
		expect(t, "the new access token works", a.do(http.MethodGet, "/api/v1/auth/me", bearer(access2)), 200)
		expect(t, "reuse of a rotated refresh token", a.send(http.MethodPost, "/api/v1/auth/refresh", nil, map[string]string{"refresh_token": refresh}), 401)
		expect(t, "the session is revoked: its access token", a.do(http.MethodGet, "/api/v1/auth/me", bearer(access2)), 401)
		expect(t, "the session is revoked: its newest refresh token", a.send(http.MethodPost, "/api/v1/auth/refresh", nil, map[string]string{"refresh_token": refresh2}), 401)

		// Logout kills the access token at once.
		access3, _ := a.login("editor@example.org", strongPassword)
		expect(t, "logout", a.send(http.MethodPost, "/api/v1/auth/logout", bearer(access3), nil), 204)
		expect(t, "after logout", a.do(http.MethodGet, "/api/v1/auth/me", bearer(access3)), 401)
		expect(t, "logout without a token", a.send(http.MethodPost, "/api/v1/auth/logout", nil, nil), 401)

		// Disabling an account kills its tokens; it cannot log in again.
		admin, _ := a.login("admin@example.org", strongPassword)
		access4, _ := a.login("editor@example.org", strongPassword)
		users := a.do(http.MethodGet, "/api/v1/users", bearer(admin))
		expect(t, "admin lists users", users, 200)
		if strings.Contains(string(users.body), "password") {
			t.Error("the user list shows password hashes")
		}
		editorID := ""
		for _, u := range users.json(t)["data"].([]any) {
			if u.(map[string]any)["email"] == "editor@example.org" {
				editorID = u.(map[string]any)["id"].(string)
			}
		}
		expect(t, "disable", a.send(http.MethodPatch, "/api/v1/users/"+editorID, bearer(admin), map[string]any{"disabled": true}), 200)
		expect(t, "a disabled account's token", a.do(http.MethodGet, "/api/v1/auth/me", bearer(access4)), 401)
		expect(t, "a disabled account logs in", a.send(http.MethodPost, "/api/v1/auth/login", nil, map[string]string{"email": "editor@example.org", "password": strongPassword}), 401)
		expect(t, "an admin cannot disable themself", a.send(http.MethodPatch, "/api/v1/users/1", bearer(admin), map[string]any{"disabled": true}), 409)
		r = a.send(http.MethodPost, "/api/v1/users", bearer(admin), map[string]any{"email": "new@example.org", "role": "editor", "password": "password1234"})
		if r.status != 400 || !problemField(t, r, "password") {
			t.Errorf("a common password: %d %s", r.status, r.body)
		}
		expect(t, "create an account", a.send(http.MethodPost, "/api/v1/users", bearer(admin), map[string]any{"email": "new@example.org", "role": "editor", "display_name": "New Editor", "password": strongPassword}), 201)
		expect(t, "the same email again", a.send(http.MethodPost, "/api/v1/users", bearer(admin), map[string]any{"email": "NEW@example.org", "role": "editor", "password": strongPassword}), 409)

		// Forged and malformed tokens change nothing.
		payload := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"1","role":"admin","sid":"x","epoch":0,"iss":"surveillance-export-registry","aud":["registry-api"],"exp":` + time.Now().Add(time.Hour).Format("20060102") + `}`))
		none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + payload + "."
		parts := strings.Split(admin, ".")
		tampered := parts[0] + "." + payload + "." + parts[2]
		for name, h := range map[string]map[string]string{
			"alg none":         bearer(none),
			"tampered payload": bearer(tampered),
			"garbage":          bearer("not.a.token"),
			"empty bearer":     {"Authorization": "Bearer "},
			"basic auth":       {"Authorization": "Basic YWRtaW46YWRtaW4="},
			"oversized":        bearer(strings.Repeat("a", 300<<10)),
		} {
			r := a.send(http.MethodPost, "/api/v1/vendors", h, map[string]any{"slug": "forged", "name": "Forged"})
			if r.status != 401 {
				t.Errorf("%s: %d, want 401", name, r.status)
			}
		}
		if r := a.do(http.MethodGet, "/api/v1/vendors?status=draft", bearer(admin)); strings.Contains(string(r.body), "forged") {
			t.Error("a forged request wrote a record")
		}
	})
}

// TestLoginThrottle: over the limit, login answers 429 with Retry-After, per account
// and per client; X-Forwarded-For does not reset the count without trusted proxies.
func TestLoginThrottle(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	staff(t, st, "editor@example.org", domain.RoleEditor)
	a := newAPIWith(t, st, httpapi.Options{LoginEvery: time.Hour, LoginBurst: 3})
	try := func(email, xff string) response {
		return a.send(http.MethodPost, "/api/v1/auth/login", map[string]string{"X-Forwarded-For": xff}, map[string]string{"email": email, "password": "wrong wrong wrong"})
	}
	for i := range 3 {
		if r := try("editor@example.org", "10.0.0."+string(rune('1'+i))); r.status != 401 {
			t.Fatalf("attempt %d: %d", i+1, r.status)
		}
	}
	r := try("other@example.org", "10.0.0.9")
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("fourth attempt from one client with rotating X-Forwarded-For: %d, Retry-After %q; want 429 with Retry-After", r.status, r.header.Get("Retry-After"))
	}
}

// TestEveryWriteNeedsAToken walks every route: each one that changes something,
// except login and refresh, answers 401 without a token and 403 to a role that may
// not use it.
func TestEveryWriteNeedsAToken(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	staff(t, st, "editor@example.org", domain.RoleEditor)
	a := newAPI(t, st)
	editor, _ := a.login("editor@example.org", strongPassword)
	open := map[string]bool{"POST /api/v1/auth/login": true, "POST /api/v1/auth/refresh": true,
		// The staff console's forms: a session cookie and its CSRF token guard each
		// (package web's TestStaffSessions walks them).
		"POST /staff/*": true,
		// The reconciliation service: public and read-only; POST is how OpenRefine
		// sends its queries, OPTIONS answers CORS preflights (reconcile_test.go).
		"POST /reconcile": true, "OPTIONS /reconcile": true, "OPTIONS /reconcile/preview": true, "OPTIONS /reconcile/suggest/entity": true}
	n := 0
	for _, rt := range a.server.Routes() {
		key := rt.Method + " " + rt.Path
		if rt.Method == http.MethodGet || rt.Method == "echo_route_not_found" || open[key] || !strings.HasPrefix(rt.Path, "/api/") {
			if rt.Method != http.MethodGet && !open[key] && rt.Method != "echo_route_not_found" {
				t.Errorf("%s changes something outside /api", key)
			}
			continue
		}
		n++
		path := strings.NewReplacer(":id", "1", ":citation_id", "1").Replace(rt.Path)
		if r := a.send(rt.Method, path, nil, map[string]any{}); r.status != 401 {
			t.Errorf("%s without a token: %d, want 401", key, r.status)
		}
		if strings.HasPrefix(rt.Path, "/api/v1/users") {
			if r := a.send(rt.Method, path, bearer(editor), map[string]any{}); r.status != 403 {
				t.Errorf("%s as an editor: %d, want 403", key, r.status)
			}
		}
	}
	for _, rt := range a.server.Routes() {
		if rt.Method == http.MethodGet && strings.HasPrefix(rt.Path, "/api/v1/users") {
			if r := a.do(http.MethodGet, strings.Replace(rt.Path, ":id", "1", 1), nil); r.status != 401 {
				t.Errorf("GET %s without a token: %d, want 401", rt.Path, r.status)
			}
		}
	}
	if n < 48 {
		t.Errorf("walked %d write routes, want at least 48", n)
	}
}

// TestTrustedProxies: behind a trusted proxy, X-Forwarded-For names the client, so
// clients behind one proxy do not share a limit; the account limit still holds.
func TestTrustedProxies(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	_, loopback, _ := net.ParseCIDR("127.0.0.1/32")
	a := newAPIWith(t, st, httpapi.Options{LoginEvery: time.Hour, LoginBurst: 2, TrustedProxies: []*net.IPNet{loopback}})
	try := func(email, xff string) int {
		return a.send(http.MethodPost, "/api/v1/auth/login", map[string]string{"X-Forwarded-For": xff}, map[string]string{"email": email, "password": "wrong wrong wrong"}).status
	}
	for i, tc := range []struct {
		email, xff string
		want       int
	}{
		{"a@example.org", "203.0.113.1", 401},
		{"b@example.org", "203.0.113.1", 401},
		{"c@example.org", "203.0.113.1", 429}, // the client's third attempt
		{"d@example.org", "203.0.113.2", 401}, // another client behind the proxy
		{"d@example.org", "203.0.113.3", 401},
		{"d@example.org", "203.0.113.4", 429}, // the account's third attempt
	} {
		if got := try(tc.email, tc.xff); got != tc.want {
			t.Errorf("attempt %d (%s from %s): %d, want %d", i+1, tc.email, tc.xff, got, tc.want)
		}
	}
}

// TestQuestionsKeepTheirIDs: correcting a communication keeps the ids of the questions
// it already had, whatever else the patch changes.
func TestQuestionsKeepTheirIDs(t *testing.T) {
	storetest.Seeded(t, func(t *testing.T, st *store.Store) {
		staff(t, st, "editor@example.org", domain.RoleEditor)
		a := newAPI(t, st)
		token, _ := a.login("editor@example.org", strongPassword)
		before := expect(t, "read", a.do(http.MethodGet, "/api/v1/communications/3", nil), 200)
		qs := before["questions"].([]any)
		first := qs[0].(map[string]any)
		// Keep the first question, move it to the end, drop the rest, add a new one.
		patch := map[string]any{"questions": []any{
			map[string]any{"position": 1, "text": "A new question?", "answer_status": "unknown"},
			map[string]any{"id": first["id"], "position": 2, "text": first["text"], "answer_status": "unanswered"},
		}}
		after := expect(t, "patch questions", a.send(http.MethodPatch, "/api/v1/communications/3", bearer(token, "If-Match", `"1"`), patch), 200)
		got := after["questions"].([]any)
		if len(got) != 2 {
			t.Fatalf("%d questions, want 2", len(got))
		}
		kept, added := got[1].(map[string]any), got[0].(map[string]any)
		if kept["id"] != first["id"] || kept["answer_status"] != "unanswered" {
			t.Errorf("the kept question: %v, want id %v", kept, first["id"])
		}
		if added["id"] == first["id"] || added["id"] == "" {
			t.Errorf("the new question got id %v", added["id"])
		}
		// An id that belongs to another communication is not taken over.
		other := map[string]any{"questions": []any{map[string]any{"id": first["id"], "position": 1, "text": "Stolen?"}}}
		comm1 := expect(t, "patch another", a.send(http.MethodPatch, "/api/v1/communications/1", bearer(token, "If-Match", `"1"`), other), 200)
		if q := comm1["questions"].([]any)[0].(map[string]any); q["id"] == first["id"] {
			t.Error("a question id moved to another communication")
		}
	})
}

// same reports whether two values are the same JSON.
func same(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return false
	}
	var va, vb any
	return json.Unmarshal(ja, &va) == nil && json.Unmarshal(jb, &vb) == nil && reflect.DeepEqual(va, vb)
}
