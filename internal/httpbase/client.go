package httpbase

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// Defaults both clients use when a Settings field is zero. Each client
// picks its own default timeout.
const (
	DefaultMaxRetries   = 5
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
	// DefaultMaxServerWait is above Port's 5-minute rate-limit windows, with
	// room for a clock that is a little behind the server's.
	DefaultMaxServerWait = 10 * time.Minute
	DefaultUserAgent     = "terraform-provider-portjsm"
)

// NoRetries is the MaxRetries that disables retries; zero means
// DefaultMaxRetries.
const NoRetries = -1

// Options are the settings every API client has; jsm.Config and
// port.Config embed them.
type Options struct {
	// Timeout bounds each HTTP request, including reading its body.
	Timeout time.Duration
	// MaxRetries is how often a failed request is retried: zero means
	// DefaultMaxRetries, NoRetries (or any negative number) none.
	MaxRetries int
	// RetryWaitMin is the first backoff wait; it doubles up to RetryWaitMax.
	// Neither bounds a wait the server asks for: see MaxServerWait.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// MaxServerWait is the longest wait the client sits through when the
	// server asks for one: Retry-After on a 429 or 503, Port's
	// x-ratelimit-reset, and the hold of a pacer lane until a spent budget
	// resets. A longer wait fails the request at once with a
	// *WaitTooLongError instead of sleeping.
	MaxServerWait time.Duration
	// RequestsPerSecond limits the request rate of the client; 0 means no
	// limit of its own.
	RequestsPerSecond float64
	// HTTPClient replaces the default client (http.DefaultTransport's
	// settings, proxies from HTTPS_PROXY/NO_PROXY); CACertificatesPEM is then
	// ignored.
	HTTPClient *http.Client
	// CACertificatesPEM are extra trusted roots, for a proxy that intercepts
	// TLS or a self-signed certificate; the system roots stay trusted.
	CACertificatesPEM []byte
	UserAgent         string
	// Logger receives one line per request; it never sees credentials.
	Logger Logger
}

// Settings configure a Client: the Options, and what the APIs differ in.
type Settings struct {
	Options
	// Service names the API in messages and logs: "JSM" or "Port".
	Service string
	// NetworkPhase names the phase (package phases) of a request in flight.
	NetworkPhase string
	// Host is the host:port the client dials, named by transport errors.
	Host string
	// MaxBodyBytes bounds one response body.
	MaxBodyBytes int
	// ErrorBody reads the API's error envelope into a code and a message;
	// both empty when the body is not one (the error then quotes the body).
	ErrorBody func(body []byte) (code, message string)
	// Vet reads every answer before its status is looked at; an error it
	// returns is the request's error, never retried, and the body is never
	// used. JSM's client refuses here an answer that says the caller was not
	// logged in, whatever its status. nil checks nothing.
	Vet func(status int, h http.Header, body []byte) error
	// Redact removes secrets the server might echo from error texts; nil
	// leaves them as they are.
	Redact func(string) string
	// RetryAfter reads how long a 429 or 503 answer asks the client to wait,
	// and the header that asks it; nil reads Retry-After (RetryAfterWait).
	RetryAfter func(h http.Header, now time.Time) ServerWait
	// RateBudget reads the budget of a rate limit an answer states, for the
	// pacer's lanes, with the header that stated its reset; nil when the API
	// states none.
	RateBudget func(h http.Header, now time.Time) *Budget
	// Refusal reads a 429 or 503 answer before the client waits and retries:
	// a non-nil error ends the request at once with that error, for a limit
	// that no wait within the run lifts. err is the answer's APIError. Nil
	// retries every such answer.
	Refusal func(h http.Header, now time.Time, err *APIError) error
}

// Client is the HTTP core of the API clients: pacing, retries, error
// classification. It is safe for concurrent use.
type Client struct {
	s     Settings
	http  *http.Client
	pacer *Pacer
	// lastBodyBytes is the size of the last answer's body (see readBody).
	lastBodyBytes atomic.Int64
}

// WithDefaults returns o with every zero field set to its default, and
// defaultTimeout for the timeout. It makes the HTTP client: an error means
// CACertificatesPEM holds no certificate.
func (o Options) WithDefaults(defaultTimeout time.Duration) (Options, error) {
	if o.HTTPClient == nil {
		transport, err := NewTransport(o.CACertificatesPEM)
		if err != nil {
			return o, err
		}
		o.HTTPClient = &http.Client{Transport: transport}
	}
	if o.Timeout <= 0 {
		o.Timeout = defaultTimeout
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = DefaultMaxRetries
	}
	if o.MaxRetries < 0 {
		o.MaxRetries = 0
	}
	if o.RetryWaitMin <= 0 {
		o.RetryWaitMin = DefaultRetryWaitMin
	}
	if o.RetryWaitMax <= 0 {
		o.RetryWaitMax = DefaultRetryWaitMax
	}
	if o.RetryWaitMax < o.RetryWaitMin {
		o.RetryWaitMax = o.RetryWaitMin
	}
	if o.MaxServerWait <= 0 {
		o.MaxServerWait = DefaultMaxServerWait
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Logger == nil {
		o.Logger = NopLogger{}
	}
	return o, nil
}

// New returns a Client; s.Options must have their defaults (WithDefaults).
func New(s Settings) *Client {
	if s.RetryAfter == nil {
		s.RetryAfter = RetryAfterWait
	}
	if s.ErrorBody == nil {
		s.ErrorBody = func([]byte) (string, string) { return "", "" }
	}
	if s.Redact == nil {
		s.Redact = func(s string) string { return s }
	}
	return &Client{s: s, http: s.HTTPClient, pacer: NewPacer(s.RequestsPerSecond, s.waitCap())}
}

func (s Settings) waitCap() WaitCap {
	return WaitCap{Service: s.Service, Max: s.MaxServerWait}
}

// ParseBaseURL checks the base URL of service and returns it without a
// trailing slash or apiPrefix, so that a URL copied from the API's reference
// works too. example names a valid URL in the error.
func ParseBaseURL(service, raw, example, apiPrefix string) (*url.URL, error) {
	if raw == "" {
		return nil, fmt.Errorf("the %s base URL is empty", service)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("the %s base URL %q is not a URL: %w", service, raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("the %s base URL %q must be an absolute http(s) URL such as %s", service, raw, example)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("the %s base URL %q must not carry a query, fragment or credentials", service, raw)
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), apiPrefix)
	u.RawPath = ""
	return u, nil
}
