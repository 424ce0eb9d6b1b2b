package fakeport

import (
	"fmt"
)

// uiActor is createdBy/updatedBy for changes made through the direct store
// methods, which stand for edits in Port's UI.
const uiActor = "fakeport-ui"

// Blueprint returns a copy of a blueprint's JSON as GET /v1/blueprints/{id}
// returns it.
func (s *Server) Blueprint(id string) (map[string]any, bool) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	b := s.st.bps[id]
	if b == nil {
		return nil, false
	}
	return copyMap(b.doc), true
}

// PutBlueprint creates or replaces a blueprint directly in the store,
// bypassing authentication, faults and counters but not validation: doc must
// be a valid blueprint document whose relation targets exist. Port's
// defaults and timestamps are added as for POST/PUT.
func (s *Server) PutBlueprint(doc map[string]any) error {
	norm, err := normalizeJSON(doc)
	if err != nil {
		return err
	}
	_, bp, aerr := normalizeBlueprint(norm)
	if aerr != nil {
		return aerr
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if aerr := s.st.saveBlueprint(bp, uiActor, false); aerr != nil {
		return aerr
	}
	return nil
}

// EditBlueprint changes a stored blueprint: fn gets a copy of its JSON to
// modify, and the result replaces the blueprint as a PUT would (the
// identifier cannot change).
func (s *Server) EditBlueprint(id string, fn func(doc map[string]any)) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	old := s.st.bps[id]
	if old == nil {
		return blueprintNotFound(id)
	}
	doc := copyMap(old.doc)
	fn(doc)
	norm, err := normalizeJSON(doc)
	if err != nil {
		return err
	}
	if norm["identifier"] != id {
		return fmt.Errorf("fakeport: EditBlueprint cannot change the identifier of blueprint %q", id)
	}
	_, bp, aerr := normalizeBlueprint(norm)
	if aerr != nil {
		return aerr
	}
	if aerr := s.st.saveBlueprint(bp, uiActor, false); aerr != nil {
		return aerr
	}
	return nil
}

// DeleteBlueprint deletes a blueprint and all its entities, whatever depends
// on them; relation values of other entities that point at them are removed.
// Relations of other blueprints that target it are left as they are.
func (s *Server) DeleteBlueprint(id string) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if s.st.bps[id] != nil {
		s.st.dropBlueprint(id)
	}
}

// Entity returns a copy of an entity's JSON as GET
// /v1/blueprints/{bp}/entities/{id} returns it.
func (s *Server) Entity(bp, id string) (map[string]any, bool) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	e := s.st.entity(bp, id)
	if e == nil {
		return nil, false
	}
	return copyMap(e.view()), true
}

// Entities returns copies of all entities of a blueprint in the order the
// API lists them (creation order).
func (s *Server) Entities(bp string) []map[string]any {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	live := s.st.live(bp)
	out := make([]map[string]any, len(live))
	for i, e := range live {
		out[i] = copyMap(e.view())
	}
	return out
}

// PutEntity creates or replaces an entity of blueprint bp directly in the
// store (like an upsert without merge), bypassing authentication, faults and
// counters but not validation against the blueprint; related entities must
// exist. e has the entity JSON shape; createdAt, createdBy, updatedAt and
// updatedBy are kept when given as strings, so seeds can carry history.
func (s *Server) PutEntity(bp string, e map[string]any) error {
	norm, err := normalizeJSON(e)
	if err != nil {
		return err
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	return s.st.putDirect(bp, norm, writeReplace)
}

// EditEntity changes a stored entity: fn gets a copy of its JSON to modify,
// and the result replaces the entity (the identifier cannot change).
func (s *Server) EditEntity(bp, id string, fn func(e map[string]any)) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	cur := s.st.entity(bp, id)
	if cur == nil {
		return entityNotFound(bp, id)
	}
	doc := copyMap(cur.view())
	delete(doc, "updatedAt")
	delete(doc, "updatedBy")
	fn(doc)
	norm, err := normalizeJSON(doc)
	if err != nil {
		return err
	}
	if norm["identifier"] != id {
		return fmt.Errorf("fakeport: EditEntity cannot change the identifier of entity %q", id)
	}
	return s.st.putDirect(bp, norm, writePut)
}

// DeleteEntity deletes an entity, whatever depends on it; relation values of
// other entities that point at it are removed.
func (s *Server) DeleteEntity(bp, id string) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if e := s.st.entity(bp, id); e != nil {
		s.st.deleteCascade([]*entity{e}, unlinkAll)
	}
}

// putDirect validates and stores entity JSON for the direct store methods.
// The caller holds st.mu for writing.
func (st *store) putDirect(bpID string, doc map[string]any, mode writeMode) error {
	bp := st.bps[bpID]
	if bp == nil {
		return blueprintNotFound(bpID)
	}
	if v, ok := doc["blueprint"]; ok && v != bpID {
		return fmt.Errorf("fakeport: entity JSON names blueprint %v, not %q", v, bpID)
	}
	meta := map[string]string{}
	for _, k := range metaFields {
		if v, ok := doc[k].(string); ok {
			meta[k] = v
		}
		delete(doc, k)
	}
	delete(doc, "blueprint")
	if _, ok := doc["identifier"].(string); !ok {
		return fmt.Errorf("fakeport: entity JSON needs a string identifier")
	}
	in, aerr := parseEntityInput(doc, inputCreate, "entity")
	if aerr != nil {
		return aerr
	}
	p, aerr := st.plan(bp, in, mode, false, uiActor)
	if aerr != nil {
		return aerr
	}
	e := p.entity
	for k, dst := range map[string]*string{"createdAt": &e.createdAt, "createdBy": &e.createdBy,
		"updatedAt": &e.updatedAt, "updatedBy": &e.updatedBy} {
		if v, ok := meta[k]; ok {
			*dst = v
		}
	}
	st.apply(p)
	return nil
}
