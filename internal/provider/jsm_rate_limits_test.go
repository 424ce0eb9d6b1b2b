package provider

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

// quotaRig syncs the customer requests of a fake JSM, read by an OAuth 2.0
// app through the gateway, into a fake Port with the Terraform CLI, as a
// scheduled job does. The quota's clock stands still, so that its window
// never ends during the test.
type quotaRig struct {
	*syncRig
}

const quotaRequests = 60

// quotaCost is what one read of the requests costs: 2 pages of 50 (1 point
// each) and a point for each request.
const quotaCost = 2 + quotaRequests

func newQuotaRig(t *testing.T) quotaRig {
	t.Helper()
	r := &syncRig{t: t, port: startPort(t), tf: newTerraformCLI(t, "testdata/jsm_quota", nil)}
	mustEdit(t, r.port.PutBlueprint(map[string]any{
		"identifier": "jsmRequest", "title": "JSM request", "schema": map[string]any{"properties": map[string]any{}},
	}))
	stopped := time.Date(2026, 3, 26, 15, 20, 0, 0, time.UTC)
	r.jsm = startJSM(t, fakejsm.TenantOptions{Seed: 17, ServiceDesks: 2, Requests: quotaRequests},
		fakejsm.WithGateway("5f3c-cloud"), fakejsm.WithBearerToken("oauth-access-token"), fakejsm.WithClock(func() time.Time { return stopped }))
	vars := fmt.Sprintf(`{"port_base_url": %q, "jsm_base_url": %q, "jsm_access_token": "oauth-access-token"}`, r.port.URL(), r.jsm.URL())
	if err := os.WriteFile(filepath.Join(r.tf.dir, "terraform.tfvars.json"), []byte(vars), 0o600); err != nil {
		t.Fatal(err)
	}
	return quotaRig{r}
}

// portWrites counts the requests that change something in Port.
func (r quotaRig) portWrites() int {
	n := 0
	for key, count := range r.port.RequestCounts() {
		if !strings.HasPrefix(key, "GET ") && !strings.Contains(key, "/v1/auth/access_token") {
			n += count
		}
	}
	return n
}

// TestAccJSMQuotaSpentFailsAtOnce: a sync whose read meets a spent hourly
// quota fails at the first refusal, without a retry, says which limit, what
// is left and when it resets, and what to do; Port keeps what the last sync
// wrote and gets no write.
func TestAccJSMQuotaSpentFailsAtOnce(t *testing.T) {
	r := newQuotaRig(t)
	r.jsm.SetQuota(10*quotaCost, 0)
	mustApply(t, r.syncRig, 0, "Apply complete! Resources: 1 added")
	if n := len(r.port.Entities("jsmRequest")); n != quotaRequests {
		t.Fatalf("the first sync wrote %d entities, want %d", n, quotaRequests)
	}
	// The next read finds a point for its first page, which spends the rest.
	r.jsm.SetQuota(quotaCost/2, 0)
	r.port.ResetCounters()
	r.jsm.ResetCounters()
	mustApply(t, r.syncRig, 1, "Error: JSM Hourly Quota Spent", "RateLimit-Reason: jira-quota-tenant-based",
		"0 of 31 points left per 1 h (Beta-RateLimit-Policy: \"tenant-app-quota\";q=31;w=3600)", "it resets at",
		"Run again after", "split the read into shards", "authenticate with an API token", "a partial read is never used")
	assertNoPageRetried(t, r.jsm.LastRequestQueries("GET /rest/servicedeskapi/request"))
	if n := r.portWrites(); n != 0 {
		t.Errorf("Port got %d writes from a failed read: %v", n, r.port.RequestCounts())
	}
	if n := len(r.port.Entities("jsmRequest")); n != quotaRequests {
		t.Errorf("Port holds %d entities after the failed sync, want the %d of the last one", n, quotaRequests)
	}
}

// assertNoPageRetried checks that a read refused by a spent quota asked for
// the first page, which succeeded, and then for each page at most once: the
// pages it fetches ahead may or may not have been sent before the first
// refusal stopped the read, but none is sent again.
func assertNoPageRetried(t *testing.T, queries []url.Values) {
	t.Helper()
	seen := map[string]bool{}
	for _, q := range queries {
		start := q.Get("start")
		if seen[start] {
			t.Errorf("the page at start=%q was requested again after the quota refused it: a spent quota is not retried (%v)", start, queries)
		}
		seen[start] = true
	}
	if len(queries) < 2 {
		t.Errorf("the read sent %d page requests, want the first page and at least one refused: %v", len(queries), queries)
	}
}

// TestAccJSMQuotaNearlySpentWarns: a read after which less than a fifth of
// the quota is left succeeds and warns with the points it used and those
// left.
func TestAccJSMQuotaNearlySpentWarns(t *testing.T) {
	r := newQuotaRig(t)
	r.jsm.SetQuota(quotaCost+8, 0)
	// The page the pager fetches ahead past the end may cost a point more.
	out := mustApply(t, r.syncRig, 0, "Warning: JSM Quota Nearly Spent", "X-Beta-RateLimit-NearLimit: true",
		"points left per 1 h (Beta-RateLimit-Policy: \"tenant-app-quota\";q=70;w=3600)", "the quota resets at",
		"space the runs", "Apply complete! Resources: 1 added")
	if !regexp.MustCompile(`this read used about 6[23] points; [78] of 70 points left`).MatchString(strings.Join(strings.Fields(out), " ")) {
		t.Errorf("the warning does not say the points used and left:\n%s", out)
	}
	if n := len(r.port.Entities("jsmRequest")); n != quotaRequests {
		t.Fatalf("the sync wrote %d entities, want %d", n, quotaRequests)
	}
}
