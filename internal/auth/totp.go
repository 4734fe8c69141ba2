package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/export-registry/registry/internal/domain"
)

// The second factor: TOTP (RFC 6238) codes from an authenticator app, with one-time
// recovery codes for a lost phone. These are the pure building blocks; the store
// keeps the secret and the recovery codes' hashes and applies them at login.

// TOTPIssuer names the registry in authenticator apps.
const TOTPIssuer = "Surveillance Export Registry"

// totpOpts are the parameters every authenticator app supports: 30-second steps, six
// digits, SHA-1, and one step of clock skew either way.
var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Enrolment is a new TOTP secret as the user sees it once, to add it to an app.
type Enrolment struct {
	// Secret is the base32 secret (for manual entry); the store keeps it and never
	// shows it again.
	Secret string
	// URL is the otpauth:// URL an app reads from the QR code.
	URL string
	// QRPNG is the URL as a QR code, a PNG image.
	QRPNG []byte
}

// QRDataURL returns the QR code as a data: URL an <img> shows.
func (e Enrolment) QRDataURL() string {
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(e.QRPNG)
}

// NewTOTP makes a new TOTP secret for the account (its email), with its otpauth URL
// and QR code.
func NewTOTP(account string) (Enrolment, error) {
	return totpEnrolment(account, nil)
}

// TOTPEnrolment shows an existing (base32) secret again as NewTOTP shows a new one:
// for an enrolment started but not yet confirmed, whose page is reloaded.
func TOTPEnrolment(account, secret string) (Enrolment, error) {
	raw, err := recoveryAlphabet.DecodeString(strings.TrimRight(strings.ToUpper(secret), "="))
	if err != nil || len(raw) == 0 {
		return Enrolment{}, fmt.Errorf("auth: not a base32 TOTP secret")
	}
	return totpEnrolment(account, raw)
}

// totpEnrolment makes the enrolment of the raw secret, or of a new one when nil.
func totpEnrolment(account string, raw []byte) (Enrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: account, Secret: raw,
		Period: totpOpts.Period, Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm})
	if err != nil {
		return Enrolment{}, err
	}
	img, err := key.Image(256, 256)
	if err != nil {
		return Enrolment{}, err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: key.Secret(), URL: key.URL(), QRPNG: b.Bytes()}, nil
}

// MatchTOTP returns the 30-second step (counted from the Unix epoch) whose code
// code is, among now's step and one either side. A verifier keeps the step of the
// last code it accepted and refuses any step not after it, so that a code is good
// once (RFC 6238, section 5.2).
func MatchTOTP(code, secret string, now time.Time) (step int64, ok bool) {
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != 6 || secret == "" {
		return 0, false
	}
	opts := totpOpts
	for _, skew := range []int64{-1, 0, 1} {
		at := now.UTC().Add(time.Duration(skew*int64(opts.Period)) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, at, opts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			step, ok = at.Unix()/int64(opts.Period), true
		}
	}
	return step, ok
}

// RecoveryCodeCount is how many recovery codes an enrolment gives.
const RecoveryCodeCount = 10

// recoveryAlphabet is base32 without padding, lower-case when shown.
var recoveryAlphabet = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewRecoveryCodes returns n one-time recovery codes, shown to the user once, and
// their hashes, which the store keeps. A code is 80 random bits as two groups of
// eight base32 characters ("abcd2efg-hijk3lmn").
func NewRecoveryCodes(n int) (codes, hashes []string, err error) {
	for range n {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			return nil, nil, err
		}
		s := strings.ToLower(recoveryAlphabet.EncodeToString(b))
		code := s[:8] + "-" + s[8:]
		codes = append(codes, code)
		hashes = append(hashes, HashRecoveryCode(code))
	}
	return codes, hashes, nil
}

// HashRecoveryCode returns the stored form of a recovery code as typed: case,
// spaces and hyphens do not matter. A fast hash suffices: the codes are random.
func HashRecoveryCode(code string) string {
	code = strings.ToLower(strings.NewReplacer(" ", "", "-", "").Replace(code))
	return sha256Hex("recovery:" + code)
}

// MatchRecoveryCode returns the index in hashes of the recovery code's hash, or -1.
func MatchRecoveryCode(code string, hashes []string) int {
	h := HashRecoveryCode(code)
	found := -1
	for i, stored := range hashes {
		if subtle.ConstantTimeCompare([]byte(h), []byte(stored)) == 1 {
			found = i
		}
	}
	return found
}

// Second-factor policies (REGISTRY_REQUIRE_2FA).
const (
	Require2FANone   = "none"
	Require2FAAdmins = "admins"
	Require2FAAll    = "all"
)

// SecondFactorRequired reports whether the policy requires an account of the role
// to have a second factor. An account it covers that has none must enrol before it
// may do anything else (see MustEnrol).
func SecondFactorRequired(policy, role string) bool {
	switch policy {
	case Require2FAAll:
		return true
	case Require2FAAdmins:
		return role == domain.RoleAdmin
	}
	return false
}

// MustEnrol reports whether an account of the role, with or without a second
// factor, must enrol one before anything else under the policy.
func MustEnrol(policy, role string, hasSecondFactor bool) bool {
	return !hasSecondFactor && SecondFactorRequired(policy, role)
}
