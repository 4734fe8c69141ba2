package httpapi

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// serveLimited serves a small answer on a listener limited to perClient connections
// per address.
func serveLimited(t *testing.T, perClient int, trusted []*net.IPNet) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })}
	go srv.Serve(LimitConnections(ln, perClient, trusted))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// served opens a connection and asks one request on it, keeping it open: nil if
// the answer came, the error if the connection was closed instead.
func served(t *testing.T, addr string) (net.Conn, error) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprint(conn, "GET / HTTP/1.1\r\nHost: registry.test\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("neither served nor closed: %v", err)
		}
		return conn, err
	}
	res.Body.Close()
	return conn, nil
}

// TestConnectionsPerClient: one address holds at most perClient connections; one
// more is closed at once, and a closed one makes room. Connections through a trusted
// proxy are not counted.
func TestConnectionsPerClient(t *testing.T) {
	addr := serveLimited(t, 2, nil)
	first, err := served(t, addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := served(t, addr); err != nil {
		t.Fatal(err)
	}
	if _, err := served(t, addr); err == nil {
		t.Fatal("a third connection from one address was served, want it closed")
	}
	first.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := served(t, addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a closed connection never made room")
		}
		time.Sleep(10 * time.Millisecond)
	}

	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	proxied := serveLimited(t, 2, []*net.IPNet{loopback})
	for i := range 4 {
		if _, err := served(t, proxied); err != nil {
			t.Fatalf("connection %d from a trusted proxy: %v", i+1, err)
		}
	}
}
