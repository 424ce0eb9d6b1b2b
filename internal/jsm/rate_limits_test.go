package jsm_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
)

// TestListPacesItselfUnderTheBurstLimit: a read of 30 pages under a burst
// limit of 10 a second with a bucket of 10 follows the burst headers instead
// of running into 429s.
func TestListPacesItselfUnderTheBurstLimit(t *testing.T) {
	srv := fakejsm.New(fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 3, ServiceDesks: 2, Requests: 1_500}))
	defer srv.Close()
	srv.SetLatency(20 * time.Millisecond)
	srv.SetBurstLimit(10, 10)
	listing, err := burstClient(t, srv, false).List(context.Background(), jsm.CustomerRequestsPath, jsm.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(listing.Items) != 1_500 {
		t.Fatalf("read %d items, want 1500", len(listing.Items))
	}
	if n := srv.Refusals(fakejsm.ReasonBurst); n > 2 {
		t.Errorf("JSM refused %d of the read's %d requests for the burst limit, want at most 2", n, srv.RequestCount("GET /rest/servicedeskapi/request"))
	}
}

const oauthToken = "oauth-access-token"

// quotaServer is a fake JSM read by an OAuth 2.0 app through the gateway,
// its quota's clock standing at at.
func quotaServer(t *testing.T, requests int, at time.Time) *fakejsm.Server {
	t.Helper()
	srv := fakejsm.New(fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 5, ServiceDesks: 2, Requests: requests}),
		fakejsm.WithGateway("5f3c-cloud"), fakejsm.WithBearerToken(oauthToken), fakejsm.WithClock(func() time.Time { return at }))
	t.Cleanup(srv.Close)
	return srv
}

func oauthClient(t *testing.T, srv *fakejsm.Server, transport http.RoundTripper) *jsm.Client {
	t.Helper()
	cfg := jsm.Config{BaseURL: srv.URL(), AuthType: jsm.AuthBearer, APIToken: oauthToken}
	if transport != nil {
		cfg.HTTPClient = &http.Client{Transport: transport}
	}
	client, err := jsm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// spendQuota spends the quota of points with one GET of a service desk
// (1 point and 1 for the desk).
func spendQuota(t *testing.T, srv *fakejsm.Server, client *jsm.Client) {
	t.Helper()
	srv.SetQuota(2, 0)
	if _, err := client.Get(context.Background(), "/servicedesk/1", nil, false); err != nil {
		t.Fatal(err)
	}
	srv.ResetCounters()
}

// TestSpentQuotaFailsAtOnce: two minutes before the hour ends, a spent
// quota asks for a wait well within max_server_wait; the read still fails
// at the first refusal, as no wait within a run is worth it for a quota, and
// the error names the limit, what is left, the policy and the reset.
func TestSpentQuotaFailsAtOnce(t *testing.T) {
	srv := quotaServer(t, 40, time.Date(2026, 3, 26, 15, 58, 0, 0, time.UTC))
	client := oauthClient(t, srv, nil)
	spendQuota(t, srv, client)
	// Without the rule the client would wait out the 2 minutes, more than once.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := client.List(ctx, jsm.CustomerRequestsPath, jsm.ListOptions{})
	var rl *jsm.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("got %v, want a RateLimitError", err)
	}
	if rl.Limit != jsm.LimitHourlyQuota || rl.Quota.Points != 2 || !rl.Quota.HasLeft || rl.Quota.Left != 0 || rl.Quota.Window != time.Hour {
		t.Errorf("the error says limit %q, %d of %d points left per %v", rl.Limit, rl.Quota.Left, rl.Quota.Points, rl.Quota.Window)
	}
	if rl.Reset.IsZero() || rl.Reset.Second() != 0 {
		t.Errorf("reset %v, want a time to the minute", rl.Reset)
	}
	for _, want := range []string{"hourly points quota is spent", "RateLimit-Reason: jira-quota-tenant-based", "0 of 2 points left per 1 h",
		`Beta-RateLimit-Policy: "tenant-app-quota";q=2;w=3600`, "it resets at", "UTC"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q: %v", want, err)
		}
	}
	if n := srv.RequestCount("GET /rest/servicedeskapi/request"); n != 1 {
		t.Errorf("the read sent %d requests, want 1: a spent quota is not retried", n)
	}
}

// noPolicy drops Beta-RateLimit-Policy from every answer: Atlassian calls
// the quota headers beta, and the policy may be missing.
type noPolicy struct{ next http.RoundTripper }

func (n noPolicy) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := n.next.RoundTrip(req)
	if err == nil {
		resp.Header.Del("Beta-RateLimit-Policy")
	}
	return resp, err
}

func TestSpentQuotaWithoutAPolicyHeader(t *testing.T) {
	srv := quotaServer(t, 40, time.Date(2026, 3, 26, 15, 20, 0, 0, time.UTC))
	client := oauthClient(t, srv, noPolicy{http.DefaultTransport})
	spendQuota(t, srv, client)
	_, err := client.List(context.Background(), jsm.CustomerRequestsPath, jsm.ListOptions{})
	var rl *jsm.RateLimitError
	if !errors.As(err, &rl) || rl.Limit != jsm.LimitHourlyQuota {
		t.Fatalf("got %v, want a RateLimitError of the quota", err)
	}
	if !strings.Contains(err.Error(), "0 points left (JSM sent no Beta-RateLimit-Policy)") {
		t.Errorf("the error does not say what it knows of the quota: %v", err)
	}
}

// TestBurstLimitAskingTooLongFailsAtOnce: a burst limit that refills a
// request every two hours asks for a wait past max_server_wait.
func TestBurstLimitAskingTooLongFailsAtOnce(t *testing.T) {
	srv := fakejsm.New(fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 3, ServiceDesks: 2, Requests: 200}))
	defer srv.Close()
	srv.SetBurstLimit(1.0/7200, 1)
	_, err := burstClient(t, srv, false).List(context.Background(), jsm.CustomerRequestsPath, jsm.ListOptions{})
	var rl *jsm.RateLimitError
	if !errors.As(err, &rl) || rl.Limit != jsm.LimitBurst {
		t.Fatalf("got %v, want a RateLimitError of the burst limit", err)
	}
	if !regexp.MustCompile(`burst rate limit is spent \(RateLimit-Reason: jira-burst-based\) and asked to wait 2 h \(Retry-After: 7[12]\d\d\), longer than max_server_wait \(10m0s\); it resets at`).MatchString(err.Error()) {
		t.Errorf("the error does not say which limit and how long: %v", err)
	}
	if n := srv.Refusals(fakejsm.ReasonBurst); n != 1 {
		t.Errorf("%d refusals, want 1: the wait is not retried", n)
	}
}

// TestListReportsTheQuotaItSpent: a read after which less than a fifth of the
// quota is left says so, with the points it spent (2 pages and 60 objects,
// and maybe the page fetched ahead past the end) and those left.
func TestListReportsTheQuotaItSpent(t *testing.T) {
	srv := quotaServer(t, 60, time.Date(2026, 3, 26, 15, 20, 0, 0, time.UTC))
	srv.SetQuota(70, 0)
	listing, err := oauthClient(t, srv, nil).List(context.Background(), jsm.CustomerRequestsPath, jsm.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	use := listing.Quota
	if use == nil || !use.State.NearLimit {
		t.Fatalf("quota %+v, want one near its limit", use)
	}
	spent := 70 - srv.QuotaLeft()
	if use.Points < 62 || use.Points > spent || use.State.Left < srv.QuotaLeft() || use.State.Left > 70-62 || use.State.Points != 70 {
		t.Errorf("the read says it spent %d points, %d of %d left; JSM charged %d", use.Points, use.State.Left, use.State.Points, spent)
	}
}

// TestListWithoutQuotaHeaders: API-token traffic meets no quota, and the
// listing says nothing of one.
func TestListWithoutQuotaHeaders(t *testing.T) {
	srv := fakejsm.New(fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 3, ServiceDesks: 2, Requests: 20}))
	defer srv.Close()
	srv.SetQuota(5, 0)
	listing, err := burstClient(t, srv, false).List(context.Background(), jsm.CustomerRequestsPath, jsm.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if listing.Quota != nil {
		t.Errorf("quota %+v on API-token traffic", listing.Quota)
	}
}
