package port

import (
	"context"
	"errors"
	"slices"
	"testing"

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
// caller ends the search without reading further pages.
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
	err = h.c.SearchEntityPages(context.Background(), bp, Search{PageSize: 10}, func([]entity.Entity) error { return stop })
	if !errors.Is(err, stop) || h.count("POST", "/v1/blueprints/{blueprint}/entities/search") != 1 {
		t.Fatalf("err %v after %d requests, want the caller's error after one", err, h.count("POST", "/v1/blueprints/{blueprint}/entities/search"))
	}
}
