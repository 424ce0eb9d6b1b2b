package jsm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Jira's login headers. Atlassian documents them with its REST examples
// (cookie-based authentication), not in the Service Desk API's document.
const (
	LoginReasonHeader  = "X-Seraph-LoginReason"
	DeniedReasonHeader = "X-Authentication-Denied-Reason"
	loginOK            = "OK"
)

// LoginRejectedError is an answer whose X-Seraph-LoginReason says the
// credentials did not log the account in. Jira may still answer HTTP 200,
// as to an anonymous caller, with the empty or short lists anonymous
// visitors see: such an answer is never data.
type LoginRejectedError struct {
	StatusCode int
	// Reason is the X-Seraph-LoginReason, e.g. AUTHENTICATED_FAILED or
	// AUTHENTICATION_DENIED.
	Reason string
	// DeniedReason is X-Authentication-Denied-Reason, e.g.
	// "CAPTCHA_CHALLENGE; login-url=https://…/login.jsp"; "" when absent.
	DeniedReason string
}

func (e *LoginRejectedError) Error() string {
	msg := fmt.Sprintf("JSM did not log the account in: it answered HTTP %d with %s: %s", e.StatusCode, LoginReasonHeader, e.Reason)
	if e.DeniedReason != "" {
		msg += fmt.Sprintf(" and %s: %s", DeniedReasonHeader, e.DeniedReason)
	}
	if e.StatusCode >= 200 && e.StatusCode < 300 {
		msg += ", which is the answer to an anonymous caller (empty or short lists), so it was not used"
	}
	return msg
}

// Captcha reports whether Jira asks for a CAPTCHA before it accepts the
// account's credentials again.
func (e *LoginRejectedError) Captcha() bool {
	return strings.Contains(strings.ToUpper(e.DeniedReason), "CAPTCHA")
}

// UnknownCloudIDError is the 404 of the api.atlassian.com gateway for a
// cloud id it routes to no site.
type UnknownCloudIDError struct {
	CloudID string
	Message string
}

func (e *UnknownCloudIDError) Error() string {
	return fmt.Sprintf("the Atlassian API gateway answered HTTP 404 (%s) for the cloud id %q: it knows no site with that id", e.Message, e.CloudID)
}

// gatewayError is the error envelope of the api.atlassian.com gateway,
// which differs from JSM's ErrorResponse.
type gatewayError struct {
	Code    *int   `json:"code"`
	Message string `json:"message"`
}

// vetAnswer refuses, whatever its status, an answer that says the caller was
// not logged in, and the gateway's 404 for a cloud id it does not know.
func (c *Client) vetAnswer(status int, h http.Header, body []byte) error {
	if reason := strings.TrimSpace(h.Get(LoginReasonHeader)); reason != "" && !strings.EqualFold(reason, loginOK) {
		return &LoginRejectedError{StatusCode: status, Reason: reason, DeniedReason: strings.TrimSpace(h.Get(DeniedReasonHeader))}
	}
	if status == http.StatusNotFound && c.cloudID != "" {
		var g gatewayError
		if json.Unmarshal(body, &g) == nil && g.Code != nil && g.Message != "" {
			return &UnknownCloudIDError{CloudID: c.cloudID, Message: g.Message}
		}
	}
	return nil
}
