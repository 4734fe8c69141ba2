package auth

import (
	"strings"
	"testing"
	"time"
)

// TestDeviceToken: a device token verifies for the account it was issued to, by the
// keys that signed it, within DeviceTTL; every change to it, another account, another
// key or an expired one is no device token at all.
func TestDeviceToken(t *testing.T) {
	keys, _, _ := testKeys(t)
	other, _, _ := testKeys(t)
	tok, err := keys.IssueDevice("owner@example.org", testNow)
	if err != nil {
		t.Fatal(err)
	}
	id, ok := keys.VerifyDevice(tok, "owner@example.org", testNow.Add(time.Hour))
	if !ok || id == "" {
		t.Fatalf("a fresh device token does not verify: %q %v", id, ok)
	}
	if id2, _ := keys.VerifyDevice(tok, "owner@example.org", testNow); id2 != id {
		t.Errorf("the id changed between two checks: %q, %q", id, id2)
	}
	second, err := keys.IssueDevice("owner@example.org", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if id2, ok := keys.VerifyDevice(second, "owner@example.org", testNow); !ok || id2 == id {
		t.Errorf("two logins share a device id %q (ok %v)", id2, ok)
	}
	if strings.Contains(tok, "owner") {
		t.Errorf("the token names its account: %s", tok)
	}

	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	dot := strings.Index(tok, ".")
	for name, tc := range map[string]struct {
		keys    *Keys
		token   string
		account string
		now     time.Time
	}{
		"another account":         {keys, tok, "attacker@example.org", testNow},
		"another key":             {other, tok, "owner@example.org", testNow},
		"expired":                 {keys, tok, "owner@example.org", testNow.Add(DeviceTTL)},
		"issued in the future":    {keys, tok, "owner@example.org", testNow.Add(-time.Hour)},
		"a changed payload":       {keys, flip(tok, dot+3), "owner@example.org", testNow},
		"a changed MAC":           {keys, flip(tok, len(tok)-2), "owner@example.org", testNow},
		"no MAC":                  {keys, tok[:strings.LastIndex(tok, ".")], "owner@example.org", testNow},
		"empty":                   {keys, "", "owner@example.org", testNow},
		"an access token instead": {keys, mustIssue(t, keys), "owner@example.org", testNow},
		"oversized":               {keys, tok + strings.Repeat("A", MaxDeviceTokenBytes), "owner@example.org", testNow},
	} {
		if id, ok := tc.keys.VerifyDevice(tc.token, tc.account, tc.now); ok {
			t.Errorf("%s: verified as %q", name, id)
		}
	}
}

func mustIssue(t *testing.T, k *Keys) string {
	t.Helper()
	tok, _, err := k.Issue(42, "editor", "sess-1", 1, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
