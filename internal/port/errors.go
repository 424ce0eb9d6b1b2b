package port

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

// CredentialsError reports that Port refused the client ID and client secret
// when asked for an access token.
type CredentialsError struct {
	Err *httpbase.APIError
	// Renewal is set when Port had issued a token with the same credentials
	// earlier in the run: the secret changed while the client ran.
	Renewal bool
	// BaseURL is the Port API the credentials were sent to.
	BaseURL string
}

func (e *CredentialsError) Error() string {
	when := ""
	if e.Renewal {
		when = " when the access token was renewed, after it had accepted them earlier in this run"
	}
	return fmt.Sprintf("Port refused the client ID and client secret at %s%s (HTTP %d %s%s)",
		e.BaseURL, when, e.Err.StatusCode, http.StatusText(e.Err.StatusCode), e.Err.Detail())
}

func (e *CredentialsError) Unwrap() error { return e.Err }

// errorEnvelope is Port's failure body.
type errorEnvelope struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// errorEnvelopeFrom reads Port's error envelope; both empty when body is
// not one (httpbase then quotes the body).
func errorEnvelopeFrom(body []byte) (code, message string) {
	var env errorEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return "", ""
	}
	return env.Error, env.Message
}
