package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

func requestsOnDesk(from, to int, status string) entity.Set {
	set := entity.Set{}
	for i := from; i < to; i++ {
		e := requestEntity(fmt.Sprint("R", i), "D1")
		e.Properties = entity.Fields{{Key: "status", Value: entity.String(status)}}
		set.Add(e)
	}
	return set
}

// TestAccSyncSaysWhatItWritesOnce: a plan says what it will write to Port,
// naming the deletions unmistakably; an apply says, once and in the past
// tense, what it wrote, and never repeats the plan's line (Terraform plans
// every resource again during an apply).
func TestAccSyncSaysWhatItWritesOnce(t *testing.T) {
	r := newSyncRig(t)
	desks := setOf(deskEntity("D1"))
	r.setSource(desks, requestsOnDesk(0, 50, "open"), nil)
	first := mustApply(t, r, 0)
	wantOnce(t, "the first apply", first, "Synced request: created 50 entities in Port")
	wantNone(t, "the first apply", first, "Synced request: created 50 entities in Port", "Sync request:")

	next := requestsOnDesk(10, 52, "open")
	for i := 10; i < 13; i++ {
		next.Add(requestsOnDesk(i, i+1, "closed")[fmt.Sprint("R", i)])
	}
	r.setSource(desks, next, nil)
	plan := r.tf.run([]int{0}, "plan", "-out=tfplan", "-input=false", "-no-color")
	wantOnce(t, "the plan", plan, "Sync request: deletes 10 of the 50 entities in Port, 40 remain; creates 2, updates 3")
	applied := r.tf.run([]int{0}, "apply", "-input=false", "-no-color", "tfplan")
	wantOnce(t, "the apply of the saved plan", applied, "Synced request: deleted 10 of the 50 entities in Port, 40 remain; created 2, updated 3")
	wantNone(t, "the apply of the saved plan", applied, "", "Sync request:")

	r.setSource(desks, requestsOnDesk(10, 52, "closed"), nil)
	out := mustApply(t, r, 0)
	wantOnce(t, "an apply without a saved plan", out, "Sync request: updates 39; deletes none of the 42 entities in Port")
	wantOnce(t, "an apply without a saved plan", out, "Synced request: updated 39; deleted none of the 42 entities in Port")
	wantNone(t, "an apply without a saved plan", out, "", "similar warning")
	mustPlanEmpty(t, r)
}

// wantOnce fails unless line appears exactly once in out, a CLI output
// whose lines Terraform wraps.
func wantOnce(t *testing.T, what, out, line string) {
	t.Helper()
	if n := strings.Count(strings.Join(strings.Fields(out), " "), line); n != 1 {
		t.Fatalf("%s says %q %d times, want once:\n%s", what, line, n, out)
	}
}

// wantNone fails if out says unwanted anywhere but in the line allowed.
func wantNone(t *testing.T, what, out, allowed, unwanted string) {
	t.Helper()
	flat := strings.Join(strings.Fields(out), " ")
	if allowed != "" {
		flat = strings.ReplaceAll(flat, allowed, "")
	}
	if strings.Contains(flat, unwanted) {
		t.Fatalf("%s says %q:\n%s", what, unwanted, out)
	}
}
