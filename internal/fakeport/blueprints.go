package fakeport

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// saveBlueprint stores a normalized blueprint (create, or replace keeping
// createdAt/createdBy). Relation targets must exist or be the blueprint
// itself. Entities of a replaced blueprint lose the properties and relations
// it no longer defines. The caller holds st.mu for writing.
func (st *store) saveBlueprint(bp *blueprint, actor string, mustCreate bool) *apiError {
	for _, name := range sortedKeys(bp.relations) {
		r := bp.relations[name]
		if r.target != bp.id && st.bps[r.target] == nil {
			return errNotFound("Relation %q of blueprint %q targets blueprint %q, which was not found", name, bp.id, r.target)
		}
	}
	old := st.bps[bp.id]
	if old != nil && mustCreate {
		return errTaken("A blueprint with identifier %q already exists", bp.id)
	}
	now := timestamp()
	if old != nil {
		bp.seq = old.seq
		bp.doc["createdAt"], bp.doc["createdBy"] = old.doc["createdAt"], old.doc["createdBy"]
	} else {
		bp.seq = st.nextSeq()
		bp.doc["createdAt"], bp.doc["createdBy"] = now, actor
	}
	bp.doc["updatedAt"], bp.doc["updatedBy"] = now, actor
	st.bps[bp.id] = bp
	if old != nil {
		st.reconcile(bp)
	}
	return nil
}

// reconcile drops entity values for properties and relations the blueprint
// no longer defines and re-indexes relation targets.
func (st *store) reconcile(bp *blueprint) {
	for _, e := range st.live(bp.id) {
		props := e.props
		if hasUndefined(props, func(k string) bool { _, ok := bp.props[k]; return ok }) {
			props = map[string]any{}
			for k, v := range e.props {
				if _, ok := bp.props[k]; ok {
					props[k] = v
				}
			}
		}
		rels := e.rels
		if hasUndefined(rels, func(k string) bool { _, ok := bp.relations[k]; return ok }) {
			rels = map[string]any{}
			for k, v := range e.rels {
				if _, ok := bp.relations[k]; ok {
					rels[k] = v
				}
			}
		}
		st.unindex(e)
		e.props, e.rels = props, rels
		e.targets = relationTargets(bp, rels)
		st.index(e)
	}
}

func hasUndefined(m map[string]any, defined func(string) bool) bool {
	for k := range m {
		if !defined(k) {
			return true
		}
	}
	return false
}

// relationTargets lists the entities a relations object points at.
func relationTargets(bp *blueprint, rels map[string]any) []entKey {
	var out []entKey
	for name, v := range rels {
		def, ok := bp.relations[name]
		if !ok {
			continue
		}
		switch x := v.(type) {
		case string:
			out = append(out, entKey{def.target, x})
		case []any:
			for _, id := range x {
				if s, ok := id.(string); ok {
					out = append(out, entKey{def.target, s})
				}
			}
		}
	}
	return out
}

// blueprintDependents explains why a blueprint cannot be deleted, or is "".
func (st *store) blueprintDependents(id string) string {
	if n := st.count(id); n > 0 {
		return fmt.Sprintf("Blueprint %q has %d dependent entities; delete them first (e.g. DELETE /v1/blueprints/%s/all-entities)", id, n, id)
	}
	return st.relationsInto(id)
}

// relationsInto explains which other blueprints' relations target id, or is "".
func (st *store) relationsInto(id string) string {
	var from []string
	for _, b := range st.blueprintsInOrder() {
		if b.id == id {
			continue
		}
		for _, name := range sortedKeys(b.relations) {
			if b.relations[name].target == id {
				from = append(from, b.id+"."+name)
			}
		}
	}
	if len(from) > 0 {
		return fmt.Sprintf("Blueprint %q is the target of relations %s; remove them first", id, strings.Join(from, ", "))
	}
	return ""
}

// dropBlueprint deletes a blueprint and all its entities, removing relation
// values of other entities that point at them.
func (st *store) dropBlueprint(id string) {
	st.deleteCascade(st.live(id), unlinkAll)
	delete(st.sets, id)
	delete(st.bps, id)
}

func (s *Server) handleListBlueprints(c *call) (int, any, *apiError) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	docs := []any{}
	for _, b := range s.st.blueprintsInOrder() {
		docs = append(docs, b.doc)
	}
	return http.StatusOK, map[string]any{"ok": true, "blueprints": docs}, nil
}

func (s *Server) handleCreateBlueprint(c *call) (int, any, *apiError) {
	if _, err := c.boolQuery("create_catalog_page"); err != nil {
		return 0, nil, err
	}
	body, err := c.readBody()
	if err != nil {
		return 0, nil, err
	}
	_, bp, err := normalizeBlueprint(body)
	if err != nil {
		return 0, nil, err
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if err := s.st.saveBlueprint(bp, c.actor, true); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, map[string]any{"ok": true, "blueprint": bp.doc}, nil
}

func (s *Server) handleGetBlueprint(c *call) (int, any, *apiError) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	b := s.st.bps[c.params["blueprint"]]
	if b == nil {
		return 0, nil, blueprintNotFound(c.params["blueprint"])
	}
	return http.StatusOK, map[string]any{"ok": true, "blueprint": b.doc}, nil
}

func (s *Server) handlePutBlueprint(c *call) (int, any, *apiError) {
	return s.updateBlueprint(c, false)
}

func (s *Server) handlePatchBlueprint(c *call) (int, any, *apiError) {
	return s.updateBlueprint(c, true)
}

// updateBlueprint serves PUT (replace the document) and PATCH (replace the
// top-level fields sent, keep the others).
func (s *Server) updateBlueprint(c *call, merge bool) (int, any, *apiError) {
	id := c.params["blueprint"]
	body, err := c.readBody()
	if err != nil {
		return 0, nil, err
	}
	if v, ok := body["identifier"]; ok && v != id {
		return 0, nil, errInvalid("body/identifier must equal the blueprint identifier in the path (%q); blueprints cannot be renamed", id)
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	old := s.st.bps[id]
	if old == nil {
		return 0, nil, blueprintNotFound(id)
	}
	doc := body
	if merge {
		doc = copyMap(old.doc)
		for k, v := range body {
			doc[k] = v
		}
	}
	doc["identifier"] = id
	_, bp, err := normalizeBlueprint(doc)
	if err != nil {
		return 0, nil, err
	}
	if err := s.st.saveBlueprint(bp, c.actor, false); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"ok": true, "blueprint": bp.doc}, nil
}

func (s *Server) handleDeleteBlueprint(c *call) (int, any, *apiError) {
	if _, err := c.boolQuery("delete_actions"); err != nil {
		return 0, nil, err
	}
	id := c.params["blueprint"]
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if s.st.bps[id] == nil {
		return 0, nil, blueprintNotFound(id)
	}
	if why := s.st.blueprintDependents(id); why != "" {
		return 0, nil, errDependents("%s", why)
	}
	s.st.dropBlueprint(id)
	return http.StatusOK, map[string]any{"ok": true}, nil
}

func blueprintNotFound(id string) *apiError {
	return errNotFound("Blueprint with identifier %q was not found", id)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
