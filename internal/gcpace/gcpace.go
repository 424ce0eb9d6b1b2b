// Package gcpace gives the Go collector room while a large read runs.
//
// The provider runs at GOGC=50 (see main.go): its peak is the few large
// documents Terraform sends in one call, and collecting at one and a half
// times the live heap keeps that peak near what Terraform's protocol
// itself needs. During a large JSM read, though, the live heap is only
// the entities mapped so far, and the same GOGC collects every few pages:
// at 100,000 requests a fifth of the read's CPU went to marking. While a
// Room is held, the heap may grow by its headroom between collections
// when that is more than GOGC allows. The pacer sets GOGC after every
// collection from the heap that collection found live.
package gcpace

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// maxPercent bounds GOGC for a nearly empty heap.
const maxPercent = 1000

// Percent is the GOGC that lets a heap of live bytes grow by headroom
// before the next collection, and never less than base.
func Percent(live, headroom uint64, base int) int {
	if live == 0 {
		return max(base, maxPercent)
	}
	return max(base, int(min(headroom*100/live, maxPercent)))
}

var pacer struct {
	mu       sync.Mutex
	enabled  bool
	base     int // GOGC outside any room
	current  int
	rooms    map[*Room]uint64
	watching bool // a finalizer waits for the next collection
	sample   []metrics.Sample
}

// Enable lets rooms change GOGC, whose value now is the one to return to;
// until it is called (GOGC was set by the user, or the GC is off), rooms
// change nothing.
func Enable() {
	pacer.mu.Lock()
	defer pacer.mu.Unlock()
	base := debug.SetGCPercent(-1)
	debug.SetGCPercent(base)
	pacer.enabled = base > 0
	pacer.base, pacer.current = base, base
	pacer.rooms = map[*Room]uint64{}
	pacer.sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
}

// Room is headroom held by one reader. It is not empty: pointers to
// zero-size values may all be equal, and each room is a key of its own.
type Room struct{ _ byte }

// Hold returns a room with no headroom; Set gives it some, Release ends
// it.
func Hold() *Room { return &Room{} }

// Set makes the room's headroom bytes.
func (r *Room) Set(headroom uint64) {
	pacer.mu.Lock()
	defer pacer.mu.Unlock()
	if !pacer.enabled || pacer.rooms[r] == headroom {
		return
	}
	pacer.rooms[r] = headroom
	adjust()
	if !pacer.watching {
		pacer.watching = true
		watch()
	}
}

// Release ends the room; with no room left GOGC is the base again.
func (r *Room) Release() {
	pacer.mu.Lock()
	defer pacer.mu.Unlock()
	if _, ok := pacer.rooms[r]; !ok {
		return
	}
	delete(pacer.rooms, r)
	adjust()
}

// Headroom is the largest headroom held now.
func Headroom() uint64 {
	pacer.mu.Lock()
	defer pacer.mu.Unlock()
	return largest()
}

func largest() uint64 {
	var headroom uint64
	for _, h := range pacer.rooms {
		headroom = max(headroom, h)
	}
	return headroom
}

// adjust sets GOGC for the largest headroom held; the caller holds mu.
func adjust() {
	headroom := largest()
	next := pacer.base
	if headroom > 0 {
		metrics.Read(pacer.sample)
		var live uint64
		if pacer.sample[0].Value.Kind() == metrics.KindUint64 {
			live = pacer.sample[0].Value.Uint64()
		}
		next = Percent(live, headroom, pacer.base)
	}
	if next != pacer.current {
		pacer.current = next
		debug.SetGCPercent(next)
	}
}

// sentinel is garbage from the moment it is allocated, so its finalizer
// runs after the next collection. It is larger than the tiny allocator's
// 16 bytes, whose blocks can keep it alive.
type sentinel struct{ _ [32]byte }

// watch adjusts GOGC after the next collection, and again after each one
// while a room is held; the caller holds mu.
func watch() {
	runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
		pacer.mu.Lock()
		defer pacer.mu.Unlock()
		adjust()
		if len(pacer.rooms) == 0 {
			pacer.watching = false
			return
		}
		watch()
	})
}
