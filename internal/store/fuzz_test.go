package store_test

import (
	"testing"

	"github.com/export-registry/registry/internal/domain"
	"github.com/export-registry/registry/internal/store"
)

// cursorSeeds are cursor texts a client might send: real ones and the ways a
// hand-edited or hostile one goes wrong.
var cursorSeeds = []string{
	store.EncodeCursor(1), store.EncodeCursor(500), store.EncodeCodeCursor("IL"), store.EncodeFeedCursor(0),
	store.EncodeFeedCursor(1 << 40), "", "=", "YzE6MQ==", "YzE6MQ\n", "c1:1", "Yz", "\xff",
	"YzE6LTE", "YzE6MDA", "YzE6OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "..%2f", "' OR '1'='1",
}

// requireInvalidCursor fails unless err is an EINVALID domain error: any other error
// would reach the client as a 500 instead of a 400 naming the parameter.
func requireInvalidCursor(t *testing.T, s string, err error) {
	t.Helper()
	if domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("decoding %q: error %v (code %q), want an EINVALID domain error", s, err, domain.ErrorCode(err))
	}
}

// FuzzDecodeCursor checks list cursors: any text decodes to a positive id or fails as
// invalid input, and every positive id's cursor decodes back to it.
func FuzzDecodeCursor(f *testing.F) {
	for i, s := range cursorSeeds {
		f.Add(s, i-1)
	}
	f.Add("", -9223372036854775808)
	f.Add("", 9223372036854775807)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if id, err := store.DecodeCursor(s); err != nil {
			requireInvalidCursor(t, s, err)
		} else if id <= 0 {
			t.Fatalf("DecodeCursor(%q) = %d, not a positive id", s, id)
		}
		// Ids are positive, so a cursor after 0 or below is none the registry issues.
		id, err := store.DecodeCursor(store.EncodeCursor(n))
		switch {
		case n > 0 && (err != nil || id != n):
			t.Fatalf("DecodeCursor(EncodeCursor(%d)) = %d, %v", n, id, err)
		case n <= 0 && err == nil:
			t.Fatalf("DecodeCursor(EncodeCursor(%d)) = %d, want an error", n, id)
		}
	})
}

// FuzzDecodeFeedCursor checks change-feed positions: any text decodes to a position
// from 0 or fails as invalid input, and every such position survives encoding.
func FuzzDecodeFeedCursor(f *testing.F) {
	for i, s := range cursorSeeds {
		f.Add(s, int64(i-1))
	}
	f.Add("", int64(-9223372036854775808))
	f.Add("", int64(9223372036854775807))
	f.Fuzz(func(t *testing.T, s string, n int64) {
		if seq, err := store.DecodeFeedCursor(s); err != nil {
			requireInvalidCursor(t, s, err)
		} else if seq < 0 {
			t.Fatalf("DecodeFeedCursor(%q) = %d, a negative position", s, seq)
		}
		seq, err := store.DecodeFeedCursor(store.EncodeFeedCursor(n))
		switch {
		case n >= 0 && (err != nil || seq != n):
			t.Fatalf("DecodeFeedCursor(EncodeFeedCursor(%d)) = %d, %v", n, seq, err)
		case n < 0 && err == nil:
			t.Fatalf("DecodeFeedCursor(EncodeFeedCursor(%d)) = %d, want an error", n, seq)
		}
	})
}

// FuzzDecodeCodeCursor checks the states list's cursors: any text decodes to an
// accepted country code or fails as invalid input, and an accepted code's cursor
// decodes back to it.
func FuzzDecodeCodeCursor(f *testing.F) {
	for _, s := range cursorSeeds {
		f.Add(s, "IL")
	}
	for _, code := range []string{"XK", "il", "AN", "ZZ", "", "I", "ISR", "\xff", "IL\x00"} {
		f.Add(store.EncodeCodeCursor(code), code)
	}
	f.Fuzz(func(t *testing.T, s, code string) {
		if got, err := store.DecodeCodeCursor(s); err != nil {
			requireInvalidCursor(t, s, err)
		} else if !domain.ValidCountry(got) {
			t.Fatalf("DecodeCodeCursor(%q) = %q, not an accepted code", s, got)
		}
		got, err := store.DecodeCodeCursor(store.EncodeCodeCursor(code))
		switch {
		case domain.ValidCountry(code) && (err != nil || got != code):
			t.Fatalf("DecodeCodeCursor(EncodeCodeCursor(%q)) = %q, %v", code, got, err)
		case !domain.ValidCountry(code) && err == nil:
			t.Fatalf("DecodeCodeCursor(EncodeCodeCursor(%q)) = %q, want an error", code, got)
		}
	})
}
