// Package auth holds the registry's credentials: argon2id password hashes and the
// password policy, the short-lived JWT access tokens, and the refresh tokens that are
// stored only as hashes.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/frequency"
	"golang.org/x/crypto/argon2"

	"github.com/export-registry/registry/internal/domain"
)

// Params are the argon2id cost parameters of a password hash.
type Params struct {
	// Memory is in KiB.
	Memory  uint32
	Time    uint32
	Threads uint8
	// KeyLen and SaltLen are in bytes.
	KeyLen  uint32
	SaltLen uint32
}

// DefaultParams are OWASP's minimum for argon2id: 19 MiB, two passes, one lane.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}

// Bounds on parameters, whether asked for or read from a stored hash: argon2 panics
// below the minimums, and a corrupted or planted hash must not make one login cost
// gigabytes or minutes.
const (
	maxMemory  = 1 << 20 // KiB, 1 GiB
	maxTime    = 64
	minKeyLen  = 16
	minSaltLen = 8
	maxByteLen = 1024
)

// Password policy limits.
const (
	// MinPasswordRunes is the shortest password accepted, in characters.
	MinPasswordRunes = 12
	// MaxPasswordBytes is the longest password accepted, in bytes, so that the cost
	// of hashing what a client sends stays bounded.
	MaxPasswordBytes = 1024
	// minUserInputRunes is the shortest email or name part a password may not contain;
	// shorter ones would refuse passwords by chance.
	minUserInputRunes = 4
)

// ErrMalformedHash is the cause of every VerifyPassword error: the stored string is
// not an argon2id PHC string this package accepts.
var ErrMalformedHash = errors.New("auth: malformed argon2id hash")

var b64 = base64.RawStdEncoding.Strict()

func (p Params) validate() error {
	switch {
	case p.Threads < 1:
		return errors.New("threads must be at least 1")
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("time must be within 1..%d", maxTime)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("memory must be within 8*threads..%d KiB", maxMemory)
	case p.KeyLen < minKeyLen || p.KeyLen > maxByteLen:
		return fmt.Errorf("key length must be within %d..%d", minKeyLen, maxByteLen)
	case p.SaltLen < minSaltLen || p.SaltLen > maxByteLen:
		return fmt.Errorf("salt length must be within %d..%d", minSaltLen, maxByteLen)
	}
	return nil
}

// HashPassword hashes password with argon2id and a random salt, and returns the PHC
// string $argon2id$v=19$m=…,t=…,p=…$salt$hash that VerifyPassword reads back.
func HashPassword(password string, p Params) (string, error) {
	if err := p.validate(); err != nil {
		return "", fmt.Errorf("auth: argon2id params: %w", err)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches the encoded hash, and whether the
// hash was made with parameters other than p, so that the caller re-hashes it while
// it holds the password in clear. A malformed encoding is an error wrapping
// ErrMalformedHash, never a mere mismatch: it means a corrupted record.
func VerifyPassword(password, encoded string, p Params) (ok bool, needsRehash bool, err error) {
	stored, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), salt, stored.Time, stored.Memory, stored.Threads, stored.KeyLen)
	ok = subtle.ConstantTimeCompare(got, key) == 1
	needsRehash = stored.Memory != p.Memory || stored.Time != p.Time ||
		stored.Threads != p.Threads || stored.KeyLen != p.KeyLen
	return ok, needsRehash, nil
}

// decodeHash parses a PHC string strictly: anything but exactly what HashPassword
// writes, with parameters within bounds, is refused.
func decodeHash(encoded string) (Params, []byte, []byte, error) {
	bad := func(detail string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, detail)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("want 5 $-separated fields")
	}
	if parts[1] != "argon2id" {
		return bad(fmt.Sprintf("algorithm %q", parts[1]))
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad(fmt.Sprintf("version %q", parts[2]))
	}

	// m, t and p, in that order, plain decimal.
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return bad("want m,t,p parameters")
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok {
			return bad(fmt.Sprintf("parameter %d is not %s", i+1, name))
		}
		n, err := parseDecimal(v)
		if err != nil {
			return bad("parameter " + name)
		}
		vals[i] = n
	}
	if vals[0] > maxMemory || vals[1] > maxTime || vals[2] > 255 {
		return bad("parameters out of range")
	}

	salt, err := decodeB64(parts[4])
	if err != nil {
		return bad("salt: " + err.Error())
	}
	key, err := decodeB64(parts[5])
	if err != nil {
		return bad("hash: " + err.Error())
	}
	p := Params{
		Memory: uint32(vals[0]), Time: uint32(vals[1]), Threads: uint8(vals[2]),
		KeyLen: uint32(len(key)), SaltLen: uint32(len(salt)),
	}
	if err := p.validate(); err != nil {
		return bad(err.Error())
	}
	return p, salt, key, nil
}

// parseDecimal accepts only digits without a leading zero, which
// strconv.ParseUint alone would let through.
func parseDecimal(s string) (uint64, error) {
	if s == "" || (len(s) > 1 && s[0] == '0') || strings.TrimLeft(s, "0123456789") != "" {
		return 0, errors.New("not a canonical decimal")
	}
	return strconv.ParseUint(s, 10, 32)
}

// decodeB64 decodes unpadded standard base64 and refuses what would not re-encode to
// the same text: the decoder skips CR and LF even in strict mode.
func decodeB64(s string) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if b64.EncodeToString(b) != s {
		return nil, errors.New("not canonical base64")
	}
	return b, nil
}

// commonPasswords is the zxcvbn "passwords" frequency list as a set. It holds the
// 30,000 most frequent passwords of leaked corpora, lower-cased, each kept only in
// the zxcvbn list where it ranks highest. It is built on first use so that programs
// that never check a password do not pay for it.
var commonPasswords = sync.OnceValue(func() map[string]int {
	list := frequency.FrequencyLists["passwords"]
	m := make(map[string]int, len(list))
	for i, w := range list {
		if _, dup := m[w]; !dup {
			m[w] = i + 1
		}
	}
	return m
})

// commonPasswordRank returns the rank (1 is the most common) of password in the
// common-password list, ignoring case as the list does, or 0 when it is not there.
func commonPasswordRank(password string) int {
	return commonPasswords()[strings.ToLower(password)]
}

// CheckPasswordPolicy refuses a password a new or changed account may not have: not
// UTF-8, shorter than MinPasswordRunes characters, longer than MaxPasswordBytes
// bytes, among the most common passwords, or equal to or containing one of
// userInputs (the account's email, its local part, its display name, or a word of
// them) of at least four characters. Every refusal is an EINVALID error on the field
// "password" whose text tells the user what to change.
func CheckPasswordPolicy(password string, userInputs ...string) error {
	switch {
	case !utf8.ValidString(password):
		return domain.Invalid("password", "must be valid UTF-8 text")
	case len(password) > MaxPasswordBytes:
		return domain.Invalid("password", fmt.Sprintf("must be at most %d bytes long", MaxPasswordBytes))
	case utf8.RuneCountInString(password) < MinPasswordRunes:
		return domain.Invalid("password", fmt.Sprintf("must be at least %d characters long", MinPasswordRunes))
	case commonPasswordRank(password) > 0:
		return domain.Invalid("password", "is one of the most commonly used passwords; choose another, for example several unrelated words")
	}
	lower := strings.ToLower(password)
	for _, in := range userInputs {
		for _, part := range userInputParts(in) {
			if strings.Contains(lower, part) {
				return domain.Invalid("password", "must not contain your email address or name")
			}
		}
	}
	return nil
}

// userInputParts returns the lower-cased pieces of an email or a name that a
// password may not contain: the whole, an email's local part, and each word of the
// local part or name. The email domain is left out: a password containing "gmail"
// says nothing about its owner.
func userInputParts(in string) []string {
	in = strings.ToLower(strings.TrimSpace(in))
	parts := []string{in}
	words := in
	if local, _, ok := strings.Cut(in, "@"); ok {
		parts = append(parts, local)
		words = local
	}
	parts = append(parts, strings.FieldsFunc(words, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})...)
	kept := parts[:0]
	for _, p := range parts {
		if utf8.RuneCountInString(p) >= minUserInputRunes {
			kept = append(kept, p)
		}
	}
	return kept
}
