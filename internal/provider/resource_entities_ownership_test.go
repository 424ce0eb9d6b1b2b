package provider

import (
	"slices"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// anotherWritersRequest puts a request that another writer made into Port,
// with the desk it needs, and returns what it wrote.
func anotherWritersRequest(r *syncRig, id string) map[string]any {
	r.t.Helper()
	mustEdit(r.t, r.port.PutEntity("desk", map[string]any{"identifier": "XD", "title": "Another writer's desk"}))
	req := map[string]any{"identifier": id, "title": "Another writer's request",
		"properties": map[string]any{"status": "theirs"}, "relations": map[string]any{"desk": "XD"}}
	mustEdit(r.t, r.port.PutEntity("request", req))
	return req
}

// refusedVersionOf is the sync's version of id, which Port refuses: size is
// a number in the blueprint. Tests that need Port to refuse it during the
// apply turn the plan's schema check off (portJudges).
func refusedVersionOf(id, desk string) entity.Entity {
	e := requestEntity(id, desk)
	e.Properties = entity.Fields{{Key: "size", Value: entity.String("not a number")}}
	return e
}

// TestAccSyncRefusedFirstSyncOwnsNothingItDidNotWrite is defect 1 of issue
// 16: the first sync's state must record the planned entities, but the sync
// owns only what it wrote, even where Port holds another writer's entity of
// a refused identifier; removing that identifier from the source, with or
// without a refresh, deletes nothing.
func TestAccSyncRefusedFirstSyncOwnsNothingItDidNotWrite(t *testing.T) {
	for _, refresh := range []bool{true, false} {
		t.Run(map[bool]string{true: "refresh", false: "no-refresh"}[refresh], func(t *testing.T) {
			r := newSyncRig(t)
			r.portJudges = true
			theirs := anotherWritersRequest(r, "X")
			desks := setOf(deskEntity("D1"))
			requests := setOf(requestEntity("R1", "D1"), refusedVersionOf("X", "D1"))
			r.setSource(desks, requests, nil)
			mustApply(t, r, 0, "Warning: Port Refused Some Entities", "1 of 2 entities landed")
			if got := r.unwritten(rigRequests); !slices.Equal(got, []string{"X"}) {
				t.Fatalf("the first sync records %v as planned but not written, want [X]", got)
			}

			delete(requests, "X")
			r.setSource(desks, requests, nil)
			args := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
			if !refresh {
				args = append(args, "-refresh=false")
			}
			if out, code := r.tf.exec(args...); code != 0 {
				t.Fatalf("the apply that drops X exited %d:\n%s", code, out)
			}
			got, ok := r.port.Entity("request", "X")
			if !ok || !sameWrite(got, theirs) {
				t.Fatalf("the sync deleted or changed another writer's X, whose write Port had refused: %v", got)
			}
			mustPlanEmpty(t, r)
			if _, owned := r.owned(rigRequests)["X"]; owned {
				t.Fatal("after a refresh the state owns another writer's X")
			}
		})
	}
}

// TestAccSyncWaitingDeleteSurvivesAnApplyWithoutRefresh is defect 2 of
// issue 16: a delete that waits for dependents stays owned through an apply
// with -refresh=false that changes the source, and goes through once the
// dependent is gone.
func TestAccSyncWaitingDeleteSurvivesAnApplyWithoutRefresh(t *testing.T) {
	r := newSyncRig(t)
	requests := setOf(requestEntity("R1", "A"))
	r.setSource(setOf(deskEntity("A"), deskEntity("B")), requests, nil)
	mustApply(t, r, 0)

	r.setSource(setOf(deskEntity("B")), requests, nil)
	mustApply(t, r, 0, "Warning: Deletes Waiting For Dependents")

	r.setSource(setOf(deskEntity("B"), deskEntity("C")), requests, nil)
	if out, code := r.tf.exec("apply", "-auto-approve", "-input=false", "-no-color", "-refresh=false"); code != 0 {
		t.Fatalf("the apply without refresh exited %d:\n%s", code, out)
	}
	if _, owned := r.pending(rigDesks)["A"]; !owned {
		if _, inState := r.owned(rigDesks)["A"]; !inState {
			t.Fatal("after an apply without refresh no state owns desk A, whose delete waits for R1")
		}
	}

	r.setSource(setOf(deskEntity("B"), deskEntity("C")), entity.Set{}, nil)
	mustApply(t, r, 0)
	mustApply(t, r, 0)
	if got := portIDs(r, "desk"); !slices.Equal(got, []string{"B", "C"}) {
		t.Fatalf("once R1 is gone Port holds desks %v, want B and C: the waiting delete of A was forgotten", got)
	}
	mustPlanEmpty(t, r)
}

// TestAccSyncLostAnswerOwnsOnlyWhatPortHoldsAsWritten: when the answer to
// a bulk upsert is lost, the read back that settles it must not take
// another writer's entity of a written identifier for the sync's own.
func TestAccSyncLostAnswerOwnsOnlyWhatPortHoldsAsWritten(t *testing.T) {
	r := newSyncRig(t)
	r.portJudges = true
	theirs := anotherWritersRequest(r, "X")
	desks := setOf(deskEntity("D1"))
	r.setSource(desks, setOf(requestEntity("R1", "D1")), nil)
	mustApply(t, r, 0)

	r.port.LoseAnswers("POST", "/v1/blueprints/request/entities/bulk", 502, -1)
	r.setSource(desks, setOf(requestEntity("R1", "D1"), requestEntity("R2", "D1"), refusedVersionOf("X", "D1")), nil)
	mustApply(t, r, 1, "Error: Port Is Failing Or Unreachable")
	r.port.LoseAnswers("POST", "/v1/blueprints/request/entities/bulk", 0, 0)
	if _, owned := r.ownedNow(rigRequests)["X"]; owned {
		t.Fatal("the read back after a lost answer made another writer's X the sync's")
	}
	if _, owned := r.ownedNow(rigRequests)["R2"]; !owned {
		t.Fatal("the read back after a lost answer did not own R2, which Port holds as written")
	}

	r.setSource(desks, setOf(requestEntity("R1", "D1")), nil)
	if out, code := r.tf.exec("apply", "-auto-approve", "-input=false", "-no-color", "-refresh=false"); code != 0 {
		t.Fatalf("the apply that drops X and R2 exited %d:\n%s", code, out)
	}
	if got, ok := r.port.Entity("request", "X"); !ok || !sameWrite(got, theirs) {
		t.Fatalf("the sync deleted or changed another writer's X: %v", got)
	}
	if got := portIDs(r, "request"); !slices.Equal(got, []string{"R1", "X"}) {
		t.Fatalf("Port holds requests %v, want R1 and another writer's X", got)
	}
	mustPlanEmpty(t, r)
}
