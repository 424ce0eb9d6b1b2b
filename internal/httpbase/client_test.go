package httpbase

import (
	"strings"
	"testing"
	"time"
)

func TestParseBaseURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://example.atlassian.net/":                     "https://example.atlassian.net",
		"https://example.atlassian.net/rest/servicedeskapi":  "https://example.atlassian.net",
		"https://example.atlassian.net/rest/servicedeskapi/": "https://example.atlassian.net",
		"http://127.0.0.1:8080/jira":                         "http://127.0.0.1:8080/jira",
	} {
		u, err := ParseBaseURL("JSM", raw, "https://x.example", "/rest/servicedeskapi")
		if err != nil || u.String() != want {
			t.Errorf("%q became %v (%v), want %q", raw, u, err, want)
		}
	}
	for raw, want := range map[string]string{
		"":                            "the JSM base URL is empty",
		"example.atlassian.net":       `the JSM base URL "example.atlassian.net" must be an absolute http(s) URL such as https://x.example`,
		"ftp://example.atlassian.net": "must be an absolute http(s) URL",
		"https://u:p@example.net":     "must not carry a query, fragment or credentials",
		"https://example.net/?x=1":    "must not carry",
		"https://example.net/#frag":   "must not carry",
		"https://exa mple.net/%zz":    "is not a URL",
	} {
		if _, err := ParseBaseURL("JSM", raw, "https://x.example", "/rest/servicedeskapi"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error containing %q", raw, err, want)
		}
	}
}

func TestOptionsDefaults(t *testing.T) {
	o, err := Options{}.WithDefaults(7 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if o.Timeout != 7*time.Second || o.MaxRetries != DefaultMaxRetries || o.RetryWaitMin != DefaultRetryWaitMin ||
		o.RetryWaitMax != DefaultRetryWaitMax || o.UserAgent != DefaultUserAgent || o.Logger == nil || o.HTTPClient == nil {
		t.Errorf("defaults = %+v", o)
	}
	o, err = Options{MaxRetries: NoRetries, RetryWaitMin: time.Minute, RetryWaitMax: time.Second}.WithDefaults(time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if o.MaxRetries != 0 || o.RetryWaitMax != time.Minute {
		t.Errorf("NoRetries and a maximum wait below the minimum became %d retries, %v", o.MaxRetries, o.RetryWaitMax)
	}
	if _, err := (Options{CACertificatesPEM: []byte("nope")}).WithDefaults(time.Second); err == nil || !strings.Contains(err.Error(), "no PEM-encoded certificate") {
		t.Errorf("a CA bundle without certificates: %v", err)
	}
}
