package port

import (
	"context"
	"fmt"
	"net/http"
)

type blueprintEnvelope struct {
	Blueprint map[string]any `json:"blueprint"`
}

// GetBlueprint returns the blueprint document, as Port returns it (with the
// defaults and timestamps Port adds).
func (c *Client) GetBlueprint(ctx context.Context, id string) (map[string]any, error) {
	return c.blueprintCall(ctx, request{method: http.MethodGet, path: blueprintPath(id), idempotent: true}, nil)
}

// CreateBlueprint creates a blueprint from doc (which carries its
// identifier) and returns it as stored. It is retried only on 429: after a
// 5xx or a transport error the blueprint may exist, and a second create
// would answer 409.
func (c *Client) CreateBlueprint(ctx context.Context, doc map[string]any) (map[string]any, error) {
	return c.blueprintCall(ctx, request{method: http.MethodPost, path: "/v1/blueprints"}, doc)
}

// ReplaceBlueprint replaces the whole blueprint document (PUT): fields doc
// leaves out are removed, including properties and relations, and with them
// the entities' values. To change some fields only, use PatchBlueprint or
// read, merge and replace.
func (c *Client) ReplaceBlueprint(ctx context.Context, id string, doc map[string]any) (map[string]any, error) {
	return c.blueprintCall(ctx, request{method: http.MethodPut, path: blueprintPath(id), idempotent: true}, doc)
}

// PatchBlueprint replaces the top-level fields it is given (e.g. "title" or
// "schema") and keeps the others.
func (c *Client) PatchBlueprint(ctx context.Context, id string, fields map[string]any) (map[string]any, error) {
	return c.blueprintCall(ctx, request{method: http.MethodPatch, path: blueprintPath(id), idempotent: true}, fields)
}

// DeleteBlueprint deletes a blueprint. Port refuses (422 has_dependents) while
// the blueprint has entities; see DeleteAllEntities. A 404 is returned as an
// error: callers that delete treat IsNotFound as already gone.
func (c *Client) DeleteBlueprint(ctx context.Context, id string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: blueprintPath(id), idempotent: true}, nil)
}

func (c *Client) blueprintCall(ctx context.Context, r request, doc map[string]any) (map[string]any, error) {
	if doc != nil {
		body, err := encodeJSON(doc)
		if err != nil {
			return nil, fmt.Errorf("cannot encode the blueprint document as JSON: %w", err)
		}
		r.body = body
	}
	var env blueprintEnvelope
	if err := c.do(ctx, r, &env); err != nil {
		return nil, err
	}
	if env.Blueprint == nil {
		return nil, fmt.Errorf("the answer of Port to %s %s has no blueprint", r.method, r.path)
	}
	return env.Blueprint, nil
}

func blueprintPath(id string) string { return escapedPath("v1", "blueprints", id) }
