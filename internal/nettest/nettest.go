// Package nettest gives tests loopback addresses that fail in known ways: a
// port nothing listens on, and a listener that accepts connections and never
// answers. It is for tests only; the product does not import it.
package nettest

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// ClosedAddr returns host:port of a loopback port nothing listens on.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// SilentAddr returns host:port of a loopback listener that accepts
// connections and never answers, counting them in accepted when it is not
// nil. The listener and its connections close when the test ends.
func SilentAddr(t testing.TB, accepted *atomic.Int32) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			if accepted != nil {
				accepted.Add(1)
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	return ln.Addr().String()
}
