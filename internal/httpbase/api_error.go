package httpbase

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is a non-success answer of an API, after retries.
type APIError struct {
	// Service names the API: "JSM" or "Port".
	Service    string
	StatusCode int
	Method     string
	// Endpoint is the request as the client names it, relative to the base
	// URL: JSM's with its query, Port's without.
	Endpoint string
	// Code is the error code of the API's error envelope (Port's "error",
	// e.g. "not_found"); empty when the API has none.
	Code string
	// Message is the API's message, or a short excerpt of a body that was
	// not the API's error envelope.
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s answered HTTP %d %s to %s %s%s", e.Service, e.StatusCode, http.StatusText(e.StatusCode), e.Method, e.Endpoint, e.Detail())
}

// Detail is ": code: message", leaving out what is empty.
func (e *APIError) Detail() string {
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

// IsNotFound reports whether err is, or wraps, a 404 answer.
func IsNotFound(err error) bool { return IsStatus(err, http.StatusNotFound) }

// newAPIError builds the error for a non-2xx answer.
func (c *Client) newAPIError(status int, method, endpoint string, body []byte) *APIError {
	e := &APIError{Service: c.s.Service, StatusCode: status, Method: method, Endpoint: endpoint}
	e.Code, e.Message = c.s.ErrorBody(body)
	if e.Code == "" && e.Message == "" {
		e.Message = excerpt(body)
	}
	e.Code, e.Message = c.s.Redact(e.Code), c.s.Redact(e.Message)
	return e
}

// excerpt is the start of a body that is not the API's error envelope.
func excerpt(body []byte) string {
	if isHTML(nil, body) {
		if title := htmlTitle(body); title != "" {
			return fmt.Sprintf("an HTML page titled %q", title)
		}
		return "an HTML page"
	}
	text := strings.TrimSpace(string(body))
	const limit = 200
	if len(text) > limit {
		text = strings.ToValidUTF8(text[:limit], "") + "…"
	}
	return text
}
