package port

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

func TestSearchFollowsPages(t *testing.T) {
	h := newHarness(t, nil)
	ids := h.seed(t, 2500)
	got, err := h.c.SearchEntities(context.Background(), bp, Search{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if n := h.count("POST", "/v1/blueprints/{blueprint}/entities/search"); n != 3 {
		t.Errorf("search requests = %d, want 3", n)
	}
	if !slices.Equal(identifiers(got), ids) {
		t.Fatalf("got %d entities, want the 2500 in Port's order", len(got))
	}
	e := got[42]
	if size, _ := e.Properties.Get("size"); e.Title == nil || *e.Title != "Entity 42" || size != "42" {
		t.Errorf("entity 42 = %+v", e)
	}
}

func TestSearchSmallPages(t *testing.T) {
	h := newHarness(t, nil)
	ids := h.seed(t, 10)
	got, err := h.c.SearchEntities(context.Background(), bp, Search{PageSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(identifiers(got), ids) {
		t.Fatalf("got %v, want the 10 in Port's order", identifiers(got))
	}
	if n := h.count("POST", "/v1/blueprints/{blueprint}/entities/search"); n != 4 {
		t.Errorf("search requests = %d, want 4 pages of 3", n)
	}
}

func TestSearchDefaultPageSize(t *testing.T) {
	h := newHarness(t, nil)
	h.seed(t, 1001)
	got, err := h.c.SearchEntities(context.Background(), bp, Search{PageSize: 5000})
	if err != nil || len(got) != 1001 {
		t.Fatalf("got %d, err %v", len(got), err)
	}
	if n := h.count("POST", "/v1/blueprints/{blueprint}/entities/search"); n != 2 {
		t.Errorf("search requests = %d, want 2 (page size capped at 1000)", n)
	}
}

func TestSearchMissingBlueprint(t *testing.T) {
	h := newHarness(t, nil)
	if _, err := h.c.SearchEntities(context.Background(), "nope", Search{}); !httpbase.IsNotFound(err) {
		t.Fatalf("err = %v, want a 404", err)
	}
}

// SearchEntityPages hands over each page as it arrives, and an error of the
// caller ends the search: no page is read beyond the one already asked for
// ahead.
func TestSearchEntityPages(t *testing.T) {
	h := newHarness(t, nil)
	ids := h.seed(t, 25)
	var sizes []int
	var got []string
	err := h.c.SearchEntityPages(context.Background(), bp, Search{PageSize: 10}, func(page []entity.Entity) error {
		sizes = append(sizes, len(page))
		got = append(got, identifiers(page)...)
		return nil
	})
	if err != nil || !slices.Equal(sizes, []int{10, 10, 5}) || !slices.Equal(got, ids) {
		t.Fatalf("pages %v, %d entities, err %v", sizes, len(got), err)
	}
	h.srv.ResetCounters()
	stop := errors.New("enough")
	calls := 0
	err = h.c.SearchEntityPages(context.Background(), bp, Search{PageSize: 10}, func([]entity.Entity) error { calls++; return stop })
	if n := h.count("POST", "/v1/blueprints/{blueprint}/entities/search"); !errors.Is(err, stop) || calls != 1 || n > 2 {
		t.Fatalf("err %v after %d pages used and %d requests, want the caller's error after one page and at most 2 requests", err, calls, n)
	}
}

// TestSearchAsksForTheNextPageWhileUsingThisOne: the request for page 2 reaches
// Port while page 1 is still being used, so that decoding and using a page
// overlap Port's answer to the next.
func TestSearchAsksForTheNextPageWhileUsingThisOne(t *testing.T) {
	h := newHarness(t, nil)
	ids := h.seed(t, 25)
	var got []string
	err := h.c.SearchEntityPages(context.Background(), bp, Search{PageSize: 10}, func(page []entity.Entity) error {
		if len(got) == 0 {
			deadline := time.Now().Add(5 * time.Second)
			for h.count("POST", "/v1/blueprints/{blueprint}/entities/search") < 2 {
				if time.Now().After(deadline) {
					return errors.New("page 2 was not requested while page 1 was used")
				}
				time.Sleep(time.Millisecond)
			}
		}
		got = append(got, identifiers(page)...)
		return nil
	})
	if err != nil || !slices.Equal(got, ids) {
		t.Fatalf("%d entities, err %v", len(got), err)
	}
	if n := h.count("POST", "/v1/blueprints/{blueprint}/entities/search"); n != 3 {
		t.Errorf("search requests = %d, want 3: none wasted", n)
	}
}

// bodyRecorder keeps the bodies of the search requests and answers.
type bodyRecorder struct {
	mu        sync.Mutex
	next      http.RoundTripper
	sent, got []string
}

func (b *bodyRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(r.URL.Path, "/entities/search") {
		return b.next.RoundTrip(r)
	}
	sent, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(sent))
	resp, err := b.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	got, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(got))
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent, b.got = append(b.sent, string(sent)), append(b.got, string(got))
	return resp, err
}

// TestSearchLeavesOutUnreadMetaProperties checks that a search asks Port to
// leave out the meta-properties the provider never reads, that Port's
// answer then lacks them, and that the entities are whole.
func TestSearchLeavesOutUnreadMetaProperties(t *testing.T) {
	rec := &bodyRecorder{next: http.DefaultTransport}
	h := newHarness(t, nil, func(c *Config) { c.HTTPClient = &http.Client{Transport: rec} })
	h.seed(t, 3)
	got, err := h.c.SearchEntities(context.Background(), bp, Search{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.sent) != 1 {
		t.Fatalf("%d search requests, want 1", len(rec.sent))
	}
	var sent struct{ Exclude []string }
	if err := json.Unmarshal([]byte(rec.sent[0]), &sent); err != nil || !slices.Equal(sent.Exclude, unreadMetaProperties) {
		t.Fatalf("search body %s (%v), want exclude %v", rec.sent[0], err, unreadMetaProperties)
	}
	var answer struct{ Entities []map[string]any }
	if err := json.Unmarshal([]byte(rec.got[0]), &answer); err != nil || len(answer.Entities) != 3 {
		t.Fatalf("answer %s (%v)", rec.got[0], err)
	}
	for _, e := range answer.Entities {
		for _, meta := range []string{"createdAt", "createdBy", "updatedAt", "updatedBy"} {
			if _, ok := e[meta]; ok {
				t.Errorf("Port returned %s for %v", meta, e["identifier"])
			}
		}
	}
	if size, _ := got[2].Properties.Get("size"); got[2].Title == nil || *got[2].Title != "Entity 2" || size != "2" {
		t.Errorf("entity 2 = %+v", got[2])
	}
}

// TestSearchAnswerMustBeThePage checks that a search answer that is not the
// documented page is an error, never a page of no entities: a refresh that
// read an empty page would drop every entity from the state.
func TestSearchAnswerMustBeThePage(t *testing.T) {
	s := search{blueprint: "svc"}
	for body, want := range map[string]string{
		`{"ok":true}`:                               "entities is null, not a list",
		`{"ok":true,"entities":null}`:               "entities is null, not a list",
		`{"ok":true,"entities":{}}`:                 "entities is an object",
		`{"ok":true,"entities":[],"next":5}`:        "next is a number",
		`[]`:                                        "the answer is an array",
		`{"ok":true,"entities":[`:                   "not the JSON its API documents",
		`{"ok":true,"entities":[{"identifier":1}]}`: `the search of blueprint "svc" in Port returned an entity that cannot be read`,
	} {
		if _, err := s.decode(t.Context(), []byte(body), entity.Keys{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error containing %q", body, err, want)
		}
	}
	page, err := s.decode(t.Context(), []byte(`{"ok":true,"entities":[{"identifier":"a"}],"next":null}`), entity.Keys{})
	if err != nil || len(page.entities) != 1 || page.entities[0].Identifier != "a" || page.next != "" {
		t.Errorf("a last page of one entity: %+v, %v", page, err)
	}
}
