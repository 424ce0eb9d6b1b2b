package reconcile

import (
	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

// Plan is what a sync must write.
type Plan struct {
	// Upserts are the entities to write, with properties and relations that
	// Port holds but the configuration no longer manages set to null.
	Upserts []port.Entity
	// Deletes are the identifiers Port holds that the configuration dropped.
	Deletes []string
}

// Diff compares the desired set with the managed view of what Port holds
// and returns only what differs, in identifier order.
func Diff(desired, actual Set) Plan {
	var plan Plan
	for _, id := range desired.Identifiers() {
		want := desired[id]
		have, exists := actual[id]
		if exists && Equal(want, have) {
			continue
		}
		plan.Upserts = append(plan.Upserts, write(id, want, have))
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
func write(id string, want, have mapping.Entity) port.Entity {
	e := port.Entity{
		Identifier: id,
		Icon:       want.Icon,
		Team:       want.Team,
		Properties: withClearedKeys(want.Properties, have.Properties),
		Relations:  withClearedKeys(relationValues(want.Relations), have.Relations),
	}
	if want.Title != nil {
		e.Title, e.ClearTitle = *want.Title, true
	}
	return e
}

func withClearedKeys(want, have map[string]any) map[string]any {
	out := make(map[string]any, len(want))
	for k, v := range want {
		out[k] = v
	}
	for k := range have {
		if _, kept := want[k]; !kept {
			out[k] = nil
		}
	}
	return out
}

// relationValues turns the []string of a many relation into the []any the
// port client sends, so that every value is a plain JSON value.
func relationValues(relations map[string]any) map[string]any {
	out := make(map[string]any, len(relations))
	for k, v := range relations {
		if list, ok := v.([]string); ok {
			items := make([]any, len(list))
			for i, s := range list {
				items[i] = s
			}
			v = items
		}
		out[k] = v
	}
	return out
}

// Counts are the sizes of a plan.
type Counts struct{ Create, Update, Delete int }

// Changes is the number of entities a plan writes.
func (c Counts) Changes() int { return c.Create + c.Update + c.Delete }

// Count sizes the plan from actual to desired without building its writes.
func Count(desired, actual Set) Counts {
	var c Counts
	for id, want := range desired {
		have, exists := actual[id]
		switch {
		case !exists:
			c.Create++
		case !Equal(want, have):
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
