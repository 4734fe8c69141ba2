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
