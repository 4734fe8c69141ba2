package auth

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func TestNewRefreshToken(t *testing.T) {
	tok, hash, err := NewRefreshToken("sess-1")
	if err != nil {
		t.Fatal(err)
	}
	sid, secret, _ := strings.Cut(tok, ".")
	raw, err := base64.RawURLEncoding.DecodeString(secret)
	if sid != "sess-1" || err != nil || len(raw) != 32 {
		t.Fatalf("token %q: want the session id, a dot and 32 bytes of unpadded URL base64 (err %v)", tok, err)
	}
	if got, ok := RefreshSessionID(tok); !ok || got != "sess-1" {
		t.Errorf("RefreshSessionID = %q, %v", got, ok)
	}
	if b, err := hex.DecodeString(hash); err != nil || len(b) != 32 {
		t.Fatalf("hash %q: want hex SHA-256", hash)
	}
	if hash != HashRefreshToken(tok) {
		t.Error("hash is not HashRefreshToken(token)")
	}
	other, otherHash, err := NewRefreshToken("sess-1")
	if err != nil {
		t.Fatal(err)
	}
	if other == tok || otherHash == hash {
		t.Error("two refresh tokens are equal")
	}
	for _, bad := range []string{"", "a.b"} {
		if _, _, err := NewRefreshToken(bad); err == nil {
			t.Errorf("a refresh token for session id %q", bad)
		}
	}
	for _, bad := range []string{"", "nodot", ".secret", "sid."} {
		if _, ok := RefreshSessionID(bad); ok {
			t.Errorf("RefreshSessionID(%q) accepted", bad)
		}
	}
}

func TestNewSessionID(t *testing.T) {
	id, hash, err := NewSessionID()
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(id); err != nil || len(raw) != 18 {
		t.Fatalf("id %q: want 18 bytes of unpadded URL base64 (err %v)", id, err)
	}
	if hash != HashSessionID(id) || len(hash) != 64 || hash == id {
		t.Errorf("hash %q is not the hex SHA-256 of %q", hash, id)
	}
}

func TestHashRefreshToken(t *testing.T) {
	// FIPS 180-2's SHA-256 test vector: the hash is of the token text as presented.
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := HashRefreshToken("abc"); got != want {
		t.Errorf("HashRefreshToken(abc) = %s, want %s", got, want)
	}
	if got := HashSessionID("abc"); got != want {
		t.Errorf("HashSessionID(abc) = %s, want %s", got, want)
	}
}
