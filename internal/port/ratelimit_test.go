package port

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
)

// tightLimits make a 10,000-entity first sync (500 bulk requests) take about
// five windows of one second. Port answers after syncLatency, so syncWorkers
// keep many requests under way at once, as against Port itself, that the
// budget on an answer does not count yet; unchecked, they would send 160
// requests a second (320 with two calls at once).
var tightLimits = fakeport.RateLimits{
	Unauthenticated: fakeport.RateLimit{Requests: 10, Period: time.Second},
	Entities:        fakeport.RateLimit{Requests: 100, Period: time.Second},
	Other:           fakeport.RateLimit{Requests: 50, Period: time.Second},
}

const (
	syncLatency = 100 * time.Millisecond
	syncWorkers = 16
)

// newSyncHarness is a fake Port under tightLimits with syncLatency and a
// client with syncWorkers.
func newSyncHarness(t testing.TB, mutate ...func(*Config)) *harness {
	t.Helper()
	h := newHarness(t, []fakeport.Option{fakeport.WithRateLimits(tightLimits)},
		append([]func(*Config){func(c *Config) {
			c.Concurrency = syncWorkers
			c.HTTPClient = &http.Client{Transport: keepAlive()}
		}}, mutate...)...)
	h.srv.SetLatency(syncLatency)
	return h
}

// keepAlive keeps a connection per worker, as the client's own transport
// does, instead of dialling for nearly every request.
func keepAlive() *http.Transport {
	return &http.Transport{MaxIdleConnsPerHost: 4 * tightLimits.Entities.Requests}
}

// blindTransport removes Port's rate-limit budget from every answer, so the
// client can only learn of the limit from a 429 and its Retry-After.
type blindTransport struct{ next http.RoundTripper }

func (b blindTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := b.next.RoundTrip(req)
	if err == nil {
		for name := range resp.Header {
			if strings.HasPrefix(strings.ToLower(name), "x-ratelimit-") {
				resp.Header.Del(name)
			}
		}
	}
	return resp, err
}

// firstSync writes 10,000 new entities in `calls` BulkUpsert calls running
// at once on one client, and fails the test unless every entity is written.
func firstSync(t testing.TB, h *harness, calls int) time.Duration {
	t.Helper()
	all := entities(10000)
	per := len(all) / calls
	errs := make([]error, calls)
	written := make([]int, calls)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := h.c.BulkUpsert(context.Background(), bp, all[i*per:(i+1)*per], EntityWriteOptions{})
			errs[i], written[i] = err, len(res.Succeeded)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	for i := range calls {
		if errs[i] != nil || written[i] != per {
			t.Fatalf("call %d wrote %d of %d entities: %v", i, written[i], per, errs[i])
		}
	}
	if n := len(h.srv.Entities(bp)); n != len(all) {
		t.Fatalf("Port holds %d entities, want %d", n, len(all))
	}
	return elapsed
}

func TestFirstSyncStaysWithinPortsRateLimit(t *testing.T) {
	for _, calls := range []int{1, 2} {
		t.Run(strconv.Itoa(calls)+" calls at once", func(t *testing.T) {
			h := newSyncHarness(t)
			elapsed := firstSync(t, h, calls)
			if n := h.srv.StatusCount(http.StatusTooManyRequests); n != 0 {
				t.Errorf("Port answered 429 %d times: the client did not follow the budget it was given", n)
			}
			if n := h.count("POST", bulkPattern); n != 500 {
				t.Errorf("%d bulk requests, want 500 (none repeated)", n)
			}
			t.Logf("%d calls: 10,000 entities in %v under 100 requests per second", calls, elapsed.Round(time.Millisecond))
		})
	}
}

// TestFirstSyncWithoutTheBudgetIsRefused shows the limit of the test above
// binds: the same sync under the same limit, with the rate-limit headers
// hidden from the client, is refused, and only gets through by waiting out
// Retry-After. The blind client keeps more requests under way than a window
// admits, so its first wave alone overruns the budget however fast the
// machine is (BenchmarkFirstSyncUnderRateLimit shows syncWorkers refused too,
// when the machine sends faster than the limit).
func TestFirstSyncWithoutTheBudgetIsRefused(t *testing.T) {
	h := newSyncHarness(t, blind, func(c *Config) { c.Concurrency = 2 * tightLimits.Entities.Requests })
	// Start with a window, so that the first wave has all of it to arrive in.
	time.Sleep(time.Until(time.Now().Truncate(tightLimits.Entities.Period).Add(tightLimits.Entities.Period)))
	firstSync(t, h, 1)
	refused := h.srv.StatusCount(http.StatusTooManyRequests)
	if refused == 0 {
		t.Fatal("no 429 without the budget: the limit is too loose to show anything")
	}
	t.Logf("without the budget: %d requests refused with 429", refused)
}

// blind hides Port's budget from the client and lets it retry 429s, waiting
// out Retry-After, until the sync is through.
func blind(c *Config) {
	c.HTTPClient = &http.Client{Transport: blindTransport{keepAlive()}}
	c.MaxRetries = 100
}

func TestRateBudgetReadsBothDocumentedResetForms(t *testing.T) {
	now := time.Date(2026, 3, 4, 10, 0, 7, 0, time.UTC)
	header := func(reset string) http.Header {
		h := http.Header{}
		h.Set("x-ratelimit-period", "300")
		h.Set("x-ratelimit-limit", "35000")
		h.Set("x-ratelimit-remaining", "12")
		h.Set("x-ratelimit-reset", reset)
		return h
	}
	for _, reset := range []string{strconv.FormatInt(now.Unix()+53, 10), "53"} {
		b := rateBudget(header(reset), now)
		if b == nil || b.Remaining != 12 || b.Period != 5*time.Minute || !b.Reset.Equal(now.Add(53*time.Second)) {
			t.Errorf("reset %q: %+v", reset, b)
		}
	}
	badRemaining := header("53")
	badRemaining.Set("x-ratelimit-remaining", "many")
	for name, h := range map[string]http.Header{
		"no headers":    {},
		"past reset":    header(strconv.FormatInt(now.Unix()-1, 10)),
		"bad remaining": badRemaining,
	} {
		if b := rateBudget(h, now); b != nil {
			t.Errorf("%s: read as %+v", name, b)
		}
	}
}

func TestRateLimitOfFollowsPortsClasses(t *testing.T) {
	for path, want := range map[string]string{
		"/v1/blueprints/svc/entities/bulk":        "entities",
		"/v1/blueprints/svc/entities/search":      "entities",
		"/v1/blueprints/svc/entities/e1":          "entities",
		"/v1/blueprints/svc/entities-count":       "entities",
		"/v1/blueprints/svc/all-entities":         "entities",
		"/v1/blueprints/svc/bulk/entities/delete": "entities",
		"/v1/blueprints/svc":                      "other",
		"/v1/blueprints/entities":                 "other",
		"/v1/blueprints":                          "other",
		"/v1/blueprints/a%2Fentities/permissions": "other",
	} {
		if got := rateLimitOf(request{path: path}); got != want {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}
	if got := rateLimitOf(request{path: "/v1/auth/access_token", noAuth: true}); got != "unauthenticated" {
		t.Errorf("token request: %s", got)
	}
}
