package store_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/export-registry/registry/internal/auth"
	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestBackupLeavesOutKeys is finding 5 of issue 12: a backup file holds no byte of
// the signing key and no session or refresh token, not even in free pages; a
// registry restored from it makes a new key, which refuses tokens of the old one.
func TestBackupLeavesOutKeys(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, "sqlite")
	keys, err := st.SigningKeys(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := store.Client(st).Setting.Get(ctx, "jwt_signing_key")
	if err != nil {
		t.Fatal(err)
	}
	rawKey, err := base64.StdEncoding.DecodeString(kept.Value)
	if err != nil {
		t.Fatal(err)
	}
	addStaff(t, st, "editor@example.org")
	g, err := st.Login(ctx, "editor@example.org", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if g, err = st.Refresh(ctx, g.RefreshToken); err != nil { // a used and a live refresh token
		t.Fatal(err)
	}
	oldToken, _, err := keys.Issue(int(g.User.ID), g.User.Role, g.SessionID, g.Epoch, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	// A second factor: its secret and recovery codes stay out of the copy.
	en, err := st.StartTOTP(ctx, int(g.User.ID))
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(en.Secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	recovery, err := st.ConfirmTOTP(ctx, int(g.User.ID), code)
	if err != nil {
		t.Fatal(err)
	}
	sealedRow, err := store.Client(st).User.Get(ctx, int(g.User.ID))
	if err != nil || sealedRow.TotpSecret == nil {
		t.Fatalf("the sealed secret: %v", err)
	}

	path := filepath.Join(t.TempDir(), "backup.db")
	if err := st.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, secret := range map[string][]byte{
		"the signing key as stored":      []byte(kept.Value),
		"the signing key's bytes":        rawKey,
		"the session id's hash":          []byte(auth.HashSessionID(g.SessionID)),
		"the session id":                 []byte(g.SessionID),
		"the live refresh token's hash":  []byte(auth.HashRefreshToken(g.RefreshToken)),
		"the setting's name (key's row)": []byte("jwt_signing_key"),
		"the TOTP secret":                []byte(en.Secret),
		"the sealed TOTP secret":         []byte(*sealedRow.TotpSecret),
		"a recovery code's hash":         []byte(auth.HashRecoveryCode(recovery[0])),
	} {
		if bytes.Contains(file, secret) {
			t.Errorf("the backup file holds %s", name)
		}
	}
	if !bytes.Contains(file, []byte("editor@example.org")) {
		t.Error("the backup file lacks the account: the scan reads the wrong file")
	}
	for _, side := range []string{"-wal", "-journal", "-shm"} {
		if _, err := os.Stat(path + side); err == nil {
			t.Errorf("a %s file is left beside the backup", side)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the backup's permissions: %v (%v), want 0600", fi.Mode().Perm(), err)
	}

	restored, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if err := restored.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for name, count := range map[string]func(context.Context) (int, error){
		"sessions":       store.Client(restored).Session.Query().Count,
		"refresh tokens": store.Client(restored).RefreshToken.Query().Count,
	} {
		if n, err := count(ctx); err != nil || n != 0 {
			t.Errorf("the restored registry has %d %s (%v), want none", n, name, err)
		}
	}
	if n, _ := store.Client(restored).User.Query().Count(ctx); n != 1 {
		t.Errorf("the restored registry has %d accounts, want 1", n)
	}
	newKeys, err := restored.SigningKeys(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if newKeys.CurrentKID() == keys.CurrentKID() {
		t.Error("the restored registry signs with the old key")
	}
	if _, err := newKeys.Verify(oldToken, time.Now()); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
		t.Errorf("a token of the old key on the restored registry: %v, want EUNAUTHORIZED", err)
	}
	if _, err := restored.Login(ctx, "editor@example.org", testPassword); err != nil {
		t.Errorf("log in again on the restored registry: %v", err)
	}

	if err := st.Backup(ctx, path); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a backup over an existing file: %v", err)
	}
}

// TestBackupRefusesPostgres: the method says to use pg_dump, and writes nothing.
func TestBackupRefusesPostgres(t *testing.T) {
	st := storetest.Open(t, "postgres")
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := st.Backup(context.Background(), path); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup of a PostgreSQL registry: %v, want a refusal naming pg_dump", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a refused backup wrote a file")
	}
}
