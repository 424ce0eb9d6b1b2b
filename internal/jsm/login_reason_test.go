package jsm

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

func fakeClient(t *testing.T, baseURL, token string) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: baseURL, Username: fakejsm.DefaultEmail, APIToken: token, Options: httpbase.Options{MaxRetries: 2}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A revoked token served as an anonymous caller (200, empty list) is an
// error, never an empty list, and it is not retried.
func TestAnonymousAnswerIsNeverData(t *testing.T) {
	srv := fakejsm.New(fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 61, Requests: 20}))
	t.Cleanup(srv.Close)
	srv.ServeBadTokensAsAnonymous(true)
	_, err := fakeClient(t, srv.URL(), "revoked").List(context.Background(), CustomerRequestsPath, ListOptions{})
	var rejected *LoginRejectedError
	if !errors.As(err, &rejected) || rejected.StatusCode != http.StatusOK || rejected.Reason != "AUTHENTICATED_FAILED" || rejected.Captcha() {
		t.Fatalf("err = %v, want the anonymous answer refused", err)
	}
	if !strings.Contains(err.Error(), "X-Seraph-LoginReason: AUTHENTICATED_FAILED") {
		t.Errorf("the message does not quote the header: %v", err)
	}
	if n := srv.RequestCount("GET /rest/servicedeskapi/request"); n != 1 {
		t.Errorf("%d requests, want 1: a login failure is not retried", n)
	}
}

func TestCaptchaIsNamed(t *testing.T) {
	srv := fakejsm.New(fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 62}))
	t.Cleanup(srv.Close)
	srv.RequireCaptchaAfter(1)
	_, _ = fakeClient(t, srv.URL(), "wrong").List(context.Background(), ServiceDesksPath, ListOptions{})
	_, err := fakeClient(t, srv.URL(), fakejsm.DefaultAPIToken).List(context.Background(), ServiceDesksPath, ListOptions{})
	var rejected *LoginRejectedError
	if !errors.As(err, &rejected) || rejected.Reason != "AUTHENTICATION_DENIED" || !rejected.Captcha() {
		t.Fatalf("err = %v, want a CAPTCHA refusal", err)
	}
}

func TestUnknownCloudID(t *testing.T) {
	srv := fakejsm.New(fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 63}), fakejsm.WithGateway("11111111-2222-3333-4444-555555555555"))
	t.Cleanup(srv.Close)
	wrong := strings.Replace(srv.URL(), "11111111", "99999999", 1)
	_, err := fakeClient(t, wrong, fakejsm.DefaultAPIToken).List(context.Background(), ServiceDesksPath, ListOptions{})
	var unknown *UnknownCloudIDError
	if !errors.As(err, &unknown) || unknown.CloudID != "99999999-2222-3333-4444-555555555555" {
		t.Fatalf("err = %v, want an unknown cloud id", err)
	}
}

func TestParseSiteURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://x.atlassian.net/jira/servicedesk/projects/IT":          "use https://x.atlassian.net",
		"https://x.atlassian.net/wiki":                                  "use https://x.atlassian.net",
		"https://api.atlassian.com":                                     "https://api.atlassian.com/ex/jira/<cloudId>",
		"https://api.atlassian.com/ex/confluence/abc":                   "_edge/tenant_info",
		"https://jira.corp.example/jira/servicedesk/projects/IT/queues": "use the site's URL https://jira.corp.example/jira",
		"https://jira.corp.example/browse/IT-1":                         "use the site's URL https://jira.corp.example ",
	} {
		_, err := ParseSiteURL(raw)
		if err == nil || !strings.Contains(err.Error(), strings.TrimSpace(want)) {
			t.Errorf("%s: %v, want an error containing %q", raw, err, want)
		}
	}
	for _, raw := range []string{"https://x.atlassian.net", "https://x.atlassian.net/", "https://x.atlassian.net/rest/servicedeskapi",
		"https://api.atlassian.com/ex/jira/11111111-2222-3333-4444-555555555555", "https://jira.corp.example/jira", "http://127.0.0.1:8080/ex/jira/abc"} {
		if _, err := ParseSiteURL(raw); err != nil {
			t.Errorf("%s: %v", raw, err)
		}
	}
}
