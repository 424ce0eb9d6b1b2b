package httpbase

import (
	"context"
	"testing"
	"time"
)

// timeWaits returns how long n consecutive Waits took.
func timeWaits(t *testing.T, p *Pacer, n int) time.Duration {
	t.Helper()
	start := time.Now()
	for range n {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return time.Since(start)
}

func TestObserveSpreadsTheBudgetOverTheWindow(t *testing.T) {
	p := NewPacer(0)
	if d := timeWaits(t, p, 20); d > 50*time.Millisecond {
		t.Fatalf("20 requests without a budget took %v", d)
	}
	// 10 requests left (2 of them kept for the 2 in flight) for the next 800 ms:
	// one every 100 ms.
	if paused := p.Observe(Budget{Limit: 50, Period: time.Second, Remaining: 10, Reset: time.Now().Add(800 * time.Millisecond)}, 2); paused != 0 {
		t.Fatalf("paused %v with budget to spare", paused)
	}
	if d := timeWaits(t, p, 5); d < 350*time.Millisecond {
		t.Errorf("5 requests took %v, want about 400 ms at one every 100 ms", d)
	}
}

func TestObserveStopsEveryoneWhenTheBudgetIsSpent(t *testing.T) {
	p := NewPacer(0)
	reset := time.Now().Add(300 * time.Millisecond)
	// 3 left, 3 others in flight: the budget is spent.
	paused := p.Observe(Budget{Limit: 50, Period: 2 * time.Second, Remaining: 3, Reset: reset}, 3)
	// The reset plus a twentieth of the 2 s period.
	if paused < 350*time.Millisecond || paused > 400*time.Millisecond {
		t.Errorf("paused for %v, want the 300 ms to the reset and 100 ms", paused)
	}
	timeWaits(t, p, 1)
	if early := time.Until(reset.Add(100 * time.Millisecond)); early > 0 {
		t.Errorf("a request went %v before the reset", early)
	}
}

func TestObserveIgnoresOvertakenAnswers(t *testing.T) {
	p := NewPacer(0)
	reset := time.Now().Add(time.Hour)
	p.Observe(Budget{Limit: 50, Remaining: 1, Reset: reset}, 0)
	// An answer sent earlier, with more budget, arrives later.
	if paused := p.Observe(Budget{Limit: 50, Remaining: 40, Reset: reset}, 0); paused != 0 {
		t.Fatalf("paused %v", paused)
	}
	if got := p.server.Limit(); got > 1.0/3000 {
		t.Errorf("pace %v per second after a stale answer, want 1 request in the hour", got)
	}
	// The window is over: answers from the last window say nothing.
	if paused := p.Observe(Budget{Limit: 50, Remaining: 0, Reset: time.Now().Add(-time.Second)}, 0); paused != 0 {
		t.Errorf("an answer of a past window paused for %v", paused)
	}
}

func TestObserveFollowsTheTightestBudget(t *testing.T) {
	p := NewPacer(0)
	reset := time.Now().Add(10 * time.Second)
	p.Observe(Budget{Limit: 15000, Period: 5 * time.Minute, Remaining: 10000, Reset: reset}, 0)
	p.Observe(Budget{Limit: 100, Period: 5 * time.Minute, Remaining: 20, Reset: reset}, 0)
	if got := float64(p.server.Limit()); got < 1.9 || got > 2.1 {
		t.Errorf("pace %v per second, want the 20 requests in 10 s of the tighter budget", got)
	}
	// More news of the looser budget does not loosen the pace.
	p.Observe(Budget{Limit: 15000, Period: 5 * time.Minute, Remaining: 9000, Reset: reset}, 0)
	if got := float64(p.server.Limit()); got > 2.1 {
		t.Errorf("pace %v per second after news of the looser budget", got)
	}
}
