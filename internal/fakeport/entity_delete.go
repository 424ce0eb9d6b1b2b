package fakeport

import (
	"fmt"
	"slices"
	"strings"
)

// cascade says what happens to entities that relate to a deleted entity.
type cascade int

const (
	unlinkAll        cascade = iota // remove the relation values (force)
	deleteRequired                  // delete those that need it through a required relation, unlink the rest
	deleteAllRelated                // delete every entity that relates to it (delete_dependents=true)
)

// blockers explains which entities outside the deleted set need one of them
// through a required relation, or returns "".
func (st *store) blockers(deleted []*entity) string {
	in := make(map[entKey]bool, len(deleted))
	for _, e := range deleted {
		in[entKey{e.bp, e.id}] = true
	}
	var found []string
	for _, e := range deleted {
		t := entKey{e.bp, e.id}
		for src := range st.refs[t] {
			if in[src] {
				continue
			}
			if se := st.entity(src.bp, src.id); se != nil && st.requires(se, t) {
				found = append(found, fmt.Sprintf("%s/%s -> %s/%s", src.bp, src.id, t.bp, t.id))
			}
		}
	}
	if len(found) == 0 {
		return ""
	}
	slices.Sort(found)
	if len(found) > 10 {
		found = append(found[:10], fmt.Sprintf("and %d more", len(found)-10))
	}
	return "Entities have dependents through required relations (" + strings.Join(found, ", ") +
		"); delete the dependents first or set delete_dependents=true"
}

// requires reports whether e points at t through a required relation.
func (st *store) requires(e *entity, t entKey) bool {
	bp := st.bps[e.bp]
	if bp == nil {
		return false
	}
	for name, v := range e.rels {
		def, ok := bp.relations[name]
		if ok && def.required && def.target == t.bp && slices.Contains(relationIDs(v), t.id) {
			return true
		}
	}
	return false
}

// deleteCascade deletes roots and handles the entities that relate to them
// as mode says.
func (st *store) deleteCascade(roots []*entity, mode cascade) {
	queue := slices.Clone(roots)
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		if st.entity(e.bp, e.id) != e {
			continue
		}
		key := entKey{e.bp, e.id}
		sources := make([]entKey, 0, len(st.refs[key]))
		for src := range st.refs[key] {
			sources = append(sources, src)
		}
		st.remove(e)
		for _, src := range sources {
			se := st.entity(src.bp, src.id)
			if se == nil {
				continue
			}
			if mode == deleteAllRelated || (mode == deleteRequired && st.requires(se, key)) {
				queue = append(queue, se)
				continue
			}
			st.unlink(se, key)
		}
	}
}

// unlink removes target from e's relation values.
func (st *store) unlink(e *entity, t entKey) {
	bp := st.bps[e.bp]
	if bp == nil {
		return
	}
	rels := make(map[string]any, len(e.rels))
	for name, v := range e.rels {
		def, ok := bp.relations[name]
		if !ok || def.target != t.bp {
			rels[name] = v
			continue
		}
		switch x := v.(type) {
		case string:
			if x == t.id {
				rels[name] = nil
			} else {
				rels[name] = x
			}
		case []any:
			kept := make([]any, 0, len(x))
			for _, id := range x {
				if id != t.id {
					kept = append(kept, id)
				}
			}
			rels[name] = kept
		default:
			rels[name] = v
		}
	}
	st.unindex(e)
	e.rels = rels
	e.targets = relationTargets(bp, rels)
	st.index(e)
}
