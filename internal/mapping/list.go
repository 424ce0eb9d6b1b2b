package mapping

import (
	"context"
	"errors"
	"fmt"
)

// ListRun maps a list page by page as it is read (see jsm.ListDecoded),
// so that the raw items of a whole list are never held at once. The pages
// share the total time limit, which counts only the time they spend
// mapping, not the time between them; positions in errors count from the
// start of the list.
type ListRun struct {
	p      *Program
	limits Limits
	clock  *jqClock
}

// StartList starts mapping a list within limits.
func (p *Program) StartList(limits Limits) *ListRun {
	return &ListRun{p: p, limits: limits, clock: newJQClock(limits.TotalTimeout)}
}

// MapPage maps the decoded items of one page (values as jsm.DecodePage
// gives) as Map does, without checking that identifiers are unique:
// Collect does that once every page is mapped. first is the position of
// the page's first item in the list. Pages may be mapped at the same time.
func (r *ListRun) MapPage(ctx context.Context, first int, items []any) ([]Mapped, error) {
	if r.clock.exhausted() {
		limit := &LimitError{Kind: LimitTotalTimeout, Limits: r.limits, Items: []int{first}}
		return nil, &Error{Index: first, Err: fmt.Errorf("the mapping %w", limit)}
	}
	out, err := r.p.mapAll(ctx, decodedItems(items), r.limits, r.clock)
	if err != nil {
		return nil, inList(err, first)
	}
	return out, nil
}

// inList restates an error of one page for the whole list: positions count
// from the list's start.
func inList(err error, first int) error {
	var limit *LimitError
	if errors.As(err, &limit) {
		for i := range limit.Items {
			limit.Items[i] += first
		}
	}
	var itemErr *Error
	if errors.As(err, &itemErr) {
		itemErr.Index += first
	}
	return err
}
