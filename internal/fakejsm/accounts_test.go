package fakejsm

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// A wrong token served as an anonymous caller gets well-formed, empty
// envelopes (200) and 401 for single objects, each with the login header;
// the right token gets X-Seraph-LoginReason: OK.
func TestBadTokenServedAsAnonymous(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 41, Requests: 30})
	s.ServeBadTokensAsAnonymous(true)
	c := loadContract(t, s)
	r := apiPath
	wrong := []reqOption{withBasic(DefaultEmail, "revoked-token")}
	for _, p := range []string{r + "/servicedesk", r + "/request", r + "/organization", r + "/servicedesk/1/queue"} {
		h := c.check(t, s, contractCase{path: p, status: http.StatusOK, opts: wrong})
		if got := h.Get(LoginReasonHeader); got != LoginFailed {
			t.Errorf("%s: %s %q, want %s", p, LoginReasonHeader, got, LoginFailed)
		}
		if env := getPage(t, s, p, wrong...); env.Size != 0 || !env.IsLastPage || len(env.Values) != 0 {
			t.Errorf("%s: the anonymous view is not an empty last page: %+v", p, env)
		}
	}
	h := c.check(t, s, contractCase{path: r + "/request/10001", status: http.StatusUnauthorized, opts: wrong})
	if h.Get(LoginReasonHeader) != LoginFailed {
		t.Errorf("single object: headers %v", h)
	}
	if h := c.check(t, s, contractCase{path: r + "/servicedesk", status: http.StatusOK}); h.Get(LoginReasonHeader) != LoginOK {
		t.Errorf("the right token: %s %q", LoginReasonHeader, h.Get(LoginReasonHeader))
	}
	s.ServeBadTokensAsAnonymous(false)
	getError(t, s, r+"/servicedesk", http.StatusUnauthorized, wrong...)
}

// After the set number of failed logins, Jira wants a CAPTCHA: even the right
// token is refused until it is solved in a browser.
func TestCaptchaAfterFailedLogins(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 42})
	s.RequireCaptchaAfter(2)
	path := apiPath + "/servicedesk"
	for range 2 {
		getError(t, s, path, http.StatusUnauthorized, withBasic(DefaultEmail, "wrong"))
	}
	status, h, body := get(t, s, path)
	if status != http.StatusForbidden || h.Get(LoginReasonHeader) != LoginDenied {
		t.Fatalf("the right token after 2 failures: %d, %s %q", status, LoginReasonHeader, h.Get(LoginReasonHeader))
	}
	if denied := h.Get(DeniedReasonHeader); denied != "CAPTCHA_CHALLENGE; login-url="+s.URL()+"/login.jsp" {
		t.Errorf("%s %q", DeniedReasonHeader, denied)
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "<title>") {
		t.Errorf("the CAPTCHA answer is not an HTML page: %q %s", h.Get("Content-Type"), body)
	}
	// Another account is not affected.
	getError(t, s, path, http.StatusUnauthorized, withBasic("other@example.com", "x"))
	s.SolveCaptcha()
	getPage(t, s, path)
}

// An account without an agent licence sees no desk, may not open one, and
// lists only the requests it created or participates in, whatever
// requestOwnership asks.
func TestCustomerView(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 43, Requests: 60, Organizations: 4})
	agentAll := collect(t, s, apiPath+"/request", map[string][]string{"requestOwnership": {OwnershipAll}})
	s.ServeAsCustomer(true)
	c := loadContract(t, s)
	r := apiPath
	if env := getPage(t, s, r+"/servicedesk"); env.Size != 0 {
		t.Errorf("a customer lists %d desks", env.Size)
	}
	c.check(t, s, contractCase{path: r + "/servicedesk", status: http.StatusOK})
	c.check(t, s, contractCase{path: r + "/servicedesk/1", status: http.StatusForbidden})
	c.check(t, s, contractCase{path: r + "/servicedesk/1/queue", status: http.StatusForbidden})
	own := collect(t, s, r+"/request", map[string][]string{"requestOwnership": {OwnershipAll}, "expand": {"participant"}})
	if len(own) == 0 || len(own) >= len(agentAll) {
		t.Fatalf("the customer sees %d of the %d requests", len(own), len(agentAll))
	}
	me := s.Tenant().CurrentAccountID
	for _, req := range own {
		reporter := field[userDTO](t, req, "reporter").AccountID
		if reporter != me && !strings.Contains(string(req), me) {
			t.Errorf("the customer sees a request it neither created nor participates in: %s", req)
		}
	}
	if orgs := collect(t, s, r+"/request", map[string][]string{"requestOwnership": {OwnershipAllOrgs}}); len(orgs) != 0 {
		t.Errorf("the customer sees %d requests through organizations", len(orgs))
	}
	s.ServeAsCustomer(false)
	if env := getPage(t, s, r+"/servicedesk"); env.Size == 0 {
		t.Error("the agent lists no desk")
	}
}

// A proxy's or SSO page answers instead of JSM, before authentication.
func TestServeHTMLPage(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 44})
	s.ServeHTMLPage("/request", http.StatusOK, "Sign in – Okta", 1)
	status, h, body := get(t, s, apiPath+"/request", withoutAuth())
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(body), "<title>Sign in – Okta</title>") {
		t.Fatalf("%d %q %s", status, h.Get("Content-Type"), body)
	}
	getPage(t, s, apiPath+"/request")
	s.ServeHTMLPage("", http.StatusOK, "Proxy", -1)
	s.ClearFaults()
	getPage(t, s, apiPath+"/servicedesk")
}

// The gateway answers a cloud id it does not know with its own envelope.
func TestGatewayUnknownCloudID(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 45}, WithGateway("11111111-2222-3333-4444-555555555555"))
	other := strings.Replace(s.URL(), "11111111-2222-3333-4444-555555555555", "99999999-0000-0000-0000-000000000000", 1)
	req, _ := http.NewRequest(http.MethodGet, other+apiPath+"/servicedesk", nil)
	req.SetBasicAuth(DefaultEmail, DefaultAPIToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusNotFound || body.Code != 404 || body.Message == "" {
		t.Fatalf("%d %+v %v", resp.StatusCode, body, err)
	}
}
