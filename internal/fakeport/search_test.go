package fakeport

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"
)

const searchPath = "/v1/blueprints/jsmServiceDesk/entities/search"

func seedDesks(t *testing.T, srv *Server, n int) {
	t.Helper()
	for i := range n {
		if err := srv.PutEntity("jsmServiceDesk", desk(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
}

// searchAll pages through a search of desks and returns the identifiers and
// the page sizes.
func searchAll(c *testClient, body map[string]any) ([]string, []int) {
	c.t.Helper()
	return searchAllAt(c, searchPath, body)
}

func TestSearchPagination(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	seedDesks(t, srv, 450)

	ids, pages := searchAll(c, map[string]any{"limit": 200})
	if !reflect.DeepEqual(pages, []int{200, 200, 50}) || len(ids) != 450 {
		t.Fatalf("pages %v (%d ids)", pages, len(ids))
	}
	for i, id := range ids {
		if id != fmt.Sprint(i) {
			t.Fatalf("position %d holds %s: order is not creation order", i, id)
		}
	}
	// Default limit is 200; an exact multiple has no trailing next.
	_, pages = searchAll(c, map[string]any{"query": map[string]any{"combinator": "and", "rules": []any{}}})
	if !reflect.DeepEqual(pages, []int{200, 200, 50}) {
		t.Fatalf("default limit pages %v", pages)
	}
	_, pages = searchAll(c, map[string]any{"limit": 225})
	if !reflect.DeepEqual(pages, []int{225, 225}) {
		t.Fatalf("exact multiple pages %v", pages)
	}

	// Entities added and deleted between pages do not disturb the cursor.
	resp := c.must(http.StatusOK, "POST", searchPath, map[string]any{"limit": 100})
	srv.DeleteEntity("jsmServiceDesk", "50")
	srv.DeleteEntity("jsmServiceDesk", "150")
	seedDesks(t, srv, 0)
	if err := srv.PutEntity("jsmServiceDesk", desk("new")); err != nil {
		t.Fatal(err)
	}
	rest, _ := searchAll(c, map[string]any{"limit": 100, "from": resp["next"]})
	if len(rest) != 350 || rest[0] != "100" || rest[len(rest)-1] != "new" {
		t.Fatalf("after changes: %d ids, first %s last %s", len(rest), rest[0], rest[len(rest)-1])
	}

	c.wantError(http.StatusUnprocessableEntity, "invalid_request", "POST", searchPath, map[string]any{"limit": 1001})
	c.wantError(http.StatusUnprocessableEntity, "invalid_request", "POST", searchPath, map[string]any{"limit": 0})
	c.wantError(http.StatusUnprocessableEntity, "invalid_request", "POST", searchPath, map[string]any{"from": "garbage"})
	c.wantError(http.StatusUnprocessableEntity, "invalid_request", "POST", searchPath, map[string]any{"cursor": "x"})
	c.wantError(http.StatusNotFound, "not_found", "POST", "/v1/blueprints/nope/entities/search", map[string]any{})
}

func TestSearchRules(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	seedDesks(t, srv, 30)
	if err := srv.PutEntity("jsmCustomerRequest", request("r1", "3")); err != nil {
		t.Fatal(err)
	}
	if err := srv.PutEntity("jsmCustomerRequest", request("r2", "")); err != nil {
		t.Fatal(err)
	}
	rule := func(r ...any) map[string]any {
		return map[string]any{"query": map[string]any{"combinator": "and", "rules": r}, "limit": 1000}
	}
	cases := []struct {
		name string
		body map[string]any
		want []string
	}{
		{"identifier in", rule(map[string]any{"property": "$identifier", "operator": "in", "value": []any{"7", "3", "x"}}), []string{"3", "7"}},
		{"identifier =", rule(map[string]any{"property": "$identifier", "operator": "=", "value": "12"}), []string{"12"}},
		{"property =", rule(map[string]any{"property": "projectKey", "operator": "=", "value": "K5"}), []string{"5"}},
		{"begins with and", rule(
			map[string]any{"property": "$title", "operator": "beginsWith", "value": "Desk 2"},
			map[string]any{"property": "$identifier", "operator": "!=", "value": "2"},
		), []string{"20", "21", "22", "23", "24", "25", "26", "27", "28", "29"}},
		{"or group", rule(map[string]any{"combinator": "or", "rules": []any{
			map[string]any{"property": "$identifier", "operator": "=", "value": "1"},
			map[string]any{"property": "projectName", "operator": "endsWith", "value": " 29"},
		}}), []string{"1", "29"}},
		{"blueprint meta", rule(map[string]any{"property": "$blueprint", "operator": "=", "value": "jsmServiceDesk"},
			map[string]any{"property": "$identifier", "operator": "notIn", "value": []any{}},
			map[string]any{"property": "$identifier", "operator": "contains", "value": "9"}), []string{"9", "19", "29"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			ids, _ := searchAll(c, tc.body)
			if !reflect.DeepEqual(ids, tc.want) {
				t.Fatalf("got %v, want %v", ids, tc.want)
			}
		})
	}
	c.t = t

	reqSearch := "/v1/blueprints/jsmCustomerRequest/entities/search"
	for name, tc := range map[string]struct {
		rule any
		want string
	}{
		"relation by property name": {map[string]any{"property": "serviceDesk", "operator": "=", "value": "3"}, "r1"},
		"relation rule":             {map[string]any{"relation": "serviceDesk", "operator": "in", "value": []any{"3"}}, "r1"},
		"isEmpty":                   {map[string]any{"property": "serviceDesk", "operator": "isEmpty"}, "r2"},
		"date between": {map[string]any{"property": "createdAt", "operator": "between",
			"value": map[string]any{"from": "2024-05-01T09:00:00Z", "to": "2024-05-01T11:00:00Z"}}, "r1"},
	} {
		resp := c.must(http.StatusOK, "POST", reqSearch, map[string]any{"query": map[string]any{"combinator": "and", "rules": []any{tc.rule,
			map[string]any{"property": "$identifier", "operator": "=", "value": tc.want}}}})
		if n := len(at[[]any](t, resp, "entities")); n != 1 {
			t.Errorf("%s: %d matches", name, n)
		}
	}

	for name, q := range map[string]any{
		"bad combinator":       map[string]any{"combinator": "xor", "rules": []any{}},
		"missing rules":        map[string]any{"combinator": "and"},
		"unsupported operator": map[string]any{"combinator": "and", "rules": []any{map[string]any{"operator": "relatedTo", "blueprint": "x", "value": "y"}}},
		"context property":     map[string]any{"combinator": "and", "rules": []any{map[string]any{"property": map[string]any{"property": "x", "context": "user"}, "operator": "=", "value": "y"}}},
	} {
		t.Run(name, func(t *testing.T) {
			c.t = t
			c.wantError(http.StatusUnprocessableEntity, "invalid_request", "POST", searchPath, map[string]any{"query": q})
		})
	}
}

func TestSearchIncludeExclude(t *testing.T) {
	srv, c := newFake(t)
	seedBlueprints(c)
	if err := srv.PutEntity("jsmCustomerRequest", request("r1", "")); err != nil {
		t.Fatal(err)
	}
	resp := c.must(http.StatusOK, "POST", "/v1/blueprints/jsmCustomerRequest/entities/search", map[string]any{
		"include": []any{"$identifier", "$title", "summary", "serviceDesk"},
	})
	got := at[[]any](t, resp, "entities")[0]
	want := map[string]any{"identifier": "r1", "title": "Request r1", "properties": map[string]any{"summary": "Printer r1"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("include: %v", got)
	}
	resp = c.must(http.StatusOK, "POST", "/v1/blueprints/jsmCustomerRequest/entities/search", map[string]any{
		"exclude": []any{"$createdAt", "summary"},
	})
	got = at[[]any](t, resp, "entities")[0]
	if _, ok := as[map[string]any](t, got)["createdAt"]; ok {
		t.Fatalf("exclude kept createdAt: %v", got)
	}
	if _, ok := at[map[string]any](t, got, "properties")["summary"]; ok {
		t.Fatalf("exclude kept summary: %v", got)
	}
}
