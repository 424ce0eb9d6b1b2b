package port

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

// maxResponseBytes bounds one response body; a search page of 1,000 large
// entities stays far below it.
const maxResponseBytes = 256 << 20

// request describes one call to the API.
type request struct {
	method string
	// path is escaped and relative to the base URL, e.g. /v1/blueprints/a%2Fb.
	path  string
	query url.Values
	body  []byte // JSON; nil sends no body
	// idempotent requests are retried after 5xx answers and transport errors,
	// which may come after the request took effect. 429 is always retried:
	// it means the request was not processed.
	idempotent bool
	// noAuth is set for the token request itself.
	noAuth bool
}

// do runs the request and decodes a 2xx answer into out (unless out is nil).
func (c *Client) do(ctx context.Context, r request, out any) error {
	body, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("the answer of Port to %s %s is not the JSON its API documents: %w", r.method, r.path, err)
	}
	return nil
}

// send runs the request with retries and returns the body of a 2xx answer.
// A 401 to an authenticated request drops the token and repeats the request
// once with a fresh one; this does not count as a retry.
func (c *Client) send(ctx context.Context, r request) ([]byte, error) {
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	refreshed := false
	for retries := 0; ; {
		var token string
		if !r.noAuth {
			var err error
			if token, err = c.accessToken(ctx); err != nil {
				return nil, &notSentError{err}
			}
		}
		body, wait, err := c.attempt(ctx, u, r, token)
		if err == nil {
			return body, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("the request %s %s to Port was abandoned: %w", r.method, r.path, ctx.Err())
		}
		if token != "" && !refreshed && IsStatus(err, http.StatusUnauthorized) {
			refreshed = true
			c.tokens.invalidate(token)
			c.logger.Debug(ctx, "Port refused the access token; getting a new one", map[string]any{
				"method": r.method, "endpoint": r.path,
			})
			continue
		}
		if retries >= c.cfg.MaxRetries || !retryable(err, r.idempotent) {
			if t, ok := httpbase.AsTransportError(err); ok {
				t.Attempts = retries + 1
			}
			return nil, err
		}
		if wait > 0 {
			c.pacer.Pause(wait)
		} else {
			wait = httpbase.Backoff(retries, c.cfg.RetryWaitMin, c.cfg.RetryWaitMax)
		}
		retries++
		c.logger.Debug(ctx, "retrying Port request", map[string]any{
			"method": r.method, "endpoint": r.path, "retry": retries, "wait": wait.String(), "error": err.Error(),
		})
		if err := httpbase.Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("the request %s %s to Port was abandoned: %w", r.method, r.path, err)
		}
	}
}

func retryable(err error, idempotent bool) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		if apiErr.StatusCode == http.StatusTooManyRequests {
			return true
		}
		return idempotent && apiErr.StatusCode >= 500 && apiErr.StatusCode != http.StatusNotImplemented
	}
	// A failure in transit may come after the request reached Port; a host
	// that does not resolve or refuses connections fails fast, naming the
	// base URL.
	if t, ok := httpbase.AsTransportError(err); ok {
		return idempotent && t.Retryable()
	}
	return false
}

// attempt sends the request once. wait is how long Port asked the client to
// wait before trying again (429 and 503), capped at RetryWaitMax.
func (c *Client) attempt(ctx context.Context, u string, r request, token string) (body []byte, wait time.Duration, err error) {
	lane := c.pacer.Lane(rateLimitOf(r))
	if err := lane.Admit(ctx); err != nil {
		return nil, 0, err
	}
	var budget *httpbase.Budget
	defer func() { c.release(ctx, lane, budget) }()
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var rd io.Reader
	if r.body != nil {
		rd = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, rd)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	started := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, c.transportError(ctx, r, err)
	}
	defer resp.Body.Close()
	budget = rateBudget(resp.Header, time.Now())
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	c.logger.Debug(ctx, "Port request", map[string]any{
		"method": r.method, "endpoint": r.path, "status": resp.StatusCode,
		"duration_ms": time.Since(started).Milliseconds(), "bytes_sent": len(r.body), "bytes_received": len(body),
	})
	if err != nil {
		return nil, 0, c.transportError(ctx, r, fmt.Errorf("the answer was cut off after %d bytes: %w", len(body), err))
	}
	if len(body) > maxResponseBytes {
		return nil, 0, fmt.Errorf("the answer of Port to %s %s is larger than %d MiB", r.method, r.path, maxResponseBytes>>20)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return body, 0, nil
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		wait = min(retryWait(resp.Header, time.Now()), c.cfg.RetryWaitMax)
	}
	return nil, wait, newAPIError(resp.StatusCode, r.method, r.path, body, c.redact)
}

func (c *Client) transportError(attemptCtx context.Context, r request, err error) *httpbase.TransportError {
	host := c.base
	if u, perr := url.Parse(c.base); perr == nil {
		host = u.Host
	}
	return httpbase.NewTransportError("Port", r.method, r.path, host, c.cfg.Timeout, attemptCtx, err)
}

// rateLimitOf names the rate limit Port counts a request against: its
// rate-limit page lists unauthenticated requests, entity requests and all
// other requests, each with a budget of its own.
func rateLimitOf(r request) string {
	if r.noAuth {
		return "unauthenticated"
	}
	// "", "v1", "blueprints", blueprint, what...
	if parts := strings.Split(r.path, "/"); len(parts) > 4 && parts[1] == "v1" && parts[2] == "blueprints" {
		switch parts[4] {
		case "entities", "entities-count", "all-entities", "bulk":
			return "entities"
		}
	}
	return "other"
}

// release hands the budget Port stated on an answer to the pacer, which
// slows the client down before Port refuses it.
func (c *Client) release(ctx context.Context, lane *httpbase.Lane, b *httpbase.Budget) {
	if paused := lane.Release(b); paused > 0 && b != nil {
		c.logger.Debug(ctx, "Port rate-limit budget spent; requests wait for the window to reset", map[string]any{
			"remaining": b.Remaining, "wait": paused.String(),
		})
	}
}

// rateBudget reads Port's x-ratelimit-remaining and x-ratelimit-reset, with
// x-ratelimit-period (seconds) when present; nil when the answer states no
// budget.
func rateBudget(h http.Header, now time.Time) *httpbase.Budget {
	remaining, err := strconv.Atoi(strings.TrimSpace(h.Get("x-ratelimit-remaining")))
	untilReset := parseRateLimitReset(h.Get("x-ratelimit-reset"), now)
	if err != nil || untilReset <= 0 {
		return nil
	}
	period, _ := strconv.Atoi(strings.TrimSpace(h.Get("x-ratelimit-period")))
	return &httpbase.Budget{Remaining: remaining, Reset: now.Add(untilReset), Period: time.Duration(period) * time.Second}
}

// retryWait reads Retry-After (seconds or an HTTP date) and, failing that,
// Port's x-ratelimit-reset. Port's rate-limit page has documented the latter
// both as the reset time in UTC epoch seconds and as seconds until the reset;
// a value that can only be a Unix time (seconds or milliseconds) is read as
// one, a smaller one as seconds. Zero when neither says anything usable.
func retryWait(h http.Header, now time.Time) time.Duration {
	if d := httpbase.ParseRetryAfter(h.Get("Retry-After"), now); d > 0 {
		return d
	}
	return parseRateLimitReset(h.Get("x-ratelimit-reset"), now)
}

// Values above these are Unix times, not durations: 1e9 seconds is 31 years.
const (
	unixSecondsFloor = 1e9
	unixMillisFloor  = 1e12
)

func parseRateLimitReset(v string, now time.Time) time.Duration {
	n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || n <= 0 {
		return 0
	}
	var at time.Time
	switch {
	case n >= unixMillisFloor:
		at = time.UnixMilli(int64(n))
	case n >= unixSecondsFloor:
		at = time.Unix(int64(n), 0)
	default:
		return time.Duration(n * float64(time.Second))
	}
	if at.After(now) {
		return at.Sub(now)
	}
	return 0
}

// encodeJSON encodes v without HTML escaping (smaller bodies) and without
// the trailing newline of json.Encoder.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
