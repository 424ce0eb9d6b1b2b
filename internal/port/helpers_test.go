package port

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

const (
	testClientID = "test-client"
	testSecret   = "test-secret"
	bp           = "svc"
	bulkPattern  = "/v1/blueprints/{blueprint}/entities/bulk"
)

// captureLogger keeps every log line as text.
type captureLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *captureLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %v", msg, fields))
}

func (l *captureLogger) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// tokenRecorder remembers every Authorization header the client sends.
type tokenRecorder struct {
	mu     sync.Mutex
	tokens map[string]bool
	next   http.RoundTripper
}

func (r *tokenRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if h := req.Header.Get("Authorization"); h != "" {
		r.mu.Lock()
		r.tokens[strings.TrimPrefix(h, "Bearer ")] = true
		r.mu.Unlock()
	}
	return r.next.RoundTrip(req)
}

func (r *tokenRecorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.tokens))
	for t := range r.tokens {
		out = append(out, t)
	}
	return out
}

type harness struct {
	srv    *fakeport.Server
	c      *Client
	log    *captureLogger
	tokens *tokenRecorder
}

// newHarness starts a fake Port with the test blueprint and a client with
// tiny retry waits; mutate adjusts the client's Config.
func newHarness(t testing.TB, opts []fakeport.Option, mutate ...func(*Config)) *harness {
	t.Helper()
	srv := fakeport.New(opts...)
	t.Cleanup(srv.Close)
	if err := srv.PutBlueprint(testBlueprint()); err != nil {
		t.Fatal(err)
	}
	h := &harness{srv: srv, log: &captureLogger{}}
	h.tokens = &tokenRecorder{tokens: map[string]bool{}, next: http.DefaultTransport}
	cfg := Config{
		BaseURL: srv.URL(), ClientID: testClientID, ClientSecret: testSecret,
		Options: httpbase.Options{
			RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond,
			HTTPClient: &http.Client{Transport: h.tokens}, Logger: h.log,
		},
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.c = c
	return h
}

func testBlueprint() map[string]any {
	return map[string]any{
		"identifier": bp,
		"title":      "Service",
		"schema": map[string]any{
			"properties": map[string]any{
				"name": map[string]any{"type": "string"},
				"size": map[string]any{"type": "number"},
				"blob": map[string]any{"type": "string"},
			},
		},
	}
}

// childBlueprint has a required relation to the test blueprint.
func childBlueprint() map[string]any {
	return map[string]any{
		"identifier": "child",
		"title":      "Child",
		"schema":     map[string]any{"properties": map[string]any{}},
		"relations": map[string]any{
			"parent": map[string]any{"title": "Parent", "target": bp, "required": true, "many": false},
		},
	}
}

// addChild makes an entity id of childBlueprint, which it creates when
// missing, that needs parent through its required relation.
func (h *harness) addChild(id, parent string) error {
	if _, ok := h.srv.Blueprint("child"); !ok {
		if err := h.srv.PutBlueprint(childBlueprint()); err != nil {
			return err
		}
	}
	return h.srv.PutEntity("child", map[string]any{"identifier": id, "relations": map[string]any{"parent": parent}})
}

func entities(n int) []entity.Entity {
	out := make([]entity.Entity, n)
	for i := range out {
		out[i] = entity.Entity{
			Identifier: fmt.Sprintf("e%04d", i),
			Title:      ptr(fmt.Sprintf("Entity %d", i)),
			Properties: entity.Fields{{Key: "name", Value: entity.String(fmt.Sprintf("name %d", i))}, {Key: "size", Value: entity.JSON(fmt.Sprint(i))}},
		}
	}
	return out
}

func ptr(s string) *string { return &s }

func (h *harness) seed(t *testing.T, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i, e := range entities(n) {
		var doc map[string]any
		if err := json.Unmarshal(wireJSON(&e), &doc); err != nil {
			t.Fatal(err)
		}
		if err := h.srv.PutEntity(bp, doc); err != nil {
			t.Fatal(err)
		}
		ids[i] = e.Identifier
	}
	return ids
}

// storedIDs lists the identifiers of the test blueprint's entities in Port.
func (h *harness) storedIDs() []string {
	var out []string
	for _, e := range h.srv.Entities(bp) {
		id, _ := e["identifier"].(string)
		out = append(out, id)
	}
	return out
}

func (h *harness) count(method, pattern string) int { return h.srv.RequestCount(method, pattern) }

func (h *harness) tokenRequests() int { return h.count("POST", "/v1/auth/access_token") }

// secretFree fails the test if the client secret or any token the client
// sent shows up in text.
func (h *harness) secretFree(t *testing.T, what, text string) {
	t.Helper()
	if strings.Contains(text, testSecret) {
		t.Errorf("%s contains the client secret: %s", what, text)
	}
	for _, tok := range h.tokens.seen() {
		if strings.Contains(text, tok) {
			t.Errorf("%s contains an access token: %s", what, text)
		}
	}
}
