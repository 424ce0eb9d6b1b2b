package jsm

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is a non-success answer from JSM, after retries.
type APIError struct {
	StatusCode int
	Method     string
	// Endpoint is the request path and query relative to the configured base URL.
	Endpoint string
	// Message is JSM's errorMessage, or a short excerpt of a body that was not
	// an ErrorResponse.
	Message string
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("JSM answered HTTP %d %s to %s %s", e.StatusCode, http.StatusText(e.StatusCode), e.Method, e.Endpoint)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// IsStatus reports whether err is an APIError with the given HTTP status.
func IsStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// errorResponse is the Service Desk API's ErrorResponse.
type errorResponse struct {
	ErrorMessage string `json:"errorMessage"`
	// Jira platform endpoints answer with errorMessages instead.
	ErrorMessages []string `json:"errorMessages"`
}

func errorMessageFrom(body []byte) string {
	var er errorResponse
	if err := json.Unmarshal(body, &er); err == nil {
		if er.ErrorMessage != "" {
			return er.ErrorMessage
		}
		if len(er.ErrorMessages) > 0 {
			return strings.Join(er.ErrorMessages, "; ")
		}
	}
	text := strings.TrimSpace(string(body))
	const limit = 200
	if len(text) > limit {
		text = text[:limit] + "…"
	}
	return text
}

// PagingError reports a list whose pages do not chain into one complete
// result. It is never retried away: the list would be incomplete.
type PagingError struct {
	Endpoint string
	Start    int
	Reason   string
	// Pages are the start offsets of the broken pages, when pages repeated
	// items that no change of the list explains.
	Pages []int
	// IDs are a few of the ids those pages repeated.
	IDs []string
}

func (e *PagingError) Error() string {
	return fmt.Sprintf("JSM paging of %s broke at start=%d: %s; the list is incomplete, so nothing was returned", e.Endpoint, e.Start, e.Reason)
}
