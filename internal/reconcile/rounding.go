package reconcile

import (
	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// Rounding is a number a sync writes that Port will hold with fewer digits:
// its backend keeps numbers as doubles.
type Rounding struct {
	Identifier, Property string
	// Written is the number as the sync writes it, Held as Port keeps it.
	Written, Held string
}

// Roundings returns the numbers that lose digits in Port among the
// entities a sync of desired over actual writes (created or changed), the
// first of each entity in identifier order.
func Roundings(desired, actual entity.Set) []Rounding {
	var out []Rounding
	for _, id := range desired.Identifiers() {
		want := desired[id]
		if have, exists := actual[id]; exists && want.Equal(&have) {
			continue
		}
		if r, ok := EntityRounding(want); ok {
			out = append(out, r)
		}
	}
	return out
}

// EntityRounding returns the first property of e, in key order, that holds
// a number Port will keep with fewer digits.
func EntityRounding(e entity.Entity) (Rounding, bool) {
	for _, f := range e.Properties {
		if lit, held, ok := jsonvalue.FirstRoundedNumber(string(f.Value)); ok {
			return Rounding{Identifier: e.Identifier, Property: f.Key, Written: lit, Held: held}, true
		}
	}
	return Rounding{}, false
}
