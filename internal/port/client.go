// Package port is a client for Port's REST API (the internal developer
// portal): access tokens, blueprints, entities, bulk writes and search, with
// retries, rate-limit handling and bounded concurrency. It knows nothing of
// Terraform.
package port

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

// Port's API hosts.
const (
	DefaultBaseURL = "https://api.port.io"
	USBaseURL      = "https://api.us.port.io"
)

// Defaults used when a Config field is zero.
const (
	DefaultTimeout     = 60 * time.Second
	DefaultMaxRetries  = 5
	DefaultConcurrency = 4
	DefaultUserAgent   = "terraform-provider-portjsm"
	defaultRetryWait   = 500 * time.Millisecond
	defaultRetryMax    = 30 * time.Second
)

// Config configures a Client.
type Config struct {
	// BaseURL is DefaultBaseURL (EU, used when empty) or USBaseURL.
	BaseURL      string
	ClientID     string
	ClientSecret string
	// Timeout bounds each HTTP request, including reading its body.
	Timeout time.Duration
	// MaxRetries is how often a failed request is retried; negative disables retries.
	MaxRetries int
	// RetryWaitMin is the first backoff wait; it doubles up to RetryWaitMax,
	// which also caps waits asked for by Retry-After and x-ratelimit-reset.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// Concurrency bounds the bulk requests in flight at once for one call.
	Concurrency int
	// RequestsPerSecond limits the request rate of the client; 0 means no
	// limit beyond Concurrency and the budget Port states on every answer
	// (x-ratelimit-remaining until x-ratelimit-reset), which the client always
	// follows: it spreads what is left over the time to the reset and waits
	// for the reset when nothing is left.
	RequestsPerSecond float64
	// HTTPClient replaces the default client (http.DefaultTransport's settings,
	// proxies from HTTPS_PROXY/NO_PROXY); CACertificatesPEM is then ignored.
	HTTPClient *http.Client
	// CACertificatesPEM are extra trusted roots, for a proxy that intercepts
	// TLS; the system roots stay trusted.
	CACertificatesPEM []byte
	UserAgent         string
	// Logger receives one line per request; it never sees secrets or tokens.
	Logger httpbase.Logger
}

// Client talks to one Port organization. It is safe for concurrent use.
type Client struct {
	base   string
	cfg    Config
	http   *http.Client
	pacer  *httpbase.Pacer
	logger httpbase.Logger
	tokens tokenCache
}

// New checks cfg and returns a Client. It does not contact Port: the first
// request fetches the access token.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("the Port client needs both a client ID and a client secret")
	}
	if cfg.HTTPClient == nil {
		transport, err := httpbase.NewTransport(cfg.CACertificatesPEM)
		if err != nil {
			return nil, err
		}
		cfg.HTTPClient = &http.Client{Transport: transport}
	}
	applyDefaults(&cfg)
	return &Client{
		base:   base,
		cfg:    cfg,
		http:   cfg.HTTPClient,
		pacer:  httpbase.NewPacer(cfg.RequestsPerSecond),
		logger: cfg.Logger,
		tokens: tokenCache{sem: make(chan struct{}, 1)},
	}, nil
}

func applyDefaults(cfg *Config) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = defaultRetryWait
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = defaultRetryMax
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = cfg.RetryWaitMin
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.Logger == nil {
		cfg.Logger = httpbase.NopLogger{}
	}
}

// parseBaseURL checks the base URL and returns it without a trailing slash
// or /v1, so that a URL copied from Port's API reference works too.
func parseBaseURL(raw string) (string, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("the Port base URL %q is not a URL: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("the Port base URL %q must be an absolute http(s) URL such as %s or %s", raw, DefaultBaseURL, USBaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("the Port base URL %q must not carry a query, fragment or credentials", raw)
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/v1")
	u.RawPath = ""
	return u.String(), nil
}

// escapedPath joins path segments, escaping each one, so that identifiers
// containing "/" or "?" stay one segment.
func escapedPath(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}
