package config

import (
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
