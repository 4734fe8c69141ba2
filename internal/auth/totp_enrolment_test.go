package auth_test

import (
	"bytes"
	"testing"

	"github.com/export-registry/registry/internal/auth"
)

// TestTOTPEnrolmentAgain: an enrolment shown again from its stored secret is the
// same as when it was made (the same otpauth URL, so the same QR code's content),
// and a secret that is not base32 is refused.
func TestTOTPEnrolmentAgain(t *testing.T) {
	en, err := auth.NewTOTP("editor@example.org")
	if err != nil {
		t.Fatal(err)
	}
	again, err := auth.TOTPEnrolment("editor@example.org", en.Secret)
	if err != nil {
		t.Fatal(err)
	}
	if again.Secret != en.Secret || again.URL != en.URL || !bytes.HasPrefix(again.QRPNG, []byte("\x89PNG")) {
		t.Errorf("shown again: %q %q, want %q %q and a PNG", again.Secret, again.URL, en.Secret, en.URL)
	}
	for _, bad := range []string{"", "not base32!", "0189"} {
		if _, err := auth.TOTPEnrolment("editor@example.org", bad); err == nil {
			t.Errorf("secret %q: no error", bad)
		}
	}
}
