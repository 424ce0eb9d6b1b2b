package mapping

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Limits bound every JQ evaluation, so that no expression can hang a plan
// or exhaust the machine's memory. A zero field is no limit.
//
// gojq checks the evaluation's context before every instruction, so a
// cancelled context stops even `def f: f; f` at once; the time limits are
// context deadlines. gojq has no allocation hook, so memory is watched from
// outside: while JQ runs, a watchdog samples the Go heap and stops the
// evaluation when the heap has grown by more than MaxMemory since the
// evaluation started (confirmed by a garbage collection, so garbage alone
// never trips it). The heap is the process's, so the growth of other work
// running at the same time counts too; and one instruction that allocates
// a large value at once (gojq caps a repeated string at 2 GiB) can
// overshoot before the next sample.
type Limits struct {
	// ItemTimeout bounds one evaluation: one item of a mapping (all of its
	// fields), a data path over one response, one call of the function.
	ItemTimeout time.Duration
	// TotalTimeout bounds one mapping run over all its items.
	TotalTimeout time.Duration
	// MaxMemory is how many bytes the heap may grow while JQ runs.
	MaxMemory uint64
}

// DefaultLimits are generous for real mappings and short for runaway ones.
// The seed mapping takes a few microseconds an item, and under a -race
// build on a machine loaded twenty-fold some items still took over a
// second of wall time; five seconds per item is far beyond any real
// expression, and an item that runs past it is evaluated again field by
// field before it fails, so a stall alone never fails a plan. A typo such
// as `def f: f; f` fails in about ten seconds (the run and the field that
// is named). Five minutes for a whole mapping holds 100,000 items at 3 ms
// each, more than twenty times what the seed mapping took on that loaded
// machine, and ends a plan whose every item is slow long before a CI
// job's timeout. Mapping 100,000 requests with the seed mapping grew the
// heap, garbage included, by under 500 MiB (BenchmarkCustomerRequestsVsJQ),
// and the watchdog counts only what survives a collection, so 1 GiB leaves
// room for large properties while stopping `[range(1e9)]` far from the
// 20 GiB it would reach.
var DefaultLimits = Limits{ItemTimeout: 5 * time.Second, TotalTimeout: 5 * time.Minute, MaxMemory: 1 << 30}

// LimitKind says which limit stopped an evaluation.
type LimitKind int

const (
	// LimitItemTimeout is Limits.ItemTimeout.
	LimitItemTimeout LimitKind = iota + 1
	// LimitTotalTimeout is Limits.TotalTimeout.
	LimitTotalTimeout
	// LimitMemory is Limits.MaxMemory.
	LimitMemory
)

// LimitError says that an evaluation was stopped by one of its Limits.
type LimitError struct {
	Kind   LimitKind
	Limits Limits
	// Items are the indexes of the items being evaluated when a limit of a
	// mapping run was reached (the item a per-item limit names, or every
	// item in progress for the total and memory limits).
	Items []int
}

func (e *LimitError) Error() string {
	switch e.Kind {
	case LimitItemTimeout:
		return fmt.Sprintf("ran longer than its time limit of %s", e.Limits.ItemTimeout)
	case LimitTotalTimeout:
		return fmt.Sprintf("ran past the time limit of %s for all items together", e.Limits.TotalTimeout)
	default:
		return fmt.Sprintf("grew the provider's memory by more than the limit of %s", mebibytes(e.Limits.MaxMemory))
	}
}

func mebibytes(n uint64) string {
	return fmt.Sprintf("%d MiB", n>>20)
}

// limitCause returns the LimitError that cancelled ctx, if one did.
func limitCause(ctx context.Context) (*LimitError, bool) {
	var le *LimitError
	ok := errors.As(context.Cause(ctx), &le)
	return le, ok
}
