package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/export-registry/registry/internal/domain"
)

// Token settings. They are part of what Verify checks, so changing Issuer or
// Audience logs everyone out.
const (
	// Issuer is the iss claim of every access token.
	Issuer = "surveillance-export-registry"
	// Audience is the single aud claim of every access token.
	Audience = "registry-api"
	// AccessTTL is how long an access token lives; a refresh token renews it.
	AccessTTL = 15 * time.Minute
	// MaxTokenBytes is the longest token Verify will parse, so that a client cannot
	// make the server decode megabytes of base64 and JSON per request.
	MaxTokenBytes = 4096
	// MinKeyBytes is the shortest HMAC key accepted: HS256 needs 256 bits.
	MinKeyBytes = 32
)

// leeway absorbs clock skew between the servers that issue and verify tokens.
const leeway = 30 * time.Second

// Claims are the claims of an access token. Subject is the user id in decimal.
type Claims struct {
	jwt.RegisteredClaims
	Role      string `json:"role"`
	SessionID string `json:"sid"`
	// Epoch is the user's token epoch when the token was issued; raising it in the
	// store revokes every token issued before.
	Epoch int `json:"epoch"`
}

// UserID returns the user id in Subject, or 0 when Subject is not a positive
// decimal id (which Verify never lets through).
func (c *Claims) UserID() int {
	id, err := parseUserID(c.Subject)
	if err != nil {
		return 0
	}
	return id
}

// Keys are the HMAC keys that verify access tokens, by key id, and the id of the one
// that signs new tokens. Keeping a retired key for one AccessTTL after a rotation
// lets the tokens it signed run out instead of failing at once.
type Keys struct {
	current string
	keys    map[string][]byte
}

// NewKeys returns the key set signing with keys[currentKID]. Every key must be at
// least MinKeyBytes long and have a non-empty id. The map and keys are copied.
func NewKeys(currentKID string, keys map[string][]byte) (*Keys, error) {
	k := &Keys{current: currentKID, keys: make(map[string][]byte, len(keys))}
	// Sorted so that the same bad key is reported whatever the map order.
	for _, kid := range slices.Sorted(maps.Keys(keys)) {
		key := keys[kid]
		switch {
		case kid == "":
			return nil, errors.New("auth: empty key id")
		case len(key) < MinKeyBytes:
			return nil, fmt.Errorf("auth: key %q is %d bytes, want at least %d", kid, len(key), MinKeyBytes)
		}
		k.keys[kid] = append([]byte(nil), key...)
	}
	if _, ok := k.keys[currentKID]; !ok {
		return nil, fmt.Errorf("auth: current key %q is not among the keys", currentKID)
	}
	return k, nil
}

// CurrentKID returns the id of the key that signs new tokens.
func (k *Keys) CurrentKID() string { return k.current }

// Issue signs an HS256 access token for the user with the current key and returns it
// with its lifetime in seconds. It refuses to sign what Verify would refuse.
func (k *Keys) Issue(userID int, role, sessionID string, epoch int, now time.Time) (token string, expiresIn int, err error) {
	switch {
	case userID <= 0:
		return "", 0, fmt.Errorf("auth: issue: user id %d is not positive", userID)
	case !validRole(role):
		return "", 0, fmt.Errorf("auth: issue: unknown role %q", role)
	case sessionID == "":
		return "", 0, errors.New("auth: issue: empty session id")
	}
	claims := &Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   strconv.Itoa(userID),
			Audience:  jwt.ClaimStrings{Audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(AccessTTL)),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        rand.Text(),
		},
		Role:      role,
		SessionID: sessionID,
		Epoch:     epoch,
	}
	key, ok := k.keys[k.current]
	if !ok {
		// Only a Keys not made by NewKeys gets here; an empty HMAC key would sign.
		return "", 0, errors.New("auth: issue: no current key")
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	t.Header["kid"] = k.current
	token, err = t.SignedString(key)
	if err != nil {
		return "", 0, fmt.Errorf("auth: sign: %w", err)
	}
	return token, int(AccessTTL / time.Second), nil
}

// Verify checks an access token's size, signature, algorithm, key id, issuer,
// audience and times as of now, and the registry's own claims, and returns its
// claims. Every refusal is the same EUNAUTHORIZED "invalid or expired token", so a
// client learns nothing about why; the cause is wrapped in the error for logs.
func (k *Keys) Verify(token string, now time.Time) (*Claims, error) {
	if len(token) > MaxTokenBytes {
		return nil, unauthorized(fmt.Errorf("token is %d bytes, limit %d", len(token), MaxTokenBytes))
	}
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithStrictDecoding(),
	)
	claims := &Claims{}
	if _, err := p.ParseWithClaims(token, claims, k.keyFor); err != nil {
		return nil, unauthorized(err)
	}
	switch {
	case !validSubject(claims.Subject):
		return nil, unauthorized(fmt.Errorf("subject %q is not a user id", claims.Subject))
	case !validRole(claims.Role):
		return nil, unauthorized(fmt.Errorf("unknown role %q", claims.Role))
	case claims.SessionID == "":
		return nil, unauthorized(errors.New("no session id"))
	}
	return claims, nil
}

// keyFor picks the verification key by the kid header. The method is checked again
// here, not only by the parser option, because handing an HMAC key to another
// algorithm is the classic confusion attack.
func (k *Keys) keyFor(t *jwt.Token) (any, error) {
	if t.Method != jwt.SigningMethodHS256 {
		return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
	}
	kid, ok := t.Header["kid"].(string)
	if !ok || kid == "" {
		return nil, errors.New("no kid header")
	}
	key, ok := k.keys[kid]
	if !ok {
		return nil, fmt.Errorf("unknown kid %q", kid)
	}
	return key, nil
}

// unauthorized returns the one error Verify gives, wrapping cause for logs only:
// domain.ErrorMessage reads the generic message, never the cause.
func unauthorized(cause error) error {
	return fmt.Errorf("%w: %w", domain.Errorf(domain.EUNAUTHORIZED, "invalid or expired token"), cause)
}

func validRole(role string) bool {
	return role == domain.RoleAdmin || role == domain.RoleEditor
}

// validSubject accepts a positive decimal id without sign or leading zero, so that
// one user has exactly one subject string.
func validSubject(s string) bool {
	_, err := parseUserID(s)
	return err == nil
}

func parseUserID(s string) (int, error) {
	if s == "" || s[0] == '0' || strings.TrimLeft(s, "0123456789") != "" {
		return 0, errors.New("not a positive decimal")
	}
	return strconv.Atoi(s)
}

// NewSecret returns a new random HMAC key of MinKeyBytes bytes.
func NewSecret() ([]byte, error) {
	b := make([]byte, MinKeyBytes)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("auth: secret: %w", err)
	}
	return b, nil
}

// KeyID returns a short id derived from secret: the first 8 bytes of a SHA-256 of
// it, in hex. A key loaded from the environment or a file thus gets a stable kid
// without configuration. The hash is prefixed with a label so that the id is not a
// plain SHA-256 of the key that could match a hash made elsewhere.
func KeyID(secret []byte) string {
	h := sha256.New()
	h.Write([]byte("registry access-token key id\x00"))
	h.Write(secret)
	return hex.EncodeToString(h.Sum(nil)[:8])
}
