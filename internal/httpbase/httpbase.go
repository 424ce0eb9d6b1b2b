// Package httpbase is the HTTP core the JSM and Port clients share: their
// common Options and defaults, base-URL checks, the request loop (Client.Do:
// pacing, retries with full-jitter backoff and Retry-After, one repetition
// with fresh credentials after a 401), the cap on every wait a server asks
// for (Options.MaxServerWait), and the errors it returns (APIError,
// TransportError, WaitTooLongError) with their classification (IsStatus,
// Retryable, NeverSent). The clients plug in what differs through Settings: how an
// error body reads, redaction, and the rate-limit headers of their API.
package httpbase

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Logger is the logging the clients do; the provider adapts it to tflog. It
// never sees credentials.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

// NopLogger discards everything.
type NopLogger struct{}

// Debug does nothing.
func (NopLogger) Debug(context.Context, string, map[string]any) {}

// NewTransport clones http.DefaultTransport (proxies from HTTPS_PROXY and
// NO_PROXY), keeps a connection per parallel worker, and adds caPEM to the
// system roots.
func NewTransport(caPEM []byte) (*http.Transport, error) {
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		base = &http.Transport{Proxy: http.ProxyFromEnvironment}
	}
	transport := base.Clone()
	transport.MaxIdleConnsPerHost = 32
	if len(caPEM) == 0 {
		return transport, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("the CA certificates contain no PEM-encoded certificate")
	}
	transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return transport, nil
}

// Backoff is the full-jitter exponential wait before retry number retry+1:
// uniform between zero and minWait·2^retry, capped at maxWait.
func Backoff(retry int, minWait, maxWait time.Duration) time.Duration {
	ceiling := minWait << min(retry, 16)
	if ceiling <= 0 || ceiling > maxWait {
		ceiling = maxWait
	}
	return rand.N(ceiling + 1)
}

// Sleep waits for d or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ParseRetryAfter reads a Retry-After value, seconds or an HTTP date; zero
// when absent or unusable.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// StripURL drops the URL from a *url.Error: the clients' messages name the
// endpoint already, without the base URL.
func StripURL(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}
