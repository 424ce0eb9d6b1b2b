package port

import (
	"context"
	"fmt"
	"net/http"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// Page sizes of POST /v1/blueprints/{bp}/entities/search.
const (
	DefaultSearchPageSize = 1000
	MaxSearchPageSize     = 1000
)

// Search tunes a read of every entity of one blueprint.
type Search struct {
	// PageSize is the limit of each page: DefaultSearchPageSize when zero,
	// at most MaxSearchPageSize.
	PageSize int
}

// SearchEntities returns every entity of the blueprint, in Port's order,
// following the "next" cursor of each page until there is none. It fails
// rather than return a partial list.
func (c *Client) SearchEntities(ctx context.Context, blueprint string, q Search) ([]entity.Entity, error) {
	limit := q.PageSize
	if limit <= 0 {
		limit = DefaultSearchPageSize
	}
	limit = min(limit, MaxSearchPageSize)
	body := map[string]any{"limit": limit}
	r := request{method: http.MethodPost, path: escapedPath("v1", "blueprints", blueprint, "entities", "search"), idempotent: true}
	seen := map[string]bool{}
	keys := entity.Keys{}
	var out []entity.Entity
	for {
		raw, err := encodeJSON(body)
		if err != nil {
			return nil, fmt.Errorf("cannot encode the search of blueprint %q as JSON: %w", blueprint, err)
		}
		r.body = raw
		var page struct {
			Entities []wireEntity `json:"entities"`
			Next     string       `json:"next"`
		}
		if err := c.do(ctx, r, &page); err != nil {
			return nil, err
		}
		for i := range page.Entities {
			e, err := page.Entities[i].normal(keys)
			if err != nil {
				return nil, fmt.Errorf("the search of blueprint %q in Port returned an entity that cannot be read: %w", blueprint, err)
			}
			out = append(out, e)
		}
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
