package mapping

import (
	"context"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// watchdog enforces Limits on running JQ. It cancels its context, with a
// *LimitError as the cause, when the memory or the total time limit is
// reached, which stops every evaluation of the run.
//
// The per-item limit stops one evaluation only. Workers publish the item
// they evaluate in a slot (an atomic store per item, so the limit costs
// nothing measurable) and evaluate with the slot's context, a child of the
// watchdog's; the watchdog looks at the slots on every tick and cancels
// the context of a slot whose item has not changed for longer than the
// limit. The limit measures wall time, which a loaded machine can stretch,
// so the worker then evaluates the item again field by field, each field
// within the limit: a stall costs that re-run, and only a field that
// reaches the limit on its own fails the item, named.
//
// It samples the heap on the same tick.
type watchdog struct {
	limits   Limits
	ctx      context.Context
	cancel   context.CancelCauseFunc
	slots    []slot
	heap     heapWatch
	stopped  chan struct{}
	finished chan struct{}
}

// slot is one worker's: the item it evaluates and its context.
type slot struct {
	item   atomic.Int64 // 1 + the index of the item being evaluated, 0 when idle
	mu     sync.Mutex
	cancel context.CancelCauseFunc
}

// startWatchdog starts watching evaluations by workers workers, which run
// with the contexts of slotContext. Call stop when they are done.
func startWatchdog(parent context.Context, limits Limits, workers int) *watchdog {
	return startWatchdogFrom(parent, limits, workers, heapBaseline())
}

// startWatchdogFrom is startWatchdog with the heap size that memory growth
// is measured from.
func startWatchdogFrom(parent context.Context, limits Limits, workers int, baseline uint64) *watchdog {
	ctx, cancel := context.WithCancelCause(parent)
	w := &watchdog{
		limits:   limits,
		ctx:      ctx,
		cancel:   cancel,
		slots:    make([]slot, workers),
		heap:     newHeapWatch(limits.MaxMemory, baseline),
		stopped:  make(chan struct{}),
		finished: make(chan struct{}),
	}
	if limits == (Limits{}) {
		close(w.finished) // nothing to watch
		return w
	}
	go w.run()
	return w
}

// slotContext returns a fresh context for slot i's evaluations, replacing
// the slot's earlier one.
func (w *watchdog) slotContext(i int) context.Context {
	ctx, cancel := context.WithCancelCause(w.ctx)
	s := &w.slots[i]
	s.mu.Lock()
	if s.cancel != nil {
		s.cancel(context.Canceled)
	}
	s.cancel = cancel
	s.mu.Unlock()
	return ctx
}

func (w *watchdog) expire(i int, cause error) {
	s := &w.slots[i]
	s.mu.Lock()
	if s.cancel != nil {
		s.cancel(cause)
	}
	s.mu.Unlock()
}

// itemExpired reports whether ctx, a slot's context, was cancelled by the
// per-item limit alone.
func (w *watchdog) itemExpired(ctx context.Context) bool {
	le, ok := limitCause(ctx)
	return ok && le.Kind == LimitItemTimeout && w.ctx.Err() == nil
}

// stop ends the watch.
func (w *watchdog) stop() {
	close(w.stopped)
	<-w.finished
	w.cancel(context.Canceled)
}

// reached returns the memory or total limit that stopped the run, if one
// did.
func (w *watchdog) reached() *LimitError {
	le, _ := limitCause(w.ctx)
	return le
}

// evaluation is one watched evaluation: ctx to run it with.
type evaluation struct {
	dog *watchdog
	ctx context.Context
}

// startOne watches a single evaluation.
func startOne(parent context.Context, limits Limits) evaluation {
	return startOneFrom(parent, limits, heapBaseline())
}

// startOneFrom is startOne with the heap size that memory growth is
// measured from.
func startOneFrom(parent context.Context, limits Limits, baseline uint64) evaluation {
	dog := startWatchdogFrom(parent, limits, 1, baseline)
	ctx := dog.slotContext(0)
	dog.slots[0].item.Store(1)
	return evaluation{dog: dog, ctx: ctx}
}

// stop ends the watch and returns the limit that stopped the evaluation, if
// one did.
func (e evaluation) stop() *LimitError {
	e.dog.stop()
	le, _ := limitCause(e.ctx)
	return le
}

// tickInterval is how often the watchdog looks: often enough to hold the
// per-item limit to within 5%, and the heap to a few megabytes of growth.
func (w *watchdog) tickInterval() time.Duration {
	if t := w.limits.ItemTimeout; t > 0 && t < 200*time.Millisecond {
		return max(t/20, time.Millisecond)
	}
	return 10 * time.Millisecond
}

func (w *watchdog) run() {
	defer close(w.finished)
	ticker := time.NewTicker(w.tickInterval())
	defer ticker.Stop()
	var total <-chan time.Time
	if w.limits.TotalTimeout > 0 {
		timer := time.NewTimer(w.limits.TotalTimeout)
		defer timer.Stop()
		total = timer.C
	}
	seen := make([]int64, len(w.slots))
	since := make([]time.Time, len(w.slots))
	for {
		select {
		case <-w.stopped:
			return
		case <-w.ctx.Done():
			return
		case <-total:
			w.trip(LimitTotalTimeout, w.inProgress())
			return
		case now := <-ticker.C:
			w.expireOverdue(now, seen, since)
			if w.heap.exceeded() {
				w.trip(LimitMemory, w.inProgress())
				return
			}
		}
	}
}

// expireOverdue cancels the evaluation of every item that has been
// evaluated for longer than the per-item limit: one whose slot has not
// changed since that long.
func (w *watchdog) expireOverdue(now time.Time, seen []int64, since []time.Time) {
	for i := range w.slots {
		cur := w.slots[i].item.Load()
		if cur != seen[i] || since[i].IsZero() {
			seen[i], since[i] = cur, now
			continue
		}
		if cur != 0 && w.limits.ItemTimeout > 0 && now.Sub(since[i]) >= w.limits.ItemTimeout {
			w.expire(i, &LimitError{Kind: LimitItemTimeout, Limits: w.limits, Items: []int{int(cur - 1)}})
			since[i] = now
		}
	}
}

func (w *watchdog) inProgress() []int {
	var items []int
	for i := range w.slots {
		if cur := w.slots[i].item.Load(); cur != 0 {
			items = append(items, int(cur-1))
		}
	}
	slices.Sort(items)
	return items
}

func (w *watchdog) trip(kind LimitKind, items []int) {
	w.cancel(&LimitError{Kind: kind, Limits: w.limits, Items: items})
}

// heapWatch tells when the Go heap has grown by more than a limit since it
// was created. The heap it samples includes garbage, so before it says so
// it collects garbage and looks again; after a collection that clears it,
// it waits for another quarter of the limit of growth before forcing the
// next, so a mapping that makes much garbage is not slowed by collections.
type heapWatch struct {
	baseline  uint64
	limit     uint64
	threshold uint64 // the heap size that is over the limit
	nextForce uint64 // the heap size at which to confirm with a collection
	samples   []metrics.Sample
}

const (
	heapObjectsMetric = "/memory/classes/heap/objects:bytes"
	heapLiveMetric    = "/gc/heap/live:bytes"
)

// heapBaseline is the heap size growth is measured from: the live heap at
// the last collection (without the garbage made since), or the heap now if
// that is smaller or no collection has run yet.
func heapBaseline() uint64 {
	samples := []metrics.Sample{{Name: heapObjectsMetric}, {Name: heapLiveMetric}}
	metrics.Read(samples)
	objects, live := samples[0].Value.Uint64(), samples[1].Value.Uint64()
	if live == 0 {
		return objects
	}
	return min(live, objects)
}

func newHeapWatch(limit, baseline uint64) heapWatch {
	if limit == 0 {
		return heapWatch{}
	}
	h := heapWatch{baseline: baseline, limit: limit, samples: []metrics.Sample{{Name: heapObjectsMetric}}}
	h.threshold = baseline + limit
	h.nextForce = h.threshold
	return h
}

func (h *heapWatch) read() uint64 {
	metrics.Read(h.samples)
	return h.samples[0].Value.Uint64()
}

func (h *heapWatch) exceeded() bool {
	if h.limit == 0 {
		return false
	}
	if heap := h.read(); heap <= h.threshold || heap < h.nextForce {
		return false
	}
	runtime.GC()
	heap := h.read()
	if heap > h.threshold {
		return true
	}
	h.nextForce = max(h.threshold, heap+h.limit/4)
	return false
}
