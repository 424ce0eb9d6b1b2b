package fakejsm

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestLatency(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 41})
	s.SetLatency(80 * time.Millisecond)
	start := time.Now()
	getPage(t, s, "/rest/servicedeskapi/servicedesk")
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("request took %v", d)
	}
	s.SetLatency(0)
	start = time.Now()
	getPage(t, s, "/rest/servicedeskapi/servicedesk")
	if d := time.Since(start); d > 70*time.Millisecond {
		t.Errorf("latency not removed: %v", d)
	}
}

func TestRateLimitEvery(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 42})
	s.RateLimitEvery(3, 1500*time.Millisecond)
	path := "/rest/servicedeskapi/servicedesk"
	for i := 1; i <= 6; i++ {
		status, h, body := get(t, s, path)
		if i%3 != 0 {
			if status != http.StatusOK {
				t.Errorf("request %d: %d", i, status)
			}
			continue
		}
		if status != http.StatusTooManyRequests {
			t.Fatalf("request %d: %d, want 429", i, status)
		}
		if h.Get("Retry-After") != "2" || h.Get("X-RateLimit-Limit") != "3" || h.Get("X-RateLimit-Remaining") != "0" {
			t.Errorf("headers %v", h)
		}
		if _, err := time.Parse(time.RFC3339, h.Get("X-RateLimit-Reset")); err != nil {
			t.Errorf("X-RateLimit-Reset %q", h.Get("X-RateLimit-Reset"))
		}
		var e apiError
		if err := json.Unmarshal(body, &e); err != nil || e.ErrorMessage == "" {
			t.Errorf("429 body %s", body)
		}
	}
	s.RateLimitEvery(0, 0)
	for range 5 {
		getPage(t, s, path)
	}
	if n := s.RequestCount("GET " + path); n != 11 {
		t.Errorf("count %d, want 11 (429s included)", n)
	}
}

func TestFailRequests(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 43})
	s.FailRequests("/request", http.StatusServiceUnavailable, 2)
	for range 2 {
		e := getError(t, s, "/rest/servicedeskapi/request", http.StatusServiceUnavailable)
		if e.ErrorMessage == "" {
			t.Error("no errorMessage")
		}
	}
	getPage(t, s, "/rest/servicedeskapi/servicedesk") // other paths unaffected
	getPage(t, s, "/rest/servicedeskapi/request")     // exhausted

	s.FailRequests("/servicedesk/1", http.StatusInternalServerError, -1)
	for range 3 {
		getError(t, s, "/rest/servicedeskapi/servicedesk/1/queue", http.StatusInternalServerError)
	}
	getPage(t, s, "/rest/servicedeskapi/servicedesk/2/queue")
	s.FailRequests("/servicedesk/1", 0, 0)
	getPage(t, s, "/rest/servicedeskapi/servicedesk/1/queue")

	if n := s.RequestCount("GET /rest/servicedeskapi/request"); n != 3 {
		t.Errorf("request count %d, want 3 (faulted ones included)", n)
	}
	if n := s.RequestCount("GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/queue"); n != 5 {
		t.Errorf("queue count %d, want 5", n)
	}
}

func TestTruncateBodies(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 44})
	s.TruncateBodies("/request", 1)
	getError(t, s, "/rest/servicedeskapi/request?limit=-1", http.StatusBadRequest) // errors do not consume it
	_, _, err := do(t, s, "/rest/servicedeskapi/request")
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short body: err %v, want unexpected EOF", err)
	}
	getPage(t, s, "/rest/servicedeskapi/request")

	s.TruncateBodiesMode("/organization", 2, TruncateHalfJSON)
	for range 2 {
		resp, body, err := do(t, s, "/rest/servicedeskapi/organization")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("half JSON: %v %v", resp, err)
		}
		if resp.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Errorf("Content-Length %s, body %d", resp.Header.Get("Content-Length"), len(body))
		}
		var env envelope
		if json.Unmarshal(body, &env) == nil {
			t.Error("half body decoded")
		}
	}
	getPage(t, s, "/rest/servicedeskapi/organization")
}

func TestEmptyPageAt(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 45})
	s.EmptyPageAt("/request", 10)
	env := getPage(t, s, "/rest/servicedeskapi/request?start=10&limit=10")
	if env.Size != 0 || env.Values == nil || len(env.Values) != 0 || env.IsLastPage {
		t.Errorf("empty page %+v", env)
	}
	if env.Links.Next == "" {
		t.Error("empty page has no next link")
	}
	if getPage(t, s, "/rest/servicedeskapi/request?start=0&limit=10").Size != 10 {
		t.Error("other pages affected")
	}
	s.EmptyPageAt("/request", -1)
	if getPage(t, s, "/rest/servicedeskapi/request?start=10&limit=10").Size != 10 {
		t.Error("empty page not cleared")
	}
}

func TestClearFaults(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 46})
	s.SetLatency(time.Second)
	s.RateLimitEvery(1, time.Second)
	s.FailRequests("", http.StatusBadGateway, -1)
	s.TruncateBodies("", -1)
	s.EmptyPageAt("", 0)
	s.ClearFaults()
	start := time.Now()
	if env := getPage(t, s, "/rest/servicedeskapi/servicedesk"); env.Size != 3 {
		t.Errorf("%+v", env)
	}
	if time.Since(start) > 500*time.Millisecond {
		t.Error("latency survived ClearFaults")
	}
}

func TestCountersAndQueries(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 47})
	getPage(t, s, "/rest/servicedeskapi/request?requestStatus=OPEN_REQUESTS&expand=sla&expand=status")
	getPage(t, s, "/rest/servicedeskapi/servicedesk/IT/organization")
	getPage(t, s, "/rest/servicedeskapi/servicedesk/2/organization")
	get(t, s, "/rest/servicedeskapi/bogus")

	counts := s.RequestCounts()
	want := map[string]int{
		"GET /rest/servicedeskapi/request":                                  1,
		"GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/organization": 2,
		"GET /rest/servicedeskapi/bogus (unmatched)":                        1,
	}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("%s: %d, want %d (all %v)", k, counts[k], v, counts)
		}
	}
	qs := s.LastRequestQueries("GET /rest/servicedeskapi/request")
	if len(qs) != 1 || qs[0].Get("requestStatus") != "OPEN_REQUESTS" || len(qs[0]["expand"]) != 2 {
		t.Errorf("queries %v", qs)
	}
	qs[0].Set("requestStatus", "changed")
	if s.LastRequestQueries("GET /rest/servicedeskapi/request")[0].Get("requestStatus") != "OPEN_REQUESTS" {
		t.Error("LastRequestQueries returns shared state")
	}
	s.ResetCounters()
	if len(s.RequestCounts()) != 0 || len(s.LastRequestQueries("GET /rest/servicedeskapi/request")) != 0 || s.MaxInFlight() != 0 {
		t.Error("ResetCounters left state")
	}
}

func TestMaxInFlight(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 48})
	s.SetLatency(100 * time.Millisecond)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { getPage(t, s, "/rest/servicedeskapi/request") })
	}
	wg.Wait()
	if n := s.MaxInFlight(); n < 4 || n > 8 {
		t.Errorf("MaxInFlight %d with 8 concurrent requests", n)
	}
}

// TestConcurrentMutation exercises the tenant's locking (run with -race).
func TestConcurrentMutation(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 49, Requests: 300})
	tn := s.Tenant()
	stop := make(chan struct{})
	var mutator, readers sync.WaitGroup
	mutator.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			id, _, err := tn.AddRequest(NewRequest{Summary: "load " + strconv.Itoa(i)})
			if err != nil {
				t.Error(err)
				return
			}
			_ = tn.SetRequestStatus(id, "In progress", CategoryIndeterminate)
			if i%2 == 0 {
				_ = tn.RemoveRequest(id)
			}
			_ = tn.SetOrganizationMembership("1", i%3 != 0)
		}
	})
	for range 4 {
		readers.Go(func() {
			for range 15 {
				getPage(t, s, "/rest/servicedeskapi/request?limit=100&expand=sla,comment")
				getPage(t, s, "/rest/servicedeskapi/servicedesk/1/queue?includeCount=true")
				_ = tn.RequestsJSON()
			}
		})
	}
	readers.Wait()
	close(stop)
	mutator.Wait()
}
