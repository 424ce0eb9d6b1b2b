package jsm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

// maxBodyBytes bounds one response body; a Service Desk page is far smaller.
const maxBodyBytes = 64 << 20

// request describes one GET against the API.
type request struct {
	path         string
	query        url.Values
	experimental bool
}

// endpoint is the request as errors and logs show it: path and query,
// relative to the base URL, never credentials.
func (r request) endpoint() string {
	if len(r.query) == 0 {
		return r.path
	}
	return r.path + "?" + r.query.Encode()
}

// get runs the request with retries and returns the body of a 2xx answer.
// 429 and 503 wait for Retry-After; other 5xx answers, transport errors and
// bodies cut off in transit back off exponentially with jitter.
func (c *Client) get(ctx context.Context, r request) ([]byte, error) {
	u, err := c.endpointURL(r.path, r.query)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		body, retryAfter, err := c.attempt(ctx, u, r)
		if err == nil {
			return body, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if attempt >= c.cfg.MaxRetries || !retryable(err) {
			if t, ok := httpbase.AsTransportError(err); ok {
				t.Attempts = attempt + 1
			}
			return nil, err
		}
		wait := httpbase.Backoff(attempt, c.cfg.RetryWaitMin, c.cfg.RetryWaitMax)
		if retryAfter > 0 {
			wait = retryAfter
			c.pacer.Pause(retryAfter)
		}
		c.logger.Debug(ctx, "retrying JSM request", map[string]any{
			"endpoint": r.endpoint(), "attempt": attempt + 1, "wait": wait.String(), "error": err.Error(),
		})
		if err := httpbase.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// retryable reports whether another attempt may succeed. A host that does
// not resolve or refuses connections is not retried: it fails fast, naming
// the base URL.
func retryable(err error) bool {
	if t, ok := httpbase.AsTransportError(err); ok {
		return t.Retryable()
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode == http.StatusTooManyRequests || (apiErr.StatusCode >= 500 && apiErr.StatusCode != http.StatusNotImplemented)
	}
	return false
}

func (c *Client) attempt(ctx context.Context, u *url.URL, r request) ([]byte, time.Duration, error) {
	if err := c.pacer.Wait(ctx); err != nil {
		return nil, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, 0, err
	}
	c.authorize(req)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if r.experimental {
		req.Header.Set("X-ExperimentalApi", "opt-in")
	}
	started := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled) {
			return nil, 0, ctx.Err()
		}
		return nil, 0, c.transportError(ctx, r, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	c.logger.Debug(ctx, "JSM request", map[string]any{
		"method": "GET", "endpoint": r.endpoint(), "status": resp.StatusCode, "duration_ms": time.Since(started).Milliseconds(), "bytes": len(body),
	})
	if err != nil {
		return nil, 0, c.transportError(ctx, r, fmt.Errorf("the response body was cut off after %d bytes: %w", len(body), err))
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return body, 0, nil
	}
	apiErr := &APIError{StatusCode: resp.StatusCode, Method: http.MethodGet, Endpoint: r.endpoint(), Message: errorMessageFrom(body)}
	var retryAfter time.Duration
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		retryAfter = httpbase.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if retryAfter > c.cfg.RetryWaitMax {
			retryAfter = c.cfg.RetryWaitMax
		}
	}
	return nil, retryAfter, apiErr
}

func (c *Client) transportError(attemptCtx context.Context, r request, err error) *httpbase.TransportError {
	return httpbase.NewTransportError("JSM", http.MethodGet, r.endpoint(), c.base.Host, c.cfg.Timeout, attemptCtx, err)
}

func (c *Client) authorize(req *http.Request) {
	if c.cfg.AuthType == AuthBearer {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIToken)
		return
	}
	req.SetBasicAuth(c.cfg.Username, c.cfg.APIToken)
}
