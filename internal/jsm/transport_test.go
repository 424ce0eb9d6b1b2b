package jsm

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/nettest"
)

// countingClient dials like the default transport and counts the dials, so a
// test sees how many attempts reached the network, whatever the outcome.
func countingClient(dials *atomic.Int32) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	transport := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return dialer.DialContext(ctx, network, addr)
		},
		DisableKeepAlives: true,
	}
	return &http.Client{Transport: transport}
}

func listWith(t *testing.T, baseURL string, dials *atomic.Int32, mutate func(*Config)) error {
	t.Helper()
	cfg := Config{BaseURL: baseURL, Username: "agent@example.com", APIToken: "secret-token",
		Options: httpbase.Options{MaxRetries: 4, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, HTTPClient: countingClient(dials)}}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.List(context.Background(), "/request", ListOptions{})
	return err
}

func TestUnreachableHostFailsAtOnce(t *testing.T) {
	for name, tc := range map[string]struct {
		baseURL, host, reason string
	}{
		"connection refused": {baseURL: "http://" + nettest.ClosedAddr(t), reason: "connection refused"},
		"unknown host":       {baseURL: "http://jsm.portjsm-test.invalid", host: "jsm.portjsm-test.invalid", reason: "no such host"},
	} {
		t.Run(name, func(t *testing.T) {
			var dials atomic.Int32
			err := listWith(t, tc.baseURL, &dials, nil)
			te, ok := httpbase.AsTransportError(err)
			if !ok || te.Cause != httpbase.CauseUnreachable {
				t.Fatalf("got %v, want an unreachable TransportError", err)
			}
			host := strings.TrimPrefix(tc.baseURL, "http://")
			want := "could not connect to JSM at " + host + " for GET /request?limit=50&start=0"
			if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("got %q, want it to start with %q and say %q", err, want, tc.reason)
			}
			if n := dials.Load(); n != 1 || te.Attempts != 1 {
				t.Fatalf("%d dials, %d attempts reported: an unreachable host was retried", n, te.Attempts)
			}
		})
	}
}

func TestSilentServerReportsTheTimeout(t *testing.T) {
	var accepted, dials atomic.Int32
	addr := nettest.SilentAddr(t, &accepted)
	err := listWith(t, "http://"+addr, &dials, func(c *Config) { c.Timeout = 150 * time.Millisecond; c.MaxRetries = 2 })
	te, ok := httpbase.AsTransportError(err)
	if !ok || te.Cause != httpbase.CauseTimeout || te.Timeout != 150*time.Millisecond {
		t.Fatalf("got %v, want a TransportError for the 150ms timeout", err)
	}
	want := "JSM at " + addr + " did not answer GET /request?limit=50&start=0 within the request timeout of 150ms (3 attempts)"
	if err.Error() != want {
		t.Fatalf("got  %q\nwant %q", err, want)
	}
	if strings.Contains(err.Error(), "context deadline exceeded") {
		t.Fatalf("the message blames a context: %q", err)
	}
	if n := accepted.Load(); n != 3 {
		t.Fatalf("the server saw %d connections, want 1 + max_retries=2", n)
	}
}

// A server that answers the headers and then stalls in the body times out
// the same way.
func TestStalledBodyReportsTheTimeout(t *testing.T) {
	var dials atomic.Int32
	stall := make(chan struct{})
	t.Cleanup(func() { close(stall) })
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"size":`))
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		select {
		case <-stall:
		case <-r.Context().Done():
		}
	})
	c := newTestClient(t, h, func(c *Config) {
		c.Timeout = 100 * time.Millisecond
		c.MaxRetries = -1
		c.HTTPClient = countingClient(&dials)
	})
	_, err := c.List(context.Background(), "/request", ListOptions{})
	te, ok := httpbase.AsTransportError(err)
	if !ok || te.Cause != httpbase.CauseTimeout || !strings.Contains(err.Error(), "within the request timeout of 100ms") {
		t.Fatalf("got %v", err)
	}
	if n := dials.Load(); n != 1 {
		t.Fatalf("%d dials with retries disabled", n)
	}
}
