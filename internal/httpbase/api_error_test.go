package httpbase

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAPIErrorText(t *testing.T) {
	for _, tc := range []struct {
		err  APIError
		want string
	}{
		{APIError{Service: "JSM", StatusCode: 404, Method: "GET", Endpoint: "/servicedesk/9?limit=50", Message: "Not here."},
			"JSM answered HTTP 404 Not Found to GET /servicedesk/9?limit=50: Not here."},
		{APIError{Service: "Port", StatusCode: 422, Method: "POST", Endpoint: "/v1/blueprints", Code: "invalid_request", Message: "bad"},
			"Port answered HTTP 422 Unprocessable Entity to POST /v1/blueprints: invalid_request: bad"},
		{APIError{Service: "Port", StatusCode: 500, Method: "GET", Endpoint: "/v1/x"},
			"Port answered HTTP 500 Internal Server Error to GET /v1/x"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got %q\nwant %q", got, tc.want)
		}
	}
}

func TestIsStatusLooksThroughWrapping(t *testing.T) {
	err := fmt.Errorf("reading: %w", &APIError{StatusCode: 404})
	if !IsStatus(err, 404) || !IsNotFound(err) || IsStatus(err, 500) || IsNotFound(errors.New("404")) {
		t.Error("IsStatus/IsNotFound misread a wrapped APIError")
	}
}

func TestNewAPIErrorReadsTheEnvelopeOrQuotesTheBody(t *testing.T) {
	c := New(Settings{
		Service: "Port",
		ErrorBody: func(body []byte) (string, string) {
			if strings.HasPrefix(string(body), "{") {
				return "not_found", "no secret-value here"
			}
			return "", ""
		},
		Redact: func(s string) string { return strings.ReplaceAll(s, "secret-value", "[redacted]") },
	})
	e := c.newAPIError(404, "GET", "/v1/x", []byte(`{"error":"not_found"}`))
	if e.Code != "not_found" || e.Message != "no [redacted] here" {
		t.Errorf("envelope: %+v", e)
	}
	long := strings.Repeat("é", 150) // 300 bytes; byte 200 is in the middle of nothing, 199 splits a rune
	e = c.newAPIError(502, "GET", "/v1/x", []byte("  x"+long+"  "))
	if !strings.HasSuffix(e.Message, "…") || !utf8.ValidString(e.Message) || len(e.Message) > 200+len("…") {
		t.Errorf("excerpt %q", e.Message)
	}
	if e = c.newAPIError(500, "GET", "/v1/x", []byte(" short ")); e.Message != "short" {
		t.Errorf("a short body became %q", e.Message)
	}
}
