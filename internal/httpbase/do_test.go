package httpbase

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/nettest"
)

// serve answers with status (and header) for the first failures requests,
// then 200 "ok", and counts the requests.
func serve(t *testing.T, failures int32, status int, header http.Header) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) <= failures {
			for k, v := range header {
				w.Header()[k] = v
			}
			w.WriteHeader(status)
			_, _ = w.Write([]byte("failed"))
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func testClient(t *testing.T, retries int) *Client {
	t.Helper()
	o, err := Options{MaxRetries: retries, RetryWaitMin: time.Millisecond, RetryWaitMax: 50 * time.Millisecond}.WithDefaults(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return New(Settings{Options: o, Service: "Test", MaxBodyBytes: 1 << 10})
}

func TestDoRetriesServerErrorsOfIdempotentRequestsOnly(t *testing.T) {
	srv, calls := serve(t, 2, http.StatusBadGateway, nil)
	c := testClient(t, 3)
	body, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL, Endpoint: "/x", Idempotent: true})
	if err != nil || string(body) != "ok" || calls.Load() != 3 {
		t.Fatalf("got %q, %v after %d calls, want ok after 3", body, err, calls.Load())
	}

	srv, calls = serve(t, 2, http.StatusBadGateway, nil)
	_, err = c.Do(context.Background(), Request{Method: "POST", URL: srv.URL, Endpoint: "/x", Body: []byte(`{}`)})
	if !IsStatus(err, http.StatusBadGateway) || calls.Load() != 1 {
		t.Fatalf("a non-idempotent request: %v after %d calls, want the 502 at once", err, calls.Load())
	}
	if want := "Test answered HTTP 502 Bad Gateway to POST /x: failed"; err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}

func TestDoGivesUpAfterMaxRetries(t *testing.T) {
	srv, calls := serve(t, 100, http.StatusInternalServerError, nil)
	_, err := testClient(t, 2).Do(context.Background(), Request{Method: "GET", URL: srv.URL, Endpoint: "/x", Idempotent: true})
	if !IsStatus(err, 500) || calls.Load() != 3 {
		t.Fatalf("%v after %d calls, want a 500 after 1 + 2 retries", err, calls.Load())
	}
	srv, calls = serve(t, 100, http.StatusNotImplemented, nil)
	if _, err := testClient(t, 2).Do(context.Background(), Request{Method: "GET", URL: srv.URL, Idempotent: true}); !IsStatus(err, 501) || calls.Load() != 1 {
		t.Fatalf("501: %v after %d calls, want no retry", err, calls.Load())
	}
}

func TestDoWaitsForRetryAfterOn429EvenWhenNotIdempotent(t *testing.T) {
	srv, calls := serve(t, 1, http.StatusTooManyRequests, http.Header{"Retry-After": {"0.2"}})
	start := time.Now()
	c := testClient(t, 3)
	if _, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL}); err != nil || calls.Load() != 2 {
		t.Fatalf("%v after %d calls", err, calls.Load())
	}
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Errorf("retried after %v, before Retry-After", waited)
	}
}

type testAuth struct {
	tokens  []string
	refused []string
	refresh bool
	err     error
}

func (a *testAuth) Authorization(context.Context) (string, error) {
	if a.err != nil {
		return "", a.err
	}
	return a.tokens[len(a.refused)], nil
}

func (a *testAuth) Refused(v string) bool {
	a.refused = append(a.refused, v)
	return a.refresh
}

func TestDoRepeatsA401OnceWithNewCredentials(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	auth := &testAuth{tokens: []string{"Bearer a", "Bearer b", "Bearer c"}, refresh: true}
	_, err := testClient(t, 0).Do(context.Background(), Request{Method: "GET", URL: srv.URL, Idempotent: true, Auth: auth})
	if !IsStatus(err, 401) || strings.Join(seen, ",") != "Bearer a,Bearer b" {
		t.Fatalf("%v, sent %v: want one repetition with a new token, though retries are off", err, seen)
	}
	seen, auth = nil, &testAuth{tokens: []string{"Basic x"}}
	if _, err := testClient(t, 3).Do(context.Background(), Request{Method: "GET", URL: srv.URL, Idempotent: true, Auth: auth}); !IsStatus(err, 401) || len(seen) != 1 {
		t.Fatalf("credentials that cannot be refreshed: %v after %d requests, want the 401 at once", err, len(seen))
	}
}

func TestDoNeverSends(t *testing.T) {
	srv, calls := serve(t, 0, 0, nil)
	wantErr := errors.New("no token")
	_, err := testClient(t, 3).Do(context.Background(), Request{Method: "GET", URL: srv.URL, Auth: &testAuth{err: wantErr}})
	if !errors.Is(err, wantErr) || !NeverSent(err) || calls.Load() != 0 {
		t.Fatalf("%v (never sent: %v) after %d calls", err, NeverSent(err), calls.Load())
	}

	addr := nettest.ClosedAddr(t)
	c := testClient(t, 3)
	c.s.Host = addr
	_, err = c.Do(context.Background(), Request{Method: "GET", URL: "http://" + addr + "/x", Endpoint: "/x", Idempotent: true})
	te, ok := AsTransportError(err)
	if !ok || te.Cause != CauseUnreachable || te.Attempts != 1 || !NeverSent(err) {
		t.Fatalf("a closed port: %v, want an unreachable host, not retried", err)
	}
	if NeverSent(&APIError{StatusCode: 500}) {
		t.Error("an answer was taken for a request never sent")
	}
}

func TestDoNamesAnAbandonedRequest(t *testing.T) {
	srv, _ := serve(t, 100, http.StatusServiceUnavailable, http.Header{"Retry-After": {"10"}})
	c := testClient(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Do(ctx, Request{Method: "GET", URL: srv.URL, Endpoint: "/x", Idempotent: true})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "the request GET /x to Test was abandoned") {
		t.Fatalf("got %v", err)
	}
}

func TestDoRefusesAnOversizedBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(make([]byte, 1<<20+1))
	}))
	t.Cleanup(srv.Close)
	c := testClient(t, 0)
	c.s.MaxBodyBytes = 2 << 20
	if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL, Endpoint: "/x"}); err != nil {
		t.Fatalf("a body within the bound: %v", err)
	}
	c.s.MaxBodyBytes = 1 << 20
	_, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL, Endpoint: "/x"})
	if err == nil || err.Error() != "the answer of Test to GET /x is larger than 1 MiB" {
		t.Fatalf("got %v", err)
	}
}

func TestDoSendsHeadersAndFollowsTheRateBudget(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	var budgets atomic.Int32
	c := testClient(t, 0)
	c.s.RateBudget = func(http.Header, time.Time) *Budget { budgets.Add(1); return nil }
	h := http.Header{}
	h.Set("X-ExperimentalApi", "opt-in")
	_, err := c.Do(context.Background(), Request{Method: "PUT", URL: srv.URL, Body: []byte("{}"), Header: h, Lane: "entities", Auth: &testAuth{tokens: []string{"Bearer t"}}})
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"Accept": "application/json", "Content-Type": "application/json", "User-Agent": DefaultUserAgent, "Authorization": "Bearer t", "X-Experimentalapi": "opt-in"} {
		if got.Get(k) != want {
			t.Errorf("%s: %q, want %q", k, got.Get(k), want)
		}
	}
	if budgets.Load() != 1 {
		t.Errorf("the rate budget was read %d times", budgets.Load())
	}
}
