package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/export-registry/registry/internal/domain"
)

var testNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// testKeys returns a key set with one fresh key, the key and its id.
func testKeys(t *testing.T) (*Keys, []byte, string) {
	t.Helper()
	secret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	kid := KeyID(secret)
	keys, err := NewKeys(kid, map[string][]byte{kid: secret})
	if err != nil {
		t.Fatal(err)
	}
	return keys, secret, kid
}

// validClaims are the claims Issue would write, for tests that sign by hand.
func validClaims(now time.Time) *Claims {
	return &Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   "42",
			Audience:  jwt.ClaimStrings{Audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(AccessTTL)),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        "jti-1",
		},
		Role:      domain.RoleEditor,
		SessionID: "sess-1",
		Epoch:     1,
	}
}

// sign signs claims by hand; kid "" leaves the header out.
func sign(t *testing.T, m jwt.SigningMethod, key any, kid string, claims jwt.Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// withClaims returns validClaims changed by f.
func withClaims(f func(*Claims)) *Claims {
	c := validClaims(testNow)
	f(c)
	return c
}

func wantUnauthorized(t *testing.T, claims *Claims, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted, claims %+v", claims)
	}
	t.Logf("refused: %v", err)
	if claims != nil {
		t.Errorf("claims %+v returned with an error", claims)
	}
	if got := domain.ErrorCode(err); got != domain.EUNAUTHORIZED {
		t.Errorf("code = %q, want %q (err %v)", got, domain.EUNAUTHORIZED, err)
	}
	if got := domain.ErrorMessage(err); got != "invalid or expired token" {
		t.Errorf("message = %q leaks the cause", got)
	}
}

func TestIssueVerifyRoundTrip(t *testing.T) {
	keys, _, kid := testKeys(t)
	tok, expiresIn, err := keys.Issue(42, domain.RoleAdmin, "sess-1", 7, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if expiresIn != 900 {
		t.Errorf("expiresIn = %d, want 900", expiresIn)
	}
	if len(tok) > MaxTokenBytes {
		t.Errorf("issued token is %d bytes, over MaxTokenBytes", len(tok))
	}

	parsed, _, err := jwt.NewParser().ParseUnverified(tok, &Claims{})
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Header["kid"] != kid || parsed.Header["alg"] != "HS256" {
		t.Errorf("header = %v, want kid %q and alg HS256", parsed.Header, kid)
	}

	for _, at := range []time.Duration{0, time.Minute, AccessTTL - time.Second, AccessTTL + 20*time.Second} {
		c, err := keys.Verify(tok, testNow.Add(at))
		if err != nil {
			t.Fatalf("Verify at +%v: %v", at, err)
		}
		switch {
		case c.UserID() != 42 || c.Subject != "42":
			t.Errorf("user = %d (sub %q), want 42", c.UserID(), c.Subject)
		case c.Role != domain.RoleAdmin || c.SessionID != "sess-1" || c.Epoch != 7:
			t.Errorf("role, sid, epoch = %q, %q, %d", c.Role, c.SessionID, c.Epoch)
		case c.Issuer != Issuer || len(c.Audience) != 1 || c.Audience[0] != Audience:
			t.Errorf("iss, aud = %q, %v", c.Issuer, c.Audience)
		case !c.IssuedAt.Equal(testNow) || !c.NotBefore.Equal(testNow) || !c.ExpiresAt.Equal(testNow.Add(AccessTTL)):
			t.Errorf("iat, nbf, exp = %v, %v, %v", c.IssuedAt, c.NotBefore, c.ExpiresAt)
		case c.ID == "":
			t.Error("no jti")
		}
	}

	other, _, err := keys.Issue(42, domain.RoleAdmin, "sess-1", 7, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if other == tok {
		t.Error("two tokens issued at one time are equal: jti is not random")
	}
}

func TestIssueRefusesWhatVerifyWould(t *testing.T) {
	keys, _, _ := testKeys(t)
	tests := []struct {
		name      string
		userID    int
		role, sid string
	}{
		{"user 0", 0, domain.RoleEditor, "s"},
		{"negative user", -3, domain.RoleEditor, "s"},
		{"role root", 1, "root", "s"},
		{"no role", 1, "", "s"},
		{"no session", 1, domain.RoleEditor, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tok, _, err := keys.Issue(tt.userID, tt.role, tt.sid, 0, testNow); err == nil {
				t.Errorf("Issue = %q, want an error", tok)
			}
		})
	}
}

func TestVerifyRefuses(t *testing.T) {
	keys, secret, kid := testKeys(t)
	issue := func(userID int, role string, at time.Time) string {
		tok, _, err := keys.Issue(userID, role, "sess-1", 1, at)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})

	// A valid editor token whose payload is rewritten to admin, signature kept.
	tampered := func() string {
		parts := strings.Split(issue(42, domain.RoleEditor, testNow), ".")
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Fatal(err)
		}
		payload = bytes.Replace(payload, []byte(`"role":"editor"`), []byte(`"role":"admin"`), 1)
		parts[1] = base64.RawURLEncoding.EncodeToString(payload)
		return strings.Join(parts, ".")
	}()

	// 300 KB of a token-shaped string: a header, a huge payload, a signature.
	huge := sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) {
		c.SessionID = strings.Repeat("s", 300<<10)
	}))

	otherSecret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		token string
	}{
		{"empty", ""},
		{"garbage", "not.a.token"},
		{"expired 16 minutes ago", issue(42, domain.RoleEditor, testNow.Add(-16*time.Minute))},
		{"issued in the future", issue(42, domain.RoleEditor, testNow.Add(5*time.Minute))},
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kid, validClaims(testNow))},
		{"RS256", sign(t, jwt.SigningMethodRS256, rsaKey, kid, validClaims(testNow))},
		{"HS256 keyed with the RSA public key", sign(t, jwt.SigningMethodHS256, pubPEM, kid, validClaims(testNow))},
		{"HS256 keyed with the RSA public key DER", sign(t, jwt.SigningMethodHS256, pubDER, kid, validClaims(testNow))},
		{"HS512 with the right key", sign(t, jwt.SigningMethodHS512, secret, kid, validClaims(testNow))},
		{"other key under the right kid", sign(t, jwt.SigningMethodHS256, otherSecret, kid, validClaims(testNow))},
		{"wrong iss", sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) { c.Issuer = "someone-else" }))},
		{"no iss", sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) { c.Issuer = "" }))},
		{"wrong aud", sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) { c.Audience = jwt.ClaimStrings{"other-api"} }))},
		{"no aud", sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) { c.Audience = nil }))},
		{"no exp", sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) { c.ExpiresAt = nil }))},
		{"unknown kid", sign(t, jwt.SigningMethodHS256, secret, "k-unknown", validClaims(testNow))},
		{"missing kid", sign(t, jwt.SigningMethodHS256, secret, "", validClaims(testNow))},
		{"tampered payload", tampered},
		{"300 KB", huge},
		{"sub not a number", sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) { c.Subject = "alice" }))},
		{"sub empty", sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) { c.Subject = "" }))},
		{"sub 0", sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) { c.Subject = "0" }))},
		{"sub negative", sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) { c.Subject = "-42" }))},
		{"sub leading zero", sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) { c.Subject = "042" }))},
		{"sub overflows", sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) { c.Subject = "99999999999999999999" }))},
		{"role root", sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) { c.Role = "root" }))},
		{"role empty", sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) { c.Role = "" }))},
		{"sid empty", sign(t, jwt.SigningMethodHS256, secret, kid, withClaims(func(c *Claims) { c.SessionID = "" }))},
	}
	// The hand-signing helper must make tokens Verify accepts, or the cases above
	// could fail for a reason other than the one they name.
	if _, err := keys.Verify(sign(t, jwt.SigningMethodHS256, secret, kid, validClaims(testNow)), testNow); err != nil {
		t.Fatalf("hand-signed valid token refused: %v", err)
	}
	if len(huge) < 300<<10 {
		t.Fatalf("huge token is only %d bytes", len(huge))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := keys.Verify(tt.token, testNow)
			wantUnauthorized(t, c, err)
		})
	}
}

func TestVerifyRefusesNonStringKID(t *testing.T) {
	keys, secret, _ := testKeys(t)
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, validClaims(testNow))
	tok.Header["kid"] = 7
	s, err := tok.SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	c, err := keys.Verify(s, testNow)
	wantUnauthorized(t, c, err)
}

func TestKeyRotation(t *testing.T) {
	oldSecret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	newSecret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	oldKID, newKID := KeyID(oldSecret), KeyID(newSecret)

	before, err := NewKeys(oldKID, map[string][]byte{oldKID: oldSecret})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := before.Issue(42, domain.RoleEditor, "sess-1", 1, testNow)
	if err != nil {
		t.Fatal(err)
	}

	during, err := NewKeys(newKID, map[string][]byte{newKID: newSecret, oldKID: oldSecret})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := during.Verify(tok, testNow.Add(time.Minute)); err != nil || c.UserID() != 42 {
		t.Fatalf("old token with old key kept: %v", err)
	}
	fresh, _, err := during.Issue(42, domain.RoleEditor, "sess-1", 1, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if h, _, _ := jwt.NewParser().ParseUnverified(fresh, &Claims{}); h == nil || h.Header["kid"] != newKID {
		t.Errorf("new tokens not signed with the new kid %q", newKID)
	}

	after, err := NewKeys(newKID, map[string][]byte{newKID: newSecret})
	if err != nil {
		t.Fatal(err)
	}
	c, err := after.Verify(tok, testNow.Add(time.Minute))
	wantUnauthorized(t, c, err)
	if _, err := after.Verify(fresh, testNow.Add(time.Minute)); err != nil {
		t.Errorf("new token refused after the old key went: %v", err)
	}
}

func TestNewKeys(t *testing.T) {
	good := bytes.Repeat([]byte{1}, 32)
	tests := []struct {
		name    string
		current string
		keys    map[string][]byte
		wantErr bool
	}{
		{"one key", "a", map[string][]byte{"a": good}, false},
		{"two keys", "b", map[string][]byte{"a": good, "b": good}, false},
		{"current missing", "c", map[string][]byte{"a": good}, true},
		{"no keys", "a", nil, true},
		{"short current key", "a", map[string][]byte{"a": good[:31]}, true},
		{"short old key", "a", map[string][]byte{"a": good, "b": good[:16]}, true},
		{"empty kid", "", map[string][]byte{"": good}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := NewKeys(tt.current, tt.keys)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && k.CurrentKID() != tt.current {
				t.Errorf("CurrentKID = %q, want %q", k.CurrentKID(), tt.current)
			}
		})
	}

	// The key set must not alias the caller's bytes.
	secret := bytes.Repeat([]byte{2}, 32)
	k, err := NewKeys("a", map[string][]byte{"a": secret})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := k.Issue(1, domain.RoleEditor, "s", 0, testNow)
	if err != nil {
		t.Fatal(err)
	}
	secret[0] = 3
	if _, err := k.Verify(tok, testNow); err != nil {
		t.Errorf("changing the caller's key changed the key set: %v", err)
	}
}

func TestNewSecretAndKeyID(t *testing.T) {
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 32 || bytes.Equal(a, b) {
		t.Fatalf("secrets %x, %x: want 32 random bytes each", a, b)
	}
	id := KeyID(a)
	if _, err := hex.DecodeString(id); err != nil || len(id) != 16 {
		t.Errorf("KeyID = %q, want 16 hex digits", id)
	}
	if KeyID(append([]byte(nil), a...)) != id {
		t.Error("KeyID is not stable")
	}
	if KeyID(b) == id {
		t.Error("two keys share a KeyID")
	}
}

func TestClaimsJSONNames(t *testing.T) {
	b, err := json.Marshal(validClaims(testNow))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "role", "sid", "epoch"} {
		if _, ok := m[name]; !ok {
			t.Errorf("claim %q missing from %s", name, b)
		}
	}
}
