package fakeport

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// checkRateLimitHeaders holds an answer to Port's rate-limit page
// (https://docs.port.io/api-reference/rate-limits), which the OpenAPI
// document does not cover: every answer carries x-ratelimit-period (the
// window in seconds), x-ratelimit-limit (requests per window),
// x-ratelimit-remaining (requests left in the window) and x-ratelimit-reset
// (when the window resets, in UTC epoch seconds); a 429 also says
// Retry-After in seconds.
func checkRateLimitHeaders(t *testing.T, name string, resp *http.Response) {
	t.Helper()
	now := time.Now().Unix()
	value := func(header string) int64 {
		v, err := strconv.ParseInt(resp.Header.Get(header), 10, 64)
		if err != nil {
			t.Errorf("%s: %s is %q, want an integer: %v", name, header, resp.Header.Get(header), err)
		}
		return v
	}
	period, limit := value("x-ratelimit-period"), value("x-ratelimit-limit")
	remaining, reset := value("x-ratelimit-remaining"), value("x-ratelimit-reset")
	if period <= 0 || limit <= 0 || remaining < 0 || remaining >= limit {
		t.Errorf("%s: period %d, limit %d, remaining %d: want a positive period and limit and 0 <= remaining < limit", name, period, limit, remaining)
	}
	if reset <= now-1 || reset > now+period+1 {
		t.Errorf("%s: x-ratelimit-reset %d is not an epoch second within one period (%d s) of now (%d)", name, reset, period, now)
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		return
	}
	if retry := value("Retry-After"); retry < 1 || remaining != 0 {
		t.Errorf("%s: 429 with Retry-After %d and remaining %d, want Retry-After >= 1 and remaining 0", name, retry, remaining)
	}
}

// exceedEntityBudget spends the entity budget of a fresh one-request limit,
// runs ex (which the limit refuses) and restores Port's documented limits.
// The limit's clock stands still meanwhile, so no window can end between the
// two requests.
func (c *contract) exceedEntityBudget(ex exchange) {
	c.t.Helper()
	freeze(c.srv, time.Now())
	defer func() {
		c.srv.limits.mu.Lock()
		c.srv.limits.now = time.Now
		c.srv.limits.mu.Unlock()
		c.srv.SetRateLimits(PortRateLimits)
	}()
	tight := PortRateLimits
	tight.Entities = RateLimit{Requests: 1, Period: time.Hour}
	c.srv.SetRateLimits(tight)
	c.run(exchange{name: ex.name + " (budget)", method: ex.method, path: ex.path, status: http.StatusOK, deviation: devEntityMetadata})
	c.run(ex)
}
