// Package jsm is a client for the Jira Service Management Service Desk REST
// API: authentication, retries, rate limiting and a concurrent pager.
package jsm

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Auth types accepted by Config.AuthType.
const (
	AuthBasic  = "basic"
	AuthBearer = "bearer"
)

// Defaults used when a Config field is zero.
const (
	DefaultPageSize    = 50
	DefaultConcurrency = 8
	DefaultTimeout     = 30 * time.Second
	DefaultMaxRetries  = 5
	defaultRetryWait   = 500 * time.Millisecond
	defaultRetryMax    = 30 * time.Second
)

// APIPrefix is the path of the Service Desk API below a site or gateway URL.
const APIPrefix = "/rest/servicedeskapi"

// Config configures a Client.
type Config struct {
	// BaseURL is the site (https://your-domain.atlassian.net) or the scoped
	// token gateway (https://api.atlassian.com/ex/jira/{cloudId}).
	BaseURL  string
	AuthType string
	// Username is the account's email address, for basic auth.
	Username string
	// APIToken is the API token (basic) or the OAuth 2.0 access token (bearer).
	APIToken string
	// PageSize is the limit sent with every page request.
	PageSize int
	// Concurrency bounds the pages in flight at once for one list.
	Concurrency int
	// RequestsPerSecond limits the request rate of the client; 0 means no limit
	// beyond Concurrency.
	RequestsPerSecond float64
	// Timeout bounds each HTTP request, including reading its body.
	Timeout time.Duration
	// MaxRetries is how often a failed request is retried; negative disables retries.
	MaxRetries int
	// RetryWaitMin is the first backoff wait; it doubles up to RetryWaitMax.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// CACertificatesPEM are extra trusted roots, for sites behind a proxy or
	// a self-signed certificate; the system roots stay trusted.
	CACertificatesPEM []byte
	// HTTPClient replaces the default client (http.DefaultTransport's settings,
	// proxies from HTTPS_PROXY/NO_PROXY); CACertificatesPEM is then ignored.
	HTTPClient *http.Client
	UserAgent  string
	// Logger receives one line per request; it never sees credentials.
	Logger Logger
}

// Logger is the logging the client does; the provider adapts it to tflog.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

type noLogger struct{}

func (noLogger) Debug(context.Context, string, map[string]any) {}

// Client talks to one JSM site. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	cfg     Config
	http    *http.Client
	limiter *rate.Limiter
	logger  Logger

	// pauseUntil is set by a 429 or 503 answer with Retry-After, so that every
	// request of the client waits, not only the one that was refused.
	pauseMu    sync.Mutex
	pauseUntil time.Time
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	switch cfg.AuthType {
	case "", AuthBasic:
		cfg.AuthType = AuthBasic
		if cfg.Username == "" || cfg.APIToken == "" {
			return nil, errors.New("basic authentication needs both a username (the account's email address) and an API token")
		}
	case AuthBearer:
		if cfg.APIToken == "" {
			return nil, errors.New("bearer authentication needs an access token")
		}
	default:
		return nil, fmt.Errorf("unknown auth type %q: use %q or %q", cfg.AuthType, AuthBasic, AuthBearer)
	}
	if cfg.HTTPClient == nil {
		transport, err := newTransport(cfg.CACertificatesPEM)
		if err != nil {
			return nil, err
		}
		cfg.HTTPClient = &http.Client{Transport: transport}
	}
	applyDefaults(&cfg)
	limiter := rate.NewLimiter(rate.Inf, 1)
	if cfg.RequestsPerSecond > 0 {
		limiter = rate.NewLimiter(rate.Limit(cfg.RequestsPerSecond), max(1, int(cfg.RequestsPerSecond)))
	}
	return &Client{base: base, cfg: cfg, http: cfg.HTTPClient, limiter: limiter, logger: cfg.Logger}, nil
}

func applyDefaults(cfg *Config) {
	if cfg.PageSize <= 0 {
		cfg.PageSize = DefaultPageSize
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
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
	if cfg.Logger == nil {
		cfg.Logger = noLogger{}
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "terraform-provider-portjsm"
	}
}

func newTransport(caPEM []byte) (*http.Transport, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	// Pages are fetched ahead in parallel: keep a connection per worker.
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

func parseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("the JSM base URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("the JSM base URL %q is not a URL: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("the JSM base URL %q must be an absolute http(s) URL such as https://your-domain.atlassian.net", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("the JSM base URL %q must not carry a query, fragment or credentials", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.Path = strings.TrimSuffix(u.Path, APIPrefix)
	u.RawPath = ""
	return u, nil
}

// PageSize is the limit the client sends on each page.
func (c *Client) PageSize() int { return c.cfg.PageSize }

// endpointURL resolves an API path (with or without the /rest/servicedeskapi
// prefix) and a query against the base URL. Absolute URLs are refused so that
// credentials are never sent to another host.
func (c *Client) endpointURL(path string, query url.Values) (*url.URL, error) {
	if strings.Contains(path, "://") || strings.HasPrefix(path, "//") {
		return nil, fmt.Errorf("the path %q must be relative to the Service Desk API, such as /servicedesk", path)
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("the path %q must not contain a query or fragment: pass query parameters separately", path)
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == ".." || seg == "." {
			return nil, fmt.Errorf("the path %q must not contain . or .. segments", path)
		}
	}
	if !strings.HasPrefix(path, APIPrefix+"/") && path != APIPrefix {
		path = APIPrefix + path
	}
	u := *c.base
	u.Path = c.base.Path + path
	u.RawQuery = query.Encode()
	return &u, nil
}
