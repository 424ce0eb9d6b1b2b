package mapping

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// Map maps items (raw JSON values, for example from ExtractItems) to
// entities, using every core GOMAXPROCS allows.
//
// Items are handed out in chunks to one worker per core; each worker
// decodes and maps its items.
// The first failure stops the work; when several items fail, the error of
// the lowest item index is returned (an *Error), so the result does not
// depend on scheduling. Two kept items with the same identifier give a
// *DuplicateError naming both. When ctx ends, Map stops, also inside a
// long-running JQ expression, and returns an error wrapping ctx.Err().
//
// The evaluation runs within limits (see watch). An item that reaches a
// per-item limit is evaluated again alone, field by field, once the other
// items are done, and fails only if one of its fields reaches a limit
// again: an *Error wrapping a *LimitError that names the item, the field
// and its expression. Reaching the total limit stops Map with an *Error
// wrapping a *LimitError that names an item in progress.
func (p *Program) Map(ctx context.Context, items []json.RawMessage, limits Limits) (entity.Set, error) {
	outcomes, err := p.mapAll(ctx, rawItems(items), limits, newJQClock(limits.TotalTimeout))
	if err != nil {
		return nil, err
	}
	return Collect(outcomes)
}

// Mapped is what mapping one item gave: its entity, or Kept false when the
// selector left the item out.
type Mapped struct {
	Entity entity.Entity
	Kept   bool
}

// mapAll maps items with one worker per core, each item within limits;
// clock counts the time JQ runs for the run that items are part of.
func (p *Program) mapAll(ctx context.Context, items itemSource, limits Limits, clock *jqClock) ([]Mapped, error) {
	clock.enter()
	defer clock.leave()
	n := items.len()
	results := make([]Mapped, n)

	chunk := min(max(n/(runtime.GOMAXPROCS(0)*16), 16), 512)
	chunks := (n + chunk - 1) / chunk
	workers := min(runtime.GOMAXPROCS(0), chunks)

	var (
		next     atomic.Int64 // the next chunk to hand out
		firstBad atomic.Int64 // the lowest failed item index so far, or n
		mu       sync.Mutex
		failures = map[int]error{}
		// alone lets an item a per-item limit stopped be evaluated again
		// with no other item running (see watch): workers hold it shared
		// while they map a chunk, a recheck exclusively.
		alone sync.RWMutex
		wg    sync.WaitGroup
	)
	firstBad.Store(int64(n))
	fail := func(index int, err error) {
		mu.Lock()
		failures[index] = err
		mu.Unlock()
		for {
			cur := firstBad.Load()
			if int64(index) >= cur || firstBad.CompareAndSwap(cur, int64(index)) {
				return
			}
		}
	}
	watch := newWatch(ctx, limits, clock, workers)
	watch.start()
	done := watch.ctx.Done()
	recheck := func(w *worker, index int) (entity.Entity, bool, error) {
		alone.Lock()
		defer alone.Unlock()
		if int64(index) >= firstBad.Load() {
			return entity.Entity{}, false, errSkipped
		}
		beforeRecheck(limits)
		w.ctx = ctx
		return w.mapAlone(index, items, limits, clock)
	}
	// mapChunk maps items [start, end), keeping *index at the item it maps,
	// and says whether the worker goes on.
	mapChunk := func(i int, w *worker, index *int, start, end int) bool {
		alone.RLock()
		shared := true
		defer func() {
			if shared {
				alone.RUnlock()
			}
		}()
		for *index = start; *index < end; *index++ {
			index := *index
			if int64(index) >= firstBad.Load() {
				return false
			}
			select {
			case <-done:
				return false
			default:
			}
			w.ctx = watch.begin(i, index)
			e, keep, err := w.mapItem(index, items)
			if limit := watch.end(i); err != nil && limit != nil {
				alone.RUnlock()
				shared = false
				e, keep, err = recheck(w, index)
				alone.RLock()
				shared = true
			}
			if errors.Is(err, errSkipped) {
				return false
			}
			if err != nil {
				fail(index, err)
				return false
			}
			results[index] = Mapped{Entity: e, Kept: keep}
		}
		return true
	}
	for i := range workers {
		wg.Go(func() {
			w := &worker{p: p}
			index := -1
			defer func() {
				if r := recover(); r != nil {
					fail(index, fmt.Errorf("item %d: internal error while mapping: %v", index, r))
				}
			}()
			for {
				start := int(next.Add(1)-1) * chunk
				if start >= n {
					return
				}
				if !mapChunk(i, w, &index, start, min(start+chunk, n)) {
					return
				}
			}
		})
	}
	wg.Wait()
	totalLimit := watch.finish()

	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("mapping %d items stopped: %w", n, err)
	}
	if totalLimit != nil {
		return nil, pastTotal(n, totalLimit)
	}
	if bad := int(firstBad.Load()); bad < n {
		return nil, failures[bad]
	}
	return results, nil
}

// errSkipped ends a recheck that an earlier item's failure made moot.
var errSkipped = errors.New("skipped: an earlier item failed")

// pastTotal is the error of a run the total limit stopped: it names the
// first item in progress.
func pastTotal(n int, limit *LimitError) error {
	if len(limit.Items) == 0 {
		return fmt.Errorf("mapping %d items %w", n, limit)
	}
	return &Error{Index: limit.Items[0], Err: fmt.Errorf("the mapping %w", limit)}
}

// Collect keeps the entities of the kept items and checks that their
// identifiers are unique: two items with the same identifier give a
// *DuplicateError naming both positions.
func Collect(outcomes []Mapped) (entity.Set, error) {
	set := make(entity.Set, len(outcomes))
	for i := range outcomes {
		if !outcomes[i].Kept {
			continue
		}
		id := outcomes[i].Entity.Identifier
		if _, dup := set[id]; dup {
			return nil, &DuplicateError{Identifier: id, First: firstIndex(outcomes, id), Second: i}
		}
		set.Add(outcomes[i].Entity)
	}
	return set, nil
}

// firstIndex is the position of the first kept item with identifier id.
func firstIndex(outcomes []Mapped, id string) int {
	for i := range outcomes {
		if outcomes[i].Kept && outcomes[i].Entity.Identifier == id {
			return i
		}
	}
	return -1
}
