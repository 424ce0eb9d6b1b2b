package reconcile

import "github.com/portjsm/terraform-provider-portjsm/internal/entity"

// Plan is what a sync must write.
type Plan struct {
	// Upserts are the entities to write, with properties and relations that
	// Port holds but the configuration no longer manages set to null.
	Upserts []entity.Entity
	// Deletes are the identifiers Port holds that the configuration dropped.
	Deletes []string
}

// Diff compares the desired set with the managed view of what Port holds
// and returns only what differs, in identifier order.
func Diff(desired, actual entity.Set) Plan {
	var plan Plan
	for _, id := range desired.Identifiers() {
		want := desired[id]
		have, exists := actual[id]
		if exists && want.Equal(&have) {
			continue
		}
		plan.Upserts = append(plan.Upserts, write(want, have))
	}
	for _, id := range actual.Identifiers() {
		if _, keep := desired[id]; !keep {
			plan.Deletes = append(plan.Deletes, id)
		}
	}
	return plan
}

// write is the merge-mode upsert that turns have into want: keys have
// manages that want dropped are sent as null, which clears them in Port.
func write(want, have entity.Entity) entity.Entity {
	e := want
	e.Properties = withClearedKeys(want.Properties, have.Properties)
	e.Relations = withClearedKeys(want.Relations, have.Relations)
	return e
}

func withClearedKeys(want, have entity.Fields) entity.Fields {
	cleared := make(map[string]entity.JSON, len(want)+len(have))
	for _, f := range have {
		cleared[f.Key] = entity.Null
	}
	if len(cleared) == 0 {
		return want
	}
	for _, f := range want {
		cleared[f.Key] = f.Value
	}
	return entity.FieldsOf(cleared)
}

// Counts are the sizes of a plan.
type Counts struct{ Create, Update, Delete int }

// Changes is the number of entities a plan writes.
func (c Counts) Changes() int { return c.Create + c.Update + c.Delete }

// Count sizes the plan from actual to desired without building its writes.
func Count(desired, actual entity.Set) Counts {
	var c Counts
	for id, want := range desired {
		have, exists := actual[id]
		switch {
		case !exists:
			c.Create++
		case !want.Equal(&have):
			c.Update++
		}
	}
	for id := range actual {
		if _, keep := desired[id]; !keep {
			c.Delete++
		}
	}
	return c
}
