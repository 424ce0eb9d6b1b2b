package fakejsm

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Atlassian's limits, as its rate-limiting page for Jira Cloud describes them
// (see the package doc for the headers). Both are off until set.

// The values of RateLimit-Reason on a refusal, as Refusals counts them.
const (
	ReasonBurst = "jira-burst-based"
	ReasonQuota = "jira-quota-tenant-based"
)

// DefaultQuotaWindow is the window of the points-based quota: an hour.
const DefaultQuotaWindow = time.Hour

// nearLimitShare: a NearLimit header says true when less than 1/5 (20%) of a
// budget is left, the share Atlassian's page gives for X-RateLimit-NearLimit.
const nearLimitShare = 5

// resetFormat is ISO 8601 to the minute, as Atlassian sends X-RateLimit-Reset
// (e.g. 2026-03-26T16:00Z).
const resetFormat = "2006-01-02T15:04Z"

type limits struct {
	mu  sync.Mutex
	now func() time.Time // nil: time.Now

	burstRate float64
	burst     int
	buckets   map[string]*rate.Limiter // by endpoint: method and path pattern

	quotaPoints int
	quotaWindow time.Duration
	windowEnd   time.Time
	used        int

	refusals map[string]int // by reason
}

// WithClock makes the burst limit and the quota read the time from now, so
// that tests can move time on instead of sleeping. Nothing else in the fake
// follows this clock (latency, for one, is real).
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.limits.now = now }
}

// SetBurstLimit enforces Atlassian's burst limit: a token bucket per
// endpoint and method (the server is one tenant) holding at most burst
// requests and refilled at perSecond requests a second, full at the start
// and after every call. Every answer to an API path then carries
// X-RateLimit-Limit (burst), X-RateLimit-Remaining (whole requests left in
// the bucket after this one) and, when less than 20% of burst is left,
// X-RateLimit-NearLimit: true. A request that finds the bucket empty is
// answered 429 with Retry-After (whole seconds until a request fits, rounded
// up), X-RateLimit-Reset (now plus Retry-After, ISO 8601 to the minute),
// RateLimit-Reason: jira-burst-based and an ErrorResponse body; it takes
// nothing from the bucket. Every kind of traffic meets this limit.
// perSecond <= 0 or burst <= 0 turns it off.
func (s *Server) SetBurstLimit(perSecond float64, burst int) {
	l := &s.limits
	l.mu.Lock()
	defer l.mu.Unlock()
	l.burstRate, l.burst, l.buckets = 0, 0, nil
	if perSecond > 0 && burst > 0 {
		l.burstRate, l.burst, l.buckets = perSecond, burst, map[string]*rate.Limiter{}
	}
}

// SetQuota enforces Atlassian's points-based quota for OAuth 2.0 apps: the
// requests authenticated with the bearer token (WithBearerToken) through the
// gateway (WithGateway) share points points per window (window <= 0:
// DefaultQuotaWindow; rounded to whole seconds, at least one). API-token
// (Basic) traffic is never charged. A request costs 1 point, charged when it
// is admitted, plus, when it is answered 200, 1 per object returned (the
// values of a page, or 1 for a single object), charged when the answer is
// cut: the cost is known only then, so a large page may spend more points
// than were left. A request that arrives when no point is left is answered
// 429 with RateLimit-Reason: jira-quota-tenant-based, Retry-After (whole
// seconds to the window's end), X-RateLimit-Reset (the window's end, ISO 8601
// to the minute) and an ErrorResponse body, and costs nothing.
//
// Charged answers and quota refusals carry Beta-RateLimit-Policy:
// "tenant-app-quota";q=<points>;w=<window seconds>, Beta-RateLimit:
// "tenant-app-quota";r=<points left, at least 0>;t=<seconds to the window's
// end> and, when less than 20% of the points are left,
// X-Beta-RateLimit-NearLimit: true. Windows are fixed and aligned to
// multiples of the window (clock hours by default); each call starts the
// current window afresh. points <= 0 turns the quota off.
func (s *Server) SetQuota(points int, window time.Duration) {
	l := &s.limits
	l.mu.Lock()
	defer l.mu.Unlock()
	if window <= 0 {
		window = DefaultQuotaWindow
	}
	l.quotaPoints, l.quotaWindow = max(points, 0), max(window.Round(time.Second), time.Second)
	l.windowEnd, l.used = time.Time{}, 0
}

// QuotaLeft returns the points left in the current window of the quota (0
// when spent), or -1 when no quota is set.
func (s *Server) QuotaLeft() int {
	l := &s.limits
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.quotaPoints == 0 {
		return -1
	}
	l.roll(l.clock())
	return max(l.quotaPoints-l.used, 0)
}

// Refusals returns how many requests the burst limit (ReasonBurst) or the
// quota (ReasonQuota) refused since the server started or since
// ResetCounters. RateLimitEvery's refusals are not counted here.
func (s *Server) Refusals(reason string) int {
	l := &s.limits
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.refusals[reason]
}

func (l *limits) resetRefusals() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refusals = nil
}

func (l *limits) clock() time.Time {
	if l.now == nil {
		return time.Now()
	}
	return l.now()
}

func (l *limits) refuse(reason string) {
	if l.refusals == nil {
		l.refusals = map[string]int{}
	}
	l.refusals[reason]++
}

// admitBurst takes one request from endpoint's bucket and sets the burst
// headers on h; when the bucket is empty it returns the refusal instead.
func (l *limits) admitBurst(h http.Header, endpoint string) (response, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.burst == 0 {
		return response{}, false
	}
	now := l.clock()
	bucket := l.buckets[endpoint]
	if bucket == nil {
		bucket = rate.NewLimiter(rate.Limit(l.burstRate), l.burst)
		l.buckets[endpoint] = bucket
	}
	tokens := bucket.TokensAt(now)
	h.Set("X-RateLimit-Limit", strconv.Itoa(l.burst))
	if tokens >= 1 {
		bucket.AllowN(now, 1)
		left := int(math.Floor(tokens - 1))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(left))
		if left*nearLimitShare < l.burst {
			h.Set("X-RateLimit-NearLimit", "true")
		}
		return response{}, false
	}
	l.refuse(ReasonBurst)
	wait := time.Duration((1 - tokens) / l.burstRate * float64(time.Second))
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-NearLimit", "true")
	return refusal(h, ReasonBurst, now, wait), true
}

// refusal is the 429 of a limit: Retry-After in whole seconds (at least 1)
// and X-RateLimit-Reset at now plus that, to the minute.
func refusal(h http.Header, reason string, now time.Time, wait time.Duration) response {
	secs := max(int64((wait+time.Second-1)/time.Second), 1)
	h.Set("Retry-After", strconv.FormatInt(secs, 10))
	h.Set("X-RateLimit-Reset", now.Add(time.Duration(secs)*time.Second).UTC().Format(resetFormat))
	h.Set("RateLimit-Reason", reason)
	return errResp(http.StatusTooManyRequests, "Rate limit exceeded.", "sd.error.rate.limit.exceeded")
}

// oauthTraffic tells whether an authorized request is an OAuth 2.0 app's:
// the bearer token, through the gateway.
func (s *Server) oauthTraffic(r *http.Request) bool {
	if !s.gateway || s.bearerToken == "" {
		return false
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && equal(token, s.bearerToken)
}

// admitQuota charges the base point of a request and sets the quota headers
// on h; when no point is left it returns the refusal instead.
func (l *limits) admitQuota(h http.Header) (response, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.quotaPoints == 0 {
		return response{}, false
	}
	now := l.clock()
	l.roll(now)
	if l.used >= l.quotaPoints {
		l.refuse(ReasonQuota)
		l.setQuotaHeaders(h, now)
		return refusal(h, ReasonQuota, now, l.windowEnd.Sub(now)), true
	}
	l.used++
	l.setQuotaHeaders(h, now)
	return response{}, false
}

// chargeObjects charges the objects an admitted request returned and
// updates the quota headers on h.
func (l *limits) chargeObjects(h http.Header, objects int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.quotaPoints == 0 {
		return
	}
	now := l.clock()
	l.roll(now)
	l.used += objects
	l.setQuotaHeaders(h, now)
}

// roll starts a new window when the current one has ended.
func (l *limits) roll(now time.Time) {
	if now.Before(l.windowEnd) {
		return
	}
	l.windowEnd = now.Truncate(l.quotaWindow).Add(l.quotaWindow)
	l.used = 0
}

func (l *limits) setQuotaHeaders(h http.Header, now time.Time) {
	left := max(l.quotaPoints-l.used, 0)
	toReset := int64((l.windowEnd.Sub(now) + time.Second - 1) / time.Second)
	h.Set("Beta-RateLimit-Policy", `"tenant-app-quota";q=`+strconv.Itoa(l.quotaPoints)+
		";w="+strconv.FormatInt(int64(l.quotaWindow/time.Second), 10))
	h.Set("Beta-RateLimit", `"tenant-app-quota";r=`+strconv.Itoa(left)+";t="+strconv.FormatInt(toReset, 10))
	if left*nearLimitShare < l.quotaPoints {
		h.Set("X-Beta-RateLimit-NearLimit", "true")
	} else {
		h.Del("X-Beta-RateLimit-NearLimit")
	}
}
