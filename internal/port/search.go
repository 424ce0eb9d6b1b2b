package port

import (
	"context"
	"fmt"
	"net/http"

	"github.com/tidwall/gjson"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
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
//
// The next page is requested as soon as an answer's cursor is read, so that
// Port answers it while this page is decoded and used.
func (c *Client) SearchEntityPages(ctx context.Context, blueprint string, q Search, use func(page []entity.Entity) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	limit := q.PageSize
	if limit <= 0 {
		limit = DefaultSearchPageSize
	}
	s := search{c: c, blueprint: blueprint, limit: min(limit, MaxSearchPageSize)}
	seen := map[string]bool{}
	keys := entity.Keys{}
	read := 0
	pending := s.fetch(ctx, "")
	for {
		answer := <-pending
		if answer.err != nil {
			return answer.err
		}
		ahead := cursorOf(answer.body)
		if ahead != "" && !seen[ahead] {
			pending = s.fetch(ctx, ahead)
		}
		page, err := s.decode(ctx, answer.body, keys)
		if err != nil {
			return err
		}
		if err := use(page.entities); err != nil {
			return err
		}
		read += len(page.entities)
		if page.next == "" {
			return nil
		}
		if seen[page.next] {
			return fmt.Errorf("the search of blueprint %q in Port returned the same page cursor twice after %d entities; the list would be incomplete, so nothing was returned", blueprint, read)
		}
		seen[page.next] = true
		if page.next != ahead {
			pending = s.fetch(ctx, page.next)
		}
	}
}

// unreadMetaProperties are the meta-properties Port returns with every
// entity that the provider never reads: leaving them out of a search makes
// each page about a quarter smaller, for Port to encode and the provider
// to decode.
var unreadMetaProperties = []string{"$createdAt", "$createdBy", "$updatedAt", "$updatedBy"}

// search is one read of a blueprint's entities.
type search struct {
	c         *Client
	blueprint string
	limit     int
}

type searchAnswer struct {
	body []byte
	err  error
}

// fetch requests the page after cursor ("" for the first) and delivers the
// answer's body on the returned channel.
func (s search) fetch(ctx context.Context, cursor string) <-chan searchAnswer {
	out := make(chan searchAnswer, 1)
	body := map[string]any{"limit": s.limit, "exclude": unreadMetaProperties}
	if cursor != "" {
		body["from"] = cursor
	}
	go func() {
		raw, err := encodeJSON(body)
		if err != nil {
			out <- searchAnswer{err: fmt.Errorf("cannot encode the search of blueprint %q as JSON: %w", s.blueprint, err)}
			return
		}
		r := request{method: http.MethodPost, path: escapedPath("v1", "blueprints", s.blueprint, "entities", "search"), body: raw, idempotent: true}
		answer, err := s.c.send(ctx, r)
		out <- searchAnswer{body: answer, err: err}
	}()
	return out
}

// searchPage is one decoded page of a search.
type searchPage struct {
	entities []entity.Entity
	next     string
}

// decode reads a search answer: {"ok": true, "entities": [...], "next": "..."}.
func (s search) decode(ctx context.Context, body []byte, keys entity.Keys) (searchPage, error) {
	defer phases.Start(ctx, phases.PortDecode)()
	v, err := decodeAnswer(body)
	answer, isObject := v.(map[string]any)
	list, isList := answer["entities"].([]any)
	next, isString := answer["next"].(string)
	switch {
	case err != nil:
	case !isObject:
		err = fmt.Errorf("the answer is %s, not an object", jsonvalue.Describe(v))
	case !isList:
		err = fmt.Errorf("entities is %s, not a list", jsonvalue.Describe(answer["entities"]))
	case !isString && answer["next"] != nil:
		err = fmt.Errorf("next is %s, not a string", jsonvalue.Describe(answer["next"]))
	}
	if err != nil {
		return searchPage{}, fmt.Errorf("the answer of Port to POST %s is not the JSON its API documents: %w",
			escapedPath("v1", "blueprints", s.blueprint, "entities", "search"), err)
	}
	page := searchPage{entities: make([]entity.Entity, len(list)), next: next}
	for i, item := range list {
		if page.entities[i], err = entityFromWire(item, keys); err != nil {
			return searchPage{}, fmt.Errorf("the search of blueprint %q in Port returned an entity that cannot be read: %w", s.blueprint, err)
		}
	}
	return page, nil
}

// cursorOf reads the "next" cursor of a search answer without decoding the
// page; "" when there is none or it is not a string. The decoded page has
// the last word: a cursor read here is only a guess at what to fetch next.
func cursorOf(body []byte) string {
	next := gjson.GetBytes(body, "next")
	if next.Type != gjson.String {
		return ""
	}
	return next.Str
}
