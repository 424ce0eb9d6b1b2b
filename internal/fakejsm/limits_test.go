package fakejsm

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// testClock is a clock the tests move on by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock(t *testing.T, iso string) *testClock {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, iso)
	if err != nil {
		t.Fatal(err)
	}
	return &testClock{t: at}
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const (
	cloudID     = "9f3c2a10-1111-4222-8333-444455556666"
	oauthToken  = "oauth-access-token"
	desksPath   = "/rest/servicedeskapi/servicedesk"
	requestPath = "/rest/servicedeskapi/request"
)

func bearer(token string) reqOption { return withHeader("Authorization", "Bearer "+token) }

// wantBurst checks the burst headers every answer carries.
func wantBurst(t *testing.T, what string, h http.Header, limit, remaining int, near bool) {
	t.Helper()
	got := [3]string{h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"), h.Get("X-RateLimit-NearLimit")}
	want := [3]string{strconv.Itoa(limit), strconv.Itoa(remaining), ""}
	if near {
		want[2] = "true"
	}
	if got != want {
		t.Errorf("%s: X-RateLimit-Limit, -Remaining, -NearLimit = %q, want %q", what, got, want)
	}
}

// wantRefusal checks a 429 of a limit: the headers and Jira's ErrorResponse.
func wantRefusal(t *testing.T, s *Server, path, reason string, retryAfter int, reset string, opts ...reqOption) http.Header {
	t.Helper()
	status, h, _ := get(t, s, path, opts...)
	if status != http.StatusTooManyRequests {
		t.Fatalf("GET %s: status %d, want 429 (%s)", path, status, reason)
	}
	got := [3]string{h.Get("Retry-After"), h.Get("X-RateLimit-Reset"), h.Get("RateLimit-Reason")}
	want := [3]string{strconv.Itoa(retryAfter), reset, reason}
	if got != want {
		t.Errorf("GET %s: Retry-After, X-RateLimit-Reset, RateLimit-Reason = %q, want %q", path, got, want)
	}
	return h
}

func TestBurstLimitRefusesAfterTheBurstAndRefillsAtTheRate(t *testing.T) {
	clock := newTestClock(t, "2026-03-26T15:59:58.25Z")
	s := newServer(t, TenantOptions{Seed: 61}, WithClock(clock.now))
	const burst, perSecond = 10, 2.0
	s.SetBurstLimit(perSecond, burst)

	for i := range burst {
		status, h, body := get(t, s, desksPath)
		if status != http.StatusOK {
			t.Fatalf("request %d of the burst: %d %s", i+1, status, body)
		}
		left := burst - 1 - i
		wantBurst(t, fmt.Sprintf("request %d", i+1), h, burst, left, left*5 < burst)
	}
	// The bucket is empty: half a second (one request at 2/s) until the next
	// fits, said as 1 whole second; the reset is that second later, to the
	// minute.
	h := wantRefusal(t, s, desksPath, ReasonBurst, 1, "2026-03-26T15:59Z")
	wantBurst(t, "refusal", h, burst, 0, true)
	getError(t, s, desksPath, http.StatusTooManyRequests) // Jira's ErrorResponse

	// Each endpoint and each method has its own bucket.
	_, h, _ = get(t, s, requestPath)
	wantBurst(t, "another endpoint", h, burst, burst-1, false)
	status, h, _ := get(t, s, desksPath, withMethod(http.MethodPost))
	if status != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", status)
	}
	wantBurst(t, "another method", h, burst, burst-1, false)

	// Refill at the rate: one request every half second, never more than
	// the burst.
	clock.advance(500 * time.Millisecond)
	_, h, _ = get(t, s, desksPath)
	wantBurst(t, "after half a second", h, burst, 0, true)
	wantRefusal(t, s, desksPath, ReasonBurst, 1, "2026-03-26T15:59Z")
	clock.advance(2 * time.Second)
	_, h, _ = get(t, s, desksPath)
	wantBurst(t, "after two seconds", h, burst, 3, false)
	clock.advance(time.Hour)
	_, h, _ = get(t, s, desksPath)
	wantBurst(t, "after an hour", h, burst, burst-1, false)

	if n := s.Refusals(ReasonBurst); n != 3 {
		t.Errorf("Refusals(burst) = %d, want 3", n)
	}
	if n := s.RequestCount("GET " + desksPath); n != burst+6 {
		t.Errorf("RequestCount = %d, want %d (refusals included)", n, burst+6)
	}
	s.ResetCounters()
	if n := s.Refusals(ReasonBurst); n != 0 {
		t.Errorf("Refusals after ResetCounters = %d", n)
	}
}

func TestBurstRetryAfterRoundsUpAndResetIsToTheMinute(t *testing.T) {
	clock := newTestClock(t, "2026-03-26T15:59:57Z")
	s := newServer(t, TenantOptions{Seed: 62}, WithClock(clock.now))
	s.SetBurstLimit(0.25, 1) // one request every 4 seconds
	getPage(t, s, desksPath)
	wantRefusal(t, s, desksPath, ReasonBurst, 4, "2026-03-26T16:00Z")
	clock.advance(1500 * time.Millisecond)
	wantRefusal(t, s, desksPath, ReasonBurst, 3, "2026-03-26T16:00Z") // 2.5 s, rounded up
	clock.advance(2500 * time.Millisecond)
	getPage(t, s, desksPath)
}

func TestBurstHeadersOnEveryAPIAnswer(t *testing.T) {
	clock := newTestClock(t, "2026-03-26T12:00:00Z")
	s := newServer(t, TenantOptions{Seed: 63}, WithClock(clock.now))
	s.SetBurstLimit(100, 50)
	cases := []struct {
		path   string
		status int
		opts   []reqOption
	}{
		{desksPath, http.StatusOK, nil},
		{desksPath + "/1", http.StatusOK, nil},
		{desksPath + "/999", http.StatusNotFound, nil},
		{requestPath + "?limit=0", http.StatusBadRequest, nil},
		{requestPath, http.StatusUnauthorized, []reqOption{withoutAuth()}},
		{"/rest/servicedeskapi/nothing", http.StatusNotFound, nil},
	}
	for _, tc := range cases {
		status, h, _ := get(t, s, tc.path, tc.opts...)
		if status != tc.status {
			t.Errorf("GET %s: %d, want %d", tc.path, status, tc.status)
		}
		if h.Get("X-RateLimit-Limit") != "50" || h.Get("X-RateLimit-Remaining") == "" {
			t.Errorf("GET %s (%d): no burst headers: %v", tc.path, status, h)
		}
	}
	// A path outside the API is no endpoint of any bucket.
	if _, h, _ := get(t, s, "/"); h.Get("X-RateLimit-Limit") != "" {
		t.Errorf("GET /: burst headers %v", h)
	}
	s.SetBurstLimit(0, 0)
	if _, h, _ := get(t, s, desksPath); h.Get("X-RateLimit-Limit") != "" {
		t.Errorf("burst limit off: headers %v", h)
	}
}

// quotaHeaders decodes Beta-RateLimit-Policy and Beta-RateLimit.
type quotaHeaders struct {
	q, w, r, t int
	near       bool
}

func readQuota(t *testing.T, what string, h http.Header) quotaHeaders {
	t.Helper()
	var got quotaHeaders
	policy, limit := h.Get("Beta-RateLimit-Policy"), h.Get("Beta-RateLimit")
	if _, err := fmt.Sscanf(policy, `"tenant-app-quota";q=%d;w=%d`, &got.q, &got.w); err != nil {
		t.Fatalf("%s: Beta-RateLimit-Policy %q: %v", what, policy, err)
	}
	if _, err := fmt.Sscanf(limit, `"tenant-app-quota";r=%d;t=%d`, &got.r, &got.t); err != nil {
		t.Fatalf("%s: Beta-RateLimit %q: %v", what, limit, err)
	}
	switch near := h.Get("X-Beta-RateLimit-NearLimit"); near {
	case "true":
		got.near = true
	case "":
	default:
		t.Errorf("%s: X-Beta-RateLimit-NearLimit %q", what, near)
	}
	return got
}

func newQuotaServer(t *testing.T, clock *testClock, points int, window time.Duration) *Server {
	t.Helper()
	s := newServer(t, TenantOptions{Seed: 64, Requests: 200}, WithGateway(cloudID), WithBearerToken(oauthToken), WithClock(clock.now))
	s.SetQuota(points, window)
	return s
}

func TestQuotaChargesAPointPerRequestAndPerObject(t *testing.T) {
	clock := newTestClock(t, "2026-03-26T16:24:52Z")
	const points = 300
	s := newQuotaServer(t, clock, points, 0)
	toReset := int(time.Date(2026, 3, 26, 17, 0, 0, 0, time.UTC).Sub(clock.now()) / time.Second)

	left := points
	spend := func(what string, path string, status, objects int) quotaHeaders {
		t.Helper()
		st, h, body := get(t, s, path, bearer(oauthToken))
		if st != status {
			t.Fatalf("%s: %d, want %d: %s", what, st, status, body)
		}
		left = max(left-1-objects, 0)
		got := readQuota(t, what, h)
		want := quotaHeaders{q: points, w: 3600, r: left, t: toReset, near: left*5 < points}
		if got != want {
			t.Errorf("%s: quota headers %+v, want %+v", what, got, want)
		}
		if s.QuotaLeft() != left {
			t.Errorf("%s: QuotaLeft %d, want %d", what, s.QuotaLeft(), left)
		}
		return got
	}
	page := getPage(t, s, desksPath+"?limit=2") // API token: not charged
	spend("a page", desksPath+"?limit=2", http.StatusOK, page.Size)
	spend("one object", desksPath+"/1", http.StatusOK, 1)
	spend("not found", desksPath+"/999", http.StatusNotFound, 0)
	spend("bad request", requestPath+"?limit=0", http.StatusBadRequest, 0)
	big := getPage(t, s, requestPath+"?limit=100")
	if big.Size*5 < points/2 {
		t.Fatalf("the tenant lists %d requests a page: too few to spend the quota", big.Size)
	}
	for left-1-big.Size >= points/5 {
		spend("a large page", requestPath+"?limit=100", http.StatusOK, big.Size)
	}
	if got := spend("into the last 20%", requestPath+"?limit=100", http.StatusOK, big.Size); !got.near {
		t.Error("no X-Beta-RateLimit-NearLimit with less than 20% left")
	}
	for left > 0 { // the last point admits a page whatever its cost
		spend("the rest", requestPath+"?limit=100", http.StatusOK, big.Size)
	}

	h := wantRefusal(t, s, desksPath, ReasonQuota, toReset, "2026-03-26T17:00Z", bearer(oauthToken))
	if got := readQuota(t, "refusal", h); got != (quotaHeaders{q: points, w: 3600, r: 0, t: toReset, near: true}) {
		t.Errorf("refusal: quota headers %+v", got)
	}
	getError(t, s, desksPath, http.StatusTooManyRequests, bearer(oauthToken))
	if n := s.Refusals(ReasonQuota); n != 2 {
		t.Errorf("Refusals(quota) = %d, want 2", n)
	}

	// API-token traffic meets only the burst limit, through the gateway too.
	status, h, _ := get(t, s, desksPath)
	if status != http.StatusOK || h.Get("Beta-RateLimit") != "" || h.Get("Beta-RateLimit-Policy") != "" {
		t.Errorf("API token with the quota spent: %d, headers %v", status, h)
	}
	// A bearer token that is not the app's is refused before any charge.
	getError(t, s, desksPath, http.StatusUnauthorized, bearer("other"))

	// The next window starts with every point.
	clock.advance(time.Duration(toReset) * time.Second)
	toReset, left = 3600, points
	spend("next window", desksPath+"/1", http.StatusOK, 1)
}

func TestQuotaWindowIsConfigurable(t *testing.T) {
	clock := newTestClock(t, "2026-03-26T16:00:03.5Z")
	s := newQuotaServer(t, clock, 2, 10*time.Second)
	_, h, _ := get(t, s, desksPath+"/1", bearer(oauthToken))
	if got := readQuota(t, "first", h); got != (quotaHeaders{q: 2, w: 10, r: 0, t: 7, near: true}) {
		t.Errorf("quota headers %+v", got)
	}
	wantRefusal(t, s, desksPath, ReasonQuota, 7, "2026-03-26T16:00Z", bearer(oauthToken))
	clock.advance(6500 * time.Millisecond)
	_, h, _ = get(t, s, desksPath+"/1", bearer(oauthToken))
	if got := readQuota(t, "next window", h); got.r != 0 || got.t != 10 {
		t.Errorf("next window: %+v", got)
	}
	s.SetQuota(0, 0)
	if _, h, _ := get(t, s, desksPath, bearer(oauthToken)); h.Get("Beta-RateLimit") != "" || s.QuotaLeft() != -1 {
		t.Errorf("quota off: headers %v, QuotaLeft %d", h, s.QuotaLeft())
	}
}

func TestQuotaOnlyForOAuthThroughTheGateway(t *testing.T) {
	clock := newTestClock(t, "2026-03-26T16:00:00Z")
	direct := newServer(t, TenantOptions{Seed: 65}, WithBearerToken(oauthToken), WithClock(clock.now))
	direct.SetQuota(1, 0)
	for range 3 {
		if _, h, _ := get(t, direct, desksPath, bearer(oauthToken)); h.Get("Beta-RateLimit") != "" {
			t.Fatalf("bearer on the site itself is charged: %v", h)
		}
	}
	if direct.QuotaLeft() != 1 {
		t.Errorf("QuotaLeft %d, want 1", direct.QuotaLeft())
	}
}

// TestBurstAndQuotaTogether: an OAuth app's answers carry both limits'
// headers, and the burst limit refuses first.
func TestBurstAndQuotaTogether(t *testing.T) {
	clock := newTestClock(t, "2026-03-26T16:30:00Z")
	s := newQuotaServer(t, clock, 100, 0)
	s.SetBurstLimit(1, 1)
	_, h, _ := get(t, s, desksPath+"/1", bearer(oauthToken))
	wantBurst(t, "first", h, 1, 0, true)
	if got := readQuota(t, "first", h); got.r != 98 {
		t.Errorf("quota %+v", got)
	}
	h = wantRefusal(t, s, desksPath+"/1", ReasonBurst, 1, "2026-03-26T16:30Z", bearer(oauthToken))
	if h.Get("Beta-RateLimit") != "" || s.QuotaLeft() != 98 {
		t.Errorf("a burst refusal is charged: %v, QuotaLeft %d", h, s.QuotaLeft())
	}
}

// TestContractUnderLimits: the answers of a server under both limits, 429s
// included, still keep the OpenAPI document, and carry the limits' headers.
func TestContractUnderLimits(t *testing.T) {
	clock := newTestClock(t, "2026-03-26T16:59:30Z")
	s := newServer(t, TenantOptions{Seed: 66}, WithClock(clock.now))
	s.SetBurstLimit(10, 2)
	gw := newQuotaServer(t, clock, 20, 0)
	gw.SetBurstLimit(10, 100)
	c := loadContract(t, s, gw)
	r := "/rest/servicedeskapi"
	oauth := []reqOption{bearer(oauthToken)}

	for _, p := range []string{"/servicedesk", "/servicedesk/1", "/servicedesk/1/queue", "/servicedesk/1/requesttype", "/request", "/organization", "/organization/1"} {
		for range 2 {
			h := c.check(t, s, contractCase{path: r + p, status: http.StatusOK})
			if h.Get("X-RateLimit-Limit") != "2" || h.Get("X-RateLimit-Remaining") == "" {
				t.Errorf("GET %s: burst headers %v", p, h)
			}
		}
		h := c.check(t, s, contractCase{path: r + p, status: http.StatusTooManyRequests})
		if h.Get("RateLimit-Reason") != ReasonBurst || h.Get("Retry-After") != "1" || h.Get("X-RateLimit-Reset") != "2026-03-26T16:59Z" {
			t.Errorf("GET %s: burst refusal headers %v", p, h)
		}
	}

	for _, p := range []string{"/servicedesk?limit=1", "/servicedesk/1", "/request?limit=3", "/organization?limit=2"} {
		h := c.check(t, gw, contractCase{path: r + p, status: http.StatusOK, opts: oauth})
		readQuota(t, p, h)
	}
	for gw.QuotaLeft() > 0 {
		c.check(t, gw, contractCase{path: r + "/request?limit=5", status: http.StatusOK, opts: oauth})
	}
	for _, p := range []string{"/request", "/servicedesk/1", "/organization"} {
		h := c.check(t, gw, contractCase{path: r + p, status: http.StatusTooManyRequests, opts: oauth})
		if h.Get("RateLimit-Reason") != ReasonQuota || h.Get("Retry-After") != "30" || h.Get("X-RateLimit-Reset") != "2026-03-26T17:00Z" {
			t.Errorf("GET %s: quota refusal headers %v", p, h)
		}
		if q := readQuota(t, p, h); q.r != 0 || q.t != 30 || !q.near {
			t.Errorf("GET %s: quota headers %+v", p, q)
		}
	}
	// API-token traffic through the same gateway is not charged.
	h := c.check(t, gw, contractCase{path: r + "/request", status: http.StatusOK})
	if h.Get("Beta-RateLimit") != "" {
		t.Errorf("API token charged: %v", h)
	}
	if h.Get("X-RateLimit-Limit") != "100" {
		t.Errorf("API token through the gateway: burst headers %v", h)
	}
}
