package fakejsm

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAuthentication(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 31})
	path := "/rest/servicedeskapi/servicedesk"
	for name, opt := range map[string]reqOption{
		"no credentials": withoutAuth(),
		"wrong token":    withBasic(DefaultEmail, "nope"),
		"wrong email":    withBasic("someone@example.com", DefaultAPIToken),
		"bearer not configured": func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+DefaultAPIToken)
		},
	} {
		t.Run(name, func(t *testing.T) {
			getError(t, s, path, http.StatusUnauthorized, opt)
		})
	}
	// Every endpoint requires authentication, unknown ones included.
	for _, p := range []string{"/rest/servicedeskapi/request", "/rest/servicedeskapi/organization", "/rest/servicedeskapi/servicedesk/1/queue", "/rest/servicedeskapi/nothing"} {
		getError(t, s, p, http.StatusUnauthorized, withoutAuth())
	}
}

func TestCustomCredentialsAndBearer(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 32}, WithBasicAuth("bot@corp.example", "s3cret"), WithBearerToken("oauth-token"))
	path := "/rest/servicedeskapi/servicedesk"
	getPage(t, s, path, withBasic("bot@corp.example", "s3cret"))
	getError(t, s, path, http.StatusUnauthorized) // the default credentials
	getPage(t, s, path, withHeader("Authorization", "Bearer oauth-token"))
	getError(t, s, path, http.StatusUnauthorized, withHeader("Authorization", "Bearer other"))
}

func TestUnknownPathsAndMethods(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 33})
	for _, p := range []string{"/rest/servicedeskapi/nothing", "/rest/servicedeskapi/servicedesk/1/nothing", "/rest/api/2/issue/10100", "/", "/rest/servicedeskapiX/servicedesk", "/rest/servicedeskapi/servicedesk/"} {
		getError(t, s, p, http.StatusNotFound)
	}
	status, h, _ := get(t, s, "/rest/servicedeskapi/servicedesk", withMethod(http.MethodPost))
	if status != http.StatusMethodNotAllowed || h.Get("Allow") != http.MethodGet {
		t.Errorf("POST: %d, Allow %q", status, h.Get("Allow"))
	}
}

func TestGatewayMode(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 34, Requests: 30}, WithGateway("11111111-2222-3333-4444-555555555555"))
	if !strings.HasSuffix(s.URL(), "/ex/jira/11111111-2222-3333-4444-555555555555") {
		t.Fatalf("URL %s", s.URL())
	}
	env := getPage(t, s, "/rest/servicedeskapi/request?requestStatus=OPEN_REQUESTS&serviceDeskId=1&limit=2")
	if env.Size != 2 || env.IsLastPage {
		t.Fatalf("%+v", env)
	}
	if !strings.HasPrefix(env.Links.Next, SiteURL+"/rest/servicedeskapi/request?") || env.Links.Base != SiteURL+"/rest/servicedeskapi" {
		t.Errorf("links do not point at the site: %+v", env.Links)
	}
	next, _ := url.Parse(env.Links.Next)
	if q := next.Query(); len(q) != 2 || q.Get("start") != "2" || q.Get("limit") != "2" {
		t.Errorf("gateway next link keeps filters: %s", env.Links.Next)
	}
	if strings.Contains(env.Links.Self, "requestStatus") {
		t.Errorf("gateway self link keeps filters: %s", env.Links.Self)
	}
	if self := field[requestLinksDTO](t, env.Values[0], "_links").Self; !strings.HasPrefix(self, SiteURL+"/rest/servicedeskapi/request/") {
		t.Errorf("item link %s", self)
	}
	if !strings.HasPrefix(string(s.Tenant().RequestsJSON()[0]), `{"_expands"`) || !strings.Contains(string(s.Tenant().ServiceDesksJSON()[0]), SiteURL) {
		t.Error("tenant accessors do not use the site links")
	}

	// Filters still apply when the client rebuilds the URL itself.
	all := collect(t, s, "/rest/servicedeskapi/request", url.Values{"requestStatus": {"OPEN_REQUESTS"}, "serviceDeskId": {"1"}, "limit": {"2"}})
	for _, r := range all {
		if field[string](t, r, "serviceDeskId") != "1" || field[requestStatusDTO](t, r, "currentStatus").StatusCategory == CategoryDone {
			t.Errorf("filter not applied: %s", r)
		}
	}

	// Without the prefix, or with another cloud id, nothing is served.
	root := strings.TrimSuffix(s.URL(), "/ex/jira/11111111-2222-3333-4444-555555555555")
	for _, u := range []string{root + "/rest/servicedeskapi/servicedesk", root + "/ex/jira/other/rest/servicedeskapi/servicedesk"} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.SetBasicAuth(DefaultEmail, DefaultAPIToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", u, resp.StatusCode)
		}
	}
	// Counters use the API path without the gateway prefix; requests that
	// miss the prefix are not counted as the endpoint.
	counts := s.RequestCounts()
	if counts["GET /rest/servicedeskapi/request"] == 0 || counts["GET /rest/servicedeskapi/servicedesk"] != 0 ||
		counts["GET /rest/servicedeskapi/servicedesk (unmatched)"] != 1 {
		t.Errorf("counts %v", counts)
	}
}

func TestWithAddr(t *testing.T) {
	s := New(nil, WithAddr("127.0.0.1:0"))
	t.Cleanup(s.Close)
	getPage(t, s, "/rest/servicedeskapi/servicedesk")
	// The address is really used: asking for the one s holds fails.
	defer func() {
		if recover() == nil {
			t.Error("New on a busy address did not panic")
		}
	}()
	New(nil, WithAddr(strings.TrimPrefix(s.URL(), "http://"))).Close()
}
