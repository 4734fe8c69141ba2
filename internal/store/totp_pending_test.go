package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
	"github.com/export-registry/registry/internal/store/storetest"
)

// TestPendingTOTP: an enrolment started and not confirmed is shown again with the
// same secret; none is pending before a start or once it is confirmed (the secret is
// never shown again), and a new start replaces it.
func TestPendingTOTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := domain.SystemContext(context.Background())
		u, err := st.CreateUser(ctx, store.NewUser{Email: "pending@example.org", DisplayName: "Pending", Role: domain.RoleEditor,
			Password: "correct horse battery staple"})
		if err != nil {
			t.Fatal(err)
		}
		id := int(u.ID)
		if _, err := st.PendingTOTP(ctx, id); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("before a start: %v, want ENOTFOUND", err)
		}
		first, err := st.StartTOTP(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.PendingTOTP(ctx, id)
		if err != nil || p.Secret != first.Secret || p.URL != first.URL || len(p.QRPNG) == 0 {
			t.Fatalf("pending: %q %v, want the started secret %q", p.Secret, err, first.Secret)
		}
		second, err := st.StartTOTP(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := st.PendingTOTP(ctx, id); p.Secret != second.Secret || p.Secret == first.Secret {
			t.Errorf("after a new start: %q, want the new secret %q", p.Secret, second.Secret)
		}
		code, err := totp.GenerateCode(second.Secret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ConfirmTOTP(ctx, id, code); err != nil {
			t.Fatal(err)
		}
		if p, err := st.PendingTOTP(ctx, id); domain.ErrorCode(err) != domain.ENOTFOUND || p.Secret != "" {
			t.Errorf("once confirmed: %q %v, want ENOTFOUND and no secret", p.Secret, err)
		}
	})
}
