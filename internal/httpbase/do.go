package httpbase

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
)

// Request is one call to an API.
type Request struct {
	Method string
	// URL is the absolute URL, query included.
	URL string
	// Endpoint is the request as errors and logs show it: relative to the
	// base URL, never credentials.
	Endpoint string
	// Body is JSON; nil sends no body.
	Body []byte
	// Header holds extra headers, such as JSM's X-ExperimentalApi.
	Header http.Header
	// Idempotent requests are retried after 5xx answers and transport
	// errors, which may come after the request took effect. 429 is always
	// retried: it means the request was not processed.
	Idempotent bool
	// Lane names the server's rate limit the request counts against (see
	// Pacer.Lane); "" when the server states none.
	Lane string
	// Auth authorizes the request; nil sends no Authorization header.
	Auth Authorizer
	// Observe, when not nil, sees the status and headers of every answer,
	// retried ones included.
	Observe func(status int, h http.Header)
}

// Authorizer supplies the Authorization header of a request.
type Authorizer interface {
	// Authorization returns the header value for one attempt. An error means
	// the request is never sent (see NeverSent).
	Authorization(ctx context.Context) (string, error)
	// Refused is told that the server answered 401 to value; true has the
	// request repeated once, with what Authorization returns next. The
	// repetition does not count as a retry.
	Refused(value string) bool
}

// Do runs the request with retries and returns the body of a 2xx answer.
// 429 and 503 wait for what the server asks (Settings.RetryAfter) and pause
// every request of the client; other retryable failures (see Retryable) back
// off exponentially with jitter. A wait the server asks for that is longer
// than MaxServerWait is a *WaitTooLongError at once, with no further retry.
func (c *Client) Do(ctx context.Context, r Request) ([]byte, error) {
	refreshed := false
	for retries := 0; ; {
		var auth string
		if r.Auth != nil {
			var err error
			if auth, err = r.Auth.Authorization(ctx); err != nil {
				return nil, &notSentError{err}
			}
		}
		body, asked, err := c.attempt(ctx, r, auth)
		if err == nil {
			return body, nil
		}
		var final *finalRefusal
		if errors.As(err, &final) {
			return nil, final.err
		}
		if ctx.Err() != nil {
			return nil, c.abandoned(r, ctx.Err())
		}
		if auth != "" && !refreshed && IsStatus(err, http.StatusUnauthorized) && r.Auth.Refused(auth) {
			refreshed = true
			c.s.Logger.Debug(ctx, c.s.Service+" refused the credentials; repeating the request with new ones", map[string]any{
				"method": r.Method, "endpoint": r.Endpoint,
			})
			continue
		}
		if retries >= c.s.MaxRetries || !Retryable(err, r.Idempotent) {
			if t, ok := AsTransportError(err); ok {
				t.Attempts = retries + 1
			}
			return nil, err
		}
		wait, tooLong := c.retryWait(asked, retries, err)
		if tooLong != nil {
			return nil, tooLong
		}
		retries++
		c.s.Logger.Debug(ctx, "retrying "+c.s.Service+" request", map[string]any{
			"method": r.Method, "endpoint": r.Endpoint, "retry": retries, "wait": wait.String(), "error": err.Error(),
		})
		if err := Sleep(ctx, wait); err != nil {
			return nil, c.abandoned(r, err)
		}
	}
}

// retryWait is how long to wait before retry number retries+1 after err: what
// the server asked, which pauses every request of the client, or else a
// backoff. A wait asked for past the cap is an error wrapping err.
func (c *Client) retryWait(asked ServerWait, retries int, err error) (time.Duration, error) {
	if asked.Wait <= 0 {
		return Backoff(retries, c.s.RetryWaitMin, c.s.RetryWaitMax), nil
	}
	if tooLong := c.s.waitCap().tooLong(asked, time.Now()); tooLong != nil {
		tooLong.Err = err
		return 0, tooLong
	}
	c.pacer.Pause(asked.Wait)
	return asked.Wait, nil
}

func (c *Client) abandoned(r Request, err error) error {
	return fmt.Errorf("the request %s %s to %s was abandoned: %w", r.Method, r.Endpoint, c.s.Service, err)
}

// Retryable reports whether another attempt may succeed: 429 always, 5xx
// but 501 and failures in transit when the request is idempotent. A host
// that does not resolve or refuses connections is not retried: it fails
// fast, naming the base URL.
func Retryable(err error, idempotent bool) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		if apiErr.StatusCode == http.StatusTooManyRequests {
			return true
		}
		return idempotent && apiErr.StatusCode >= 500 && apiErr.StatusCode != http.StatusNotImplemented
	}
	if t, ok := AsTransportError(err); ok {
		return idempotent && t.Retryable()
	}
	return false
}

// attempt sends the request once. asked is how long the server asked the
// client to wait before trying again (429 and 503). A lane held past the cap
// fails the request before it is sent.
func (c *Client) attempt(ctx context.Context, r Request, auth string) (body []byte, asked ServerWait, err error) {
	lane := c.pacer.Lane(r.Lane)
	admitted, err := lane.admitNext(ctx)
	if err != nil {
		var tooLong *WaitTooLongError
		if errors.As(err, &tooLong) {
			err = &notSentError{err}
		}
		return nil, asked, err
	}
	var budget *Budget
	defer func() { c.release(ctx, lane, admitted, budget) }()
	ctx, cancel := context.WithTimeout(ctx, c.s.Timeout)
	defer cancel()
	var rd io.Reader
	if r.Body != nil {
		rd = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, rd)
	if err != nil {
		return nil, asked, err
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.s.UserAgent)
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	started := time.Now()
	inFlight := phases.Start(ctx, c.s.NetworkPhase)
	defer inFlight()
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, asked, c.transportError(ctx, r, err)
	}
	defer resp.Body.Close()
	if r.Observe != nil {
		r.Observe(resp.StatusCode, resp.Header)
	}
	if c.s.RateBudget != nil {
		budget = c.s.RateBudget(resp.Header, time.Now())
	}
	body, err = c.readBody(resp)
	c.s.Logger.Debug(ctx, c.s.Service+" request", map[string]any{
		"method": r.Method, "endpoint": r.Endpoint, "status": resp.StatusCode,
		"duration_ms": time.Since(started).Milliseconds(), "bytes_sent": len(r.Body), "bytes_received": len(body),
	})
	if err != nil {
		return nil, asked, c.transportError(ctx, r, fmt.Errorf("the response body was cut off after %d bytes: %w", len(body), err))
	}
	if len(body) > c.s.MaxBodyBytes {
		return nil, asked, fmt.Errorf("the answer of %s to %s %s is larger than %d MiB", c.s.Service, r.Method, r.Endpoint, c.s.MaxBodyBytes>>20)
	}
	if err := c.vet(r, resp, body); err != nil {
		return nil, asked, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return body, asked, nil
	}
	apiErr := c.newAPIError(resp.StatusCode, r.Method, r.Endpoint, body)
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		now := time.Now()
		asked = c.s.RetryAfter(resp.Header, now)
		if c.s.Refusal != nil {
			if err := c.s.Refusal(resp.Header, now, apiErr); err != nil {
				lane.refuse(err, now.Add(asked.Wait))
				return nil, ServerWait{}, &finalRefusal{err}
			}
		}
	}
	return nil, asked, apiErr
}

// vet is what an answer is before its status says anything: the client's
// own check (Settings.Vet), then an HTML page where JSON was expected.
func (c *Client) vet(r Request, resp *http.Response, body []byte) error {
	if c.s.Vet != nil {
		if err := c.s.Vet(resp.StatusCode, resp.Header, body); err != nil {
			return err
		}
	}
	return c.htmlAnswer(r, resp, body)
}

// finalRefusal carries the error Settings.Refusal made of an answer, which
// ends the request without a retry.
type finalRefusal struct{ err error }

func (e *finalRefusal) Error() string { return e.err.Error() }
func (e *finalRefusal) Unwrap() error { return e.err }

// release hands the budget the server stated on an answer to the pacer,
// which slows the client down before the server refuses it.
func (c *Client) release(ctx context.Context, lane *Lane, a admission, b *Budget) {
	if paused := lane.release(a, b); paused > 0 && b != nil {
		c.s.Logger.Debug(ctx, c.s.Service+" rate-limit budget spent; requests wait for the window to reset", map[string]any{
			"remaining": b.Remaining, "wait": paused.String(),
		})
	}
}

func (c *Client) transportError(attemptCtx context.Context, r Request, err error) *TransportError {
	return NewTransportError(c.s.Service, r.Method, r.Endpoint, c.s.Host, c.s.Timeout, attemptCtx, err)
}

// notSentError is a failure before the request left the client: no
// credentials could be had, or its rate-limit lane is held past the cap.
// Nothing was written.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// NeverSent reports whether err says the request never reached the server
// (no credentials, a lane held past the cap, a host that does not resolve or
// refuses connections), so
// that it cannot have written anything.
func NeverSent(err error) bool {
	var ns *notSentError
	if errors.As(err, &ns) {
		return true
	}
	t, ok := AsTransportError(err)
	return ok && t.Cause == CauseUnreachable
}
