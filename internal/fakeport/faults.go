package fakeport

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

type failRule struct {
	method    string
	prefix    string
	status    int
	remaining int // < 0: forever
}

type faultState struct {
	mu         sync.Mutex
	latency    time.Duration
	rateEvery  int
	retryAfter time.Duration
	rateCount  int
	rules      []failRule
	bulkFail   map[string]bool
}

func newFaultState() *faultState { return &faultState{bulkFail: map[string]bool{}} }

// SetLatency delays every following request by d before it is handled (0
// turns the delay off).
func (s *Server) SetLatency(d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.latency = d
}

// RateLimitEvery answers every n-th request from now on with 429, a
// Retry-After header (retryAfter rounded up to whole seconds) and Port's
// x-ratelimit-period/-limit/-remaining/-reset headers, which then also come
// with every other response. n <= 0 turns rate limiting off.
func (s *Server) RateLimitEvery(n int, retryAfter time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.rateEvery, s.faults.retryAfter, s.faults.rateCount = n, retryAfter, 0
}

// FailRequests answers the next times requests whose method is method (""
// matches any) and whose path starts with pathPrefix with status and Port's
// error envelope, before authentication. times < 0 fails them until cleared;
// status 0 (or times 0) clears the rule for that method and prefix. Rules are
// checked in the order they were added.
func (s *Server) FailRequests(method, pathPrefix string, status int, times int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if status == 0 {
		times = 0
	}
	s.faults.rules = setRule(s.faults.rules, method, pathPrefix, status, times)
}

// setRule replaces the rule for method and prefix; times 0 only removes it.
func setRule(rules []failRule, method, prefix string, status, times int) []failRule {
	method = strings.ToUpper(method)
	kept := rules[:0]
	for _, r := range rules {
		if r.method != method || r.prefix != prefix {
			kept = append(kept, r)
		}
	}
	if times != 0 {
		kept = append(kept, failRule{method: method, prefix: prefix, status: status, remaining: times})
	}
	return kept
}

// takeRule finds the first rule matching a request and uses it up once; a
// rule used up is removed.
func takeRule(rules []failRule, method, path string) ([]failRule, int, bool) {
	for i := range rules {
		r := &rules[i]
		if (r.method != "" && r.method != method) || !strings.HasPrefix(path, r.prefix) {
			continue
		}
		status := r.status
		if r.remaining > 0 {
			r.remaining--
			if r.remaining == 0 {
				rules = append(rules[:i], rules[i+1:]...)
			}
		}
		return rules, status, true
	}
	return rules, 0, false
}

// FailBulkEntities makes the entities with these identifiers fail inside bulk
// upserts (POST .../entities/bulk), which then answer 207 with a 422
// schema_mismatch error for each of them while the others are written. Each
// call replaces the previous set; a call without identifiers clears it.
func (s *Server) FailBulkEntities(identifiers ...string) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.bulkFail = map[string]bool{}
	for _, id := range identifiers {
		s.faults.bulkFail[id] = true
	}
}

func (f *faultState) failsInBulk(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bulkFail[id]
}

// sleep waits for the configured latency; false if the client went away.
func (f *faultState) sleep(ctx context.Context) bool {
	f.mu.Lock()
	d := f.latency
	f.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// rateLimit sets the rate limit headers and answers 429 on every n-th request.
func (f *faultState) rateLimit(w http.ResponseWriter) bool {
	f.mu.Lock()
	n, retry := f.rateEvery, f.retryAfter
	if n <= 0 {
		f.mu.Unlock()
		return false
	}
	f.rateCount++
	k := f.rateCount
	f.mu.Unlock()

	secs := int64(math.Ceil(retry.Seconds()))
	if secs < 0 {
		secs = 0
	}
	remaining := n - k%n
	if k%n == 0 {
		remaining = 0
	}
	h := w.Header()
	h.Set("x-ratelimit-period", strconv.FormatInt(max(secs, 1), 10))
	h.Set("x-ratelimit-limit", strconv.Itoa(n))
	h.Set("x-ratelimit-remaining", strconv.Itoa(remaining))
	h.Set("x-ratelimit-reset", strconv.FormatInt(time.Now().Add(time.Duration(secs)*time.Second).Unix(), 10))
	if k%n != 0 {
		return false
	}
	h.Set("Retry-After", strconv.FormatInt(secs, 10))
	writeError(w, newError(http.StatusTooManyRequests, "rate_limit_exceeded",
		"Rate limit exceeded, retry in %d seconds", secs))
	return true
}

func (f *faultState) injected(method, path string) (int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var status int
	var ok bool
	f.rules, status, ok = takeRule(f.rules, method, path)
	return status, ok
}
