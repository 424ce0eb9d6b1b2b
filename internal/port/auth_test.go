package port

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

func TestTokenFetchedOnceForManyCalls(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Go(func() {
			_, err := h.c.GetBlueprint(ctx, bp)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := h.tokenRequests(); n != 1 {
		t.Errorf("token requests = %d, want 1 for 40 concurrent calls", n)
	}
	if n := h.count("GET", "/v1/blueprints/{blueprint}"); n != 40 {
		t.Errorf("GET requests = %d, want 40 (no 401 and retry)", n)
	}
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	// A 2 s token is refreshed once half of it is gone (refreshMargin caps
	// the margin at half the lifetime), before Port would refuse it.
	h := newHarness(t, []fakeport.Option{fakeport.WithTokenTTL(2 * time.Second)})
	ctx := context.Background()
	if _, err := h.c.GetBlueprint(ctx, bp); err != nil {
		t.Fatal(err)
	}
	if _, err := h.c.GetBlueprint(ctx, bp); err != nil {
		t.Fatal(err)
	}
	if n := h.tokenRequests(); n != 1 {
		t.Fatalf("token requests = %d before the refresh point, want 1", n)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := h.c.GetBlueprint(ctx, bp); err != nil {
		t.Fatal(err)
	}
	if n := h.tokenRequests(); n != 2 {
		t.Errorf("token requests = %d, want 2 (refreshed before expiry)", n)
	}
	if n := h.count("GET", "/v1/blueprints/{blueprint}"); n != 3 {
		t.Errorf("GET requests = %d, want 3: the refresh must come before Port refuses the token", n)
	}
}

func TestRefusedTokenRefreshedOnce(t *testing.T) {
	for name, invalidate := range map[string]func(*fakeport.Server){
		"expired": (*fakeport.Server).ExpireTokens,
		"revoked": (*fakeport.Server).RevokeTokens,
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil)
			ctx := context.Background()
			if _, err := h.c.GetBlueprint(ctx, bp); err != nil {
				t.Fatal(err)
			}
			invalidate(h.srv)
			h.srv.ResetCounters()
			if _, err := h.c.GetBlueprint(ctx, bp); err != nil {
				t.Fatal(err)
			}
			if n := h.tokenRequests(); n != 1 {
				t.Errorf("token requests = %d, want 1", n)
			}
			if n := h.count("GET", "/v1/blueprints/{blueprint}"); n != 2 {
				t.Errorf("GET requests = %d, want 2 (refused, then repeated with the new token)", n)
			}
		})
		t.Run(name+" concurrently", func(t *testing.T) {
			h := newHarness(t, nil)
			ctx := context.Background()
			if _, err := h.c.GetBlueprint(ctx, bp); err != nil {
				t.Fatal(err)
			}
			invalidate(h.srv)
			h.srv.ResetCounters()
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for range 8 {
				wg.Go(func() {
					_, err := h.c.GetBlueprint(ctx, bp)
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if n := h.tokenRequests(); n != 1 {
				t.Errorf("token requests = %d, want 1 refresh for all refused calls", n)
			}
			// Calls that start after the refresh never see a 401.
			if n := h.count("GET", "/v1/blueprints/{blueprint}"); n < 9 || n > 16 {
				t.Errorf("GET requests = %d, want between 9 and 16", n)
			}
		})
	}
}

func TestUnauthorizedAfterRefreshFails(t *testing.T) {
	h := newHarness(t, nil)
	h.srv.FailRequests("GET", "/v1/blueprints/"+bp, http.StatusUnauthorized, -1)
	_, err := h.c.GetBlueprint(context.Background(), bp)
	if !httpbase.IsStatus(err, http.StatusUnauthorized) {
		t.Fatalf("err = %v, want a 401 APIError", err)
	}
	if n := h.count("GET", "/v1/blueprints/{blueprint}"); n != 2 {
		t.Errorf("GET requests = %d, want 2 (one repeat with a fresh token, no retries)", n)
	}
	if n := h.tokenRequests(); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}
}

func TestSignInKeepsTheTokenForLaterCalls(t *testing.T) {
	h := newHarness(t, nil)
	if err := h.c.SignIn(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.c.GetBlueprint(context.Background(), bp); err != nil {
		t.Fatal(err)
	}
	if n := h.tokenRequests(); n != 1 {
		t.Errorf("token requests = %d, want 1: the call after SignIn uses its token", n)
	}
}

func TestSignInReportsRefusedCredentials(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.ClientSecret = "wrong-secret-value" })
	var credErr *CredentialsError
	if err := h.c.SignIn(context.Background()); !errors.As(err, &credErr) || credErr.Renewal {
		t.Fatalf("err = %v, want a CredentialsError of a first sign-in", err)
	}
}

func TestWrongSecretNamesPort(t *testing.T) {
	const secret = "wrong-secret-value"
	h := newHarness(t, nil, func(c *Config) { c.ClientSecret = secret })
	_, err := h.c.GetBlueprint(context.Background(), bp)
	var credErr *CredentialsError
	if !errors.As(err, &credErr) {
		t.Fatalf("err = %v, want a CredentialsError", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "Port refused the client ID and client secret") || !strings.Contains(msg, "401") {
		t.Errorf("message %q should say that Port refused the credentials, with the status", msg)
	}
	if strings.Contains(msg, secret) || strings.Contains(h.log.text(), secret) {
		t.Errorf("the secret leaked: %q / %q", msg, h.log.text())
	}
	if n := h.tokenRequests(); n != 1 {
		t.Errorf("token requests = %d, want 1 (refused credentials are not retried)", n)
	}
	if n := h.count("GET", "/v1/blueprints/{blueprint}"); n != 0 {
		t.Errorf("GET requests = %d, want 0", n)
	}
}

func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.MaxRetries = 1 })
	ctx := context.Background()
	var texts []string
	check := func(err error) {
		if err != nil {
			texts = append(texts, err.Error())
		}
	}
	_, err := h.c.GetBlueprint(ctx, bp)
	check(err)
	h.srv.RevokeTokens()
	_, err = h.c.GetEntity(ctx, bp, "missing")
	check(err)
	h.srv.FailRequests("", "/v1/blueprints/"+bp+"/entities/bulk", http.StatusInternalServerError, -1)
	_, err = h.c.BulkUpsert(ctx, bp, entities(3), EntityWriteOptions{})
	check(err)
	h.srv.FailRequests("GET", "/v1/blueprints/"+bp, http.StatusUnauthorized, -1)
	_, err = h.c.GetBlueprint(ctx, bp)
	check(err)
	if len(texts) != 3 {
		t.Fatalf("errors = %q, want 3", texts)
	}
	if len(h.tokens.seen()) < 2 {
		t.Fatalf("tokens sent = %d, want at least 2 (revocation forces a new one)", len(h.tokens.seen()))
	}
	h.secretFree(t, "an error", strings.Join(texts, "\n"))
	h.secretFree(t, "the log", h.log.text())
	if !strings.Contains(h.log.text(), "Port request") {
		t.Errorf("the log has no request lines: %s", h.log.text())
	}
}

func TestRefreshMargin(t *testing.T) {
	for _, tc := range []struct{ life, want time.Duration }{
		{2 * time.Hour, 12 * time.Minute},
		{10 * time.Minute, time.Minute},
		{2 * time.Minute, time.Minute},
		{2 * time.Second, time.Second},
		{0, 0},
	} {
		if got := refreshMargin(tc.life); got != tc.want {
			t.Errorf("refreshMargin(%v) = %v, want %v", tc.life, got, tc.want)
		}
	}
}

// A secret rotated while the client runs is refused when the token is
// renewed, and the error says that Port had accepted it before.
func TestRotatedSecretIsARenewalFailure(t *testing.T) {
	srv := fakeport.New(fakeport.WithTokenTTL(time.Hour))
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL(), ClientID: "test-client", ClientSecret: "test-secret", Options: httpbase.Options{MaxRetries: httpbase.NoRetries}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.GetBlueprint(ctx, "missing"); err != nil && !httpbase.IsNotFound(err) {
		t.Fatal(err)
	}
	srv.RotateClientSecret("rotated")
	srv.ExpireTokens()
	_, err = c.GetBlueprint(ctx, "missing")
	var credErr *CredentialsError
	if !errors.As(err, &credErr) || !credErr.Renewal || !strings.Contains(err.Error(), "when the access token was renewed") {
		t.Fatalf("err = %v, want a CredentialsError of a renewal", err)
	}
}
