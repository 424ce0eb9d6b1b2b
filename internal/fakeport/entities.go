package fakeport

import (
	"net/http"
)

// writeFlags are the query parameters of the entity write endpoints.
type writeFlags struct {
	upsert         bool
	merge          bool
	createMissing  bool
	validationOnly bool
}

func (c *call) writeFlags(withUpsert bool) (writeFlags, *apiError) {
	var f writeFlags
	var err *apiError
	if withUpsert {
		if f.upsert, err = c.boolQuery("upsert"); err != nil {
			return f, err
		}
		if f.merge, err = c.boolQuery("merge"); err != nil {
			return f, err
		}
		if f.validationOnly, err = c.boolQuery("validation_only"); err != nil {
			return f, err
		}
	}
	if f.createMissing, err = c.boolQuery("create_missing_related_entities"); err != nil {
		return f, err
	}
	return f, nil
}

func (f writeFlags) mode() writeMode {
	switch {
	case f.upsert && f.merge:
		return writeMerge
	case f.upsert:
		return writeReplace
	}
	return writeCreate
}

// readSelection validates the boolean query parameters of the read endpoints and
// returns the include/exclude selection.
func (c *call) readSelection() (selection, *apiError) {
	for _, name := range []string{"exclude_calculated_properties", "attach_title_to_relation",
		"attach_identifier_to_title_mirror_properties", "allow_partial_results"} {
		if _, err := c.boolQuery(name); err != nil {
			return selection{}, err
		}
	}
	return pathSelection(c.listQuery("include"), c.listQuery("exclude")), nil
}

func (s *Server) handleCreateEntity(c *call) (int, any, *apiError) {
	flags, err := c.writeFlags(true)
	if err != nil {
		return 0, nil, err
	}
	body, err := c.readBody()
	if err != nil {
		return 0, nil, err
	}
	in, err := parseEntityInput(body, inputCreate, "body")
	if err != nil {
		return 0, nil, err
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	bp := s.st.bps[c.params["blueprint"]]
	if bp == nil {
		return 0, nil, blueprintNotFound(c.params["blueprint"])
	}
	p, err := s.st.plan(bp, in, flags.mode(), flags.createMissing, c.actor)
	if err != nil {
		return 0, nil, err
	}
	if !flags.validationOnly {
		s.st.apply(p)
	}
	return http.StatusCreated, map[string]any{"ok": true, "entity": p.entity.view()}, nil
}

func (s *Server) handlePutEntity(c *call) (int, any, *apiError) {
	return s.updateEntity(c, inputPut, writePut)
}

func (s *Server) handlePatchEntity(c *call) (int, any, *apiError) {
	return s.updateEntity(c, inputPatch, writePatch)
}

func (s *Server) updateEntity(c *call, im inputMode, wm writeMode) (int, any, *apiError) {
	flags, err := c.writeFlags(false)
	if err != nil {
		return 0, nil, err
	}
	body, err := c.readBody()
	if err != nil {
		return 0, nil, err
	}
	in, err := parseEntityInput(body, im, "body")
	if err != nil {
		return 0, nil, err
	}
	id := c.params["entity"]
	if in.id != "" && in.id != id {
		return 0, nil, errInvalid("body/identifier must equal the entity identifier in the path (%q)", id)
	}
	in.id = id
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	bp := s.st.bps[c.params["blueprint"]]
	if bp == nil {
		return 0, nil, blueprintNotFound(c.params["blueprint"])
	}
	p, err := s.st.plan(bp, in, wm, flags.createMissing, c.actor)
	if err != nil {
		return 0, nil, err
	}
	s.st.apply(p)
	return http.StatusOK, map[string]any{"ok": true, "entity": p.entity.view()}, nil
}

func (s *Server) handleGetEntity(c *call) (int, any, *apiError) {
	sel, err := c.readSelection()
	if err != nil {
		return 0, nil, err
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	bpID, id := c.params["blueprint"], c.params["entity"]
	if s.st.bps[bpID] == nil {
		return 0, nil, blueprintNotFound(bpID)
	}
	e := s.st.entity(bpID, id)
	if e == nil {
		return 0, nil, entityNotFound(bpID, id)
	}
	return http.StatusOK, map[string]any{"ok": true, "entity": sel.apply(e.view())}, nil
}

func (s *Server) handleListEntities(c *call) (int, any, *apiError) {
	sel, err := c.readSelection()
	if err != nil {
		return 0, nil, err
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	bpID := c.params["blueprint"]
	if s.st.bps[bpID] == nil {
		return 0, nil, blueprintNotFound(bpID)
	}
	live := s.st.live(bpID)
	out := make([]any, len(live))
	for i, e := range live {
		out[i] = sel.apply(e.view())
	}
	return http.StatusOK, map[string]any{"ok": true, "entities": out}, nil
}

func (s *Server) handleCountEntities(c *call) (int, any, *apiError) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	bpID := c.params["blueprint"]
	if s.st.bps[bpID] == nil {
		return 0, nil, blueprintNotFound(bpID)
	}
	return http.StatusOK, map[string]any{"ok": true, "count": s.st.count(bpID)}, nil
}

func (s *Server) handleDeleteEntity(c *call) (int, any, *apiError) {
	withDeps, err := c.boolQuery("delete_dependents")
	if err != nil {
		return 0, nil, err
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	bpID, id := c.params["blueprint"], c.params["entity"]
	if s.st.bps[bpID] == nil {
		return 0, nil, blueprintNotFound(bpID)
	}
	e := s.st.entity(bpID, id)
	if e == nil {
		return 0, nil, entityNotFound(bpID, id)
	}
	if err := s.st.deleteEntities([]*entity{e}, withDeps); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"ok": true}, nil
}

// deleteEntities deletes entities as the delete endpoints do: with
// delete_dependents every related entity goes too; without it, required
// dependents make the whole call fail and optional relations are unlinked.
func (st *store) deleteEntities(es []*entity, withDependents bool) *apiError {
	if withDependents {
		st.deleteCascade(es, deleteAllRelated)
		return nil
	}
	if why := st.blockers(es); why != "" {
		return errDependents("%s", why)
	}
	st.deleteCascade(es, unlinkAll)
	return nil
}
