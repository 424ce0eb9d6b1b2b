package mapping

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ListRun maps a list page by page as it is read (see jsm.ListDecoded),
// so that the raw items of a whole list are never held at once. The pages
// share the total time limit, and the positions errors name count from the
// start of the list.
type ListRun struct {
	p        *Program
	limits   Limits
	deadline time.Time // zero: no total limit
}

// StartList starts mapping a list within limits.
func (p *Program) StartList(limits Limits) *ListRun {
	r := &ListRun{p: p, limits: limits}
	if limits.TotalTimeout > 0 {
		r.deadline = time.Now().Add(limits.TotalTimeout)
	}
	return r
}

// MapPage maps the decoded items of one page as MapDocs does; first is the
// position of the page's first item in the list. Pages may be mapped at
// the same time.
func (r *ListRun) MapPage(ctx context.Context, first int, items []any) ([]Mapped, error) {
	limits := r.limits
	if !r.deadline.IsZero() {
		left := time.Until(r.deadline)
		if left <= 0 {
			limit := &LimitError{Kind: LimitTotalTimeout, Limits: r.limits, Items: []int{first}}
			return nil, &Error{Index: first, Err: fmt.Errorf("the mapping %w", limit)}
		}
		limits.TotalTimeout = left
	}
	out, err := r.p.MapDocs(ctx, items, limits)
	if err != nil {
		return nil, r.inList(err, first)
	}
	return out, nil
}

// inList restates an error of one page for the whole list: positions count
// from the list's start and limits are the run's.
func (r *ListRun) inList(err error, first int) error {
	var limit *LimitError
	if errors.As(err, &limit) {
		limit.Limits = r.limits
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
