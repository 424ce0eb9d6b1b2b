package httpbase

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The two waits of issue 16: a reset of 100000000 seconds, and 60000
// (milliseconds that were read as seconds).
const (
	yearsOfWait = 100000000 * time.Second
	hoursOfWait = 60000 * time.Second
)

// patience bounds how long a test lets the client sleep before it calls the
// wait a silent one: far below the waits past the cap, far above a request.
const patience = 10 * time.Second

func TestHumanWait(t *testing.T) {
	for d, want := range map[time.Duration]string{
		yearsOfWait:                    "27,777 h",
		hoursOfWait:                    "16.7 h",
		90 * time.Minute:               "1.5 h",
		7*time.Minute + 30*time.Second: "7m30s",
		1500 * time.Millisecond:        "2s",
	} {
		if got := HumanWait(d); got != want {
			t.Errorf("HumanWait(%v) = %q, want %q", d, got, want)
		}
	}
}

// portClient is a client of a service named Port that sits through server
// waits up to maxWait.
func portClient(t *testing.T, retries int, maxWait time.Duration) *Client {
	t.Helper()
	o, err := Options{MaxRetries: retries, RetryWaitMin: time.Millisecond, RetryWaitMax: 50 * time.Millisecond, MaxServerWait: maxWait}.WithDefaults(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return New(Settings{Options: o, Service: "Port", MaxBodyBytes: 1 << 10})
}

// spentBudget is a budget of nothing left until a reset wait from now, as
// Port states it in x-ratelimit-reset.
func spentBudget(wait time.Duration, header string) *Budget {
	return &Budget{Reset: time.Now().Add(wait), ResetFrom: HeaderField{Name: "x-ratelimit-reset", Value: header}}
}

// admitWithin admits one request, giving up after patience.
func admitWithin(l *Lane) error {
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	return l.Admit(ctx)
}

func TestLaneHeldPastTheCapFailsTheNextRequest(t *testing.T) {
	for _, tc := range []struct {
		wait   time.Duration
		header string
		human  string
	}{
		{yearsOfWait, "100000000", "27,777 h"},
		{hoursOfWait, "60000", "16.7 h"},
	} {
		t.Run(tc.header, func(t *testing.T) { laneHeldPastTheCap(t, tc.wait, tc.header, tc.human) })
	}
}

func laneHeldPastTheCap(t *testing.T, wait time.Duration, header, human string) {
	l := NewPacer(0, WaitCap{Service: "Port", Max: 5 * time.Minute}).Lane("entities")
	underWay(t, l, 1)
	l.Release(spentBudget(wait, header))
	err := admitWithin(l)
	var tooLong *WaitTooLongError
	if !errors.As(err, &tooLong) {
		t.Fatalf("the next request got %v, want a WaitTooLongError at once", err)
	}
	want := "Port asked to wait " + human + " (x-ratelimit-reset: " + header + "), longer than max_server_wait (5m0s): run again after "
	if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "or raise max_server_wait") {
		t.Errorf("%q, want it to start with %q and say what to do", err, want)
	}
	if err := admitWithin(l); !errors.As(err, &tooLong) {
		t.Errorf("a later request got %v: the lane is held until the reset", err)
	}
}

// TestLaneDoesNotSpreadABudgetPastTheCap: spread over years, three requests
// left would go one a year. Past the cap the lane does not pace: the three go
// at once, and the fourth fails.
func TestLaneDoesNotSpreadABudgetPastTheCap(t *testing.T) {
	l := NewPacer(0, WaitCap{Service: "Port", Max: 5 * time.Minute}).Lane("entities")
	underWay(t, l, 1)
	b := spentBudget(yearsOfWait, "100000000")
	b.Remaining = 3
	l.Release(b)
	for i := range 3 {
		if err := admitWithin(l); err != nil {
			t.Fatalf("request %d of the 3 left: %v", i+1, err)
		}
		l.Release(nil)
	}
	var tooLong *WaitTooLongError
	if err := admitWithin(l); !errors.As(err, &tooLong) {
		t.Fatalf("the request after the budget: %v, want a WaitTooLongError", err)
	}
}

func TestLaneWaitsOutAHoldWithinTheCap(t *testing.T) {
	l := NewPacer(0, WaitCap{Service: "Port", Max: time.Second}).Lane("entities")
	underWay(t, l, 1)
	b := spentBudget(300*time.Millisecond, "1")
	b.Period = 2 * time.Second
	l.Release(b)
	if err := admitWithin(l); err != nil {
		t.Fatal(err)
	}
	if early := time.Until(b.Reset); early > 0 {
		t.Errorf("a request went %v before the reset", early)
	}
}

func TestDoRefusesARetryAfterPastTheCapAtOnce(t *testing.T) {
	srv, calls := serve(t, 100, http.StatusTooManyRequests, http.Header{"Retry-After": {"100000000"}})
	c := portClient(t, 5, 5*time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	_, err := c.Do(ctx, Request{Method: "GET", URL: srv.URL, Endpoint: "/x", Idempotent: true})
	var tooLong *WaitTooLongError
	if !errors.As(err, &tooLong) || !IsStatus(err, http.StatusTooManyRequests) || calls.Load() != 1 {
		t.Fatalf("%v after %d calls, want a WaitTooLongError wrapping the 429 after 1 call", err, calls.Load())
	}
	want := "Port answered HTTP 429 Too Many Requests to GET /x: failed. Port asked to wait 27,777 h (Retry-After: 100000000), " +
		"longer than max_server_wait (5m0s)"
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %q, want it to start with %q", err, want)
	}
}

// TestDoWaitsForARetryAfterBeyondRetryWaitMax: RetryWaitMax bounds the
// backoff only; the server's wait is bounded by MaxServerWait.
func TestDoWaitsForARetryAfterBeyondRetryWaitMax(t *testing.T) {
	srv, calls := serve(t, 1, http.StatusServiceUnavailable, http.Header{"Retry-After": {"0.3"}})
	c := portClient(t, 3, time.Second)
	c.s.RetryWaitMax = 10 * time.Millisecond
	start := time.Now()
	if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL, Idempotent: true}); err != nil || calls.Load() != 2 {
		t.Fatalf("%v after %d calls", err, calls.Load())
	}
	if waited := time.Since(start); waited < 250*time.Millisecond {
		t.Errorf("retried after %v, before Retry-After", waited)
	}
}

// TestDoFailsARequestItsLaneHoldsPastTheCap: the answer to the first request
// spends the budget for years; the second is never sent.
func TestDoFailsARequestItsLaneHoldsPastTheCap(t *testing.T) {
	srv, calls := serve(t, 0, 0, nil)
	c := portClient(t, 3, 5*time.Minute)
	c.s.RateBudget = func(http.Header, time.Time) *Budget { return spentBudget(hoursOfWait, "60000") }
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	r := Request{Method: "POST", URL: srv.URL, Endpoint: "/x", Lane: "entities", Idempotent: true}
	if _, err := c.Do(ctx, r); err != nil {
		t.Fatal(err)
	}
	_, err := c.Do(ctx, r)
	var tooLong *WaitTooLongError
	if !errors.As(err, &tooLong) || !NeverSent(err) || calls.Load() != 1 {
		t.Fatalf("%v (never sent: %v) after %d calls, want a WaitTooLongError before sending", err, NeverSent(err), calls.Load())
	}
	if want := "Port asked to wait 16.7 h (x-ratelimit-reset: 60000)"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %q, want it to start with %q", err, want)
	}
}
