package port

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

const tokenPath = "/v1/auth/access_token"

// tokenCache holds the access token. sem lets one goroutine fetch a token at
// a time while the others wait for it (or give up with their context).
type tokenCache struct {
	mu        sync.Mutex
	token     string
	refreshAt time.Time
	sem       chan struct{}
	// issued is set once Port has issued a token with these credentials.
	issued bool
}

// current returns the cached token, or "" when it is due for a refresh.
func (t *tokenCache) current(now time.Time) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token == "" || !now.Before(t.refreshAt) {
		return ""
	}
	return t.token
}

func (t *tokenCache) set(token string, refreshAt time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.token, t.refreshAt, t.issued = token, refreshAt, true
}

func (t *tokenCache) hadToken() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.issued
}

// invalidate drops token if it is still the cached one, so that many requests
// refused with the same token cause one refresh, not one each.
func (t *tokenCache) invalidate(token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token == token {
		t.token = ""
	}
}

// refreshMargin is how long before expiry a token is replaced: 10% of its
// lifetime or 60 seconds, whichever is larger, but at most half the lifetime
// so that short-lived tokens are still reused. Port's tokens live for hours,
// so in practice a token is replaced when a tenth of its lifetime is left.
func refreshMargin(life time.Duration) time.Duration {
	return min(max(life/10, time.Minute), life/2)
}

// accessToken returns a valid access token, fetching a new one when the
// cached one is missing or due for a refresh.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	if tok := c.tokens.current(time.Now()); tok != "" {
		return tok, nil
	}
	select {
	case c.tokens.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-c.tokens.sem }()
	if tok := c.tokens.current(time.Now()); tok != "" {
		return tok, nil
	}
	return c.fetchToken(ctx)
}

// SignIn fetches the access token now, where the first request would, so
// that credentials Port refuses are one error of the caller's, not one for
// every call that needs Port. The token is kept for those calls.
func (c *Client) SignIn(ctx context.Context) error {
	_, err := c.accessToken(ctx)
	return err
}

// tokenAuth authorizes requests with the client's access token.
type tokenAuth Client

func (a *tokenAuth) Authorization(ctx context.Context) (string, error) {
	tok, err := (*Client)(a).accessToken(ctx)
	if err != nil {
		return "", err
	}
	return "Bearer " + tok, nil
}

// Refused drops the token Port refused and has the request repeated with a
// new one.
func (a *tokenAuth) Refused(value string) bool {
	a.tokens.invalidate(strings.TrimPrefix(value, "Bearer "))
	return true
}

type tokenResponse struct {
	AccessToken string  `json:"accessToken"`
	ExpiresIn   float64 `json:"expiresIn"`
	TokenType   string  `json:"tokenType"`
}

func (c *Client) fetchToken(ctx context.Context) (string, error) {
	body, err := encodeJSON(map[string]string{"clientId": c.cfg.ClientID, "clientSecret": c.cfg.ClientSecret})
	if err != nil {
		return "", err
	}
	started := time.Now()
	var resp tokenResponse
	err = c.do(ctx, request{method: http.MethodPost, path: tokenPath, body: body, idempotent: true, noAuth: true}, &resp)
	if err != nil {
		var apiErr *httpbase.APIError
		if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden) {
			return "", &CredentialsError{Err: apiErr, Renewal: c.tokens.hadToken(), BaseURL: c.base}
		}
		return "", fmt.Errorf("could not get an access token from Port: %w", err)
	}
	if resp.AccessToken == "" {
		return "", fmt.Errorf("the answer of Port to POST %s has no accessToken", tokenPath)
	}
	if resp.TokenType != "" && !strings.EqualFold(resp.TokenType, "Bearer") {
		return "", fmt.Errorf("the Port API issued an access token of type %q; this client only knows Bearer tokens", resp.TokenType)
	}
	// A token without a usable lifetime is used for this request only.
	life := max(time.Duration(resp.ExpiresIn*float64(time.Second)), 0)
	keep := life - refreshMargin(life)
	c.tokens.set(resp.AccessToken, started.Add(keep))
	c.logger.Debug(ctx, "Port access token obtained", map[string]any{
		"expires_in_s": resp.ExpiresIn, "refresh_in_s": keep.Seconds(),
	})
	return resp.AccessToken, nil
}

// redact hides the client secret and the access token in text that came from
// the server, should it ever echo them.
func (c *Client) redact(s string) string {
	if s == "" {
		return s
	}
	c.tokens.mu.Lock()
	tok := c.tokens.token
	c.tokens.mu.Unlock()
	for _, secret := range []string{c.cfg.ClientSecret, tok} {
		if len(secret) >= 6 {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}
