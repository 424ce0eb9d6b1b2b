package fakeport

import (
	"net/http"
	"testing"
	"time"
)

func TestAccessTokenResponse(t *testing.T) {
	srv, c := newFake(t)
	status, body, _ := c.raw("POST", "/v1/auth/access_token", map[string]any{"clientId": "test-client", "clientSecret": "test-secret"}, "")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if body["ok"] != true || body["tokenType"] != "Bearer" || body["expiresIn"] != float64(3600) {
		t.Fatalf("token body %v", body)
	}
	tok, _ := body["accessToken"].(string)
	if len(tok) < 32 || tok == c.token {
		t.Fatalf("access token %q is not a fresh opaque string", tok)
	}
	if got := srv.RequestCount("POST", "/v1/auth/access_token"); got != 2 {
		t.Fatalf("token requests counted %d, want 2", got)
	}
}

func TestAccessTokenRejectsWrongCredentials(t *testing.T) {
	_, c := newFake(t)
	for _, creds := range []map[string]any{
		{"clientId": "test-client", "clientSecret": "nope"},
		{"clientId": "other", "clientSecret": "test-secret"},
	} {
		status, body, _ := c.raw("POST", "/v1/auth/access_token", creds, "")
		if status != http.StatusUnauthorized || body["ok"] != false || body["error"] != "unauthorized" || body["message"] == "" {
			t.Fatalf("creds %v: status %d body %v", creds, status, body)
		}
	}
	status, body, _ := c.raw("POST", "/v1/auth/access_token", map[string]any{"clientId": "test-client"}, "")
	if status != http.StatusUnprocessableEntity || body["error"] != "invalid_request" {
		t.Fatalf("missing secret: status %d body %v", status, body)
	}
}

func TestWithClientAndTTL(t *testing.T) {
	srv := New(WithClient("id-1", "s3cret"), WithTokenTTL(90*time.Second))
	defer srv.Close()
	c := &testClient{t: t, srv: srv}
	c.login("id-1", "s3cret")
	_, body, _ := c.raw("POST", "/v1/auth/access_token", map[string]any{"clientId": "id-1", "clientSecret": "s3cret"}, "")
	if body["expiresIn"] != float64(90) {
		t.Fatalf("expiresIn %v, want 90", body["expiresIn"])
	}
	c.must(http.StatusOK, "GET", "/v1/blueprints", nil)
}

func TestRequestsNeedAValidToken(t *testing.T) {
	_, c := newFake(t)
	cases := map[string]string{"missing": "", "unknown": "Bearer abc", "wrong scheme": "Basic " + c.token}
	for name, header := range cases {
		req, _ := http.NewRequest(http.MethodGet, c.srv.URL()+"/v1/blueprints", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, resp.StatusCode)
		}
	}
	c.must(http.StatusOK, "GET", "/v1/blueprints", nil)
}

func TestTokenExpiresAfterTTL(t *testing.T) {
	_, c := newFake(t, WithTokenTTL(150*time.Millisecond))
	c.must(http.StatusOK, "GET", "/v1/blueprints", nil)
	time.Sleep(200 * time.Millisecond)
	body := c.wantError(http.StatusUnauthorized, "unauthorized", "GET", "/v1/blueprints", nil)
	if body["message"] != "The access token has expired" {
		t.Fatalf("message %v", body["message"])
	}
	c.login("test-client", "test-secret")
	c.must(http.StatusOK, "GET", "/v1/blueprints", nil)
}

func TestExpireAndRevokeTokens(t *testing.T) {
	srv, c := newFake(t)
	srv.ExpireTokens()
	c.wantError(http.StatusUnauthorized, "unauthorized", "GET", "/v1/blueprints", nil)
	c.login("test-client", "test-secret")
	c.must(http.StatusOK, "GET", "/v1/blueprints", nil)

	srv.RevokeTokens()
	body := c.wantError(http.StatusUnauthorized, "unauthorized", "GET", "/v1/blueprints", nil)
	if body["message"] != "The access token is invalid or has been revoked" {
		t.Fatalf("message %v", body["message"])
	}
	c.login("test-client", "test-secret")
	c.must(http.StatusOK, "GET", "/v1/blueprints", nil)
}

func TestUnknownRouteIsNotFound(t *testing.T) {
	_, c := newFake(t)
	c.wantError(http.StatusNotFound, "not_found", "GET", "/v1/nothing-here", nil)
	c.wantError(http.StatusNotFound, "not_found", "POST", "/v1/blueprints/x/entities/y", nil)
}
