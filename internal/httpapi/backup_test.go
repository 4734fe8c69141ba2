package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestRestoredBackupRefusesOldTokens: a server on a registry restored from a backup
// refuses the tokens of the old one — its session is gone, and a token signed with
// the old key for a live session of the restored registry is refused too (what
// someone holding the old database's key could forge).
func TestRestoredBackupRefusesOldTokens(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, "sqlite")
	staff(t, st, "admin@example.org", domain.RoleAdmin)
	a := newAPI(t, st)
	old, _ := a.login("admin@example.org", strongPassword)
	expect(t, "the token on its own registry", a.do(http.MethodGet, "/api/v1/users", bearer(old)), 200)

	path := filepath.Join(t.TempDir(), "backup.db")
	if err := st.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	restored, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { restored.Close() })
	if err := restored.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b := newAPI(t, restored)
	expect(t, "the old registry's token on the restored one", b.do(http.MethodGet, "/api/v1/users", bearer(old)), 401)

	// The admin logs in again; the old key cannot sign for the new session.
	fresh, _ := b.login("admin@example.org", strongPassword)
	expect(t, "a new login on the restored registry", b.do(http.MethodGet, "/api/v1/users", bearer(fresh)), 200)
	var claims struct {
		Sub   string `json:"sub"`
		Sid   string `json:"sid"`
		Epoch int    `json:"epoch"`
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(fresh, ".")[1])
	if err != nil || json.Unmarshal(payload, &claims) != nil {
		t.Fatalf("the access token's claims: %v", err)
	}
	oldKeys, err := st.SigningKeys(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(claims.Sub)
	forged, _, err := oldKeys.Issue(uid, domain.RoleAdmin, claims.Sid, claims.Epoch, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "a token signed with the old key for the new session", b.do(http.MethodGet, "/api/v1/users", bearer(forged)), 401)
}
