package fakeport

import (
	"fmt"
	"net/http"
)

// Port's documented bulk limits.
const (
	maxBulkUpsert = 20
	maxBulkDelete = 100
)

// handleBulkUpsert serves POST /v1/blueprints/{blueprint}/entities/bulk:
// 200 when every entity was written, 207 with per-entity errors otherwise.
func (s *Server) handleBulkUpsert(c *call) (int, any, *apiError) {
	flags, err := c.writeFlags(true)
	if err != nil {
		return 0, nil, err
	}
	body, err := c.readBody()
	if err != nil {
		return 0, nil, err
	}
	for k := range body {
		if k != "entities" {
			return 0, nil, errInvalid("body must NOT have additional properties (%q)", k)
		}
	}
	items, ok := body["entities"].([]any)
	if !ok {
		return 0, nil, errInvalid("body must have required property 'entities' of type array")
	}
	s.obs.recordBulk(len(items))
	if len(items) == 0 {
		return 0, nil, errInvalid("body/entities must NOT have fewer than 1 items")
	}
	if len(items) > maxBulkUpsert {
		return 0, nil, errInvalid("body/entities must NOT have more than %d items", maxBulkUpsert)
	}
	inputs := make([]*entityInput, len(items))
	for i, item := range items {
		m, ok := item.(map[string]any)
		if !ok {
			return 0, nil, errInvalid("body/entities/%d must be object", i)
		}
		if inputs[i], err = parseEntityInput(m, inputCreate, fmt.Sprintf("body/entities/%d", i)); err != nil {
			return 0, nil, err
		}
	}

	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	bp := s.st.bps[c.params["blueprint"]]
	if bp == nil {
		return 0, nil, blueprintNotFound(c.params["blueprint"])
	}
	done := []any{}
	failed := []any{}
	for i, in := range inputs {
		p, err := s.bulkOne(bp, in, flags, c.actor)
		if err != nil {
			failed = append(failed, map[string]any{
				"identifier": in.id, "index": i, "statusCode": err.Status, "error": err.Code, "message": err.Message,
			})
			continue
		}
		done = append(done, map[string]any{"identifier": p.entity.id, "index": i, "created": p.created})
	}
	status := http.StatusOK
	if len(failed) > 0 {
		status = http.StatusMultiStatus
	}
	return status, map[string]any{"ok": len(failed) == 0, "entities": done, "errors": failed}, nil
}

func (s *Server) bulkOne(bp *blueprint, in *entityInput, flags writeFlags, actor string) (*plannedWrite, *apiError) {
	if in.id != "" && s.faults.failsInBulk(in.id) {
		return nil, errSchema("Entity %q of blueprint %q does not match the blueprint's schema (injected failure)", in.id, bp.id)
	}
	p, err := s.st.plan(bp, in, flags.mode(), flags.createMissing, actor)
	if err != nil {
		return nil, err
	}
	if !flags.validationOnly {
		s.st.apply(p)
	}
	return p, nil
}

// handleBulkDelete serves POST /v1/blueprints/{blueprint}/bulk/entities/delete.
// It is all or nothing: if an entity has required dependents and
// delete_dependents is false, nothing is deleted.
func (s *Server) handleBulkDelete(c *call) (int, any, *apiError) {
	withDeps, err := c.boolQuery("delete_dependents")
	if err != nil {
		return 0, nil, err
	}
	body, err := c.readBody()
	if err != nil {
		return 0, nil, err
	}
	for k := range body {
		if k != "entities" {
			return 0, nil, errInvalid("body must NOT have additional properties (%q)", k)
		}
	}
	items, ok := body["entities"].([]any)
	if !ok {
		return 0, nil, errInvalid("body must have required property 'entities' of type array")
	}
	if len(items) == 0 {
		return 0, nil, errInvalid("body/entities must NOT have fewer than 1 items")
	}
	if len(items) > maxBulkDelete {
		return 0, nil, errInvalid("body/entities must NOT have more than %d items", maxBulkDelete)
	}
	ids := make([]string, len(items))
	for i, x := range items {
		id, ok := x.(string)
		if !ok {
			return 0, nil, errInvalid("body/entities/%d must be string", i)
		}
		ids[i] = id
	}

	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	bpID := c.params["blueprint"]
	if s.st.bps[bpID] == nil {
		return 0, nil, blueprintNotFound(bpID)
	}
	var targets []*entity
	deleted := []string{}
	seen := map[string]bool{}
	for _, id := range ids {
		if e := s.st.entity(bpID, id); e != nil && !seen[id] {
			seen[id] = true
			targets = append(targets, e)
			deleted = append(deleted, id)
		}
	}
	if err := s.st.deleteEntities(targets, withDeps); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"ok": true, "deletedEntities": deleted}, nil
}
