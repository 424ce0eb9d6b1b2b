package httpbase

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// admitAll admits n requests one after the other, releasing each without a
// budget, and returns how long that took.
func admitAll(t *testing.T, l *Lane, n int) time.Duration {
	t.Helper()
	start := time.Now()
	for range n {
		if err := l.Admit(context.Background()); err != nil {
			t.Fatal(err)
		}
		l.Release(nil)
	}
	return time.Since(start)
}

// underWay admits n requests and leaves them under way.
func underWay(t *testing.T, l *Lane, n int) {
	t.Helper()
	for range n {
		if err := l.Admit(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLaneSpreadsTheBudgetOverTheWindow(t *testing.T) {
	l := NewPacer(0, WaitCap{}).Lane("entities")
	if d := admitAll(t, l, 20); d > 50*time.Millisecond {
		t.Fatalf("20 requests without a budget took %v", d)
	}
	// This request and two others under way; its answer leaves 10 requests
	// for the next 800 ms, 2 of them kept for the others: one every 100 ms.
	underWay(t, l, 3)
	if paused := l.Release(&Budget{Remaining: 10, Reset: time.Now().Add(800 * time.Millisecond), Period: time.Second}); paused != 0 {
		t.Fatalf("paused %v with budget to spare", paused)
	}
	if d := admitAll(t, l, 5); d < 350*time.Millisecond {
		t.Errorf("5 requests took %v, want about 400 ms at one every 100 ms", d)
	}
}

func TestLaneHoldsEveryRequestWhenTheBudgetIsSpent(t *testing.T) {
	p := NewPacer(0, WaitCap{})
	l := p.Lane("entities")
	reset := time.Now().Add(300 * time.Millisecond)
	// 3 left, 3 others under way: spent.
	underWay(t, l, 4)
	paused := l.Release(&Budget{Remaining: 3, Reset: reset, Period: 2 * time.Second})
	// The reset plus a twentieth of the 2 s period.
	if paused < 350*time.Millisecond || paused > 400*time.Millisecond {
		t.Errorf("paused for %v, want the 300 ms to the reset and 100 ms", paused)
	}
	if d := admitAll(t, p.Lane("other"), 3); d > 50*time.Millisecond {
		t.Errorf("another lane waited %v", d)
	}
	admitAll(t, l, 1)
	if early := time.Until(reset.Add(100 * time.Millisecond)); early > 0 {
		t.Errorf("a request went %v before the reset", early)
	}
}

func TestLaneIgnoresOvertakenAnswers(t *testing.T) {
	l := NewPacer(0, WaitCap{}).Lane("entities")
	reset := time.Now().Add(time.Hour)
	underWay(t, l, 2)
	// 5 left, 1 of them for the other request under way.
	l.Release(&Budget{Remaining: 5, Reset: reset})
	// An answer sent earlier, with more budget, arrives later.
	l.Release(&Budget{Remaining: 40, Reset: reset})
	if l.allowance != 4 {
		t.Fatalf("allowance %d after a stale answer, want 4", l.allowance)
	}
	// An answer of a window that is over says nothing. (The pace spreads the
	// 4 requests over the hour; the test does not wait for it.)
	l.pace.SetLimit(rate.Inf)
	underWay(t, l, 1)
	l.Release(&Budget{Remaining: 90, Reset: time.Now().Add(-time.Second)})
	if l.allowance != 3 || l.last.Remaining != 5 {
		t.Fatalf("allowance %d, budget %+v after an answer of a past window", l.allowance, l.last)
	}
	// An answer of the next window replaces the budget.
	underWay(t, l, 1)
	l.Release(&Budget{Remaining: 90, Reset: reset.Add(time.Second)})
	if l.allowance != 90 {
		t.Fatalf("allowance %d after an answer of the next window, want 90", l.allowance)
	}
}

// TestLaneCountsEveryAdmission shows the allowance, not the pace, keeps the
// lane within the budget: once as many requests went as the budget allowed,
// the next waits for the reset however fast the pace is.
func TestLaneCountsEveryAdmission(t *testing.T) {
	l := NewPacer(0, WaitCap{}).Lane("entities")
	reset := time.Now().Add(300 * time.Millisecond)
	underWay(t, l, 1)
	l.Release(&Budget{Remaining: 3, Reset: reset, Period: 2 * time.Second})
	l.pace.SetLimit(rate.Inf)
	if d := admitAll(t, l, 3); d > 100*time.Millisecond {
		t.Fatalf("the 3 allowed requests took %v", d)
	}
	admitAll(t, l, 1)
	if early := time.Until(reset.Add(100 * time.Millisecond)); early > 0 {
		t.Errorf("a fourth request went %v before the reset", early)
	}
}

func TestPacerPauseHoldsEveryLane(t *testing.T) {
	p := NewPacer(0, WaitCap{})
	p.Pause(150 * time.Millisecond)
	if d := admitAll(t, p.Lane("entities"), 1); d < 100*time.Millisecond {
		t.Fatalf("a lane waited %v during a 150ms pause", d)
	}
}
