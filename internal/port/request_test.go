package port

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	// The harness's RetryWaitMax of 10 ms bounds backoffs, not Retry-After.
	h := newHarness(t, nil)
	// The token request is the first request, the GET the second: refused
	// with Retry-After: 1.
	h.srv.RateLimitEvery(2, time.Second)
	started := time.Now()
	if _, err := h.c.GetBlueprint(context.Background(), bp); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(started); waited < 900*time.Millisecond {
		t.Errorf("recovered after %v, want at least the 1 s of Retry-After", waited)
	}
	if n := h.count("GET", "/v1/blueprints/{blueprint}"); n != 2 {
		t.Errorf("GET requests = %d, want 2", n)
	}
}

func TestRateLimitRecoveredEverywhere(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.RateLimitEvery(3, 0)
	ctx := context.Background()
	res, err := h.c.BulkUpsert(ctx, bp, entities(100), EntityWriteOptions{})
	if err != nil || len(res.Succeeded) != 100 {
		t.Fatalf("BulkUpsert: %d succeeded, failed %v, err %v", len(res.Succeeded), res.Failed, err)
	}
	got, err := h.c.SearchEntities(ctx, bp, Search{PageSize: 10})
	if err != nil || len(got) != 100 {
		t.Fatalf("SearchEntities: %d entities, err %v", len(got), err)
	}
	deleted, err := h.c.BulkDelete(ctx, bp, h.storedIDs(), false)
	if err != nil || len(deleted.Deleted) != 100 {
		t.Fatalf("BulkDelete: %d deleted, err %v", len(deleted.Deleted), err)
	}
	bulk := h.count("POST", bulkPattern)
	search := h.count("POST", "/v1/blueprints/{blueprint}/entities/search")
	if bulk <= 5 || search <= 10 {
		t.Errorf("bulk requests = %d (5 batches), search requests = %d (10 pages): some must have been refused and repeated", bulk, search)
	}
}

func TestPlainCreateRetriedOnlyOnRateLimit(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	const pattern = "/v1/blueprints/{blueprint}/entities"
	path := "/v1/blueprints/" + bp + "/entities"

	h.srv.FailRequests("POST", path, http.StatusInternalServerError, 1)
	_, err := h.c.WriteEntity(ctx, bp, entity.Entity{Identifier: "a"}, EntityWriteOptions{})
	if !httpbase.IsStatus(err, http.StatusInternalServerError) {
		t.Fatalf("plain create: err = %v, want the 500", err)
	}
	if n := h.count("POST", pattern); n != 1 {
		t.Errorf("plain create after a 500: %d requests, want 1 (it may have landed)", n)
	}

	h.srv.ResetCounters()
	h.srv.FailRequests("POST", path, http.StatusTooManyRequests, 1)
	if _, err := h.c.WriteEntity(ctx, bp, entity.Entity{Identifier: "a"}, EntityWriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := h.count("POST", pattern); n != 2 {
		t.Errorf("plain create after a 429: %d requests, want 2", n)
	}

	h.srv.ResetCounters()
	h.srv.FailRequests("POST", path, http.StatusBadGateway, 2)
	if _, err := h.c.WriteEntity(ctx, bp, entity.Entity{Identifier: "a", Title: ptr("A")}, EntityWriteOptions{Upsert: true}); err != nil {
		t.Fatal(err)
	}
	if n := h.count("POST", pattern); n != 3 {
		t.Errorf("upsert after two 502: %d requests, want 3", n)
	}
}

func TestBulkUpsertRetriedOn500(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.FailRequests("POST", "/v1/blueprints/"+bp+"/entities/bulk", http.StatusInternalServerError, 2)
	res, err := h.c.BulkUpsert(context.Background(), bp, entities(5), EntityWriteOptions{})
	if err != nil || len(res.Succeeded) != 5 {
		t.Fatalf("succeeded %v, failed %v, err %v", res.Succeeded, res.Failed, err)
	}
	if n := h.count("POST", bulkPattern); n != 3 {
		t.Errorf("bulk requests = %d, want 3", n)
	}
	if got := len(h.storedIDs()); got != 5 {
		t.Errorf("stored %d entities, want 5", got)
	}
}

func TestServerErrorForeverGivesAPIError(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.MaxRetries = 3 })
	h.srv.FailRequests("GET", "/v1/blueprints/"+bp, http.StatusInternalServerError, -1)
	_, err := h.c.GetBlueprint(context.Background(), bp)
	var apiErr *httpbase.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want an APIError", err)
	}
	want := httpbase.APIError{Service: "Port", StatusCode: 500, Method: "GET", Endpoint: "/v1/blueprints/" + bp, Code: "internal_error", Message: "Injected failure: 500 Internal Server Error"}
	if *apiErr != want {
		t.Errorf("APIError = %+v, want %+v", *apiErr, want)
	}
	wantMsg := "Port answered HTTP 500 Internal Server Error to GET /v1/blueprints/svc: internal_error: Injected failure: 500 Internal Server Error"
	if err.Error() != wantMsg {
		t.Errorf("message = %q, want %q", err.Error(), wantMsg)
	}
	if n := h.count("GET", "/v1/blueprints/{blueprint}"); n != 4 {
		t.Errorf("GET requests = %d, want 1 + MaxRetries = 4", n)
	}
}

func TestNoRetries(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.MaxRetries = -1 })
	h.srv.FailRequests("GET", "/v1/blueprints/"+bp, http.StatusServiceUnavailable, 1)
	if _, err := h.c.GetBlueprint(context.Background(), bp); !httpbase.IsStatus(err, http.StatusServiceUnavailable) {
		t.Fatalf("err = %v, want the 503", err)
	}
	if n := h.count("GET", "/v1/blueprints/{blueprint}"); n != 1 {
		t.Errorf("GET requests = %d, want 1", n)
	}
}

func TestNotFoundNotRetried(t *testing.T) {
	h := newHarness(t, nil)
	_, err := h.c.GetEntity(context.Background(), bp, "missing")
	if !httpbase.IsNotFound(err) {
		t.Fatalf("err = %v, want a 404", err)
	}
	if n := h.count("GET", "/v1/blueprints/{blueprint}/entities/{entity}"); n != 1 {
		t.Errorf("GET requests = %d, want 1", n)
	}
}

func TestTransportErrorRetriedForIdempotentCalls(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.MaxRetries = 2 })
	ctx := context.Background()
	if _, err := h.c.GetBlueprint(ctx, bp); err != nil {
		t.Fatal(err)
	}
	h.srv.LoseAnswers("GET", "/v1/blueprints/"+bp, 0, -1)
	_, err := h.c.GetBlueprint(ctx, bp)
	te, ok := httpbase.AsTransportError(err)
	if !ok || te.Cause != httpbase.CauseTransport || te.Attempts != 3 {
		t.Fatalf("err = %v, want a transport error after 3 attempts", err)
	}
	if got := h.log.text(); strings.Count(got, "retrying Port request") != 2 {
		t.Errorf("want 2 retries in the log:\n%s", got)
	}
}

func TestUnreachablePortFailsFast(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.MaxRetries = 5 })
	ctx := context.Background()
	if _, err := h.c.GetBlueprint(ctx, bp); err != nil {
		t.Fatal(err)
	}
	h.srv.Close()
	_, err := h.c.GetBlueprint(ctx, bp)
	te, ok := httpbase.AsTransportError(err)
	if !ok || te.Cause != httpbase.CauseUnreachable || te.Attempts != 1 {
		t.Fatalf("err = %v, want an unreachable host after one attempt", err)
	}
	if got := h.log.text(); strings.Contains(got, "retrying Port request") {
		t.Errorf("a refused connection was retried:\n%s", got)
	}
}

func TestParseRateLimitReset(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		v    string
		want time.Duration
	}{
		{"", 0},
		{"12", 12 * time.Second},
		{strconv.FormatInt(now.Add(9*time.Second).Unix(), 10), 9 * time.Second},
		{strconv.FormatInt(now.Add(1500*time.Millisecond).UnixMilli(), 10), 1500 * time.Millisecond},
		{strconv.FormatInt(now.Add(-time.Minute).Unix(), 10), 0},
		{"-1", 0},
	} {
		if got := parseRateLimitReset(tc.v, now); got != tc.want {
			t.Errorf("parseRateLimitReset(%q) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

func TestRetryWaitPrefersRetryAfter(t *testing.T) {
	now := time.Now()
	h := http.Header{}
	h.Set("x-ratelimit-reset", "20")
	if got := retryWait(h, now); got.Wait != 20*time.Second || got.From.String() != "x-ratelimit-reset: 20" {
		t.Errorf("reset only: %+v", got)
	}
	h.Set("Retry-After", "2")
	if got := retryWait(h, now); got.Wait != 2*time.Second || got.From.String() != "Retry-After: 2" {
		t.Errorf("with Retry-After: %+v", got)
	}
}
