package mapping

import (
	"context"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync/atomic"
	"time"
)

// watchdog enforces Limits on running JQ: the evaluations run with its
// context, and it cancels that context, with a *LimitError as the cause,
// when a limit is reached.
//
// Workers publish the item they evaluate in a slot (an atomic store per
// item, so the per-item limit costs nothing measurable); the watchdog
// looks at the slots on every tick and finds the item that has not
// changed for longer than the limit. It samples the heap on the same tick.
type watchdog struct {
	limits   Limits
	ctx      context.Context
	cancel   context.CancelCauseFunc
	busy     []atomic.Int64 // per worker: 1 + the index of the item it evaluates, 0 when idle
	heap     heapWatch
	stopped  chan struct{}
	finished chan struct{}
}

// startWatchdog starts watching evaluations by workers workers, which run
// with its ctx. Call stop when they are done.
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
		busy:     make([]atomic.Int64, workers),
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

// startOne watches a single evaluation.
func startOne(parent context.Context, limits Limits) *watchdog {
	return startOneFrom(parent, limits, heapBaseline())
}

// startOneFrom is startOne with the heap size that memory growth is
// measured from.
func startOneFrom(parent context.Context, limits Limits, baseline uint64) *watchdog {
	w := startWatchdogFrom(parent, limits, 1, baseline)
	w.busy[0].Store(1)
	return w
}

// stop ends the watch and returns the limit that stopped the evaluations,
// if one did.
func (w *watchdog) stop() *LimitError {
	close(w.stopped)
	<-w.finished
	le, _ := limitCause(w.ctx)
	w.cancel(context.Canceled)
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
	seen := make([]int64, len(w.busy))
	since := make([]time.Time, len(w.busy))
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
			if item, late := w.overdue(now, seen, since); late {
				w.trip(LimitItemTimeout, []int{item})
				return
			}
			if w.heap.exceeded() {
				w.trip(LimitMemory, w.inProgress())
				return
			}
		}
	}
}

// overdue finds an item that has been evaluated for longer than the
// per-item limit: one whose slot has not changed since that long.
func (w *watchdog) overdue(now time.Time, seen []int64, since []time.Time) (int, bool) {
	for i := range w.busy {
		cur := w.busy[i].Load()
		if cur != seen[i] || since[i].IsZero() {
			seen[i], since[i] = cur, now
			continue
		}
		if cur != 0 && w.limits.ItemTimeout > 0 && now.Sub(since[i]) >= w.limits.ItemTimeout {
			return int(cur - 1), true
		}
	}
	return 0, false
}

func (w *watchdog) inProgress() []int {
	var items []int
	for i := range w.busy {
		if cur := w.busy[i].Load(); cur != 0 {
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
