package reconcile

import (
	"context"
	"net/http"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

// Writer is the part of the Port client a sync needs.
type Writer interface {
	BulkUpsert(ctx context.Context, blueprint string, entities []entity.Entity, opts port.EntityWriteOptions) (port.BulkResult, error)
	BulkDelete(ctx context.Context, blueprint string, ids []string, deleteDependents bool) (port.DeleteResult, error)
}

// Options tune the writes of a sync.
type Options struct {
	CreateMissingRelatedEntities bool
	// DeleteDependents deletes, with an entity, the entities that need it
	// through a required relation (Port's delete_dependents).
	DeleteDependents bool
}

// Failure is one entity Port did not take.
type Failure struct {
	Identifier string
	Operation  string // "upsert" or "delete"
	StatusCode int    // Port's HTTP status for it; 0 when no answer came
	Code       string // Port's error code, e.g. has_dependents
	Message    string
}

// Result is the outcome of Apply.
type Result struct {
	// State is the managed view of what Port holds after the writes, for
	// every entity the resource owns (see the package documentation): the
	// desired value of each entity Port confirmed or may have written, the
	// previous value of each it refused or was never sent, and each entity
	// Port refused to delete.
	State entity.Set
	// Uncertain are identifiers whose write may or may not have landed (the
	// request failed as a whole after it may have reached Port). State
	// holds their desired value; a read back from Port settles them.
	Uncertain []string
	Upserted  int
	Deleted   int
	// Refused are entities Port refused one by one: upserts with a 4xx of
	// their own (data or schema), and deletes blocked by dependents.
	Refused []Failure
	// Err is a failure of whole requests (Port unreachable, 5xx after
	// retries, 413, the context ended); deletes are not attempted after one.
	Err error
}

// Failed reports whether anything did not land.
func (r Result) Failed() bool { return r.Err != nil || len(r.Refused) > 0 }

// Wrote reports whether anything may have been written.
func (r Result) Wrote() bool { return r.Upserted > 0 || r.Deleted > 0 || len(r.Uncertain) > 0 }

// BlockedDeletes returns the deletes Port refused, keyed by identifier.
func (r Result) BlockedDeletes() map[string]Failure {
	out := map[string]Failure{}
	for _, f := range r.Refused {
		if f.Operation == "delete" {
			out[f.Identifier] = f
		}
	}
	return out
}

// Apply writes the difference between desired and actual: upserts in merge
// mode (fields the configuration does not manage are kept), then deletes.
// Deletes Port refuses because other entities need them stay in State, so
// they stay owned and are planned again by the next run.
func Apply(ctx context.Context, w Writer, blueprint string, desired, actual entity.Set, opts Options) Result {
	plan := Diff(desired, actual)
	res := Result{State: actual.Clone()}
	if len(plan.Upserts) > 0 {
		out, err := w.BulkUpsert(ctx, blueprint, plan.Upserts, port.EntityWriteOptions{
			Upsert: true, Merge: true, CreateMissingRelatedEntities: opts.CreateMissingRelatedEntities,
		})
		for _, id := range out.Succeeded {
			res.State[id] = desired[id]
		}
		res.Upserted = len(out.Succeeded)
		for _, f := range out.Failed {
			if f.NeverSent {
				continue // not written; Err says why
			}
			if mayHaveLanded(f) {
				res.State[f.Identifier] = desired[f.Identifier]
				res.Uncertain = append(res.Uncertain, f.Identifier)
				continue
			}
			if isRefusal(f) {
				res.Refused = append(res.Refused, Failure{Identifier: f.Identifier, Operation: "upsert", StatusCode: f.StatusCode, Code: f.Code, Message: f.Message})
			}
		}
		if err != nil {
			res.Err = err
			return res
		}
	}
	if len(plan.Deletes) > 0 {
		out, err := w.BulkDelete(ctx, blueprint, plan.Deletes, opts.DeleteDependents)
		for _, id := range out.Deleted {
			delete(res.State, id)
		}
		res.Deleted = len(out.Deleted)
		refused := make(map[string]bool, len(out.Refused))
		for _, f := range out.Refused {
			refused[f.Identifier] = true
			res.Refused = append(res.Refused, Failure{Identifier: f.Identifier, Operation: "delete", StatusCode: f.StatusCode, Code: f.Code, Message: f.Message})
		}
		if err != nil {
			res.Err = err
			return res
		}
		for _, id := range plan.Deletes {
			if !refused[id] {
				// Port reports only what it deleted; one it did not know is gone too.
				delete(res.State, id)
			}
		}
	}
	return res
}

// mayHaveLanded tells whether a failed upsert may still have been written:
// its request failed as a whole with a 5xx or with no answer at all, after
// it may have reached Port.
func mayHaveLanded(f port.EntityError) bool {
	if f.Code == "invalid_json" {
		return false // never sent
	}
	return f.StatusCode == 0 || f.StatusCode >= http.StatusInternalServerError
}

// isRefusal tells whether Port refused the entity itself (a 4xx other than
// 429, which only asks to come back later).
func isRefusal(f port.EntityError) bool {
	return f.StatusCode >= 400 && f.StatusCode < 500 && f.StatusCode != http.StatusTooManyRequests
}
