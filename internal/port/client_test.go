package port

import (
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

func TestNewChecksConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg     Config
		wantErr string
	}{
		{Config{BaseURL: "api.port.io", ClientID: "i", ClientSecret: "s"}, "absolute http(s) URL"},
		{Config{BaseURL: "ftp://api.port.io", ClientID: "i", ClientSecret: "s"}, "absolute http(s) URL"},
		{Config{BaseURL: "https://api.port.io?x=1", ClientID: "i", ClientSecret: "s"}, "must not carry"},
		{Config{ClientID: "i"}, "client ID and a client secret"},
		{Config{ClientID: "i", ClientSecret: "s", Options: httpbase.Options{CACertificatesPEM: []byte("nope")}}, "no PEM-encoded certificate"},
	} {
		_, err := New(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("New(%+v) = %v, want an error containing %q", tc.cfg, err, tc.wantErr)
		}
	}
}

func TestNewDefaults(t *testing.T) {
	for raw, want := range map[string]string{
		"":                           DefaultBaseURL,
		"https://api.us.port.io/":    USBaseURL,
		"https://api.port.io/v1":     DefaultBaseURL,
		"http://127.0.0.1:8080/port": "http://127.0.0.1:8080/port",
	} {
		c, err := New(Config{BaseURL: raw, ClientID: "i", ClientSecret: "s"})
		if err != nil {
			t.Fatal(err)
		}
		if c.base != want {
			t.Errorf("base URL %q became %q, want %q", raw, c.base, want)
		}
	}
	c, err := New(Config{ClientID: "i", ClientSecret: "s", Options: httpbase.Options{MaxRetries: httpbase.NoRetries}})
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.Timeout != DefaultTimeout || c.cfg.MaxRetries != 0 || c.cfg.Concurrency != DefaultConcurrency ||
		c.cfg.UserAgent != httpbase.DefaultUserAgent || c.cfg.RetryWaitMin != httpbase.DefaultRetryWaitMin || c.cfg.RetryWaitMax != httpbase.DefaultRetryWaitMax {
		t.Errorf("defaults = %+v", c.cfg)
	}
}

func TestEscapedPath(t *testing.T) {
	if got := escapedPath("v1", "blueprints", "svc", "entities", "a/b?c"); got != "/v1/blueprints/svc/entities/a%2Fb%3Fc" {
		t.Errorf("escapedPath = %q", got)
	}
}
