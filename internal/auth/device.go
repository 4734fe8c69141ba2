package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// Device tokens (OWASP's "device cookies"): a login that succeeds gets a token
// saying "this client once logged in to this account". A later login presenting it
// is counted against a small budget of its own instead of the account's, so that
// a stranger guessing passwords exhausts the account's budget but cannot lock out
// the owner's devices.
const (
	// DeviceTTL is how long a device token vouches for its client.
	DeviceTTL = 90 * 24 * time.Hour
	// MaxDeviceTokenBytes is the longest device token VerifyDevice will look at.
	MaxDeviceTokenBytes = 256
)

// deviceNonceBytes is the entropy of a device token's id: each login gets its own
// budget, so ids must not collide.
const deviceNonceBytes = 16

// deviceKeyLabel derives the device tokens' HMAC key from a signing key, so that no
// MAC computed for a device token is ever one computed for an access token.
const deviceKeyLabel = "registry device-token key v1"

// IssueDevice returns a device token for account (an identifier of the account
// that the login names, in the form VerifyDevice will be given), signed with the
// current key. The token carries a random id and its time of issue, not the
// account: the account is part of the MAC, so the token works for it alone and
// tells whoever holds it nothing.
func (k *Keys) IssueDevice(account string, now time.Time) (string, error) {
	key, ok := k.keys[k.current]
	if !ok {
		return "", fmt.Errorf("auth: device token: no current key")
	}
	payload := make([]byte, deviceNonceBytes+8)
	if _, err := rand.Read(payload[:deviceNonceBytes]); err != nil {
		return "", fmt.Errorf("auth: device token: %w", err)
	}
	binary.BigEndian.PutUint64(payload[deviceNonceBytes:], uint64(now.Unix()))
	body := k.current + "." + base64.RawURLEncoding.EncodeToString(payload)
	return body + "." + base64.RawURLEncoding.EncodeToString(deviceMAC(key, body, account)), nil
}

// VerifyDevice returns the id of a device token when one of k's keys signed it for
// account less than DeviceTTL ago. Anything else — a forgery, a token of another
// account, an expired or malformed one — gives ok false, and the login is treated as
// coming from an unknown client.
func (k *Keys) VerifyDevice(token, account string, now time.Time) (id string, ok bool) {
	if len(token) > MaxDeviceTokenBytes {
		return "", false
	}
	kid, rest, _ := strings.Cut(token, ".")
	enc, sig, _ := strings.Cut(rest, ".")
	key, found := k.keys[kid]
	if !found {
		return "", false
	}
	payload, err := base64.RawURLEncoding.Strict().DecodeString(enc)
	if err != nil || len(payload) != deviceNonceBytes+8 {
		return "", false
	}
	mac, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || !hmac.Equal(mac, deviceMAC(key, kid+"."+enc, account)) {
		return "", false
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(payload[deviceNonceBytes:])), 0)
	if issued.After(now.Add(leeway)) || now.Sub(issued) >= DeviceTTL {
		return "", false
	}
	return base64.RawURLEncoding.EncodeToString(payload[:deviceNonceBytes]), true
}

// deviceMAC is the HMAC-SHA256 of a device token's key id and payload and the
// account, under a key derived from the signing key.
func deviceMAC(signingKey []byte, body, account string) []byte {
	derive := hmac.New(sha256.New, signingKey)
	derive.Write([]byte(deviceKeyLabel))
	m := hmac.New(sha256.New, derive.Sum(nil))
	m.Write([]byte(body))
	m.Write([]byte{0})
	m.Write([]byte(account))
	return m.Sum(nil)
}
