package mapping

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Limits bound JQ's own work, so that no expression can hang a plan or
// exhaust the machine's memory. A zero field is no limit. How each one is
// enforced is described on watch, below.
type Limits struct {
	// ItemTimeout bounds one evaluation: one item of a mapping (all of its
	// fields), a data path over one response, one call of the function.
	ItemTimeout time.Duration
	// TotalTimeout bounds the time one mapping run spends evaluating JQ:
	// all the items of a Map, or of every page of a ListRun. Time between
	// evaluations, such as waiting for JSM's next page, does not count.
	TotalTimeout time.Duration
	// MaxMemory is how many bytes the heap may grow during one evaluation.
	MaxMemory uint64
}

// DefaultLimits are generous for real mappings and short for runaway ones.
// The seed mapping takes a few microseconds an item, and under a -race
// build on a machine loaded twenty-fold some items still took over a
// second of wall time; five seconds per item is far beyond any real
// expression, and an item that runs past it is evaluated again alone
// before it fails, so a stall alone never fails a plan. A typo such as
// `def f: f; f` fails in about ten seconds (the run and the field that is
// named). Five minutes of JQ for a whole mapping holds 100,000 items at
// 3 ms each, more than twenty times what the seed mapping took on that
// loaded machine, and ends a plan whose every item is slow long before a
// CI job's timeout. Only what one evaluation grows counts, not the
// results a mapping keeps (100,000 items with an 11 KB property keep over
// 1 GiB: BenchmarkLargeProperties), so 1 GiB leaves room for very large
// items while stopping `[range(1e9)]` far from the 20 GiB it would reach.
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
	// Items are the indexes of the items being evaluated when the limit was
	// reached: the item a per-item limit names, or every item in progress
	// when the total limit stopped a mapping run.
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

// limitCause returns the LimitError that cancelled ctx, or nil.
func limitCause(ctx context.Context) *LimitError {
	var le *LimitError
	if errors.As(context.Cause(ctx), &le) {
		return le
	}
	return nil
}

// watch enforces Limits on the JQ evaluations of one run of workers (a
// mapping, or one page of a list) or on a single evaluation (within).
//
// gojq checks an evaluation's context before every instruction, so a
// cancelled context stops even `def f: f; f` at once: every limit is a
// cancellation, with a *LimitError as its cause. Each worker owns a slot:
// it publishes there the item it evaluates (an atomic store per item, so
// the limits cost nothing measurable) and evaluates with the slot's
// context, a child of the watch's. On every tick the watch looks at the
// slots:
//
//   - Time per item: it cancels the context of a slot whose item has not
//     changed for ItemTimeout.
//   - Memory: gojq has no allocation hook, so the watch samples the Go
//     heap. An item's baseline is the heap when the watch first saw the
//     item; when the heap has grown by more than MaxMemory since, a
//     garbage collection confirms it (garbage alone never trips the
//     limit), and the watch cancels the slot's context. What was kept
//     before an item started, such as the results of the items before it,
//     is in its baseline and never counts.
//   - Total time: a jqClock, shared by the parts of a run (the pages of a
//     list), counts the time during which at least one part is
//     evaluating; parts that run at the same time count once, the time
//     between them (waiting for JSM) not at all. When it reaches
//     TotalTimeout the watch cancels every evaluation of the run.
//
// The heap and the clock are the process's: another goroutine's
// allocations while an item runs count as the item's growth, and a
// loaded machine stretches its time. So reaching a per-item limit only
// makes the item a suspect: its worker waits until no other item of the
// run is being evaluated (the others pause at the end of their chunk) and
// evaluates it again alone, after a garbage collection, field by field,
// each field within the limits; only a field that reaches a limit again
// fails the item, named, and the run with it. So a typo that makes every
// item run away fails at the first one, not at the total limit. A single evaluation gets the same second chance for the
// memory limit (withinConfirmed). One instruction that allocates a large
// value at once (gojq caps a repeated string at 2 GiB) can overshoot
// before the next sample, and so can an item that started while the heap
// held garbage.
type watch struct {
	limits   Limits
	clock    *jqClock // nil: no total limit
	ctx      context.Context
	cancel   context.CancelCauseFunc
	slots    []slot
	heap     heapSampler
	stopped  chan struct{}
	finished chan struct{}
}

// slot is one worker's: the item it evaluates and its context.
type slot struct {
	item    atomic.Int64 // 1 + the index of the item being evaluated, 0 when idle
	expired atomic.Bool  // a per-item limit cancelled ctx
	mu      sync.Mutex   // held to replace or cancel ctx
	ctx     context.Context
	cancel  context.CancelCauseFunc
}

// newWatch prepares a watch of workers slots; call start, then finish.
func newWatch(parent context.Context, limits Limits, clock *jqClock, workers int) *watch {
	ctx, cancel := context.WithCancelCause(parent)
	w := &watch{
		limits:   limits,
		clock:    clock,
		ctx:      ctx,
		cancel:   cancel,
		slots:    make([]slot, workers),
		heap:     heapSampler{limit: limits.MaxMemory},
		stopped:  make(chan struct{}),
		finished: make(chan struct{}),
	}
	for i := range w.slots {
		w.slots[i].renew(ctx)
	}
	return w
}

// start starts watching; items already published are timed and measured
// from now.
func (w *watch) start() {
	if w.limits == (Limits{}) {
		close(w.finished) // nothing to watch
		return
	}
	now, heap := time.Now(), w.heap.sample()
	seen := make([]observation, len(w.slots))
	for i := range seen {
		seen[i] = observation{item: w.slots[i].item.Load(), since: now, heap: heap}
	}
	go w.run(seen)
}

// begin publishes that slot i evaluates item index, and returns the
// context to evaluate it with.
func (w *watch) begin(i, index int) context.Context {
	s := &w.slots[i]
	if s.expired.Load() {
		s.renew(w.ctx)
	}
	s.item.Store(int64(index) + 1)
	return s.ctx
}

// end publishes that slot i is idle, and returns the per-item limit that
// cancelled its evaluation, if one did.
func (w *watch) end(i int) *LimitError {
	s := &w.slots[i]
	s.item.Store(0)
	if !s.expired.Load() {
		return nil
	}
	return limitCause(s.ctx)
}

// finish ends the watch and returns the total limit, if it stopped the
// run.
func (w *watch) finish() *LimitError {
	close(w.stopped)
	<-w.finished
	le := limitCause(w.ctx)
	w.cancel(context.Canceled)
	return le
}

func (s *slot) renew(parent context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel(context.Canceled)
	}
	s.ctx, s.cancel = context.WithCancelCause(parent)
	s.expired.Store(false)
}

// expire cancels slot i's evaluation of item (1 + its index) for reaching
// the per-item limit kind; false if the slot has moved on.
func (w *watch) expire(i int, item int64, kind LimitKind) bool {
	s := &w.slots[i]
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.item.Load() != item {
		return false
	}
	s.expired.Store(true) // before the evaluation can see the cancellation and end
	s.cancel(&LimitError{Kind: kind, Limits: w.limits, Items: []int{int(item - 1)}})
	return true
}

// observation is what the watch knows of a slot's item.
type observation struct {
	item    int64     // as in slot.item
	since   time.Time // when the watch first saw it
	heap    uint64    // the heap then: the item's memory baseline
	expired bool      // the watch cancelled it
}

// tickInterval is how often the watch looks: often enough to hold the
// per-item limit to within 5%, and the heap to a few megabytes of growth.
func (w *watch) tickInterval() time.Duration {
	if t := w.limits.ItemTimeout; t > 0 && t < 200*time.Millisecond {
		return max(t/20, time.Millisecond)
	}
	return 10 * time.Millisecond
}

func (w *watch) run(seen []observation) {
	defer close(w.finished)
	ticker := time.NewTicker(w.tickInterval())
	defer ticker.Stop()
	for {
		select {
		case <-w.stopped:
			return
		case <-w.ctx.Done():
			return
		case now := <-ticker.C:
			if w.clock.exhausted() {
				w.cancel(&LimitError{Kind: LimitTotalTimeout, Limits: w.limits, Items: w.inProgress()})
				return
			}
			w.check(now, seen)
		}
	}
}

// check expires every item that has run for longer than the per-item
// limit or grown the heap by more than the memory limit.
func (w *watch) check(now time.Time, seen []observation) {
	before := w.heap.last
	heap := w.heap.sample()
	grown := false
	for i := range w.slots {
		o := &seen[i]
		if cur := w.slots[i].item.Load(); cur != o.item {
			// The item started after the previous sample; if a collection
			// ran since, this one may be lower.
			*o = observation{item: cur, since: now, heap: min(before, heap)}
			continue
		}
		if o.item == 0 || o.expired {
			continue
		}
		if w.limits.ItemTimeout > 0 && now.Sub(o.since) >= w.limits.ItemTimeout {
			o.expired = w.expire(i, o.item, LimitItemTimeout)
			continue
		}
		grown = grown || w.heap.over(heap, o.heap)
	}
	if !grown || !w.heap.dueForCollection(heap) {
		return
	}
	runtime.GC()
	heap = w.heap.sample()
	tripped := false
	for i := range seen {
		if o := &seen[i]; o.item != 0 && !o.expired && w.heap.over(heap, o.heap) {
			o.expired = w.expire(i, o.item, LimitMemory)
			tripped = tripped || o.expired
		}
	}
	if !tripped {
		w.heap.collectedAt(heap)
	}
}

func (w *watch) inProgress() []int {
	var items []int
	for i := range w.slots {
		if cur := w.slots[i].item.Load(); cur != 0 {
			items = append(items, int(cur-1))
		}
	}
	slices.Sort(items)
	return items
}

// heapSampler reads the Go heap, garbage included, for the memory limit.
// After a collection that shows no item over the limit, it waits for a
// quarter of the limit of growth before collecting again, so a mapping
// that makes much garbage is not slowed by collections.
type heapSampler struct {
	limit     uint64 // 0: no memory limit, and no sampling
	last      uint64 // the latest sample
	nextForce uint64 // the heap size at which to collect again
	samples   []metrics.Sample
}

const heapObjectsMetric = "/memory/classes/heap/objects:bytes"

func (h *heapSampler) sample() uint64 {
	if h.limit == 0 {
		return 0
	}
	if h.samples == nil {
		h.samples = []metrics.Sample{{Name: heapObjectsMetric}}
	}
	metrics.Read(h.samples)
	h.last = h.samples[0].Value.Uint64()
	return h.last
}

// over reports whether heap is more than the limit above baseline.
func (h *heapSampler) over(heap, baseline uint64) bool {
	return h.limit > 0 && heap > baseline+h.limit
}

func (h *heapSampler) dueForCollection(heap uint64) bool { return heap >= h.nextForce }

func (h *heapSampler) collectedAt(heap uint64) { h.nextForce = heap + h.limit/4 }

// jqClock counts the time one mapping run spends evaluating JQ, for the
// total limit: the time during which at least one of its parts runs.
type jqClock struct {
	limit  time.Duration // 0: no total limit
	mu     sync.Mutex
	active int           // parts running now
	since  time.Time     // when active last became non-zero
	spent  time.Duration // before since
}

func newJQClock(limit time.Duration) *jqClock { return &jqClock{limit: limit} }

// enter starts the count of a part; leave ends it.
func (c *jqClock) enter() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.active == 0 {
		c.since = time.Now()
	}
	c.active++
}

func (c *jqClock) leave() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active--
	if c.active == 0 {
		c.spent += time.Since(c.since)
	}
}

// exhausted reports whether the run has evaluated JQ for its total limit.
func (c *jqClock) exhausted() bool {
	if c == nil || c.limit <= 0 {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	spent := c.spent
	if c.active > 0 {
		spent += time.Since(c.since)
	}
	return spent >= c.limit
}

// within runs eval, one evaluation of item index, under a watch of its
// own, and returns the limit that stopped it when eval failed. clock, if
// not nil, is the total time of the run it belongs to.
func within(ctx context.Context, limits Limits, clock *jqClock, index int, eval func(context.Context) error) *LimitError {
	w := newWatch(ctx, limits, clock, 1)
	evalCtx := w.begin(0, index)
	w.start()
	err := eval(evalCtx)
	itemLimit := w.end(0)
	totalLimit := w.finish()
	switch {
	case err == nil:
		return nil
	case totalLimit != nil:
		return totalLimit
	default:
		return itemLimit
	}
}

// withinConfirmed is within for an evaluation that is not part of a
// mapping run: when the memory limit stops it, it is evaluated again,
// after a garbage collection, and the limit is reported only if that
// reaches one too. Its time limit gets no second chance: one evaluation
// on its own is not stalled by a run's other workers.
func withinConfirmed(ctx context.Context, limits Limits, eval func(context.Context) error) *LimitError {
	limit := within(ctx, limits, nil, 0, eval)
	if limit == nil || limit.Kind != LimitMemory || ctx.Err() != nil {
		return limit
	}
	beforeRecheck(limits)
	return within(ctx, limits, nil, 0, eval)
}

// beforeRecheck readies the heap for evaluating again, alone, an item a
// per-item limit stopped: a collection, so that its baseline holds no
// garbage.
func beforeRecheck(limits Limits) {
	if limits.MaxMemory > 0 {
		runtime.GC()
	}
}
