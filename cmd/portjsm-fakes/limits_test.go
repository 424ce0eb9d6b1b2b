package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

// getJSM sends GET base+path with the credentials the fakes printed.
func getJSM(t *testing.T, env map[string]string, path string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env["JSM_BASE_URL"]+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if env["JSM_AUTH_TYPE"] == "bearer" {
		req.Header.Set("Authorization", "Bearer "+env["JSM_API_TOKEN"])
	} else {
		req.SetBasicAuth(env["JSM_USERNAME"], env["JSM_API_TOKEN"])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestBurstLimitFlags(t *testing.T) {
	// A bucket of 2 that refills one request every 100 s: the third request
	// is refused whatever the machine's speed.
	env, stop := start(t, "-requests", "10", "-jsm-burst-rate", "0.01", "-jsm-burst", "2")
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	for i, want := range []string{"1", "0"} {
		resp := getJSM(t, env, "/rest/servicedeskapi/servicedesk")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-RateLimit-Limit") != "2" || resp.Header.Get("X-RateLimit-Remaining") != want {
			t.Errorf("request %d: %d, headers %v", i+1, resp.StatusCode, resp.Header)
		}
	}
	resp := getJSM(t, env, "/rest/servicedeskapi/servicedesk")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("RateLimit-Reason") != fakejsm.ReasonBurst || resp.Header.Get("Retry-After") != "100" {
		t.Errorf("over the burst: %d, headers %v", resp.StatusCode, resp.Header)
	}
}

func TestQuotaFlags(t *testing.T) {
	env, stop := start(t, "-requests", "10", "-jsm-cloud-id", "c0ffee00-1111-4222-8333-444455556666",
		"-jsm-oauth-token", "app-token", "-jsm-quota-points", "3", "-jsm-quota-window", "10m")
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	if !strings.HasSuffix(env["JSM_BASE_URL"], "/ex/jira/c0ffee00-1111-4222-8333-444455556666") || env["JSM_AUTH_TYPE"] != "bearer" || env["JSM_API_TOKEN"] != "app-token" {
		t.Fatalf("env %v", env)
	}
	// One object costs 2 points: the second request takes the last point and
	// more; the third finds none.
	for i := range 2 {
		resp := getJSM(t, env, "/rest/servicedeskapi/servicedesk/1")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Beta-RateLimit-Policy") != `"tenant-app-quota";q=3;w=600` {
			t.Errorf("request %d: %d, headers %v", i+1, resp.StatusCode, resp.Header)
		}
	}
	resp := getJSM(t, env, "/rest/servicedeskapi/servicedesk/1")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("RateLimit-Reason") != fakejsm.ReasonQuota || !strings.HasPrefix(resp.Header.Get("Beta-RateLimit"), `"tenant-app-quota";r=0;t=`) {
		t.Errorf("quota spent: %d, headers %v", resp.StatusCode, resp.Header)
	}
}

func TestLimitFlagsAreChecked(t *testing.T) {
	for _, args := range [][]string{
		{"-jsm-burst-rate", "-1"},
		{"-jsm-burst", "5"},
		{"-jsm-burst-rate", "10", "-jsm-burst", "-2"},
		{"-jsm-quota-points", "-1"},
		{"-jsm-quota-points", "100"},
		{"-jsm-quota-points", "100", "-jsm-cloud-id", "x", "-jsm-oauth-token", "t", "-jsm-quota-window", "500ms"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		var out bytes.Buffer
		err := run(ctx, args, &out, &out)
		cancel()
		if err == nil || !strings.Contains(err.Error(), "-jsm-") {
			t.Errorf("%v: %v, want an error naming the flag", args, err)
		}
	}
}
