package jsm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

// pagedList serves n items of {"id":"<i>"} with a server cap, the way the
// Service Desk API pages, and lets a test tamper with single pages.
type pagedList struct {
	n, cap int
	mu     sync.Mutex
	starts []int
	tamper func(start int, page map[string]any) (status int, body string)
}

func (l *pagedList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start, _ := strconv.Atoi(r.URL.Query().Get("start"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	l.mu.Lock()
	l.starts = append(l.starts, start)
	l.mu.Unlock()
	size := min(limit, l.cap, max(l.n-start, 0))
	values := make([]map[string]any, size)
	for i := range values {
		values[i] = map[string]any{"id": strconv.Itoa(start + i), "name": fmt.Sprintf("item %d", start+i)}
	}
	page := map[string]any{
		"size": size, "start": start, "limit": limit, "isLastPage": start+size >= l.n,
		"values": values, "_links": map[string]any{"next": "https://elsewhere.example/rest/servicedeskapi/x?start=999"},
	}
	if l.tamper != nil {
		if status, body := l.tamper(start, page); status != 0 {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
			return
		}
	}
	_ = json.NewEncoder(w).Encode(page)
}

func (l *pagedList) requests() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.starts)
}

func (l *pagedList) requested(start int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Contains(l.starts, start)
}

func (l *pagedList) startsSeen() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Sorted(slices.Values(l.starts))
}

func newTestClient(t *testing.T, h http.Handler, mutate ...func(*Config)) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := Config{BaseURL: srv.URL, Username: "agent@example.com", APIToken: "secret-token",
		Options: httpbase.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 20 * time.Millisecond}}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ids(t *testing.T, items []json.RawMessage) []string {
	t.Helper()
	out := make([]string, len(items))
	for i, raw := range items {
		var v struct{ ID string }
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		out[i] = v.ID
	}
	return out
}

func assertSequence(t *testing.T, got []string, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("got %d items, want %d", len(got), n)
	}
	for i, id := range got {
		if id != strconv.Itoa(i) {
			t.Fatalf("item %d has id %s: order or completeness broken", i, id)
		}
	}
}

func TestListFollowsCappedPagesInOrder(t *testing.T) {
	for _, tc := range []struct{ n, cap, pageSize, concurrency int }{
		{0, 50, 50, 8}, {1, 50, 50, 8}, {50, 50, 50, 8}, {51, 50, 50, 8},
		{1000, 30, 50, 8}, {997, 7, 100, 3}, {250, 100, 100, 1},
	} {
		t.Run(fmt.Sprintf("n=%d cap=%d limit=%d conc=%d", tc.n, tc.cap, tc.pageSize, tc.concurrency), func(t *testing.T) {
			list := &pagedList{n: tc.n, cap: tc.cap}
			c := newTestClient(t, list, func(c *Config) { c.PageSize = tc.pageSize; c.Concurrency = tc.concurrency })
			items, err := c.List(context.Background(), "/servicedesk", ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			assertSequence(t, ids(t, items.Items), tc.n)
		})
	}
}

func TestListWastesFewRequestsOnShortLists(t *testing.T) {
	list := &pagedList{n: 120, cap: 50}
	c := newTestClient(t, list)
	if _, err := c.List(context.Background(), "/servicedesk", ListOptions{}); err != nil {
		t.Fatal(err)
	}
	// Pages at 0, 50 and 100 are needed. The window is 1 for the first page,
	// 2 after it and 4 after the second, so at most three speculative pages
	// past the end can reach the server before the last page is seen.
	if got := list.requests(); got > 6 {
		t.Fatalf("made %d requests for 3 pages", got)
	}
	short := &pagedList{n: 30, cap: 50}
	if _, err := newTestClient(t, short).List(context.Background(), "/servicedesk", ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := short.requests(); got != 1 {
		t.Fatalf("made %d requests for a list that fits one page", got)
	}
}

// TestListRequestsWhilePagesAreConverted checks that an answered page no
// longer holds a request slot while it is decoded and mapped: with the
// conversion of one page held, the pager still requests the pages after
// the window (up to one less than as many again) instead of idling until
// the CPU work is done.
func TestListRequestsWhilePagesAreConverted(t *testing.T) {
	const pageSize, concurrency, held = 10, 3, 4
	list := &pagedList{n: 200, cap: pageSize}
	c := newTestClient(t, list, func(c *Config) { c.PageSize = pageSize; c.Concurrency = concurrency })
	release := make(chan struct{})
	convert := func(ctx context.Context, first int, items []any) ([]any, error) {
		if first == held*pageSize {
			select {
			case <-release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		return items, nil
	}
	type result struct {
		listing *Listing[any]
		err     error
	}
	done := make(chan result, 1)
	go func() {
		l, err := ListDecoded(context.Background(), c, "/servicedesk", ListOptions{}, convert)
		done <- result{l, err}
	}()
	// Held at page 4, the pager holds pages 4 to 4+3+2-1 = 8; without the
	// decoupling it would stop at page 4+3-1 = 6.
	lastWanted := (held + 2*concurrency - 2) * pageSize
	deadline := time.Now().Add(5 * time.Second)
	for !list.requested(lastWanted) {
		if time.Now().After(deadline) {
			close(release)
			t.Fatalf("with the conversion of page %d held, the pager requested only starts %v; want start=%d too", held, list.startsSeen(), lastWanted)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if list.requested(lastWanted + pageSize) {
		t.Errorf("the pager requested start=%d, beyond the %d pages it may hold", lastWanted+pageSize, 2*concurrency-1)
	}
	close(release)
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.listing.Items) != list.n {
		t.Fatalf("got %d items, want %d", len(r.listing.Items), list.n)
	}
}

func TestListStopsAtMaxItems(t *testing.T) {
	list := &pagedList{n: 500, cap: 50}
	c := newTestClient(t, list)
	items, err := c.List(context.Background(), "/servicedesk", ListOptions{MaxItems: 120})
	if err != nil {
		t.Fatal(err)
	}
	assertSequence(t, ids(t, items.Items), 120)
	for _, s := range list.starts {
		if s >= 120 {
			t.Fatalf("fetched a page at start=%d beyond max_items", s)
		}
	}
	small, err := c.List(context.Background(), "/servicedesk", ListOptions{MaxItems: 3})
	if err != nil {
		t.Fatal(err)
	}
	assertSequence(t, ids(t, small.Items), 3)
}

func TestListRejectsBrokenChains(t *testing.T) {
	cases := map[string]struct {
		tamper func(start int, page map[string]any) (int, string)
		want   string
	}{
		"empty page that is not the last": {
			tamper: func(start int, page map[string]any) (int, string) {
				if start == 100 {
					page["values"], page["size"], page["isLastPage"] = []any{}, 0, false
				}
				return 0, ""
			},
			want: "empty page that is not marked as the last one",
		},
		"repeated start": {
			tamper: func(start int, page map[string]any) (int, string) {
				if start == 100 {
					page["start"] = 50
				}
				return 0, ""
			},
			want: "came back with start=50, repeating an earlier page",
		},
		"not an envelope": {
			tamper: func(start int, _ map[string]any) (int, string) {
				if start == 50 {
					return http.StatusOK, `["maintenance"]`
				}
				return 0, ""
			},
			want: "not a Service Desk API page envelope",
		},
		"an HTML page": {
			tamper: func(start int, _ map[string]any) (int, string) {
				if start == 50 {
					return http.StatusOK, "<!DOCTYPE html><html><head><title>Sign in &ndash; Okta</title></head></html>"
				}
				return 0, ""
			},
			want: `answered HTTP 200 with an HTML page titled "Sign in – Okta" instead of JSM's JSON`,
		},
		"values missing": {
			tamper: func(start int, _ map[string]any) (int, string) {
				if start == 50 {
					return http.StatusOK, `{"size":0,"start":50,"limit":50,"isLastPage":true}`
				}
				return 0, ""
			},
			want: `the field "values" is missing`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := newTestClient(t, &pagedList{n: 300, cap: 50, tamper: tc.tamper})
			items, err := c.List(context.Background(), "/servicedesk", ListOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if items != nil {
				t.Fatalf("a broken list returned %d items", len(items.Items))
			}
		})
	}
}

func TestListNeverShrinksAListThatKeepsShifting(t *testing.T) {
	// An item inserted at the front before every later page shifts each of
	// them by one: the first item of each later page repeats the last of the
	// previous, every read. The reads never settle, and the result is the
	// union of the reads, never a list shorter than any of them.
	list := &pagedList{n: 200, cap: 50, tamper: func(start int, page map[string]any) (int, string) {
		if start > 0 {
			values, ok := page["values"].([]map[string]any)
			if !ok {
				return http.StatusInternalServerError, "the test's page has no values"
			}
			for i := range values {
				values[i]["id"] = strconv.Itoa(start + i - 1)
			}
		}
		return 0, ""
	}}
	c := newTestClient(t, list)
	listing, err := c.List(context.Background(), "/servicedesk", ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertSequence(t, ids(t, listing.Items), 199)
	if listing.Settled || listing.Reads != DefaultMaxReads {
		t.Fatalf("settled=%v after %d reads, want %d unsettled reads", listing.Settled, listing.Reads, DefaultMaxReads)
	}
}

func TestListRetriesTransientFailures(t *testing.T) {
	var calls atomic.Int32
	list := &pagedList{n: 120, cap: 50, tamper: func(start int, _ map[string]any) (int, string) {
		if start == 50 && calls.Add(1) <= 2 {
			return http.StatusBadGateway, `{"errorMessage":"upstream"}`
		}
		return 0, ""
	}}
	c := newTestClient(t, list)
	items, err := c.List(context.Background(), "/servicedesk", ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertSequence(t, ids(t, items.Items), 120)
}

func TestListHonoursRetryAfterForEveryWorker(t *testing.T) {
	var refused atomic.Int32
	var refusedAt atomic.Int64
	var early atomic.Int32
	list := &pagedList{n: 400, cap: 50, tamper: func(start int, _ map[string]any) (int, string) {
		if start == 100 && refused.Add(1) == 1 {
			refusedAt.Store(time.Now().UnixNano())
			return http.StatusTooManyRequests, `{"errorMessage":"Rate limit exceeded."}`
		}
		return 0, ""
	}}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if at := refusedAt.Load(); at != 0 && r.URL.Query().Get("start") == "100" && time.Since(time.Unix(0, at)) < 900*time.Millisecond {
			early.Add(1)
		}
		if r.URL.Query().Get("start") == "100" && refused.Load() == 0 {
			w.Header().Set("Retry-After", "1")
		}
		list.ServeHTTP(w, r)
	})
	c := newTestClient(t, h, func(c *Config) { c.RetryWaitMax = 5 * time.Second })
	items, err := c.List(context.Background(), "/servicedesk", ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertSequence(t, ids(t, items.Items), 400)
	if early.Load() != 0 {
		t.Fatalf("the refused page was asked again before Retry-After elapsed")
	}
}

func TestListReportsClientErrorsWithJSMMessage(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"errorMessage":"Service Desk with id 999 does not exist.","i18nErrorMessage":{"i18nKey":"sd.x","parameters":[]}}`))
	})
	c := newTestClient(t, h)
	_, err := c.List(context.Background(), "/servicedesk/999/organization", ListOptions{})
	var apiErr *httpbase.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		t.Fatalf("got %v, want a 404 APIError", err)
	}
	want := "JSM answered HTTP 404 Not Found to GET /servicedesk/999/organization?limit=50&start=0: Service Desk with id 999 does not exist."
	if err.Error() != want {
		t.Fatalf("got %q\nwant %q", err.Error(), want)
	}
}

func TestListGivesUpOnPersistentServerErrors(t *testing.T) {
	var calls atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	})
	c := newTestClient(t, h, func(c *Config) { c.MaxRetries = 3 })
	_, err := c.List(context.Background(), "/request", ListOptions{})
	if !httpbase.IsStatus(err, 500) || !strings.Contains(err.Error(), "GET /request?") {
		t.Fatalf("got %v", err)
	}
	if calls.Load() != 4 {
		t.Fatalf("made %d calls, want 1 + 3 retries", calls.Load())
	}
}

func TestListStopsAtOnceOnCancel(t *testing.T) {
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	c := newTestClient(t, h)
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	started := time.Now()
	_, err := c.List(ctx, "/request", ListOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if elapsed := time.Since(started); elapsed > 2*time.Second {
		t.Fatalf("cancel took %v to stop paging", elapsed)
	}
}

func TestClientSendsAuthAndNeverFollowsLinks(t *testing.T) {
	var mu sync.Mutex
	var auths, hosts []string
	list := &pagedList{n: 120, cap: 50}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		hosts = append(hosts, r.URL.Path+"|"+r.URL.Query().Get("searchTerm"))
		mu.Unlock()
		list.ServeHTTP(w, r)
	})
	for _, tc := range []struct{ authType, wantAuth string }{
		{AuthBasic, "Basic YWdlbnRAZXhhbXBsZS5jb206c2VjcmV0LXRva2Vu"},
		{AuthBearer, "Bearer secret-token"},
	} {
		auths, hosts = nil, nil
		srv := httptest.NewServer(h)
		c, err := New(Config{BaseURL: srv.URL + "/ex/jira/abc-123/", AuthType: tc.authType, Username: "agent@example.com", APIToken: "secret-token"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.List(context.Background(), "/request", ListOptions{Query: map[string][]string{"searchTerm": {"vpn"}}}); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		for i := range auths {
			if auths[i] != tc.wantAuth {
				t.Fatalf("%s: Authorization %q", tc.authType, auths[i])
			}
			if hosts[i] != "/ex/jira/abc-123/rest/servicedeskapi/request|vpn" {
				t.Fatalf("%s: request %d went to %q, not rebuilt from the base URL with the filter", tc.authType, i, hosts[i])
			}
		}
	}
}

func TestEndpointURLRefusesOtherHosts(t *testing.T) {
	c, err := New(Config{BaseURL: "https://example.atlassian.net/", Username: "u", APIToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"https://evil.example/x", "//evil.example/x", "/servicedesk/../../x", "/request?x=1"} {
		if _, err := c.endpointURL(bad, nil); err == nil {
			t.Errorf("path %q was accepted", bad)
		}
	}
	for path, want := range map[string]string{
		"/servicedesk":                      "https://example.atlassian.net/rest/servicedeskapi/servicedesk",
		"servicedesk/1/queue":               "https://example.atlassian.net/rest/servicedeskapi/servicedesk/1/queue",
		"/rest/servicedeskapi/organization": "https://example.atlassian.net/rest/servicedeskapi/organization",
	} {
		u, err := c.endpointURL(path, nil)
		if err != nil || u.String() != want {
			t.Errorf("path %q resolved to %v (%v), want %s", path, u, err, want)
		}
	}
}

func TestNewValidatesConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{BaseURL: "example.atlassian.net", Username: "u", APIToken: "t"}, "absolute http(s) URL"},
		{Config{BaseURL: "ftp://example.atlassian.net", Username: "u", APIToken: "t"}, "absolute http(s) URL"},
		{Config{BaseURL: "https://example.atlassian.net", APIToken: "t"}, "needs both a username"},
		{Config{BaseURL: "https://example.atlassian.net", AuthType: "bearer"}, "needs an access token"},
		{Config{BaseURL: "https://example.atlassian.net", AuthType: "oauth", APIToken: "t"}, `unknown auth type "oauth"`},
		{Config{BaseURL: "https://u:p@example.atlassian.net", Username: "u", APIToken: "t"}, "must not carry"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.cfg.BaseURL, err, tc.want)
		}
	}
}
