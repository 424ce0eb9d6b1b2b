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
	var out []entity.Entity
	err := c.SearchEntityPages(ctx, blueprint, q, func(page []entity.Entity) error {
		out = append(out, page...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SearchEntityPages reads every entity of the blueprint as SearchEntities
// does, handing each page to use as it arrives, so that a caller that keeps
// only part of each entity never holds the whole blueprint. An error of use
// ends the search with it. When the search fails, the pages handed over
// are not the whole blueprint: discard what was built from them.
func (c *Client) SearchEntityPages(ctx context.Context, blueprint string, q Search, use func(page []entity.Entity) error) error {
	limit := q.PageSize
	if limit <= 0 {
		limit = DefaultSearchPageSize
	}
	limit = min(limit, MaxSearchPageSize)
	body := map[string]any{"limit": limit}
	r := request{method: http.MethodPost, path: escapedPath("v1", "blueprints", blueprint, "entities", "search"), idempotent: true}
	seen := map[string]bool{}
	keys := entity.Keys{}
	read := 0
	for {
		raw, err := encodeJSON(body)
		if err != nil {
			return fmt.Errorf("cannot encode the search of blueprint %q as JSON: %w", blueprint, err)
		}
		r.body = raw
		var page struct {
			Entities []wireEntity `json:"entities"`
			Next     string       `json:"next"`
		}
		if err := c.do(ctx, r, &page); err != nil {
			return err
		}
		entities := make([]entity.Entity, len(page.Entities))
		for i := range page.Entities {
			if entities[i], err = page.Entities[i].normal(keys); err != nil {
				return fmt.Errorf("the search of blueprint %q in Port returned an entity that cannot be read: %w", blueprint, err)
			}
		}
		if err := use(entities); err != nil {
			return err
		}
		read += len(entities)
		if page.Next == "" {
			return nil
		}
		if seen[page.Next] {
			return fmt.Errorf("the search of blueprint %q in Port returned the same page cursor twice after %d entities; the list would be incomplete, so nothing was returned", blueprint, read)
		}
		seen[page.Next] = true
		body["from"] = page.Next
	}
}
