package httpbase

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"
)

// Cause says why a request got no complete HTTP answer.
type Cause int

const (
	// CauseTransport is any other failure in transit: a reset connection, a
	// body cut off, a TLS failure. Worth another attempt.
	CauseTransport Cause = iota
	// CauseUnreachable means no connection could be opened: the host name
	// does not resolve, or the host refused the connection or cannot be
	// routed to. Another attempt would fail the same way: the base URL (or
	// the proxy) is wrong, so the clients fail fast.
	CauseUnreachable
	// CauseTimeout means the connection was opened but the per-request
	// timeout expired before the answer was complete.
	CauseTimeout
)

// TransportError is a request that got no complete HTTP answer. Both clients
// return it, so that the provider can say which setting to check: the base
// URL for CauseUnreachable, the timeout for CauseTimeout.
type TransportError struct {
	Service  string // "JSM" or "Port"
	Method   string
	Endpoint string // path and query, without the base URL
	// Host is the host:port the client dialled, taken from the base URL.
	Host  string
	Cause Cause
	// Timeout is the per-request timeout that expired, for CauseTimeout.
	Timeout time.Duration
	// Attempts is how often the request was sent before the client gave up.
	Attempts int
	Err      error
}

// NewTransportError classifies err, which http.Client.Do or reading a body
// returned. attemptCtx is the attempt's context, the one that carries the
// per-request timeout.
func NewTransportError(service, method, endpoint, host string, timeout time.Duration, attemptCtx context.Context, err error) *TransportError {
	e := &TransportError{Service: service, Method: method, Endpoint: endpoint, Host: host, Attempts: 1, Err: StripURL(err)}
	switch {
	case errors.Is(attemptCtx.Err(), context.DeadlineExceeded):
		e.Cause, e.Timeout = CauseTimeout, timeout
	case unreachable(err):
		e.Cause = CauseUnreachable
	}
	return e
}

// unreachable reports whether err says no connection could be opened: a
// name that does not resolve, a refused connection, no route to the host.
func unreachable(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return !dnsErr.IsTimeout
	}
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH)
}

func (e *TransportError) Error() string {
	switch e.Cause {
	case CauseUnreachable:
		return fmt.Sprintf("could not connect to %s at %s for %s %s: %v", e.Service, e.Host, e.Method, e.Endpoint, e.Err)
	case CauseTimeout:
		return fmt.Sprintf("%s at %s did not answer %s %s within the request timeout of %s%s", e.Service, e.Host, e.Method, e.Endpoint, e.Timeout, e.attemptsText())
	}
	return fmt.Sprintf("the request %s %s to %s at %s failed%s: %v", e.Method, e.Endpoint, e.Service, e.Host, e.attemptsText(), e.Err)
}

func (e *TransportError) attemptsText() string {
	if e.Attempts <= 1 {
		return ""
	}
	return fmt.Sprintf(" (%d attempts)", e.Attempts)
}

func (e *TransportError) Unwrap() error { return e.Err }

// Retryable reports whether another attempt may succeed: everything but an
// unreachable host.
func (e *TransportError) Retryable() bool { return e.Cause != CauseUnreachable }

// AsTransportError finds a TransportError in err's chain.
func AsTransportError(err error) (*TransportError, bool) {
	var t *TransportError
	ok := errors.As(err, &t)
	return t, ok
}
