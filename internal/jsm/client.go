// Package jsm is a client for the Jira Service Management Service Desk REST
// API: authentication, retries, rate limiting and a concurrent pager.
package jsm

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
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
	DefaultMaxReads    = 3
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
	// MaxReads bounds how often List reads one list whose reads keep
	// repeating items (see List).
	MaxReads int
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
	Logger httpbase.Logger
}

// Client talks to one JSM site. It is safe for concurrent use.
type Client struct {
	base   *url.URL
	cfg    Config
	http   *http.Client
	pacer  *httpbase.Pacer
	logger httpbase.Logger
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
		transport, err := httpbase.NewTransport(cfg.CACertificatesPEM)
		if err != nil {
			return nil, err
		}
		cfg.HTTPClient = &http.Client{Transport: transport}
	}
	applyDefaults(&cfg)
	return &Client{base: base, cfg: cfg, http: cfg.HTTPClient, pacer: httpbase.NewPacer(cfg.RequestsPerSecond), logger: cfg.Logger}, nil
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
	if cfg.MaxReads <= 0 {
		cfg.MaxReads = DefaultMaxReads
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
		cfg.Logger = httpbase.NopLogger{}
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "terraform-provider-portjsm"
	}
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
