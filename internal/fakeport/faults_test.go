package fakeport

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestSetLatency(t *testing.T) {
	srv, c := newFake(t)
	srv.SetLatency(120 * time.Millisecond)
	start := time.Now()
	c.must(http.StatusOK, "GET", "/v1/blueprints", nil)
	if d := time.Since(start); d < 120*time.Millisecond {
		t.Fatalf("request took %v with 120ms latency", d)
	}
	srv.SetLatency(0)
	start = time.Now()
	c.must(http.StatusOK, "GET", "/v1/blueprints", nil)
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Fatalf("request took %v without latency", d)
	}
}

func TestRateLimitEvery(t *testing.T) {
	srv, c := newFake(t)
	srv.RateLimitEvery(3, 1500*time.Millisecond)
	var statuses []int
	var limited http.Header
	for range 6 {
		status, body, h := c.raw("GET", "/v1/blueprints", nil, c.token)
		statuses = append(statuses, status)
		if h.Get("x-ratelimit-limit") != "3" || h.Get("x-ratelimit-remaining") == "" || h.Get("x-ratelimit-reset") == "" {
			t.Fatalf("rate limit headers missing: %v", h)
		}
		if status == http.StatusTooManyRequests {
			limited = h
			if body["ok"] != false || body["error"] != "rate_limit_exceeded" {
				t.Fatalf("429 body %v", body)
			}
		}
	}
	if !reflect.DeepEqual(statuses, []int{200, 200, 429, 200, 200, 429}) {
		t.Fatalf("statuses %v", statuses)
	}
	if limited.Get("Retry-After") != "2" || limited.Get("x-ratelimit-remaining") != "0" {
		t.Fatalf("429 headers %v", limited)
	}
	reset, err := strconv.ParseInt(limited.Get("x-ratelimit-reset"), 10, 64)
	if err != nil || reset < time.Now().Unix() {
		t.Fatalf("x-ratelimit-reset %q", limited.Get("x-ratelimit-reset"))
	}
	if got := srv.RequestCount("GET", "/v1/blueprints"); got != 6 {
		t.Fatalf("rate-limited requests not counted: %d", got)
	}
	srv.RateLimitEvery(0, 0)
	for range 4 {
		_, _, h := c.raw("GET", "/v1/blueprints", nil, c.token)
		if h.Get("x-ratelimit-limit") != "" {
			t.Fatal("rate limit headers after turning it off")
		}
	}
}

func TestFailRequests(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	srv.FailRequests("POST", "/v1/blueprints/jsmServiceDesk/entities", http.StatusServiceUnavailable, 2)
	for range 2 {
		c.wantError(http.StatusServiceUnavailable, "service_unavailable", "POST", bulkPath+"?upsert=true", map[string]any{"entities": desks(0, 1)})
	}
	c.must(http.StatusOK, "POST", bulkPath+"?upsert=true", map[string]any{"entities": desks(0, 1)})
	c.must(http.StatusOK, "GET", deskPath+"/0", nil)

	srv.FailRequests("", "/v1/blueprints", http.StatusInternalServerError, -1)
	for range 3 {
		c.wantError(http.StatusInternalServerError, "internal_error", "GET", "/v1/blueprints", nil)
	}
	// Faults come before authentication.
	status, _, _ := c.raw("GET", "/v1/blueprints", nil, "")
	if status != http.StatusInternalServerError {
		t.Fatalf("status %d", status)
	}
	srv.FailRequests("", "/v1/blueprints", 0, 0)
	c.must(http.StatusOK, "GET", "/v1/blueprints", nil)
}

func TestCounters(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	c.must(http.StatusOK, "POST", bulkPath+"?upsert=true", map[string]any{"entities": desks(0, 3)})
	c.must(http.StatusOK, "POST", bulkPath+"?upsert=true", map[string]any{"entities": desks(3, 20)})
	c.must(http.StatusOK, "GET", deskPath+"/1", nil)
	c.must(http.StatusOK, "GET", deskPath+"/2", nil)
	c.do("GET", "/v1/unknown", nil)

	if n := srv.RequestCount("POST", "/v1/blueprints/{blueprint}/entities/bulk"); n != 2 {
		t.Fatalf("bulk count %d", n)
	}
	want := map[string]int{
		"POST /v1/auth/access_token":                       1,
		"POST /v1/blueprints":                              3,
		"POST /v1/blueprints/{blueprint}/entities/bulk":    2,
		"GET /v1/blueprints/{blueprint}/entities/{entity}": 2,
		"GET /v1/unknown":                                  1,
	}
	if got := srv.RequestCounts(); !reflect.DeepEqual(got, want) {
		t.Fatalf("counts %v", got)
	}
	if got := srv.BulkSizes(); !reflect.DeepEqual(got, []int{3, 20}) {
		t.Fatalf("bulk sizes %v", got)
	}
	srv.ResetCounters()
	if len(srv.RequestCounts()) != 0 || len(srv.BulkSizes()) != 0 || srv.RequestCount("POST", "/v1/blueprints") != 0 {
		t.Fatal("ResetCounters left counts")
	}
}

// TestConcurrentUse hammers the server while faults are switched, for -race.
func TestConcurrentUse(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				items := desks(w*1000+i*5, 5)
				c.do("POST", bulkPath+"?upsert=true", map[string]any{"entities": items})
				c.do("POST", searchPath, map[string]any{"limit": 10})
				_ = srv.Entities("jsmServiceDesk")
			}
		}()
	}
	for i := range 20 {
		srv.SetLatency(time.Duration(i%2) * time.Millisecond)
		srv.RateLimitEvery(i%3, 0)
		srv.FailRequests("GET", "/v1/nothing", 500, 1)
		srv.FailBulkEntities("1")
		_ = srv.RequestCounts()
		_ = srv.BulkSizes()
		time.Sleep(time.Millisecond)
	}
	wg.Wait()
	srv.RateLimitEvery(0, 0)
	if n := at[float64](t, c.must(http.StatusOK, "GET", "/v1/blueprints/jsmServiceDesk/entities-count", nil), "count"); int(n) != len(srv.Entities("jsmServiceDesk")) {
		t.Fatalf("count %v disagrees with Entities", n)
	}
}

func TestLoseAnswersAfterTheWriteLanded(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	srv.LoseAnswers("POST", "/v1/blueprints/jsmServiceDesk/entities/bulk", http.StatusBadGateway, 1)
	c.wantError(http.StatusBadGateway, "bad_gateway", "POST", "/v1/blueprints/jsmServiceDesk/entities/bulk?upsert=true",
		map[string]any{"entities": []any{desk("1")}})
	if _, ok := srv.Entity("jsmServiceDesk", "1"); !ok {
		t.Fatal("the write whose answer was lost did not land")
	}
	srv.LoseAnswers("POST", "/v1/blueprints/jsmServiceDesk/entities/bulk", 0, 1)
	body, err := json.Marshal(map[string]any{"entities": []any{desk("2")}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/v1/blueprints/jsmServiceDesk/entities/bulk?upsert=true", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a lost answer with status 0 answered %d, want the connection closed", resp.StatusCode)
	}
	if _, ok := srv.Entity("jsmServiceDesk", "2"); !ok {
		t.Fatal("the write whose connection was dropped did not land")
	}
}
