package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// refreshTokenBytes is the entropy of a refresh token: 256 bits, so that its
// unsalted SHA-256 in the store cannot be reversed by guessing.
const refreshTokenBytes = 32

// sessionIDBytes is the entropy of a session id: 144 bits, enough that its unsalted
// SHA-256 in the store cannot be reversed either.
const sessionIDBytes = 18

// NewSessionID returns a new random session id for the access tokens and its hash
// for the store. The store keeps only the hash: a copy of the sessions table (a
// backup, a dump) then names no session a forged access token could claim.
func NewSessionID() (id string, hash string, err error) {
	b := make([]byte, sessionIDBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: session id: %w", err)
	}
	id = base64.RawURLEncoding.EncodeToString(b)
	return id, HashSessionID(id), nil
}

// HashSessionID returns the hex SHA-256 of a session id as an access token carries
// it, the form in which the store keeps and looks it up.
func HashSessionID(id string) string { return sha256Hex(id) }

// NewRefreshToken returns a new random refresh token of the session for the client
// and its hash for the store. The token itself is never stored: a leaked table then
// holds nothing a client could present. The token starts with the session id and a
// dot, because the store keeps only the id's hash and a refresh must name the
// session in the access token it issues.
func NewRefreshToken(sessionID string) (token string, hash string, err error) {
	if sessionID == "" || strings.Contains(sessionID, ".") {
		return "", "", fmt.Errorf("auth: refresh token: session id %q is empty or has a dot", sessionID)
	}
	b := make([]byte, refreshTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: refresh token: %w", err)
	}
	token = sessionID + "." + base64.RawURLEncoding.EncodeToString(b)
	return token, HashRefreshToken(token), nil
}

// RefreshSessionID returns the session id a refresh token names, or false when the
// token does not have the form NewRefreshToken gives. The id is only a claim: the
// token's hash must still be found in the store, under that session.
func RefreshSessionID(token string) (string, bool) {
	sid, secret, ok := strings.Cut(token, ".")
	if !ok || sid == "" || secret == "" {
		return "", false
	}
	return sid, true
}

// HashRefreshToken returns the hex SHA-256 of a refresh token as presented, the form
// in which the store keeps and looks it up.
func HashRefreshToken(token string) string { return sha256Hex(token) }

// sha256Hex is the hex SHA-256 of s. A fast hash suffices for session ids and
// refresh tokens, unlike for passwords, because they are random and long.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
