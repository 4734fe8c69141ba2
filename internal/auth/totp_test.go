package auth_test

import (
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/export-registry/registry/internal/auth"
)

// TestTOTP: a code is good in its 30-second step and one step either side, not two;
// recovery codes match however they are typed, and only their own hash.
func TestTOTP(t *testing.T) {
	en, err := auth.NewTOTP("editor@example.org")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, tc := range []struct {
		name string
		at   time.Duration
		ok   bool
	}{
		{"now", 0, true},
		{"one step late", -30 * time.Second, true},
		{"one step early", 30 * time.Second, true},
		{"two steps late", -61 * time.Second, false},
		{"two steps early", 61 * time.Second, false},
	} {
		code, err := totp.GenerateCode(en.Secret, now.Add(tc.at))
		if err != nil {
			t.Fatal(err)
		}
		if got := validTOTP(code, en.Secret, now); got != tc.ok {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.ok)
		}
	}
	if validTOTP("", en.Secret, now) || validTOTP("12345", en.Secret, now) {
		t.Error("an empty or short code is valid")
	}
	// MatchTOTP names the step of the code, so a verifier can refuse it twice.
	for _, skew := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		code, _ := totp.GenerateCode(en.Secret, now.Add(skew))
		step, ok := auth.MatchTOTP(code, en.Secret, now)
		if want := now.Add(skew).Unix() / 30; !ok || step != want {
			t.Errorf("skew %v: step %d %v, want %d", skew, step, ok, want)
		}
	}

	codes, hashes, err := auth.NewRecoveryCodes(3)
	if err != nil || len(codes) != 3 || len(hashes) != 3 {
		t.Fatalf("%v %v %v", codes, hashes, err)
	}
	for _, typed := range []string{codes[1], " " + codes[1] + " ", "X" + codes[1]} {
		want := 1
		if typed[0] == 'X' {
			want = -1
		}
		if got := auth.MatchRecoveryCode(typed, hashes); got != want {
			t.Errorf("%q matched %d, want %d", typed, got, want)
		}
	}
	if got := auth.MatchRecoveryCode(codes[2][:8]+codes[2][9:], hashes); got != 2 {
		t.Errorf("a code typed without its hyphen matched %d", got)
	}
}

// TestSecondFactorRequired: whom each REGISTRY_REQUIRE_2FA policy covers.
func TestSecondFactorRequired(t *testing.T) {
	for _, tc := range []struct {
		policy, role string
		want         bool
	}{
		{"none", "admin", false}, {"none", "editor", false},
		{"admins", "admin", true}, {"admins", "editor", false},
		{"all", "admin", true}, {"all", "editor", true},
	} {
		if got := auth.SecondFactorRequired(tc.policy, tc.role); got != tc.want {
			t.Errorf("%s, %s: %v", tc.policy, tc.role, got)
		}
		if auth.MustEnrol(tc.policy, tc.role, true) {
			t.Errorf("%s, %s: an enrolled account must enrol", tc.policy, tc.role)
		}
	}
}

// validTOTP reports whether code is the secret's code at now, or one step either
// side of it (a phone's clock drifts). Spaces in the code are ignored.
func validTOTP(code, secret string, now time.Time) bool {
	_, ok := auth.MatchTOTP(code, secret, now)
	return ok
}
