package config

import (
	"os"
	"strings"
	"testing"
)

// TestMetricsAddr: metrics are off unless REGISTRY_METRICS_ADDR names a host:port,
// and never on the public listener's address, however it is spelled.
func TestMetricsAddr(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if c := Load(env(nil)); c.MetricsAddr != "" || c.Validate() != nil {
		t.Errorf("default: metrics %q, %v; want off and valid", c.MetricsAddr, c.Validate())
	}
	if c := Load(env(map[string]string{"REGISTRY_METRICS_ADDR": "127.0.0.1:9090"})); c.MetricsAddr != "127.0.0.1:9090" || c.Validate() != nil {
		t.Errorf("REGISTRY_METRICS_ADDR: %q, %v", c.MetricsAddr, c.Validate())
	}
	for _, tc := range []struct {
		addr, metrics string
		ok            bool
	}{
		{"127.0.0.1:8080", "127.0.0.1:9090", true},
		{"127.0.0.1:8080", "10.0.0.5:8080", true}, // another interface, same port
		{"127.0.0.1:0", "127.0.0.1:0", true},      // each picks a free port
		{"127.0.0.1:8080", "127.0.0.1:8080", false},
		{"127.0.0.1:8080", "localhost:8080", false},
		{"127.0.0.1:8080", ":8080", false},
		{":8080", "10.0.0.5:8080", false},
		{"0.0.0.0:8080", "127.0.0.1:8080", false},
		{"[::]:8080", "[::1]:8080", false},
		{"registry.internal:8080", "REGISTRY.internal:8080", false},
		{"127.0.0.1:8080", "9090", false}, // not host:port
	} {
		c := Load(env(map[string]string{"REGISTRY_ADDR": tc.addr, "REGISTRY_METRICS_ADDR": tc.metrics}))
		err := c.Validate()
		if tc.ok != (err == nil) {
			t.Errorf("addr %s, metrics %s: %v, want ok %v", tc.addr, tc.metrics, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "metrics-addr") {
			t.Errorf("addr %s, metrics %s: %v does not name metrics-addr", tc.addr, tc.metrics, err)
		}
	}
}

// TestSigningSecret: a secret shorter than 32 bytes is refused, in the variable or the
// key file, and so is giving both.
func TestSigningSecret(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	secret := strings.Repeat("k", 32)
	if err := Load(env(map[string]string{"REGISTRY_JWT_SECRET": secret})).Validate(); err != nil {
		t.Errorf("a 32-byte secret: %v", err)
	}
	if err := Load(env(map[string]string{"REGISTRY_JWT_SECRET": secret[:31]})).Validate(); err == nil || !strings.Contains(err.Error(), "REGISTRY_JWT_SECRET") {
		t.Errorf("a 31-byte secret: %v, want refused naming REGISTRY_JWT_SECRET", err)
	}
	dir := t.TempDir()
	short, long := dir+"/short", dir+"/long"
	if err := os.WriteFile(short, []byte(secret[:31]), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(long, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Load(env(map[string]string{"REGISTRY_JWT_SECRET": secret, "REGISTRY_JWT_KEY_FILE": long})).Validate(); err == nil {
		t.Error("a secret and a key file together were accepted")
	}
	if _, err := Load(env(map[string]string{"REGISTRY_JWT_KEY_FILE": short})).Secret(); err == nil {
		t.Error("a 31-byte key file was accepted")
	}
	if b, err := Load(env(map[string]string{"REGISTRY_JWT_KEY_FILE": long})).Secret(); err != nil || string(b) != secret {
		t.Errorf("a 32-byte key file: %q, %v", b, err)
	}
}

// TestReviewAndSecondFactor: REGISTRY_REVIEW and REGISTRY_REQUIRE_2FA default to
// single and none, take their listed values, and refuse any other by name.
func TestReviewAndSecondFactor(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if c := Load(env(nil)); c.Review != "single" || c.Require2FA != "none" || c.Validate() != nil {
		t.Errorf("defaults: %q, %q, %v", c.Review, c.Require2FA, c.Validate())
	}
	for _, tc := range []struct {
		key, value string
		ok         bool
	}{
		{"REGISTRY_REVIEW", "two-person", true},
		{"REGISTRY_REVIEW", "single", true},
		{"REGISTRY_REVIEW", "two", false},
		{"REGISTRY_REQUIRE_2FA", "admins", true},
		{"REGISTRY_REQUIRE_2FA", "all", true},
		{"REGISTRY_REQUIRE_2FA", "editors", false},
	} {
		err := Load(env(map[string]string{tc.key: tc.value})).Validate()
		if tc.ok != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s=%s: %v, want ok %v and the variable named", tc.key, tc.value, err, tc.ok)
		}
	}
}
