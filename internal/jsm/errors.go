package jsm

import (
	"encoding/json"
	"fmt"
	"strings"
)

// errorResponse is the Service Desk API's ErrorResponse.
type errorResponse struct {
	ErrorMessage string `json:"errorMessage"`
	// Jira platform endpoints answer with errorMessages instead.
	ErrorMessages []string `json:"errorMessages"`
}

// errorMessageFrom reads JSM's error message; "" when body is not an
// ErrorResponse (httpbase then quotes the body). JSM has no error codes.
func errorMessageFrom(body []byte) (code, message string) {
	var er errorResponse
	if err := json.Unmarshal(body, &er); err == nil {
		if er.ErrorMessage != "" {
			return "", er.ErrorMessage
		}
		if len(er.ErrorMessages) > 0 {
			return "", strings.Join(er.ErrorMessages, "; ")
		}
	}
	return "", ""
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
