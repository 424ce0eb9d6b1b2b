package port

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

// misstatedReset makes every answer of the fake Port say that the budget is
// spent until x-ratelimit-reset, with the value reset, as a Port (or a proxy)
// that misstates its reset would.
type misstatedReset struct {
	reset string
	next  http.RoundTripper
}

func (m misstatedReset) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := m.next.RoundTrip(req)
	if err == nil {
		resp.Header.Set("x-ratelimit-remaining", "0")
		resp.Header.Set("x-ratelimit-reset", m.reset)
		resp.Header.Del("Retry-After")
	}
	return resp, err
}

func withMisstatedReset(reset string) func(*Config) {
	return func(c *Config) {
		c.HTTPClient = &http.Client{Transport: misstatedReset{reset: reset, next: c.HTTPClient.Transport}}
		c.MaxServerWait = 5 * time.Minute
	}
}

// patience bounds how long a call may sit before the test calls it a silent
// wait: far below the waits past the cap, far above a request.
const patience = 10 * time.Second

func withPatience(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	t.Cleanup(cancel)
	return ctx
}

// TestSpentBudgetPastTheCapFailsAtOnce is defect 5 of issue 16: a reset of
// 100000000 seconds, or of 60000 (milliseconds read as seconds), held the
// next request for years or hours.
func TestSpentBudgetPastTheCapFailsAtOnce(t *testing.T) {
	for reset, human := range map[string]string{"100000000": "27,777 h", "60000": "16.7 h"} {
		t.Run(reset, func(t *testing.T) { spentBudgetPastTheCap(t, reset, human) })
	}
}

func spentBudgetPastTheCap(t *testing.T, reset, human string) {
	h := newHarness(t, nil, withMisstatedReset(reset))
	ctx := withPatience(t)
	if _, err := h.c.GetBlueprint(ctx, bp); err != nil {
		t.Fatalf("the first request: %v", err)
	}
	_, err := h.c.GetBlueprint(ctx, bp)
	var tooLong *httpbase.WaitTooLongError
	if !errors.As(err, &tooLong) || !httpbase.NeverSent(err) {
		t.Fatalf("the second request: %v, want a WaitTooLongError before it is sent", err)
	}
	want := "Port asked to wait " + human + " (x-ratelimit-reset: " + reset + "), longer than max_server_wait (5m0s)"
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("%q, want it to start with %q", err, want)
	}
	if n := h.count("GET", "/v1/blueprints/{blueprint}"); n != 1 {
		t.Errorf("%d GET requests, want 1", n)
	}
}

// TestRateLimitResetPastTheCapFailsAt429: a 429 without Retry-After is
// retried after x-ratelimit-reset; past the cap it is not retried at all.
func TestRateLimitResetPastTheCapFailsAt429(t *testing.T) {
	h := newHarness(t, nil, withMisstatedReset("60000"))
	h.srv.FailRequests("GET", "/v1/blueprints/"+bp, http.StatusTooManyRequests, 1)
	_, err := h.c.GetBlueprint(withPatience(t), bp)
	var tooLong *httpbase.WaitTooLongError
	if !errors.As(err, &tooLong) || !httpbase.IsStatus(err, http.StatusTooManyRequests) {
		t.Fatalf("%v, want a WaitTooLongError with the 429", err)
	}
	if !strings.Contains(err.Error(), "Port asked to wait 16.7 h (x-ratelimit-reset: 60000)") {
		t.Errorf("got %q", err)
	}
	if n := h.count("GET", "/v1/blueprints/{blueprint}"); n != 1 {
		t.Errorf("%d GET requests, want 1: no retry", n)
	}
}

func TestRetryAfterPastTheCapFailsAtOnce(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.MaxServerWait = 5 * time.Minute })
	// The token request is the first request, the GET the second.
	h.srv.RateLimitEvery(2, 100000000*time.Second)
	_, err := h.c.GetBlueprint(withPatience(t), bp)
	var tooLong *httpbase.WaitTooLongError
	if !errors.As(err, &tooLong) || !httpbase.IsStatus(err, http.StatusTooManyRequests) {
		t.Fatalf("%v, want a WaitTooLongError with the 429", err)
	}
	if !strings.Contains(err.Error(), "Port asked to wait 27,777 h (Retry-After: 100000000), longer than max_server_wait (5m0s)") {
		t.Errorf("got %q", err)
	}
}

// TestSpentBudgetWithinTheCapIsWaitedOut: a reset a second away holds the
// next request until then.
func TestSpentBudgetWithinTheCapIsWaitedOut(t *testing.T) {
	h := newHarness(t, nil, withMisstatedReset("1"))
	ctx := withPatience(t)
	if _, err := h.c.GetBlueprint(ctx, bp); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	if _, err := h.c.GetBlueprint(ctx, bp); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(started); waited < 900*time.Millisecond {
		t.Errorf("the second request went after %v, before the reset a second away", waited)
	}
}
