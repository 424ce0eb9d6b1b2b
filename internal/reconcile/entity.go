// Package reconcile turns the entity set a configuration wants and the one
// Port holds into the writes that make them equal, and works out what Port
// holds after those writes, whatever part of them failed. It knows nothing
// of Terraform; batching for Port's bulk endpoints is the port client's.
package reconcile

import (
	"bytes"
	"sort"

	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
)

// Set is a set of entities keyed by identifier, as entities_json holds it:
// a nil Title, Icon or Team is not managed, and Properties and Relations
// hold the managed keys only.
type Set map[string]mapping.Entity

// ParseSet reads an entities_json document; errors name the identifier and
// the field.
func ParseSet(doc []byte) (Set, error) {
	entities, err := mapping.ParseEntitiesJSON(doc)
	return Set(entities), err
}

// MarshalJSON encodes the set as canonical entities_json, byte for byte what
// Terraform's jsonencode gives for the same value.
func (s Set) MarshalJSON() ([]byte, error) { return mapping.MarshalEntities(s) }

// Identifiers returns the set's identifiers in order.
func (s Set) Identifiers() []string {
	ids := make([]string, 0, len(s))
	for id := range s {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Equal reports whether two entities hold the same managed values, whatever
// the representation of their numbers.
func Equal(a, b mapping.Entity) bool {
	ca, errA := canonical(a)
	cb, errB := canonical(b)
	return errA == nil && errB == nil && bytes.Equal(ca, cb)
}

func canonical(e mapping.Entity) ([]byte, error) {
	return mapping.MarshalEntities(map[string]mapping.Entity{"": e})
}
