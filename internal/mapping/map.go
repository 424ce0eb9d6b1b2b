package mapping

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
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
// The evaluation runs within limits; when one is reached Map stops and
// returns an *Error wrapping a *LimitError that names the item and, when
// running the item's fields one by one within the limits again shows it,
// the field and its expression.
func (p *Program) Map(ctx context.Context, items []json.RawMessage, limits Limits) (entity.Set, error) {
	outcomes, err := p.MapItems(ctx, items, limits)
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

// MapItems maps items as Map does and returns one outcome per item, in
// input order, without checking that identifiers are unique: Collect does
// that once every part of a list is mapped.
func (p *Program) MapItems(ctx context.Context, items []json.RawMessage, limits Limits) ([]Mapped, error) {
	return p.mapAll(ctx, rawItems(items), limits)
}

// MapDocs is MapItems for items already decoded into the values gojq
// computes with (jsonvalue.NumbersForJQ), such as jsm.DecodePage gives.
func (p *Program) MapDocs(ctx context.Context, docs []any, limits Limits) ([]Mapped, error) {
	return p.mapAll(ctx, decodedItems(docs), limits)
}

func (p *Program) mapAll(ctx context.Context, items itemSource, limits Limits) ([]Mapped, error) {
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
	dog := startWatchdog(ctx, limits, workers)
	done := dog.ctx.Done()
	for slot := range workers {
		wg.Go(func() {
			w := &worker{p: p, ctx: dog.slotContext(slot)}
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
					e, keep, err := w.mapWatched(dog, slot, index, items)
					if err != nil {
						fail(index, err)
						return
					}
					results[index] = Mapped{Entity: e, Kept: keep}
				}
			}
		})
	}
	wg.Wait()
	dog.stop()
	limit := dog.reached()

	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("mapping %d items stopped: %w", n, err)
	}
	if limit != nil {
		return nil, p.explainLimit(ctx, items, limit, dog.heap.baseline)
	}
	if bad := int(firstBad.Load()); bad < n {
		return nil, failures[bad]
	}
	return results, nil
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

// explainLimit turns the memory or total limit reached while mapping into
// an *Error. For the memory limit it runs each item that was in progress
// again, field by field, each within the limits, to name the field. Memory
// growth is measured from the heap before the mapping (baseline): the last
// collection may have counted the runaway's own data as live.
func (p *Program) explainLimit(ctx context.Context, items itemSource, limit *LimitError, baseline uint64) error {
	if len(limit.Items) == 0 {
		return fmt.Errorf("mapping %d items %w", items.len(), limit)
	}
	if limit.Kind != LimitTotalTimeout {
		for _, index := range limit.Items {
			if e := p.diagnose(ctx, index, items, limit.Limits, baseline); e != nil {
				return e
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mapping %d items stopped: %w", items.len(), err)
	}
	return &Error{Index: limit.Items[0], Err: fmt.Errorf("the mapping %w", limit)}
}

// diagnose evaluates one item field by field, each field within the
// per-item and memory limits, and returns the *Error of the first field
// that reaches one (nil if none does alone).
func (p *Program) diagnose(ctx context.Context, index int, items itemSource, limits Limits, baseline uint64) *Error {
	var dec jsonvalue.Decoder
	doc, err := items.doc(index, &dec)
	if err != nil {
		return err
	}
	limits.TotalTimeout = 0
	for i := range p.fields {
		f := &p.fields[i]
		one := startOneFrom(ctx, limits, baseline)
		v, _ := f.code.RunWithContext(one.ctx, doc).Next()
		limit := one.stop()
		if _, isErr := v.(error); isErr && limit != nil {
			return &Error{Index: index, Field: f.name, Expr: f.expr, Err: limit}
		}
		if i == 0 && v != true {
			return nil
		}
	}
	return nil
}
