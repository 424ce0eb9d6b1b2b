package fakeport

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// frozenClock is a clock the test moves by hand.
type frozenClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *frozenClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *frozenClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// freeze makes the server's rate limit read time from a clock set to at.
func freeze(srv *Server, at time.Time) *frozenClock {
	clock := &frozenClock{t: at}
	srv.limits.mu.Lock()
	srv.limits.now = clock.now
	srv.limits.mu.Unlock()
	return clock
}

// budget is the rate-limit state an answer states.
type budget struct{ period, limit, remaining, reset int64 }

func readBudget(t *testing.T, h http.Header) budget {
	t.Helper()
	var b budget
	for name, dst := range map[string]*int64{
		"x-ratelimit-period": &b.period, "x-ratelimit-limit": &b.limit,
		"x-ratelimit-remaining": &b.remaining, "x-ratelimit-reset": &b.reset,
	} {
		v, err := strconv.ParseInt(h.Get(name), 10, 64)
		if err != nil {
			t.Fatalf("%s is %q, want an integer: %v", name, h.Get(name), err)
		}
		*dst = v
	}
	return b
}

func TestRateLimitHeadersOnEveryAnswer(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	// 10:00:07 UTC: the 60-second window began at 10:00:00 and resets at 10:01:00.
	start := time.Date(2026, 3, 4, 10, 0, 7, 500e6, time.UTC)
	freeze(srv, start)
	srv.SetRateLimits(RateLimits{
		Unauthenticated: RateLimit{Requests: 5, Period: time.Minute},
		Entities:        RateLimit{Requests: 10, Period: time.Minute},
		Other:           RateLimit{Requests: 7, Period: 1500 * time.Millisecond},
	})
	reset := time.Date(2026, 3, 4, 10, 1, 0, 0, time.UTC).Unix()

	for i, tc := range []struct {
		name         string
		method, path string
		body         any
		token        string
		status       int
		want         budget
	}{
		{"bulk upsert", "POST", bulkPath + "?upsert=true", map[string]any{"entities": desks(0, 2)}, c.token, 200, budget{60, 10, 9, reset}},
		{"missing entity", "GET", deskPath + "/nope", nil, c.token, 404, budget{60, 10, 8, reset}},
		{"bad search", "POST", searchPath, map[string]any{"limit": 5000}, c.token, 422, budget{60, 10, 7, reset}},
		{"entity count", "GET", "/v1/blueprints/jsmServiceDesk/entities-count", nil, c.token, 200, budget{60, 10, 6, reset}},
		{"bulk delete", "POST", "/v1/blueprints/jsmServiceDesk/bulk/entities/delete", map[string]any{"entities": []any{"0"}}, c.token, 200, budget{60, 10, 5, reset}},
		// Periods are whole seconds: 1.5 s is 2 s, windows start at even seconds.
		{"blueprints", "GET", "/v1/blueprints", nil, c.token, 200, budget{2, 7, 6, start.Unix() + 1}},
		{"unknown route", "GET", "/v1/nothing", nil, c.token, 404, budget{2, 7, 5, start.Unix() + 1}},
		{"token", "POST", "/v1/auth/access_token", map[string]any{"clientId": "test-client", "clientSecret": "test-secret"}, "", 200, budget{60, 5, 4, reset}},
		{"no token", "GET", "/v1/blueprints", nil, "", 401, budget{60, 5, 3, reset}},
	} {
		status, _, h := c.raw(tc.method, tc.path, tc.body, tc.token)
		if status != tc.status {
			t.Fatalf("%d %s: status %d, want %d", i, tc.name, status, tc.status)
		}
		if got := readBudget(t, h); got != tc.want {
			t.Errorf("%s: headers say %+v, want %+v", tc.name, got, tc.want)
		}
		if h.Get("Retry-After") != "" {
			t.Errorf("%s: Retry-After on an admitted request", tc.name)
		}
	}
}

func TestRateLimitRefusesOverBudget(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	start := time.Date(2026, 3, 4, 10, 0, 57, 200e6, time.UTC)
	clock := freeze(srv, start)
	srv.SetRateLimits(RateLimits{Entities: RateLimit{Requests: 3, Period: time.Minute}})
	srv.ResetCounters()
	for range 3 {
		c.must(http.StatusOK, "GET", deskPath, nil)
	}
	for range 2 {
		status, body, h := c.raw("GET", deskPath, nil, c.token)
		if status != http.StatusTooManyRequests || body["ok"] != false || body["error"] != "rate_limit_exceeded" {
			t.Fatalf("over the budget: %d %v", status, body)
		}
		// 2.8 s to the reset at 10:01:00, rounded up.
		if h.Get("Retry-After") != "3" {
			t.Errorf("Retry-After %q, want 3", h.Get("Retry-After"))
		}
		if got := readBudget(t, h); got.remaining != 0 || got.reset != start.Unix()+3 {
			t.Errorf("429 headers %+v", got)
		}
	}
	// Other classes keep their own budget (here none).
	c.must(http.StatusOK, "GET", "/v1/blueprints", nil)

	// Refused requests do not use the next window's budget.
	clock.set(start.Add(2800 * time.Millisecond))
	_, _, h := c.raw("GET", deskPath, nil, c.token)
	if got := readBudget(t, h); got.remaining != 2 || got.reset != start.Unix()+63 {
		t.Errorf("first request of the next window: %+v", got)
	}
	if n := srv.StatusCount(http.StatusTooManyRequests); n != 2 {
		t.Errorf("StatusCount(429) = %d, want 2", n)
	}
	if n := srv.StatusCount(http.StatusOK); n != 5 {
		t.Errorf("StatusCount(200) = %d, want 5", n)
	}
	if n := srv.RequestCount("GET", "/v1/blueprints/{blueprint}/entities"); n != 6 {
		t.Errorf("refused requests not counted as requests: %d", n)
	}

	srv.SetRateLimits(RateLimits{})
	for range 5 {
		_, _, h := c.raw("GET", deskPath, nil, c.token)
		if h.Get("x-ratelimit-limit") != "" {
			t.Fatal("rate limit headers after turning the limit off")
		}
	}
	srv.ResetCounters()
	if srv.StatusCount(http.StatusTooManyRequests) != 0 {
		t.Error("ResetCounters kept the status counts")
	}
}

// TestRateLimitRealClock runs a one-second window on the real clock: the
// budget refuses the request after it, and the reset it states is when the
// budget comes back.
func TestRateLimitRealClock(t *testing.T) {
	srv, c := newFake(t, WithRateLimits(RateLimits{Other: RateLimit{Requests: 4, Period: time.Second}}))
	var h http.Header
	status := http.StatusOK
	for sent := 0; status != http.StatusTooManyRequests; sent++ {
		if sent > 8 {
			t.Fatal("no 429 after two windows' worth of requests")
		}
		status, _, h = c.raw("GET", "/v1/blueprints", nil, c.token)
	}
	reset := time.Unix(readBudget(t, h).reset, 0)
	time.Sleep(time.Until(reset))
	c.must(http.StatusOK, "GET", "/v1/blueprints", nil)
	if srv.StatusCount(http.StatusTooManyRequests) != 1 {
		t.Errorf("429s: %d", srv.StatusCount(http.StatusTooManyRequests))
	}
}

func TestPortRateLimitsAreTheDocumentedOnes(t *testing.T) {
	_, c := newFake(t, WithRateLimits(PortRateLimits))
	_, _, h := c.raw("GET", "/v1/blueprints", nil, c.token)
	if got := readBudget(t, h); got.period != 300 || got.limit != 15000 || got.remaining != 14999 {
		t.Errorf("other requests: %+v", got)
	}
	_, _, h = c.raw("POST", searchPath, map[string]any{}, c.token)
	if got := readBudget(t, h); got.limit != 35000 {
		t.Errorf("entity requests: %+v", got)
	}
	_, _, h = c.raw("GET", "/v1/blueprints", nil, "")
	// The login of newFake used one.
	if got := readBudget(t, h); got.limit != 100 || got.remaining != 98 {
		t.Errorf("unauthenticated requests: %+v", got)
	}
}
