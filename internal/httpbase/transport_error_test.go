package httpbase

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestNewTransportErrorClassifies(t *testing.T) {
	expired, cancel := context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	live := context.Background()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	for name, tc := range map[string]struct {
		ctx   context.Context
		err   error
		cause Cause
		retry bool
		text  string
	}{
		"refused":      {live, refused, CauseUnreachable, false, "could not connect to JSM at h:1 for GET /x: dial tcp: connect: connection refused"},
		"no such host": {live, &net.DNSError{Err: "no such host", Name: "h", IsNotFound: true}, CauseUnreachable, false, "could not connect to JSM at h:1 for GET /x: lookup h: no such host"},
		"dns timeout":  {live, &net.DNSError{Err: "i/o timeout", Name: "h", IsTimeout: true}, CauseTransport, true, "the request GET /x to JSM at h:1 failed: lookup h: i/o timeout"},
		"timeout":      {expired, context.DeadlineExceeded, CauseTimeout, true, "JSM at h:1 did not answer GET /x within the request timeout of 2s"},
		"reset":        {live, io.ErrUnexpectedEOF, CauseTransport, true, "the request GET /x to JSM at h:1 failed: unexpected EOF"},
	} {
		t.Run(name, func(t *testing.T) {
			e := NewTransportError("JSM", "GET", "/x", "h:1", 2*time.Second, tc.ctx, tc.err)
			if e.Cause != tc.cause || e.Retryable() != tc.retry || e.Error() != tc.text || !errors.Is(e, tc.err) {
				t.Fatalf("cause %d retryable %v %q", e.Cause, e.Retryable(), e.Error())
			}
		})
	}
}
