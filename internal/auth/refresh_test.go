package auth

import (
	"encoding/base64"
	"encoding/hex"
	"testing"
)

func TestNewRefreshToken(t *testing.T) {
	tok, hash, err := NewRefreshToken()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) != 32 {
		t.Fatalf("token %q: want 32 bytes of unpadded URL base64 (err %v)", tok, err)
	}
	if b, err := hex.DecodeString(hash); err != nil || len(b) != 32 {
		t.Fatalf("hash %q: want hex SHA-256", hash)
	}
	if hash != HashRefreshToken(tok) {
		t.Error("hash is not HashRefreshToken(token)")
	}
	other, otherHash, err := NewRefreshToken()
	if err != nil {
		t.Fatal(err)
	}
	if other == tok || otherHash == hash {
		t.Error("two refresh tokens are equal")
	}
}

func TestHashRefreshToken(t *testing.T) {
	// FIPS 180-2's SHA-256 test vector: the hash is of the token text as presented.
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := HashRefreshToken("abc"); got != want {
		t.Errorf("HashRefreshToken(abc) = %s, want %s", got, want)
	}
}
