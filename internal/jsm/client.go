// Package jsm is a client for the Jira Service Management Service Desk REST
// API: authentication, retries, rate limiting and a concurrent pager.
package jsm

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
)

// Auth types accepted by Config.AuthType.
const (
	AuthBasic  = "basic"
	AuthBearer = "bearer"
)

// Defaults used when a Config field is zero.
const (
	DefaultPageSize    = 50
	DefaultConcurrency = 16
	DefaultTimeout     = 30 * time.Second
	DefaultMaxReads    = 3
	// DefaultMaxRetries and the retry waits are httpbase's.
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
	// Concurrency bounds the pages in flight at once for one list; a
	// RequestsPerSecond of 0 means no limit beyond it.
	Concurrency int
	// MaxReads bounds how often List reads one list whose reads keep
	// repeating items (see List).
	MaxReads int
	// Options are the HTTP settings; a zero Timeout is DefaultTimeout.
	httpbase.Options
}

// Client talks to one JSM site. It is safe for concurrent use.
type Client struct {
	base   *url.URL
	cfg    Config
	core   *httpbase.Client
	auth   staticAuth
	logger httpbase.Logger
	// cloudID is the site's id in a gateway base URL, "" for a site URL.
	cloudID string
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	base, err := ParseSiteURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	var auth staticAuth
	switch cfg.AuthType {
	case "", AuthBasic:
		cfg.AuthType = AuthBasic
		if cfg.Username == "" || cfg.APIToken == "" {
			return nil, errors.New("basic authentication needs both a username (the account's email address) and an API token")
		}
		auth = staticAuth("Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.Username+":"+cfg.APIToken)))
	case AuthBearer:
		if cfg.APIToken == "" {
			return nil, errors.New("bearer authentication needs an access token")
		}
		auth = staticAuth("Bearer " + cfg.APIToken)
	default:
		return nil, fmt.Errorf("unknown auth type %q: use %q or %q", cfg.AuthType, AuthBasic, AuthBearer)
	}
	if cfg.Options, err = cfg.WithDefaults(DefaultTimeout); err != nil {
		return nil, err
	}
	applyDefaults(&cfg)
	c := &Client{base: base, cfg: cfg, auth: auth, logger: cfg.Logger, cloudID: cloudIDOf(base)}
	c.core = httpbase.New(httpbase.Settings{
		Options:      cfg.Options,
		Service:      "JSM",
		NetworkPhase: phases.JSMNetwork,
		Host:         base.Host,
		MaxBodyBytes: maxBodyBytes,
		ErrorBody:    errorMessageFrom,
		Vet:          c.vetAnswer,
		RateBudget:   burstBudget,
		Refusal:      refusalOf(cfg.MaxServerWait),
	})
	return c, nil
}

// applyDefaults sets what only the pager uses.
func applyDefaults(cfg *Config) {
	if cfg.PageSize <= 0 {
		cfg.PageSize = DefaultPageSize
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.MaxReads <= 0 {
		cfg.MaxReads = DefaultMaxReads
	}
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
