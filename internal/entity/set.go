package entity

import (
	"slices"
)

// Set is a set of entities keyed by identifier, as entities_json holds it.
// Every entity's Identifier is its key.
type Set map[string]Entity

// Add puts e into the set under its identifier.
func (s Set) Add(e Entity) { s[e.Identifier] = e }

// Identifiers returns the set's identifiers in order.
func (s Set) Identifiers() []string {
	ids := make([]string, 0, len(s))
	for id := range s {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Equal reports whether two sets hold the same entities with the same
// managed values.
func (s Set) Equal(o Set) bool {
	if len(s) != len(o) {
		return false
	}
	for id, e := range s {
		other, ok := o[id]
		if !ok || !e.Equal(&other) {
			return false
		}
	}
	return true
}

// Clone returns a copy of the set that can be changed on its own; the
// entities' values are shared, as they are never changed in place.
func (s Set) Clone() Set {
	out := make(Set, len(s))
	for id, e := range s {
		out[id] = e
	}
	return out
}
