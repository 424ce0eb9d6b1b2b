package fakejsm

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"testing"
)

// envelope is the PagedDTO envelope as a client decodes it.
type envelope struct {
	Expands    []string `json:"_expands"`
	Size       int      `json:"size"`
	Start      int      `json:"start"`
	Limit      int      `json:"limit"`
	IsLastPage bool     `json:"isLastPage"`
	Links      struct {
		Self, Base, Context, Next, Prev string
	} `json:"_links"`
	Values []json.RawMessage `json:"values"`
}

type apiError struct {
	ErrorMessage     string `json:"errorMessage"`
	I18nErrorMessage struct {
		I18nKey    string   `json:"i18nKey"`
		Parameters []string `json:"parameters"`
	} `json:"i18nErrorMessage"`
}

type reqOption func(*http.Request)

func withHeader(k, v string) reqOption { return func(r *http.Request) { r.Header.Set(k, v) } }

func withoutAuth() reqOption { return func(r *http.Request) { r.Header.Del("Authorization") } }

func withBasic(email, token string) reqOption {
	return func(r *http.Request) { r.SetBasicAuth(email, token) }
}

func withMethod(m string) reqOption { return func(r *http.Request) { r.Method = m } }

// do sends a request to s.URL()+path with the default Basic credentials.
func do(t testing.TB, s *Server, path string, opts ...reqOption) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(DefaultEmail, DefaultAPIToken)
	for _, o := range opts {
		o(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// get is do for requests that must complete at the HTTP level.
func get(t testing.TB, s *Server, path string, opts ...reqOption) (int, http.Header, []byte) {
	t.Helper()
	resp, body, err := do(t, s, path, opts...)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, resp.Header, body
}

func getPage(t testing.TB, s *Server, path string, opts ...reqOption) envelope {
	t.Helper()
	status, _, body := get(t, s, path, opts...)
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d, body %s", path, status, body)
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return env
}

func getError(t testing.TB, s *Server, path string, want int, opts ...reqOption) apiError {
	t.Helper()
	status, h, body := get(t, s, path, opts...)
	if status != want {
		t.Fatalf("GET %s: status %d, want %d; body %s", path, status, want, body)
	}
	if ct := h.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("GET %s: error body %s: %v", path, body, err)
	}
	if e.ErrorMessage == "" || e.I18nErrorMessage.I18nKey == "" || e.I18nErrorMessage.Parameters == nil {
		t.Errorf("GET %s: incomplete ErrorResponse %s", path, body)
	}
	return e
}

// collect pages through path (which must have no start) the way a careful
// client does, continuing at start+size, and returns every value.
func collect(t testing.TB, s *Server, path string, q url.Values) []json.RawMessage {
	t.Helper()
	var all []json.RawMessage
	start := 0
	for range 10_000 {
		qq := url.Values{}
		for k, v := range q {
			qq[k] = v
		}
		qq.Set("start", strconv.Itoa(start))
		env := getPage(t, s, path+"?"+qq.Encode())
		all = append(all, env.Values...)
		if env.IsLastPage {
			return all
		}
		if env.Size == 0 {
			t.Fatalf("%s: empty page at %d that is not the last", path, start)
		}
		start += env.Size
	}
	t.Fatalf("%s: too many pages", path)
	return nil
}

// field decodes one top-level field of a JSON object.
func field[T any](t testing.TB, obj json.RawMessage, name string) T {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		t.Fatal(err)
	}
	var v T
	if raw, ok := m[name]; ok {
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("field %s of %s: %v", name, obj, err)
		}
	}
	return v
}

// as returns v as a T and fails the test when v is anything else, as the
// unchecked assertion v.(T) would panic.
func as[T any](t testing.TB, v any) T {
	t.Helper()
	x, ok := v.(T)
	var zero T
	if !ok && (v != nil || any(zero) != nil) { // nil is a value of an interface type T
		t.Fatalf("got %T %v, want a %v", v, v, reflect.TypeFor[T]())
	}
	return x
}

// pagedValues decodes the expanded PagedDTO in field name of obj and returns
// its values, failing the test when they are not a JSON array.
func pagedValues(t testing.TB, obj json.RawMessage, name string) []any {
	t.Helper()
	return as[[]any](t, field[pagedDTO](t, obj, name).Values)
}

func hasField(t testing.TB, obj json.RawMessage, name string) bool {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		t.Fatal(err)
	}
	_, ok := m[name]
	return ok
}

// summaryOf returns the requestFieldValues entry with fieldId "summary".
func summaryOf(t testing.TB, req json.RawMessage) string {
	t.Helper()
	for _, fv := range field[[]struct {
		FieldID string `json:"fieldId"`
		Value   any    `json:"value"`
	}](t, req, "requestFieldValues") {
		if fv.FieldID == "summary" {
			s, _ := fv.Value.(string)
			return s
		}
	}
	return ""
}

func issueIDs(t testing.TB, reqs []json.RawMessage) []string {
	t.Helper()
	var out []string
	for _, r := range reqs {
		out = append(out, field[string](t, r, "issueId"))
	}
	return out
}

func newServer(t testing.TB, o TenantOptions, opts ...Option) *Server {
	t.Helper()
	s := New(GenerateTenant(o), opts...)
	t.Cleanup(s.Close)
	return s
}
