// Package config reads the registry's configuration from the environment, with
// defaults, for flags to override.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
)

// Config is the registry's configuration. Every field has an environment variable and
// a flag of the same meaning (DESIGN.md's public contract).
type Config struct {
	// Addr is where serve listens (REGISTRY_ADDR, --addr).
	Addr string
	// MetricsAddr is where serve answers /metrics, on a listener of its own
	// (REGISTRY_METRICS_ADDR, --metrics-addr). Empty: no metrics are served.
	MetricsAddr string
	// DB is a SQLite path or a postgres:// URL (REGISTRY_DB, --db).
	DB string
	// LogLevel is debug, info, warn or error (REGISTRY_LOG_LEVEL, --log-level).
	LogLevel string
	// JWTSecret signs access tokens (REGISTRY_JWT_SECRET, at least 32 bytes). Empty:
	// JWTKeyFile, else a key generated once and kept in the database.
	JWTSecret string
	// JWTKeyFile holds the signing secret (REGISTRY_JWT_KEY_FILE).
	JWTKeyFile string
	// TrustedProxies are the proxies (IPs or CIDRs, comma-separated) whose
	// X-Forwarded-For names the client (REGISTRY_TRUSTED_PROXIES). Empty: the
	// connection's address is the client's.
	TrustedProxies string
	// ReadRate is the reads a second allowed per client IP (REGISTRY_READ_RATE,
	// default 50), with bursts of ReadBurst (REGISTRY_READ_BURST, default 200).
	ReadRate  float64
	ReadBurst int
	// ClientConcurrency is the requests one client IP may have in progress
	// (REGISTRY_CLIENT_CONCURRENCY, default 8; one more is a 429).
	ClientConcurrency int
	// ClientConnections is the connections one client IP may hold open
	// (REGISTRY_CLIENT_CONNECTIONS, default 64; more are closed at once).
	ClientConnections int
	// MaxInFlight is the public reads the response cache cannot answer worked on at
	// once (REGISTRY_MAX_IN_FLIGHT, default on SQLite one per core and one more, on
	// PostgreSQL two per core, at least 2; past it a request waits up to 100 ms, then
	// is a 503).
	MaxInFlight int
	// SQLiteMmapMiB is how much of a SQLite file, from its start, is read through a
	// memory map instead of read calls (REGISTRY_SQLITE_MMAP_MB, default 0: none;
	// SQLite's PRAGMA mmap_size, at most 2047). Reading a page then costs no system
	// call, but every connection maps the file apart, so the process's RSS counts
	// each mapped page once per connection that touched it, and an I/O error while
	// reading stops the process instead of failing the read (BENCHMARKS.md).
	SQLiteMmapMiB int
	// DocumentCacheMiB is how much memory holds the licence documents public lists
	// read most, by dataset version (REGISTRY_DOCUMENT_CACHE_MB, default 8, at most
	// 1024; 0: none, every list reads its documents from the database).
	DocumentCacheMiB int
	// Review is the publishing rule (REGISTRY_REVIEW, --review): single (default),
	// or two-person, where a draft's last editor may not publish it.
	Review string
	// Require2FA says whose accounts must have a second factor (REGISTRY_REQUIRE_2FA,
	// --require-2fa): none (default), admins or all.
	Require2FA string
}

// MaxDocumentCacheMiB bounds REGISTRY_DOCUMENT_CACHE_MB: 100,000 licences' documents
// are about 110 MiB.
const MaxDocumentCacheMiB = 1024

// MaxSQLiteMmapMiB is the most of a SQLite file that may be memory-mapped: SQLite's
// own bound (SQLITE_MAX_MMAP_SIZE, just under 2 GiB), which it applies silently.
const MaxSQLiteMmapMiB = 2047

// Postgres reports whether DB names a PostgreSQL database (store.Open's rule).
func (c Config) Postgres() bool {
	return strings.HasPrefix(c.DB, "postgres://") || strings.HasPrefix(c.DB, "postgresql://")
}

// Defaults are the values a fresh checkout runs with.
const (
	DefaultAddr = "127.0.0.1:8080"
	DefaultDB   = "./data/registry.db"
)

// Load returns the configuration the environment gives, with defaults for the rest.
func Load(getenv func(string) string) Config {
	c := Config{Addr: DefaultAddr, DB: DefaultDB, LogLevel: "info"}
	if v := getenv("REGISTRY_ADDR"); v != "" {
		c.Addr = v
	}
	c.MetricsAddr = getenv("REGISTRY_METRICS_ADDR")
	if v := getenv("REGISTRY_DB"); v != "" {
		c.DB = v
	}
	if v := getenv("REGISTRY_LOG_LEVEL"); v != "" {
		c.LogLevel = v
	}
	c.JWTSecret = getenv("REGISTRY_JWT_SECRET")
	c.JWTKeyFile = getenv("REGISTRY_JWT_KEY_FILE")
	c.TrustedProxies = getenv("REGISTRY_TRUSTED_PROXIES")
	c.ReadRate, c.ReadBurst = 50, 200
	if v := getenv("REGISTRY_READ_RATE"); v != "" {
		c.ReadRate, _ = strconv.ParseFloat(v, 64) // Validate refuses what does not parse
		if c.ReadRate <= 0 {
			c.ReadRate = -1
		}
	}
	if v := getenv("REGISTRY_READ_BURST"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			c.ReadBurst = n
		} else {
			c.ReadBurst = -1
		}
	}
	c.ClientConcurrency = positiveInt(getenv("REGISTRY_CLIENT_CONCURRENCY"), 8)
	c.ClientConnections = positiveInt(getenv("REGISTRY_CLIENT_CONNECTIONS"), 64)
	c.MaxInFlight = positiveInt(getenv("REGISTRY_MAX_IN_FLIGHT"), 0) // 0: the server's default
	if v := getenv("REGISTRY_SQLITE_MMAP_MB"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 && n <= MaxSQLiteMmapMiB {
			c.SQLiteMmapMiB = n
		} else {
			c.SQLiteMmapMiB = -1
		}
	}
	c.DocumentCacheMiB = 8
	if v := getenv("REGISTRY_DOCUMENT_CACHE_MB"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 && n <= MaxDocumentCacheMiB {
			c.DocumentCacheMiB = n
		} else {
			c.DocumentCacheMiB = -1
		}
	}
	c.Review = orDefault(getenv("REGISTRY_REVIEW"), "single")
	c.Require2FA = orDefault(getenv("REGISTRY_REQUIRE_2FA"), "none")
	return c
}

// orDefault returns v, or def when v is empty.
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// positiveInt reads a whole number from the environment: def when unset, -1 (which
// Validate refuses) when it is not a positive whole number.
func positiveInt(v string, def int) int {
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return -1
	}
	return n
}

// Validate checks the configuration as a whole.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: want host:port", c.Addr))
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("metrics-addr %q: want host:port", c.MetricsAddr))
		} else if sameListener(c.Addr, c.MetricsAddr) {
			errs = append(errs, fmt.Errorf("metrics-addr %q: the public address %q would serve the metrics too; give it a port of its own", c.MetricsAddr, c.Addr))
		}
	}
	if strings.TrimSpace(c.DB) == "" {
		errs = append(errs, errors.New("db: empty"))
	}
	if _, err := c.Level(); err != nil {
		errs = append(errs, err)
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		errs = append(errs, errors.New("REGISTRY_JWT_SECRET: at least 32 bytes"))
	}
	if c.JWTSecret != "" && c.JWTKeyFile != "" {
		errs = append(errs, errors.New("REGISTRY_JWT_SECRET and REGISTRY_JWT_KEY_FILE: set one"))
	}
	if _, err := c.Proxies(); err != nil {
		errs = append(errs, err)
	}
	if c.ReadRate <= 0 || c.ReadBurst < 1 {
		errs = append(errs, errors.New("REGISTRY_READ_RATE and REGISTRY_READ_BURST: positive numbers"))
	}
	if c.ClientConcurrency < 1 || c.ClientConnections < 1 || c.MaxInFlight < 0 {
		errs = append(errs, errors.New("REGISTRY_CLIENT_CONCURRENCY, REGISTRY_CLIENT_CONNECTIONS and REGISTRY_MAX_IN_FLIGHT: positive whole numbers"))
	}
	if c.DocumentCacheMiB < 0 {
		errs = append(errs, fmt.Errorf("REGISTRY_DOCUMENT_CACHE_MB: a whole number of MiB from 0 (none) to %d", MaxDocumentCacheMiB))
	}
	if c.SQLiteMmapMiB < 0 {
		errs = append(errs, fmt.Errorf("REGISTRY_SQLITE_MMAP_MB: a whole number of MiB from 0 (off) to %d", MaxSQLiteMmapMiB))
	} else if c.SQLiteMmapMiB > 0 && c.Postgres() {
		errs = append(errs, errors.New("REGISTRY_SQLITE_MMAP_MB: a SQLite setting, and db is PostgreSQL; unset it"))
	}
	if c.Review != "single" && c.Review != "two-person" {
		errs = append(errs, fmt.Errorf("REGISTRY_REVIEW %q: want single or two-person", c.Review))
	}
	if c.Require2FA != "none" && c.Require2FA != "admins" && c.Require2FA != "all" {
		errs = append(errs, fmt.Errorf("REGISTRY_REQUIRE_2FA %q: want none, admins or all", c.Require2FA))
	}
	return errors.Join(errs...)
}

// sameListener reports whether two host:port addresses would listen on the same
// socket: one port (not 0, which picks a free one each time) and hosts that meet,
// where an empty or unspecified host is every address and localhost is 127.0.0.1.
func sameListener(a, b string) bool {
	ha, pa, errA := net.SplitHostPort(a)
	hb, pb, errB := net.SplitHostPort(b)
	if errA != nil || errB != nil || pa != pb || pa == "0" {
		return false
	}
	ipa, ipb := hostIP(ha), hostIP(hb)
	switch {
	case ipa == nil || ipb == nil: // a name: only the same name is known to meet
		return strings.EqualFold(ha, hb)
	case ipa.IsUnspecified() || ipb.IsUnspecified():
		return true
	}
	return ipa.Equal(ipb)
}

// hostIP returns a listen address's host as an IP: the unspecified address for an
// empty host, loopback for localhost, nil for any other name.
func hostIP(host string) net.IP {
	switch strings.ToLower(host) {
	case "":
		return net.IPv6unspecified
	case "localhost":
		return net.IPv4(127, 0, 0, 1)
	}
	return net.ParseIP(host)
}

// Proxies parses TrustedProxies into networks.
func (c Config) Proxies() ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, p := range strings.Split(c.TrustedProxies, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			if ip := net.ParseIP(p); ip != nil && ip.To4() != nil {
				p += "/32"
			} else {
				p += "/128"
			}
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return nil, fmt.Errorf("REGISTRY_TRUSTED_PROXIES: %q is not an IP or CIDR", p)
		}
		out = append(out, n)
	}
	return out, nil
}

// Secret returns the configured signing secret, read from the key file if that is
// the one set; nil means none is configured.
func (c Config) Secret() ([]byte, error) {
	switch {
	case c.JWTSecret != "":
		return []byte(c.JWTSecret), nil
	case c.JWTKeyFile != "":
		b, err := os.ReadFile(c.JWTKeyFile)
		if err != nil {
			return nil, fmt.Errorf("REGISTRY_JWT_KEY_FILE: %w", err)
		}
		b = bytes.TrimSpace(b)
		if len(b) < 32 {
			return nil, errors.New("REGISTRY_JWT_KEY_FILE: the key needs at least 32 bytes")
		}
		return b, nil
	}
	return nil, nil
}

// Level returns the log level.
func (c Config) Level() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return 0, fmt.Errorf("log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	return l, nil
}

// RedactedDB returns the database setting with any password removed, for logs.
func (c Config) RedactedDB() string {
	if i := strings.Index(c.DB, "://"); i >= 0 {
		rest := c.DB[i+3:]
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			user := rest[:at]
			if colon := strings.Index(user, ":"); colon >= 0 {
				user = user[:colon] + ":xxxxx"
			}
			return c.DB[:i+3] + user + rest[at:]
		}
	}
	return c.DB
}
