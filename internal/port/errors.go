package port

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

// APIError is a non-success answer from Port, after retries.
type APIError struct {
	StatusCode int
	Method     string
	// Endpoint is the request path relative to the base URL, without the query.
	Endpoint string
	// Code is the "error" field of Port's error envelope, e.g. "not_found".
	Code string
	// Message is Port's "message", or a short excerpt of a body that was not
	// Port's error envelope.
	Message string
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("Port answered HTTP %d %s to %s %s", e.StatusCode, http.StatusText(e.StatusCode), e.Method, e.Endpoint)
	return msg + e.detail()
}

// detail is ": code: message", leaving out what is empty.
func (e *APIError) detail() string {
	var parts []string
	if e.Code != "" {
		parts = append(parts, e.Code)
	}
	if e.Message != "" {
		parts = append(parts, e.Message)
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ": ")
}

// IsStatus reports whether err is, or wraps, an APIError with the given HTTP status.
func IsStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// IsNotFound reports whether err is, or wraps, a 404 answer from Port.
func IsNotFound(err error) bool { return IsStatus(err, http.StatusNotFound) }

// CredentialsError reports that Port refused the client ID and client secret
// when asked for an access token.
type CredentialsError struct {
	Err *APIError
}

func (e *CredentialsError) Error() string {
	return fmt.Sprintf("Port refused the client ID and client secret (HTTP %d %s%s)",
		e.Err.StatusCode, http.StatusText(e.Err.StatusCode), e.Err.detail())
}

func (e *CredentialsError) Unwrap() error { return e.Err }

// errorEnvelope is Port's failure body.
type errorEnvelope struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// newAPIError builds the error for a non-2xx answer; redact removes secrets
// a server might echo.
func newAPIError(status int, method, endpoint string, body []byte, redact func(string) string) *APIError {
	e := &APIError{StatusCode: status, Method: method, Endpoint: endpoint}
	var env errorEnvelope
	if err := json.Unmarshal(body, &env); err == nil && (env.Error != "" || env.Message != "") {
		e.Code, e.Message = env.Error, env.Message
	} else {
		text := strings.TrimSpace(string(body))
		const limit = 200
		if len(text) > limit {
			text = strings.ToValidUTF8(text[:limit], "") + "…"
		}
		e.Message = text
	}
	e.Code, e.Message = redact(e.Code), redact(e.Message)
	return e
}

// notSentError is a failure before the request left the client: no access
// token could be had. Nothing was written.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// NeverSent reports whether err says the request never reached Port (no
// access token, a host that does not resolve or refuses connections), so
// that it cannot have written anything.
func NeverSent(err error) bool {
	var ns *notSentError
	if errors.As(err, &ns) {
		return true
	}
	t, ok := httpbase.AsTransportError(err)
	return ok && t.Cause == httpbase.CauseUnreachable
}
