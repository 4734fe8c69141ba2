package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestTOTPSecretSealed: an account's TOTP secret is stored sealed (not the secret,
// nor anything holding it), and login with its codes works; a secret stored in
// plain text before sealing still works and SealTOTPSecrets seals it; a sealed
// secret opens for its own account only, and only under the server's key.
func TestTOTPSecretSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		if _, err := st.SigningKeys(ctx, []byte("a configured signing secret of 32+ bytes")); err != nil {
			t.Fatal(err)
		}
		var recovery []string
		enrol := func(email string) (int, string) {
			u, err := st.CreateUser(ctx, store.NewUser{Email: email, DisplayName: "Sealed", Role: domain.RoleEditor, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			en, err := st.StartTOTP(ctx, int(u.ID))
			if err != nil {
				t.Fatal(err)
			}
			code, _ := totp.GenerateCode(en.Secret, time.Now().Add(-30*time.Second))
			var err2 error
			if recovery, err2 = st.ConfirmTOTP(ctx, int(u.ID), code); err2 != nil {
				t.Fatal(err2)
			}
			return int(u.ID), en.Secret
		}
		stored := func(id int) string {
			u, err := store.Client(st).User.Get(ctx, id)
			if err != nil || u.TotpSecret == nil {
				t.Fatalf("the stored secret: %v", err)
			}
			return *u.TotpSecret
		}
		setStored := func(id int, v string) {
			if err := store.Client(st).User.UpdateOneID(id).SetTotpSecret(v).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		login := func(email, secret string, at time.Time) error {
			code, _ := totp.GenerateCode(secret, at)
			_, err := st.LoginWith(ctx, store.Credentials{Email: email, Password: testPassword, OTP: code})
			return err
		}

		id, secret := enrol("sealed@example.org")
		col := stored(id)
		if col == secret || strings.Contains(col, secret) || strings.Contains(strings.ToUpper(col), secret) {
			t.Errorf("the stored column %q holds the secret %q", col, secret)
		}
		if !strings.HasPrefix(col, "sealed1:") {
			t.Errorf("the stored column %q is not sealed", col)
		}
		if err := login("sealed@example.org", secret, time.Now()); err != nil {
			t.Fatalf("login with a code of the sealed secret: %v", err)
		}
		if err := login("sealed@example.org", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", time.Now().Add(30*time.Second)); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			t.Errorf("login with another secret's code: %v, want EUNAUTHORIZED", err)
		}

		// A secret stored before sealing: it still works, and is sealed by the migration.
		otherID, otherSecret := enrol("plain@example.org")
		otherRecovery := recovery
		setStored(otherID, otherSecret)
		if err := login("plain@example.org", otherSecret, time.Now()); err != nil {
			t.Fatalf("login with a plain secret: %v", err)
		}
		n, err := st.SealTOTPSecrets(ctx)
		if err != nil || n != 1 {
			t.Fatalf("SealTOTPSecrets: %d, %v; want 1 sealed", n, err)
		}
		if col := stored(otherID); !strings.HasPrefix(col, "sealed1:") || strings.Contains(col, otherSecret) {
			t.Errorf("after the migration the column is %q", col)
		}
		if n, err := st.SealTOTPSecrets(ctx); err != nil || n != 0 {
			t.Errorf("a second SealTOTPSecrets: %d, %v; want 0", n, err)
		}
		if err := login("plain@example.org", otherSecret, time.Now().Add(30*time.Second)); err != nil {
			t.Errorf("login after the migration: %v", err)
		}

		// One account's sealed secret copied to another does not open there: its
		// codes are refused as wrong, and the account's recovery codes still work.
		setStored(otherID, stored(id))
		if err := login("plain@example.org", secret, time.Now().Add(60*time.Second)); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			t.Errorf("a sealed secret copied to another account: %v, want EUNAUTHORIZED", err)
		}
		if _, err := st.LoginWith(ctx, store.Credentials{Email: "plain@example.org", Password: testPassword, OTP: otherRecovery[0]}); err != nil {
			t.Errorf("a recovery code when the secret does not open: %v", err)
		}
	})
}

// TestTOTPSecretNeedsTheKey: a secret sealed under one server secret does not open
// under another: a database copied without REGISTRY_JWT_SECRET makes no codes.
func TestTOTPSecretNeedsTheKey(t *testing.T) {
	ctx := domain.SystemContext(context.Background())
	st := storetest.Open(t, "sqlite")
	if _, err := st.SigningKeys(ctx, []byte("the first configured secret, 32 bytes+")); err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, store.NewUser{Email: "key@example.org", DisplayName: "Key", Role: domain.RoleEditor, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	en, err := st.StartTOTP(ctx, int(u.ID))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := st.PendingTOTP(ctx, int(u.ID)); err != nil || p.Secret != en.Secret {
		t.Fatalf("pending under the same key: %q %v", p.Secret, err)
	}
	if _, err := st.SigningKeys(ctx, []byte("another configured secret, 32 bytes+")); err != nil {
		t.Fatal(err)
	}
	if p, err := st.PendingTOTP(ctx, int(u.ID)); err == nil || p.Secret == en.Secret {
		t.Errorf("pending under another key: %q %v, want an error", p.Secret, err)
	}
}
