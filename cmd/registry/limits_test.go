package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestClientConnectionsLimit: serve caps the connections one address holds open at
// REGISTRY_CLIENT_CONNECTIONS, closing the extra ones at once.
func TestClientConnectionsLimit(t *testing.T) {
	p := startProcess(t, filepath.Join(t.TempDir(), "r.db"), "REGISTRY_CLIENT_CONNECTIONS=2")
	addr := strings.TrimPrefix(p.base, "http://")
	served, closed := 0, 0
	for range 3 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprint(conn, "GET /healthz HTTP/1.1\r\nHost: registry.test\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		var ne net.Error
		switch {
		case err == nil:
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			served++
		case errors.As(err, &ne) && ne.Timeout():
			t.Fatalf("a connection neither served nor closed: %v", err)
		default:
			closed++
		}
	}
	// The health check's own connection may still be counted: at most two are served.
	if served > 2 || closed == 0 {
		t.Errorf("three connections from one address: %d served, %d closed; want at most 2 served", served, closed)
	}
}

// TestClientBoundsConfig: the bounds must be positive whole numbers.
func TestClientBoundsConfig(t *testing.T) {
	for _, name := range []string{"REGISTRY_CLIENT_CONCURRENCY", "REGISTRY_CLIENT_CONNECTIONS", "REGISTRY_MAX_IN_FLIGHT"} {
		for _, v := range []string{"0", "-3", "many"} {
			getenv := func(k string) string {
				if k == name {
					return v
				}
				return ""
			}
			err := run(context.Background(), []string{"serve", "--db", filepath.Join(t.TempDir(), "r.db")}, getenv, nil, io.Discard, io.Discard)
			var ue usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), name) {
				t.Errorf("%s=%s: %v, want a usage error naming it", name, v, err)
			}
		}
	}
}

// TestSQLiteMmapConfig: REGISTRY_SQLITE_MMAP_MB is a whole number of MiB from 0 to
// SQLite's bound, for a SQLite database only.
func TestSQLiteMmapConfig(t *testing.T) {
	for _, tc := range []struct{ value, db string }{
		{"-1", ""}, {"many", ""}, {"1.5", ""}, {"2048", ""},
		{"64", "postgres://registry@127.0.0.1:1/none"},
	} {
		db := tc.db
		if db == "" {
			db = filepath.Join(t.TempDir(), "r.db")
		}
		getenv := func(k string) string {
			if k == "REGISTRY_SQLITE_MMAP_MB" {
				return tc.value
			}
			return ""
		}
		err := run(context.Background(), []string{"serve", "--db", db}, getenv, nil, io.Discard, io.Discard)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "REGISTRY_SQLITE_MMAP_MB") {
			t.Errorf("REGISTRY_SQLITE_MMAP_MB=%s on %s: %v, want a usage error naming it", tc.value, db, err)
		}
	}
}

// TestSQLiteMmapServes: a server started with REGISTRY_SQLITE_MMAP_MB maps that much
// of its file, says so, and serves the registry.
func TestSQLiteMmapServes(t *testing.T) {
	p := startProcess(t, filepath.Join(t.TempDir(), "r.db"), "REGISTRY_SQLITE_MMAP_MB=64")
	if logs := p.logged(); !strings.Contains(logs, `"sqlite_mmap_bytes":67108864`) || strings.Contains(logs, "maps less") {
		t.Errorf("the server does not say it maps 64 MiB of its file:\n%s", logs)
	}
	status, m, err := call(http.MethodGet, p.base+"/api/v1/vendors", "", nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("vendors: %d %v", status, err)
	}
	if data, _ := m["data"].([]any); len(data) == 0 {
		t.Errorf("vendors: no records read through the map: %v", m)
	}
}

// TestDocumentCacheConfig: REGISTRY_DOCUMENT_CACHE_MB is a whole number of MiB from 0
// to 1024.
func TestDocumentCacheConfig(t *testing.T) {
	for _, value := range []string{"-1", "many", "1.5", "1025"} {
		getenv := func(k string) string {
			if k == "REGISTRY_DOCUMENT_CACHE_MB" {
				return value
			}
			return ""
		}
		err := run(context.Background(), []string{"serve", "--db", filepath.Join(t.TempDir(), "r.db")}, getenv, nil, io.Discard, io.Discard)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "REGISTRY_DOCUMENT_CACHE_MB") {
			t.Errorf("REGISTRY_DOCUMENT_CACHE_MB=%s: %v, want a usage error naming it", value, err)
		}
	}
}

// TestDocumentCacheServes: the server's store holds as many MiB of licence documents
// as REGISTRY_DOCUMENT_CACHE_MB says (8 unset, none with 0), and says so.
func TestDocumentCacheServes(t *testing.T) {
	for _, c := range []struct{ env, want string }{
		{"REGISTRY_DOCUMENT_CACHE_MB=", `"document_cache_bytes":8388608`}, // unset, whatever the test's environment says
		{"REGISTRY_DOCUMENT_CACHE_MB=0", `"document_cache_bytes":0`},
		{"REGISTRY_DOCUMENT_CACHE_MB=32", `"document_cache_bytes":33554432`},
	} {
		p := startProcess(t, filepath.Join(t.TempDir(), "r.db"), c.env)
		if logs := p.logged(); !strings.Contains(logs, c.want) {
			t.Errorf("%s: the server does not say %s:\n%s", c.env, c.want, logs)
		}
		status, m, err := call(http.MethodGet, p.base+"/api/v1/licenses", "", nil)
		if err != nil || status != http.StatusOK {
			t.Fatalf("%s: licences: %d %v", c.env, status, err)
		}
		if data, _ := m["data"].([]any); len(data) == 0 {
			t.Errorf("%s: no licences listed: %v", c.env, m)
		}
	}
}
