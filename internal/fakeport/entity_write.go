package fakeport

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
)

// writeMode is how an entity write combines with an existing entity.
type writeMode int

const (
	writeCreate  writeMode = iota // plain create: 409 if it exists
	writeReplace                  // upsert without merge: create or replace
	writeMerge                    // upsert with merge: create or merge
	writePut                      // PUT: replace, 404 if missing
	writePatch                    // PATCH: merge, 404 if missing
)

// plannedWrite is a validated entity write that has not been applied yet.
type plannedWrite struct {
	entity  *entity
	created bool
	missing []entKey // related entities to create bare (create_missing_related_entities)
}

// plan validates a write of in into blueprint bp and computes the resulting
// entity. The caller holds st.mu.
func (st *store) plan(bp *blueprint, in *entityInput, mode writeMode, createMissing bool, actor string) (*plannedWrite, *apiError) {
	if in.id == "" {
		in.id = newEntityID()
	}
	old := st.entity(bp.id, in.id)
	switch {
	case old != nil && mode == writeCreate:
		return nil, errTaken("Entity with identifier %q already exists in blueprint %q", in.id, bp.id)
	case old == nil && (mode == writePut || mode == writePatch):
		return nil, entityNotFound(bp.id, in.id)
	}
	merge := old != nil && (mode == writeMerge || mode == writePatch)
	now := timestamp()
	e := &entity{bp: bp.id, id: in.id, createdAt: now, createdBy: actor, updatedAt: now, updatedBy: actor}
	if old != nil {
		e.createdAt, e.createdBy = old.createdAt, old.createdBy
	}
	if merge {
		e.title, e.icon, e.team = old.title, old.icon, old.team
		e.props = overlay(old.props, in.props)
		e.rels = overlay(old.rels, in.rels)
	} else {
		e.team = []string{}
		e.props = overlay(nil, in.props)
		e.rels = overlay(nil, in.rels)
	}
	if in.hasTitle {
		e.title = in.title
	}
	if in.hasIcon {
		e.icon = in.icon
	}
	if in.hasTeam {
		e.team = in.team
	}
	if err := checkEntity(bp, e); err != nil {
		return nil, err
	}
	e.targets = relationTargets(bp, e.rels)
	p := &plannedWrite{entity: e, created: old == nil}
	for _, name := range sortedKeys(e.rels) {
		def := bp.relations[name]
		if st.bps[def.target] == nil && len(relationIDs(e.rels[name])) > 0 {
			return nil, errNotFound("Relation %q of blueprint %q targets blueprint %q, which was not found", name, bp.id, def.target)
		}
		for _, id := range relationIDs(e.rels[name]) {
			t := entKey{def.target, id}
			if st.entity(t.bp, t.id) != nil || (t.bp == bp.id && t.id == e.id) || slices.Contains(p.missing, t) {
				continue
			}
			if !createMissing {
				return nil, errNotFound("Related entity %q of blueprint %q (relation %q) was not found; create it first or set create_missing_related_entities=true", id, def.target, name)
			}
			p.missing = append(p.missing, t)
		}
	}
	return p, nil
}

// apply stores a planned write, creating the missing related entities bare.
func (st *store) apply(p *plannedWrite) {
	for _, t := range p.missing {
		st.put(&entity{bp: t.bp, id: t.id, team: []string{}, props: map[string]any{}, rels: map[string]any{},
			createdAt: p.entity.updatedAt, createdBy: p.entity.updatedBy,
			updatedAt: p.entity.updatedAt, updatedBy: p.entity.updatedBy})
	}
	st.put(p.entity)
}

// checkEntity validates properties and relations against the blueprint.
func checkEntity(bp *blueprint, e *entity) *apiError {
	for _, name := range sortedKeys(e.props) {
		def, ok := bp.props[name]
		if !ok {
			return errSchema("Entity %q of blueprint %q: property %q is not defined in the blueprint's schema", e.id, bp.id, name)
		}
		if err := checkValue(name, def, e.props[name]); err != nil {
			return errSchema("Entity %q of blueprint %q does not match the blueprint's schema: %v", e.id, bp.id, err)
		}
	}
	for _, name := range sortedKeys(bp.required) {
		if e.props[name] == nil {
			return errSchema("Entity %q of blueprint %q: required property %q is missing", e.id, bp.id, name)
		}
	}
	for _, name := range sortedKeys(e.rels) {
		def, ok := bp.relations[name]
		if !ok {
			return errSchema("Entity %q of blueprint %q: relation %q is not defined in the blueprint", e.id, bp.id, name)
		}
		switch e.rels[name].(type) {
		case nil:
		case string:
			if def.many {
				return errSchema("Entity %q of blueprint %q: relation %q is a many relation and takes an array of identifiers", e.id, bp.id, name)
			}
		case []any:
			if !def.many {
				return errSchema("Entity %q of blueprint %q: relation %q is a single relation and takes one identifier", e.id, bp.id, name)
			}
		}
	}
	for _, name := range sortedKeys(bp.relations) {
		if bp.relations[name].required && len(relationIDs(e.rels[name])) == 0 {
			return errSchema("Entity %q of blueprint %q: required relation %q is missing", e.id, bp.id, name)
		}
	}
	return nil
}

func relationIDs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// overlay returns a new map with base's entries replaced by top's.
func overlay(base, top map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(top))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range top {
		out[k] = v
	}
	return out
}

func newEntityID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "e_" + hex.EncodeToString(b)
}

func entityNotFound(bp, id string) *apiError {
	return errNotFound("Entity with identifier %q of blueprint %q was not found", id, bp)
}
