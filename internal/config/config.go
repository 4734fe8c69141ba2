// Package config reads the registry's configuration from the environment, with
// defaults, for flags to override.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
)

// Config is the registry's configuration. Every field has an environment variable and
// a flag of the same meaning (DESIGN.md's public contract).
type Config struct {
	// Addr is where serve listens (REGISTRY_ADDR, --addr).
	Addr string
	// DB is a SQLite path or a postgres:// URL (REGISTRY_DB, --db).
	DB string
	// LogLevel is debug, info, warn or error (REGISTRY_LOG_LEVEL, --log-level).
	LogLevel string
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
	if v := getenv("REGISTRY_DB"); v != "" {
		c.DB = v
	}
	if v := getenv("REGISTRY_LOG_LEVEL"); v != "" {
		c.LogLevel = v
	}
	return c
}

// Validate checks the configuration as a whole.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: want host:port", c.Addr))
	}
	if strings.TrimSpace(c.DB) == "" {
		errs = append(errs, errors.New("db: empty"))
	}
	if _, err := c.Level(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
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
