package phases

import (
	"context"
	"sync"
	"testing"
	"time"
)

// Concurrent spans of one phase count once: the phase's wall time, not the
// sum of its spans.
func TestConcurrentSpansCountOnce(t *testing.T) {
	ctx, timings := With(context.Background())
	started := time.Now()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			defer Start(ctx, JSMNetwork)()
			time.Sleep(20 * time.Millisecond)
		})
	}
	wg.Wait()
	wall := Millis(time.Since(started))
	got := timings.Spent()[JSMNetwork]
	if got <= 0 || got > wall {
		t.Fatalf("8 concurrent spans of about 20 ms took %.1f ms of wall time but the phase counts %.1f ms", wall, got)
	}
}

// A context without timings, and a phase without a name, record nothing.
func TestNothingRecordedWithoutTimings(t *testing.T) {
	Start(context.Background(), JQ)()
	ctx, timings := With(context.Background())
	Start(ctx, "")()
	if spent := timings.Spent(); len(spent) != 0 {
		t.Fatalf("recorded %v", spent)
	}
}
