package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/export-registry/registry/ent/user"
	"github.com/export-registry/registry/internal/domain"
)

// TOTP secrets are kept sealed: AES-256-GCM under a key derived (HKDF-SHA256) from
// the server's secret material, the same that signs access tokens: the configured
// REGISTRY_JWT_SECRET or key file when there is one, else the key generated once and
// kept in the database (see SigningKeys). Each account's secret is sealed with its
// account id as additional data, so a sealed secret copied to another account does
// not open. A copy of the database made without the configured secret cannot make
// codes from it; a backup drops both the generated key and the secrets (see Backup).
// Changing the configured secret leaves the sealed secrets unreadable: the accounts
// then log in with a recovery code, or an admin resets their second factor.

// sealedPrefix marks a sealed secret; a secret without it is from before sealing
// (plain base32) and is sealed by SealTOTPSecrets.
const sealedPrefix = "sealed1:"

// totpSealInfo separates the sealing key from any other use of the material.
const totpSealInfo = "registry totp secret seal v1"

// secretSeal holds the sealing key, shared by a store and its transactions' stores.
type secretSeal struct {
	mu   sync.Mutex
	aead cipher.AEAD
}

// setSealKey derives the sealing key from the server's secret material.
func (s *Store) setSealKey(material []byte) error {
	key, err := hkdf.Key(sha256.New, material, nil, totpSealInfo, 32)
	if err != nil {
		return err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	s.seal.mu.Lock()
	s.seal.aead = aead
	s.seal.mu.Unlock()
	return nil
}

// sealAEAD returns the sealing cipher. A store whose SigningKeys was not called (a
// command that only manages accounts, a test) derives it from the generated key, as
// SigningKeys without a configured secret does.
func (s *Store) sealAEAD(ctx context.Context) (cipher.AEAD, error) {
	s.seal.mu.Lock()
	aead := s.seal.aead
	s.seal.mu.Unlock()
	if aead != nil {
		return aead, nil
	}
	if _, err := s.SigningKeys(ctx, nil); err != nil {
		return nil, err
	}
	s.seal.mu.Lock()
	defer s.seal.mu.Unlock()
	if s.seal.aead == nil {
		return nil, errors.New("totp: no sealing key")
	}
	return s.seal.aead, nil
}

func sealAD(userID int) []byte { return []byte("user " + strconv.Itoa(userID)) }

// sealSecret seals an account's TOTP secret for storing.
func (s *Store) sealSecret(ctx context.Context, userID int, secret string) (string, error) {
	aead, err := s.sealAEAD(ctx)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := aead.Seal(nonce, nonce, []byte(secret), sealAD(userID))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// openSecret returns an account's TOTP secret as stored: sealed, or plain from
// before sealing. A sealed secret that does not open (the server's secret changed)
// is an error that names no secret.
func (s *Store) openSecret(ctx context.Context, userID int, stored string) (string, error) {
	b64, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return stored, nil
	}
	aead, err := s.sealAEAD(ctx)
	if err != nil {
		return "", err
	}
	b, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(b) < aead.NonceSize() {
		return "", errors.New("totp: a sealed secret is damaged")
	}
	plain, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], sealAD(userID))
	if err != nil {
		return "", errors.New("totp: a sealed secret does not open with this server's key (was REGISTRY_JWT_SECRET changed?)")
	}
	return string(plain), nil
}

// SealTOTPSecrets seals the TOTP secrets stored before sealing, and returns how
// many it sealed. The server runs it at start, after SigningKeys.
func (s *Store) SealTOTPSecrets(ctx context.Context) (int, error) {
	ctx = domain.SystemContext(ctx)
	rows, err := s.client.User.Query().Where(user.TotpSecretNotNil(), user.Not(user.TotpSecretHasPrefix(sealedPrefix))).All(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range rows {
		sealed, err := s.sealSecret(ctx, u.ID, *u.TotpSecret)
		if err != nil {
			return n, err
		}
		// Conditional on the secret as read, so a concurrent enrolment is not undone.
		k, err := s.client.User.Update().Where(user.ID(u.ID), user.TotpSecret(*u.TotpSecret)).SetTotpSecret(sealed).Save(ctx)
		if err != nil {
			return n, err
		}
		n += k
	}
	return n, nil
}
