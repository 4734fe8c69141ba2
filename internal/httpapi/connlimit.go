package httpapi

import (
	"net"
	"slices"
	"sync"
)

// LimitConnections returns a listener that closes at once every connection beyond
// perClient open from one remote address, so that one client cannot hold the
// server's connections (21,000 slow uploads from one address once starved everyone).
// Connections from the trusted proxies are not counted: they carry many clients.
func LimitConnections(ln net.Listener, perClient int, trusted []*net.IPNet) net.Listener {
	return &connLimiter{Listener: ln, perClient: perClient, trusted: trusted, open: map[string]int{}}
}

type connLimiter struct {
	net.Listener
	perClient int
	trusted   []*net.IPNet

	mu   sync.Mutex
	open map[string]int
}

// Accept returns the next connection its client may open, closing the others.
func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host, _, err := net.SplitHostPort(c.RemoteAddr().String())
		ip := net.ParseIP(host)
		if err != nil || ip == nil || slices.ContainsFunc(l.trusted, func(n *net.IPNet) bool { return n.Contains(ip) }) {
			return c, nil
		}
		if !l.take(host) {
			c.Close()
			continue
		}
		return &countedConn{Conn: c, release: sync.OnceFunc(func() { l.give(host) })}, nil
	}
}

func (l *connLimiter) take(host string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[host] >= l.perClient {
		return false
	}
	l.open[host]++
	return true
}

func (l *connLimiter) give(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[host] <= 1 {
		delete(l.open, host)
	} else {
		l.open[host]--
	}
}

// countedConn gives its place back when it is closed, once.
type countedConn struct {
	net.Conn
	release func()
}

func (c *countedConn) Close() error {
	c.release()
	return c.Conn.Close()
}

// CloseWrite lets the server half-close the connection, as it does to make sure a
// client reads an error answer before the connection goes.
func (c *countedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
