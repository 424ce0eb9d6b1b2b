package jsm

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

// Atlassian's rate limits for Jira Cloud, as its rate-limiting page describes
// them and its answers state them:
//
//   - The burst limit, per tenant, endpoint and method: a token bucket.
//     Every answer carries X-RateLimit-Limit (the burst),
//     X-RateLimit-Remaining and, when little is left, X-RateLimit-NearLimit:
//     true; a refusal is a 429 with Retry-After, X-RateLimit-Reset and
//     RateLimit-Reason: jira-burst-based. The client paces each endpoint by
//     them (httpbase's token-bucket lanes): NearLimit says what Remaining
//     says already, so Remaining is what is read.
//   - The points-based hourly quota of OAuth 2.0 apps: a GET costs 1 point
//     plus 1 per object returned. Answers carry Beta-RateLimit-Policy
//     ("tenant-app-quota";q=<points>;w=<seconds>), Beta-RateLimit
//     ("tenant-app-quota";r=<left>;t=<seconds to the reset>) and, near the
//     end, X-Beta-RateLimit-NearLimit: true; a refusal is a 429 with
//     RateLimit-Reason: jira-quota-tenant-based and a Retry-After up to the
//     window's end. No wait within a run lifts it: the client fails at once.
const (
	ReasonBurst = "jira-burst-based"
	ReasonQuota = "jira-quota-tenant-based"
)

// Limit names, as RateLimitError.Limit gives them.
const (
	LimitHourlyQuota = "hourly points quota"
	LimitBurst       = "burst rate limit"
)

// laneOf names the burst limit a GET of path counts against: Atlassian's is
// per endpoint, so the ids in the path are left out. The Service Desk API's
// paths alternate a collection and an id (/servicedesk/{id}/organization,
// /request/{key}/comment), so every second segment is an id.
func laneOf(path string) string {
	segs := strings.Split(strings.TrimPrefix(strings.TrimPrefix(path, APIPrefix), "/"), "/")
	for i := 1; i < len(segs); i += 2 {
		segs[i] = "{}"
	}
	return "GET /" + strings.Join(segs, "/")
}

// burstBudget reads the burst limit an answer states, for the pacer; nil when
// it states none.
func burstBudget(h http.Header, _ time.Time) *httpbase.Budget {
	limit, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Limit")))
	if err != nil || limit <= 0 {
		return nil
	}
	remaining, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining")))
	if err != nil {
		return nil
	}
	return &httpbase.Budget{Remaining: max(remaining, 0), Burst: limit, Refused: h.Get("RateLimit-Reason") == ReasonBurst}
}

// QuotaState is what JSM's answers state of the hourly points quota; a
// field is zero when no answer stated it.
type QuotaState struct {
	// Points and Window are the policy (Beta-RateLimit-Policy q and w).
	Points int
	Window time.Duration
	// Left and Reset are the points left and when the window ends
	// (Beta-RateLimit r and t); HasLeft says Left was stated.
	Left    int
	HasLeft bool
	Reset   time.Time
	// NearLimit is X-Beta-RateLimit-NearLimit: true.
	NearLimit bool
	// Policy is Beta-RateLimit-Policy as sent.
	Policy string
}

// readQuota reads the quota headers of an answer; ok is false when it has none.
func readQuota(h http.Header, now time.Time) (q QuotaState, ok bool) {
	q.Policy = h.Get("Beta-RateLimit-Policy")
	if p := structuredParams(q.Policy); p != nil {
		q.Points, _ = strconv.Atoi(p["q"])
		if w, err := strconv.Atoi(p["w"]); err == nil {
			q.Window = time.Duration(w) * time.Second
		}
	}
	if p := structuredParams(h.Get("Beta-RateLimit")); p != nil {
		if r, err := strconv.Atoi(p["r"]); err == nil {
			q.Left, q.HasLeft = max(r, 0), true
		}
		if t, err := strconv.Atoi(p["t"]); err == nil {
			q.Reset = now.Add(time.Duration(t) * time.Second)
		}
	}
	q.NearLimit = strings.EqualFold(strings.TrimSpace(h.Get("X-Beta-RateLimit-NearLimit")), "true")
	return q, q.Policy != "" || q.HasLeft || q.NearLimit
}

// structuredParams reads the parameters of the first item of a structured
// header such as "tenant-app-quota";q=1000;w=3600; nil when it has none.
func structuredParams(v string) map[string]string {
	item, _, _ := strings.Cut(v, ",")
	parts := strings.Split(item, ";")
	if len(parts) < 2 {
		return nil
	}
	params := map[string]string{}
	for _, p := range parts[1:] {
		k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
		params[strings.ToLower(k)] = strings.Trim(val, `"`)
	}
	return params
}

// describe writes the quota as a person reads it, e.g. "0 of 1,000 points
// left in the 1 h window (Beta-RateLimit-Policy: ...)"; "" when nothing is
// known.
func (q QuotaState) describe() string {
	var b strings.Builder
	switch {
	case q.HasLeft && q.Points > 0:
		fmt.Fprintf(&b, "%s of %s points left", groupThousands(q.Left), groupThousands(q.Points))
	case q.HasLeft:
		fmt.Fprintf(&b, "%s points left", groupThousands(q.Left))
	case q.Points > 0:
		fmt.Fprintf(&b, "a quota of %s points", groupThousands(q.Points))
	default:
		return ""
	}
	if q.Window > 0 {
		fmt.Fprintf(&b, " per %s", httpbase.HumanWait(q.Window))
	}
	if q.Policy != "" {
		fmt.Fprintf(&b, " (Beta-RateLimit-Policy: %s)", q.Policy)
	} else {
		b.WriteString(" (JSM sent no Beta-RateLimit-Policy)")
	}
	return b.String()
}

func groupThousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// RateLimitError is a 429 of one of Atlassian's limits that the client does
// not wait out: the hourly points quota, which no wait within a run lifts,
// or a burst limit that asks for a wait longer than max_server_wait. The
// request was not retried and the list read fails.
type RateLimitError struct {
	// Limit is LimitHourlyQuota or LimitBurst.
	Limit string
	// Reason is RateLimit-Reason as sent.
	Reason string
	// Wait is what Retry-After asked for; MaxWait is max_server_wait.
	Wait    httpbase.ServerWait
	MaxWait time.Duration
	// Reset is when the limit lets requests through again, in UTC.
	Reset time.Time
	// Quota is what the answer stated of the quota.
	Quota QuotaState
	Err   *httpbase.APIError
}

func (e *RateLimitError) Error() string {
	msg := fmt.Sprintf("JSM refused %s %s with HTTP 429: its %s is spent (RateLimit-Reason: %s)", e.Err.Method, e.Err.Endpoint, e.Limit, e.Reason)
	if q := e.Quota.describe(); q != "" {
		msg += ": " + q
	}
	if e.Limit == LimitBurst {
		msg += fmt.Sprintf(" and asked to wait %s (%s), longer than max_server_wait (%s)", httpbase.HumanWait(e.Wait.Wait), e.Wait.From, e.MaxWait)
	}
	if !e.Reset.IsZero() {
		msg += "; it resets at " + e.Reset.UTC().Format("2006-01-02 15:04 UTC")
	}
	return msg
}

func (e *RateLimitError) Unwrap() error { return e.Err }

// refusalOf turns a 429 of the quota, or one of the burst limit that asks
// for a wait past maxWait, into a RateLimitError; nil for every other
// answer, which the client retries.
func refusalOf(maxWait time.Duration) func(h http.Header, now time.Time, apiErr *httpbase.APIError) error {
	return func(h http.Header, now time.Time, apiErr *httpbase.APIError) error {
		if apiErr.StatusCode != http.StatusTooManyRequests {
			return nil
		}
		reason := h.Get("RateLimit-Reason")
		wait := httpbase.RetryAfterWait(h, now)
		e := &RateLimitError{Reason: reason, Wait: wait, MaxWait: maxWait, Err: apiErr}
		switch {
		case reason == ReasonQuota:
			e.Limit = LimitHourlyQuota
		case reason == ReasonBurst && wait.Wait > maxWait:
			e.Limit = LimitBurst
		default:
			return nil
		}
		e.Quota, _ = readQuota(h, now)
		e.Reset = resetOf(h, now, wait, e.Quota)
		return e
	}
}

// resetFormat is X-RateLimit-Reset's ISO 8601 to the minute (2026-03-26T16:00Z).
const resetFormat = "2006-01-02T15:04Z07:00"

// resetOf is when a refused request may go again: the latest of what
// Retry-After, X-RateLimit-Reset and the quota's t say, rounded up to the
// minute (X-RateLimit-Reset has no seconds); zero when none says.
func resetOf(h http.Header, now time.Time, wait httpbase.ServerWait, q QuotaState) time.Time {
	var reset time.Time
	if wait.Wait > 0 {
		reset = now.Add(wait.Wait)
	}
	if t, err := time.Parse(resetFormat, strings.TrimSpace(h.Get("X-RateLimit-Reset"))); err == nil {
		reset = later(reset, t)
	}
	reset = later(reset, q.Reset)
	if reset.IsZero() {
		return reset
	}
	if up := reset.Truncate(time.Minute); !up.Equal(reset) {
		reset = up.Add(time.Minute)
	}
	return reset.UTC()
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// QuotaUse is what one list read spent of the hourly points quota.
type QuotaUse struct {
	// Points is what the read spent as Atlassian counts it: 1 a request
	// plus 1 a returned object.
	Points int
	// State is the latest the answers stated.
	State QuotaState
}

// Describe writes the use as a person reads it.
func (u *QuotaUse) Describe() string {
	msg := fmt.Sprintf("this read used about %s points", groupThousands(u.Points))
	if q := u.State.describe(); q != "" {
		msg += "; " + q
	}
	if !u.State.Reset.IsZero() {
		msg += "; the quota resets at " + u.State.Reset.UTC().Format("2006-01-02 15:04 UTC")
	}
	return msg
}

// quotaTracker adds up what the requests of one list read spent of the
// quota and keeps the latest state the answers stated; it is safe for
// concurrent use.
type quotaTracker struct {
	mu     sync.Mutex
	points int
	seen   bool
	latest QuotaState
	near   bool
}

// answered is told of every answer: an answer that states the quota and is
// not its refusal was charged a point.
func (t *quotaTracker) answered(status int, h http.Header) {
	q, ok := readQuota(h, time.Now())
	if !ok {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if status != http.StatusTooManyRequests || h.Get("RateLimit-Reason") != ReasonQuota {
		t.points++
	}
	if !t.seen || !q.HasLeft || !t.latest.HasLeft || q.Left <= t.latest.Left || q.Reset.Sub(t.latest.Reset) > time.Minute {
		t.latest = q
	}
	t.seen = true
	t.near = t.near || q.NearLimit
}

// returned charges the objects of a page.
func (t *quotaTracker) returned(objects int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen {
		t.points += objects
	}
}

// use is what the read spent, nil when no answer stated the quota.
func (t *quotaTracker) use() *QuotaUse {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.seen {
		return nil
	}
	state := t.latest
	state.NearLimit = t.near
	return &QuotaUse{Points: t.points, State: state}
}
