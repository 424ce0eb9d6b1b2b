// Package port is a client for Port's REST API (the internal developer
// portal): access tokens, blueprints, entities, bulk writes and search, with
// retries, rate-limit handling and bounded concurrency. It knows nothing of
// Terraform.
package port

import (
	"cmp"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
)

// Port's API hosts.
const (
	DefaultBaseURL = "https://api.port.io"
	USBaseURL      = "https://api.us.port.io"
)

// Defaults used when a Config field is zero; the retry and user-agent
// defaults are httpbase's.
const (
	DefaultTimeout     = 60 * time.Second
	DefaultConcurrency = 4
)

// Config configures a Client.
type Config struct {
	// BaseURL is DefaultBaseURL (EU, used when empty) or USBaseURL.
	BaseURL      string
	ClientID     string
	ClientSecret string
	// Concurrency bounds the bulk requests in flight at once for one call.
	Concurrency int
	// Options are the HTTP settings; a zero Timeout is DefaultTimeout. A
	// RequestsPerSecond of 0 means no limit beyond Concurrency and the
	// budget Port states on every answer (x-ratelimit-remaining until
	// x-ratelimit-reset), which the client always follows: it spreads what
	// is left over the time to the reset and waits for the reset when
	// nothing is left.
	httpbase.Options
}

// Client talks to one Port organization. It is safe for concurrent use.
type Client struct {
	base   string
	cfg    Config
	core   *httpbase.Client
	logger httpbase.Logger
	tokens tokenCache
}

// New checks cfg and returns a Client. It does not contact Port: the first
// request fetches the access token.
func New(cfg Config) (*Client, error) {
	base, err := httpbase.ParseBaseURL("Port", cmp.Or(cfg.BaseURL, DefaultBaseURL), DefaultBaseURL+" or "+USBaseURL, "/v1")
	if err != nil {
		return nil, err
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("the Port client needs both a client ID and a client secret")
	}
	if cfg.Options, err = cfg.WithDefaults(DefaultTimeout); err != nil {
		return nil, err
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	c := &Client{base: base.String(), cfg: cfg, logger: cfg.Logger, tokens: tokenCache{sem: make(chan struct{}, 1)}}
	c.core = httpbase.New(httpbase.Settings{
		Options:      cfg.Options,
		Service:      "Port",
		NetworkPhase: phases.PortNetwork,
		Host:         base.Host,
		MaxBodyBytes: maxResponseBytes,
		ErrorBody:    errorEnvelopeFrom,
		Redact:       c.redact,
		RetryAfter:   retryWait,
		RateBudget:   rateBudget,
	})
	return c, nil
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
