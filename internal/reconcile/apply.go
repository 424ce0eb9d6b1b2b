package reconcile

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

// Writer is the part of the Port client a sync needs.
type Writer interface {
	BulkUpsert(ctx context.Context, blueprint string, entities []port.Entity, opts port.EntityWriteOptions) (port.BulkResult, error)
	BulkDelete(ctx context.Context, blueprint string, ids []string, deleteDependents bool) ([]string, error)
}

// Options tune the writes of a sync.
type Options struct {
	CreateMissingRelatedEntities bool
}

// Failure is one entity Port did not take.
type Failure struct {
	Identifier string
	Operation  string // "upsert" or "delete"
	Message    string
}

// Result is the outcome of Apply.
type Result struct {
	// State is what Port holds for the managed set after the writes: the
	// desired value of every entity Port confirmed, the previous value of
	// every entity it did not.
	State    Set
	Upserted int
	Deleted  int
	Failures []Failure
	// Err is a failure of whole requests (Port unreachable, 5xx after
	// retries, the context ended); deletes are not attempted after one.
	Err error
}

// Failed reports whether anything did not land.
func (r Result) Failed() bool { return r.Err != nil || len(r.Failures) > 0 }

// Apply writes the difference between desired and actual: upserts in merge
// mode (fields the configuration does not manage are kept), then deletes.
func Apply(ctx context.Context, w Writer, blueprint string, desired, actual Set, opts Options) Result {
	plan := Diff(desired, actual)
	res := Result{State: make(Set, len(actual))}
	for id, e := range actual {
		res.State[id] = e
	}
	if len(plan.Upserts) > 0 {
		out, err := w.BulkUpsert(ctx, blueprint, plan.Upserts, port.EntityWriteOptions{
			Upsert: true, Merge: true, CreateMissingRelatedEntities: opts.CreateMissingRelatedEntities,
		})
		for _, id := range out.Succeeded {
			res.State[id] = desired[id]
		}
		res.Upserted = len(out.Succeeded)
		for _, f := range out.Failed {
			res.Failures = append(res.Failures, Failure{Identifier: f.Identifier, Operation: "upsert", Message: failureMessage(f)})
		}
		if err != nil {
			res.Err = err
			return res
		}
	}
	if len(plan.Deletes) > 0 {
		deleted, err := w.BulkDelete(ctx, blueprint, plan.Deletes, false)
		gone := make(map[string]bool, len(deleted))
		for _, id := range deleted {
			gone[id] = true
			delete(res.State, id)
		}
		res.Deleted = len(deleted)
		if err != nil {
			res.Err = err
			return res
		}
		for _, id := range plan.Deletes {
			if !gone[id] {
				// Port reports only what it deleted; one it did not know is gone too.
				delete(res.State, id)
			}
		}
	}
	return res
}

func failureMessage(f port.EntityError) string {
	parts := []string{fmt.Sprintf("HTTP %d", f.StatusCode)}
	if f.Code != "" {
		parts = append(parts, f.Code)
	}
	if f.Message != "" {
		parts = append(parts, f.Message)
	}
	return strings.Join(parts, ": ")
}

// Summary describes the failures of a result in one text, every identifier
// named, for a diagnostic.
func (r Result) Summary() string {
	var b strings.Builder
	for _, f := range r.Failures {
		fmt.Fprintf(&b, "\n  - %s %s: %s", f.Operation, f.Identifier, f.Message)
	}
	if r.Err != nil {
		var apiErr *port.APIError
		if errors.As(r.Err, &apiErr) {
			fmt.Fprintf(&b, "\n  - %s", apiErr.Error())
		} else {
			fmt.Fprintf(&b, "\n  - %s", r.Err.Error())
		}
	}
	return b.String()
}
