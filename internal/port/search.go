package port

import (
	"context"
	"fmt"
	"net/http"
)

// Page sizes of POST /v1/blueprints/{bp}/entities/search.
const (
	DefaultSearchPageSize = 1000
	MaxSearchPageSize     = 1000
)

// Search reads every entity of one blueprint, whole.
type Search struct {
	// PageSize is the limit of each page: DefaultSearchPageSize when zero,
	// at most MaxSearchPageSize.
	PageSize int
}

// SearchEntities returns every entity of the blueprint, in Port's order,
// following the "next" cursor of each page until there is none. It fails
// rather than return a partial list.
func (c *Client) SearchEntities(ctx context.Context, blueprint string, q Search) ([]Entity, error) {
	limit := q.PageSize
	if limit <= 0 {
		limit = DefaultSearchPageSize
	}
	limit = min(limit, MaxSearchPageSize)
	body := map[string]any{"limit": limit}
	r := request{method: http.MethodPost, path: escapedPath("v1", "blueprints", blueprint, "entities", "search"), idempotent: true}
	seen := map[string]bool{}
	var out []Entity
	for {
		raw, err := encodeJSON(body)
		if err != nil {
			return nil, fmt.Errorf("cannot encode the search of blueprint %q as JSON: %w", blueprint, err)
		}
		r.body = raw
		var page struct {
			Entities []Entity `json:"entities"`
			Next     string   `json:"next"`
		}
		if err := c.do(ctx, r, &page); err != nil {
			return nil, err
		}
		for i := range page.Entities {
			if page.Entities[i].Blueprint == "" {
				page.Entities[i].Blueprint = blueprint
			}
		}
		out = append(out, page.Entities...)
		if page.Next == "" {
			return out, nil
		}
		if seen[page.Next] {
			return nil, fmt.Errorf("the search of blueprint %q in Port returned the same page cursor twice after %d entities; the list would be incomplete, so nothing was returned", blueprint, len(out))
		}
		seen[page.Next] = true
		body["from"] = page.Next
	}
}
