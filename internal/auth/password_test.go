package auth

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/frequency"

	"github.com/export-registry/registry/internal/domain"
)

// fastParams keep tests quick where the cost parameters are not what is tested.
var fastParams = Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func TestHashPasswordDefaultFormat(t *testing.T) {
	h, err := HashPassword("violet quarry ladle", DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	// 16 salt bytes are 22 base64 characters unpadded, 32 key bytes 43.
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(h) {
		t.Fatalf("hash %q is not the PHC format", h)
	}
	ok, rehash, err := VerifyPassword("violet quarry ladle", h, DefaultParams)
	if err != nil || !ok || rehash {
		t.Fatalf("VerifyPassword = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
}

func TestVerifyPassword(t *testing.T) {
	const pw = "violet quarry ladle"
	h, err := HashPassword(pw, fastParams)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"same password", pw, true},
		{"wrong password", "violet quarry ladles", false},
		{"other case", strings.ToUpper(pw), false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := VerifyPassword(tt.password, h, fastParams)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.want || rehash {
				t.Errorf("VerifyPassword = %v, %v; want %v, false", ok, rehash, tt.want)
			}
		})
	}
}

func TestHashPasswordSalted(t *testing.T) {
	a, err := HashPassword("violet quarry ladle", fastParams)
	if err != nil {
		t.Fatal(err)
	}
	b, err := HashPassword("violet quarry ladle", fastParams)
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatalf("two hashes of one password are equal: %q", a)
	}
}

func TestVerifyPasswordNeedsRehash(t *testing.T) {
	const pw = "violet quarry ladle"
	h, err := HashPassword(pw, fastParams)
	if err != nil {
		t.Fatal(err)
	}
	with := func(f func(*Params)) Params {
		p := fastParams
		f(&p)
		return p
	}
	tests := []struct {
		name string
		p    Params
		want bool
	}{
		{"same params", fastParams, false},
		{"more memory", with(func(p *Params) { p.Memory = 128 }), true},
		{"more time", with(func(p *Params) { p.Time = 2 }), true},
		{"more threads", with(func(p *Params) { p.Threads = 2 }), true},
		{"longer key", with(func(p *Params) { p.KeyLen = 64 }), true},
		{"defaults", DefaultParams, true},
		// The salt length is not a cost parameter: a longer one is no reason to rehash.
		{"longer salt", with(func(p *Params) { p.SaltLen = 32 }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := VerifyPassword(pw, h, tt.p)
			if err != nil || !ok {
				t.Fatalf("VerifyPassword = %v, %v; want a match", ok, err)
			}
			if rehash != tt.want {
				t.Errorf("needsRehash = %v, want %v", rehash, tt.want)
			}
		})
	}
}

func TestHashPasswordBadParams(t *testing.T) {
	tests := []struct {
		name string
		p    Params
	}{
		{"zero", Params{}},
		{"time 0", Params{Memory: 64, Time: 0, Threads: 1, KeyLen: 32, SaltLen: 16}},
		{"threads 0", Params{Memory: 64, Time: 1, Threads: 0, KeyLen: 32, SaltLen: 16}},
		{"memory below 8 per thread", Params{Memory: 15, Time: 1, Threads: 2, KeyLen: 32, SaltLen: 16}},
		{"memory over 1 GiB", Params{Memory: 1<<20 + 1, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}},
		{"short key", Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 4, SaltLen: 16}},
		{"short salt", Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if h, err := HashPassword("violet quarry ladle", tt.p); err == nil {
				t.Errorf("HashPassword = %q, want an error", h)
			}
		})
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	salt := b64.EncodeToString([]byte("saltsaltsaltsalt"))                // 16 bytes
	key := b64.EncodeToString([]byte("keykeykeykeykeykeykeykeykeykeyke")) // 32 bytes
	good := "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key
	// The well-formed string must parse, or every case below proves nothing.
	if _, _, err := VerifyPassword("x", good, fastParams); err != nil {
		t.Fatalf("well-formed hash refused: %v", err)
	}
	tests := []struct{ name, encoded string }{
		{"empty", ""},
		{"plain text", "hunter2"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"no leading $", "argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"version 16", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key},
		{"version 019", "$argon2id$v=019$m=64,t=1,p=1$" + salt + "$" + key},
		{"no version", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key},
		{"no hash", "$argon2id$v=19$m=64,t=1,p=1$" + salt},
		{"empty hash", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$"},
		{"extra field", good + "$" + key},
		{"m=0", "$argon2id$v=19$m=0,t=1,p=1$" + salt + "$" + key},
		{"t=0", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key},
		{"p=0", "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key},
		{"m huge", "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key},
		{"m overflows", "$argon2id$v=19$m=99999999999,t=1,p=1$" + salt + "$" + key},
		{"t huge", "$argon2id$v=19$m=64,t=100000,p=1$" + salt + "$" + key},
		{"p over 255", "$argon2id$v=19$m=4096,t=1,p=256$" + salt + "$" + key},
		{"m leading zero", "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key},
		{"m signed", "$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + key},
		{"m negative", "$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key},
		{"m not a number", "$argon2id$v=19$m=lots,t=1,p=1$" + salt + "$" + key},
		{"params reordered", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key},
		{"params missing", "$argon2id$v=19$m=64,t=1$" + salt + "$" + key},
		{"params spaced", "$argon2id$v=19$m=64, t=1, p=1$" + salt + "$" + key},
		{"salt not base64", "$argon2id$v=19$m=64,t=1,p=1$!!!!$" + key},
		{"hash not base64", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:20] + "*" + key[21:]},
		{"hash padded", good + "="},
		{"hash URL alphabet", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + "-_" + key[2:]},
		{"hash with newline", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:10] + "\n" + key[10:]},
		{"hash short", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$a2V5a2V5"},
		{"salt empty", "$argon2id$v=19$m=64,t=1,p=1$$" + key},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := VerifyPassword("x", tt.encoded, fastParams)
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("err = %v, want ErrMalformedHash", err)
			}
			if ok || rehash {
				t.Errorf("ok, needsRehash = %v, %v on a malformed hash", ok, rehash)
			}
		})
	}
}

// topPasswords is how deep the policy must reach into the list, at least.
const topPasswords = 10_000

func TestCommonPasswordListSize(t *testing.T) {
	list := frequency.FrequencyLists["passwords"]
	if len(list) < topPasswords {
		t.Fatalf("zxcvbn passwords list has %d entries, want at least %d", len(list), topPasswords)
	}
	if n := len(commonPasswords()); n < topPasswords {
		t.Fatalf("common-password set has %d distinct entries, want at least %d", n, topPasswords)
	}
	// The list ranks by frequency: its head must be the famous ones.
	if commonPasswordRank("123456") != 1 || commonPasswordRank("password") != 2 {
		t.Errorf("ranks of 123456, password = %d, %d; want 1, 2",
			commonPasswordRank("123456"), commonPasswordRank("password"))
	}
}

const commonReason = "is one of the most commonly used passwords"

// TestPolicyRefusesCommonPasswords proves the list, not the length rule, refuses a
// common password long enough to pass the length rule.
func TestPolicyRefusesCommonPasswords(t *testing.T) {
	// The deepest entry of the top 10,000 that the length rule alone would let
	// through, read from the package so that a new list version is tested too.
	list := frequency.FrequencyLists["passwords"]
	deep, rank := "", 0
	for i, w := range list[:topPasswords] {
		if utf8.RuneCountInString(w) >= MinPasswordRunes {
			deep, rank = w, i+1
		}
	}
	if deep == "" {
		t.Fatalf("no entry of %d+ characters in the top %d", MinPasswordRunes, topPasswords)
	}
	t.Logf("deepest long entry in the top %d: %q, rank %d", topPasswords, deep, rank)

	for _, pw := range []string{"password1234", "Password1234", "qwerty123456", deep, strings.ToUpper(deep)} {
		t.Run(pw, func(t *testing.T) {
			if utf8.RuneCountInString(pw) < MinPasswordRunes {
				t.Fatalf("%q would be refused for its length alone", pw)
			}
			if commonPasswordRank(pw) == 0 {
				t.Fatalf("%q is not in the list", pw)
			}
			err := CheckPasswordPolicy(pw)
			if got := domain.ErrorFields(err)["password"]; !strings.Contains(got, commonReason) {
				t.Errorf("CheckPasswordPolicy(%q) = %v, want refused as common", pw, err)
			}
		})
	}
}

func TestCheckPasswordPolicy(t *testing.T) {
	const email, name = "marguerite.ozon@example.org", "Ada Lovelace"
	tests := []struct {
		name     string
		password string
		inputs   []string
		want     string // substring of the field problem; "" for accepted
	}{
		{"strong passphrase", "violet quarry ladle tandem", []string{email, name}, ""},
		{"12 characters", "vq-ladle-7Xz", nil, ""},
		{"12 runes, 14 bytes", "ñandú-verde7", nil, ""},
		{"11 runes", "vq-ladle-7X", nil, "at least 12 characters"},
		{"11 runes, 13 bytes", "vq-ladle-7€", nil, "at least 12 characters"},
		{"empty", "", nil, "at least 12 characters"},
		{"64+ characters", strings.Repeat("violet quarry ladle tandem ", 3), nil, ""},
		{"1024 bytes", strings.Repeat("violet quarry ladle tandem ", 38)[:1024], nil, ""},
		{"1025 bytes", strings.Repeat("violet quarry ladle tandem ", 38)[:1025], nil, "at most 1024 bytes"},
		{"invalid UTF-8", "violet quarry \xff\xfe ladle", nil, "valid UTF-8"},
		{"common", "password1234", nil, commonReason},
		{"equals email", email, []string{email, name}, "email address or name"},
		{"equals email in other case", "Marguerite.Ozon@Example.org", []string{email}, "email address or name"},
		{"contains email local part", "my-marguerite.ozon-secret", []string{email}, "email address or name"},
		{"contains a word of the local part", "ozone-layer-quarry", []string{email}, "email address or name"},
		{"contains name", "ada lovelace rules!", []string{email, name}, "email address or name"},
		{"contains a word of the name", "violet-LOVELACE-ladle", []string{name}, "email address or name"},
		{"short input words ignored", "adaptive quarry ladle", []string{"Ada Li", "bo@x.io"}, ""},
		{"email domain ignored", "example quarry ladle", []string{email}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPasswordPolicy(tt.password, tt.inputs...)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			if got := domain.ErrorFields(err)["password"]; !strings.Contains(got, tt.want) {
				t.Errorf("problem = %q, want it to contain %q", got, tt.want)
			}
		})
	}
}
