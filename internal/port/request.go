package port

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
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
	defer phases.Start(ctx, phases.PortDecode)()
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("the answer of Port to %s %s is not the JSON its API documents: %w", r.method, r.path, err)
	}
	return nil
}

// send runs the request with retries (see httpbase.Client.Do) and returns
// the body of a 2xx answer. A 401 to an authenticated request drops the
// token and repeats the request once with a fresh one.
func (c *Client) send(ctx context.Context, r request) ([]byte, error) {
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	req := httpbase.Request{Method: r.method, URL: u, Endpoint: r.path, Body: r.body, Idempotent: r.idempotent, Lane: rateLimitOf(r)}
	if !r.noAuth {
		req.Auth = (*tokenAuth)(c)
	}
	return c.core.Do(ctx, req)
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

// rateBudget reads Port's x-ratelimit-remaining and x-ratelimit-reset, with
// x-ratelimit-period (seconds) when present; nil when the answer states no
// budget.
func rateBudget(h http.Header, now time.Time) *httpbase.Budget {
	remaining, err := strconv.Atoi(strings.TrimSpace(h.Get("x-ratelimit-remaining")))
	reset := rateLimitReset(h, now)
	if err != nil || reset.Wait <= 0 {
		return nil
	}
	period, _ := strconv.Atoi(strings.TrimSpace(h.Get("x-ratelimit-period")))
	return &httpbase.Budget{Remaining: remaining, Reset: now.Add(reset.Wait), Period: time.Duration(period) * time.Second, ResetFrom: reset.From}
}

// retryWait reads Retry-After (seconds or an HTTP date) and, failing that,
// Port's x-ratelimit-reset. Port's rate-limit page has documented the latter
// both as the reset time in UTC epoch seconds and as seconds until the reset;
// a value that can only be a Unix time (seconds or milliseconds) is read as
// one, a smaller one as seconds. Zero when neither says anything usable.
func retryWait(h http.Header, now time.Time) httpbase.ServerWait {
	if w := httpbase.RetryAfterWait(h, now); w.Wait > 0 {
		return w
	}
	return rateLimitReset(h, now)
}

// rateLimitReset is the wait until the reset x-ratelimit-reset states.
func rateLimitReset(h http.Header, now time.Time) httpbase.ServerWait {
	v := h.Get("x-ratelimit-reset")
	return httpbase.ServerWait{Wait: parseRateLimitReset(v, now), From: httpbase.HeaderField{Name: "x-ratelimit-reset", Value: v}}
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
