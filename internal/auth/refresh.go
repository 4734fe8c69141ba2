package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// refreshTokenBytes is the entropy of a refresh token: 256 bits, so that its
// unsalted SHA-256 in the store cannot be reversed by guessing.
const refreshTokenBytes = 32

// NewRefreshToken returns a new random refresh token for the client and its hash for
// the store. The token itself is never stored: a leaked table then holds nothing a
// client could present.
func NewRefreshToken() (token string, hash string, err error) {
	b := make([]byte, refreshTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: refresh token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashRefreshToken(token), nil
}

// HashRefreshToken returns the hex SHA-256 of a refresh token as presented, the form
// in which the store keeps and looks it up. A fast hash suffices, unlike for
// passwords, because the token is random and long.
func HashRefreshToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
