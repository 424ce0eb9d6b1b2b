package fakeport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxBodyBytes is Port's request body limit (1 MiB); larger bodies get 413.
const maxBodyBytes = 1 << 20

// apiError is a failure answered with Port's error envelope.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func errNotFound(format string, args ...any) *apiError {
	return newError(http.StatusNotFound, "not_found", format, args...)
}

func errInvalid(format string, args ...any) *apiError {
	return newError(http.StatusUnprocessableEntity, "invalid_request", format, args...)
}

func errSchema(format string, args ...any) *apiError {
	return newError(http.StatusUnprocessableEntity, "schema_mismatch", format, args...)
}

func errTaken(format string, args ...any) *apiError {
	return newError(http.StatusConflict, "identifier_taken", format, args...)
}

func errDependents(format string, args ...any) *apiError {
	return newError(http.StatusUnprocessableEntity, "has_dependents", format, args...)
}

func errUnauthorized(format string, args ...any) *apiError {
	return newError(http.StatusUnauthorized, "unauthorized", format, args...)
}

// errorCodes maps statuses to the error codes used for injected failures.
var errorCodes = map[int]string{
	http.StatusBadRequest:            "bad_request",
	http.StatusUnauthorized:          "unauthorized",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusConflict:              "identifier_taken",
	http.StatusRequestEntityTooLarge: "payload_too_large",
	http.StatusUnprocessableEntity:   "invalid_request",
	http.StatusTooManyRequests:       "rate_limit_exceeded",
	http.StatusInternalServerError:   "internal_error",
	http.StatusBadGateway:            "bad_gateway",
	http.StatusServiceUnavailable:    "service_unavailable",
	http.StatusGatewayTimeout:        "gateway_timeout",
}

func injectedError(status int) *apiError {
	code, ok := errorCodes[status]
	if !ok {
		code = strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_")
	}
	return newError(status, code, "Injected failure: %d %s", status, http.StatusText(status))
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		fmt.Fprintf(&buf, `{"ok":false,"error":"internal_error","message":%q}`+"\n", err.Error())
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.Status, map[string]any{"ok": false, "error": e.Code, "message": e.Message})
}

// call is the per-request context handed to endpoint handlers.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	params map[string]string
	actor  string
}

// readBody reads the request body (413 over 1 MiB) and decodes it as a JSON
// object (422 otherwise).
func (c *call) readBody() (map[string]any, *apiError) {
	raw, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, newError(http.StatusRequestEntityTooLarge, "payload_too_large",
				"Request body is too large (limit is 1MiB)")
		}
		return nil, errInvalid("Cannot read the request body: %v", err)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, errInvalid("body must be object")
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, errInvalid("Body is not valid JSON: %v", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errInvalid("body must be object")
	}
	return m, nil
}

// boolQuery reads a boolean query parameter; absent means false.
func (c *call) boolQuery(name string) (bool, *apiError) {
	vals, ok := c.r.URL.Query()[name]
	if !ok || len(vals) == 0 {
		return false, nil
	}
	switch strings.ToLower(vals[len(vals)-1]) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, errInvalid("querystring/%s must be boolean", name)
}

// listQuery reads a repeated (form, explode) query parameter.
func (c *call) listQuery(name string) []string {
	return c.r.URL.Query()[name]
}
