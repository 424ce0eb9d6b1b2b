package mapping

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// Map maps items (raw JSON values, for example from ExtractItems) to
// entities, using every core GOMAXPROCS allows.
//
// Items are handed out in chunks to one worker per core; each worker
// decodes and maps its items, and the entities are kept in input order.
// The first failure stops the work; when several items fail, the error of
// the lowest item index is returned (an *Error), so the result does not
// depend on scheduling. Two kept items with the same identifier give a
// *DuplicateError naming both. When ctx ends, Map stops, also inside a
// long-running JQ expression, and returns an error wrapping ctx.Err().
func (p *Program) Map(ctx context.Context, items []json.RawMessage) (*EntitySet, error) {
	n := len(items)
	results := make([]Entity, n)
	kept := make([]bool, n)

	chunk := min(max(n/(runtime.GOMAXPROCS(0)*16), 16), 512)
	chunks := (n + chunk - 1) / chunk
	workers := min(runtime.GOMAXPROCS(0), chunks)

	var (
		next     atomic.Int64 // the next chunk to hand out
		firstBad atomic.Int64 // the lowest failed item index so far, or n
		mu       sync.Mutex
		failures = map[int]error{}
		wg       sync.WaitGroup
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
	done := ctx.Done()
	for range workers {
		wg.Go(func() {
			w := &worker{p: p, ctx: ctx}
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
				for index = start; index < min(start+chunk, n); index++ {
					if int64(index) >= firstBad.Load() {
						return
					}
					select {
					case <-done:
						return
					default:
					}
					e, keep, err := w.mapItem(index, items[index])
					if err != nil {
						fail(index, err)
						return
					}
					results[index], kept[index] = e, keep
				}
			}
		})
	}
	wg.Wait()

	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("mapping %d items stopped: %w", n, err)
	}
	if bad := int(firstBad.Load()); bad < n {
		return nil, failures[bad]
	}
	return collect(results, kept)
}

// collect keeps the selected entities in input order and checks that
// their identifiers are unique.
func collect(results []Entity, kept []bool) (*EntitySet, error) {
	seen := make(map[string]int, len(results))
	out := results[:0]
	for i := range results {
		if !kept[i] {
			continue
		}
		id := results[i].Identifier
		if first, dup := seen[id]; dup {
			return nil, &DuplicateError{Identifier: id, First: first, Second: i}
		}
		seen[id] = i
		out = append(out, results[i])
	}
	clear(results[len(out):])
	return &EntitySet{entities: out}, nil
}
