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
}

func (e *CredentialsError) Error() string {
	return fmt.Sprintf("Port refused the client ID and client secret (HTTP %d %s%s)",
		e.Err.StatusCode, http.StatusText(e.Err.StatusCode), e.Err.Detail())
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
