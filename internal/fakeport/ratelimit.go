package fakeport

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RateLimit is one budget of an organisation: at most Requests requests in
// each window of Period. Port states the period in whole seconds, so Period
// is rounded up to whole seconds. Requests <= 0 means no limit.
type RateLimit struct {
	Requests int
	Period   time.Duration
}

// RateLimits are an organisation's budgets, one per class of request, as
// Port's rate-limit page lists them. Each class counts its own requests.
type RateLimits struct {
	// Unauthenticated counts requests without a bearer token, the token
	// request included.
	Unauthenticated RateLimit
	// Entities counts the entity routes: .../entities, .../entities/bulk,
	// .../entities/search, .../entities/{entity}, .../entities-count,
	// .../all-entities and .../bulk/entities/delete.
	Entities RateLimit
	// Other counts every other request.
	Other RateLimit
}

// PortRateLimits are the limits Port's rate-limit page documents
// (https://docs.port.io/api-reference/rate-limits).
var PortRateLimits = RateLimits{
	Unauthenticated: RateLimit{Requests: 100, Period: 5 * time.Minute},
	Entities:        RateLimit{Requests: 35000, Period: 5 * time.Minute},
	Other:           RateLimit{Requests: 15000, Period: 5 * time.Minute},
}

type rateClass int

const (
	classUnauthenticated rateClass = iota
	classEntities
	classOther
	classCount
)

// rateWindow is the fixed window of one class. Windows are aligned to the
// Unix epoch (they start at multiples of the period), so the reset time is
// exactly the whole second x-ratelimit-reset states.
type rateWindow struct {
	requests int
	period   int64 // seconds
	end      int64 // Unix seconds
	used     int
}

type orgLimits struct {
	mu      sync.Mutex
	windows [classCount]rateWindow
	now     func() time.Time // time.Now; tests freeze it
}

// WithRateLimits makes the server enforce an organisation rate limit from the
// start, as [Server.SetRateLimits] does.
func WithRateLimits(l RateLimits) Option {
	return func(c *config) { c.rateLimits = l }
}

// SetRateLimits enforces an organisation rate limit as Port does: every
// answer carries x-ratelimit-period (seconds), x-ratelimit-limit,
// x-ratelimit-remaining and x-ratelimit-reset (the end of the window in UTC
// epoch seconds) for the request's class, and a request over the budget is
// answered 429 rate_limit_exceeded with Retry-After (whole seconds to the
// reset). Refused requests do not use the budget. Each call starts new
// windows; the zero RateLimits turns the limit off.
func (s *Server) SetRateLimits(l RateLimits) {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	for class, limit := range [classCount]RateLimit{l.Unauthenticated, l.Entities, l.Other} {
		s.limits.windows[class] = rateWindow{requests: limit.Requests, period: periodSeconds(limit.Period)}
	}
}

func periodSeconds(d time.Duration) int64 {
	secs := int64((d + time.Second - 1) / time.Second)
	return max(secs, 1)
}

// classify puts a request in its rate-limit class.
func classify(rt *route, r *http.Request) rateClass {
	if (rt != nil && !rt.auth) || r.Header.Get("Authorization") == "" {
		return classUnauthenticated
	}
	path := r.URL.Path
	if rt != nil {
		path = rt.pattern
	}
	if strings.Contains(path, "/entities") || strings.Contains(path, "/all-entities") {
		return classEntities
	}
	return classOther
}

// admit counts the request against its class's window, sets the rate-limit
// headers and, when the budget is spent, answers 429 and returns false.
func (o *orgLimits) admit(w http.ResponseWriter, class rateClass) bool {
	o.mu.Lock()
	now := o.now()
	win := &o.windows[class]
	if win.requests <= 0 {
		o.mu.Unlock()
		return true
	}
	if nowSecs := now.Unix(); nowSecs >= win.end {
		win.end = (nowSecs/win.period + 1) * win.period
		win.used = 0
	}
	allowed := win.used < win.requests
	if allowed {
		win.used++
	}
	limit, period, end, remaining := win.requests, win.period, win.end, win.requests-win.used
	o.mu.Unlock()

	h := w.Header()
	h.Set("x-ratelimit-period", strconv.FormatInt(period, 10))
	h.Set("x-ratelimit-limit", strconv.Itoa(limit))
	h.Set("x-ratelimit-remaining", strconv.Itoa(remaining))
	h.Set("x-ratelimit-reset", strconv.FormatInt(end, 10))
	if allowed {
		return true
	}
	wait := time.Unix(end, 0).Sub(now)
	secs := max(int64((wait+time.Second-1)/time.Second), 1)
	h.Set("Retry-After", strconv.FormatInt(secs, 10))
	writeError(w, newError(http.StatusTooManyRequests, "rate_limit_exceeded",
		"Rate limit exceeded, retry in %d seconds", secs))
	return false
}
