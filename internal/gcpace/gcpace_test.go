package gcpace

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, maxPercent},
		{1 * mb, maxPercent}, // 6400% capped
		{16 * mb, 400},       // 64 MiB of headroom
		{64 * mb, 100},
		{128 * mb, 50}, // headroom and base meet
		{400 * mb, 50}, // a large heap keeps the base
		{64*mb + 1, 99},
	} {
		if got := Percent(c.live, 64*mb, 50); got != c.want {
			t.Errorf("Percent(%d MiB) = %d, want %d", c.live/mb, got, c.want)
		}
	}
}

// gogc reads GOGC without setting it.
func gogc() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}

// TestRoomFollowsTheLiveHeap checks that GOGC follows the live heap from
// one collection to the next while a room is held, and is the base again
// once the last room is released.
func TestRoomFollowsTheLiveHeap(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(50))
	Enable()
	first, second := Hold(), Hold()
	if first.Set(0); gogc() != 50 {
		t.Fatalf("GOGC %d with no headroom, want the base 50", gogc())
	}
	second.Set(8 << 20)
	// The test binary's heap is a few MiB: 8 MiB of headroom is over 200%.
	waitFor(t, "over 200 with a small heap", func(p int) bool { return p > 200 })
	big := make([]byte, 256<<20)
	waitFor(t, "the base, 50, with 256 MiB live", func(p int) bool { return p == 50 })
	runtime.KeepAlive(big)
	waitFor(t, "over 200 once the 256 MiB are garbage", func(p int) bool { return p > 200 })
	second.Release()
	if gogc() != 50 {
		t.Fatalf("GOGC %d after the last headroom was released, want the base 50", gogc())
	}
	first.Release()
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
	if gogc() != 50 {
		t.Fatalf("GOGC %d after every room was released, want the base 50", gogc())
	}
}

// TestRoomsAreHeldApart checks that releasing one room leaves the others'
// headroom: reads of several data sources run at once.
func TestRoomsAreHeldApart(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(50))
	Enable()
	first, second := Hold(), Hold()
	first.Set(8 << 20)
	second.Set(4 << 20)
	second.Release()
	if got := Headroom(); got != 8<<20 {
		t.Errorf("headroom %d after the other room was released, want the first room's %d", got, 8<<20)
	}
	first.Release()
	if got := Headroom(); got != 0 {
		t.Errorf("headroom %d after both rooms were released, want 0", got)
	}
}

// waitFor collects until GOGC is as wanted; the pacer sets it from a
// finalizer, after the collection.
func waitFor(t *testing.T, want string, ok func(int) bool) {
	t.Helper()
	got := 0
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		if got = gogc(); ok(got) {
			return
		}
	}
	t.Fatalf("GOGC is %d, want %s", got, want)
}

func TestRoomsChangeNothingUnlessEnabled(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	Enable() // the collector is off: the user's choice stands
	r := Hold()
	r.Set(64 << 20)
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Fatalf("GOGC %d, want the user's off (-1)", p)
	}
	r.Release()
}
