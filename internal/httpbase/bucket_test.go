package httpbase

import (
	"context"
	"math"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 26, 15, 0, 0, 0, time.UTC)

func alone(seq uint64) admission { return admission{seq: seq, first: seq} }

// A bucket drained at its refill rate of 10 a second holds 5 requests at
// every answer: the requests left stay level while the requests taken grow
// by one a tenth of a second.
func TestBucketLearnsItsRefillRate(t *testing.T) {
	b := newTokenBucket(10)
	for i := range 11 {
		b.answer(t0.Add(time.Duration(i)*100*time.Millisecond), Budget{Remaining: 5, Burst: 10}, alone(uint64(i+1)), uint64(i+1))
	}
	if math.Abs(b.rate-10) > 0.01 {
		t.Fatalf("rate %v, want 10 a second", b.rate)
	}
}

// An answer that finds the bucket full tells only that the bucket refilled
// at least as fast as the requests came: a lower bound.
func TestBucketTakesALowerBoundFromAFullBucket(t *testing.T) {
	b := newTokenBucket(10)
	b.answer(t0, Budget{Remaining: 0, Burst: 10}, alone(10), 10)
	b.answer(t0.Add(time.Second), Budget{Remaining: 9, Burst: 10}, alone(11), 11)
	// 9 left + 11 taken, 10 more than 0 + 10, less one for the rounding.
	if b.rate != 9 {
		t.Fatalf("rate %v, want the lower bound 9", b.rate)
	}
}

func TestBucketHoldsTheReserveAndWaitsForTheRefill(t *testing.T) {
	b := newTokenBucket(10)
	b.rate = 10
	b.answer(t0, Budget{Remaining: 3, Burst: 10}, alone(1), 1)
	now := t0
	for range 2 {
		if got := b.readyAt(now, 0); !got.Equal(now) {
			t.Fatalf("a request waits until %v with requests left", got)
		}
		b.take(now)
	}
	// One left, the reserve: the next waits for a tenth of a second.
	if got := b.readyAt(now, 2); got.Sub(now) != 100*time.Millisecond {
		t.Fatalf("ready after %v, want 100ms", got.Sub(now))
	}
}

func TestBucketProbesOnceWhenItsRateIsUnknown(t *testing.T) {
	b := newTokenBucket(10)
	b.answer(t0, Budget{Remaining: 0, Burst: 10}, alone(10), 10)
	if got := b.readyAt(t0, 1); got.Sub(t0) != bucketRecheck {
		t.Errorf("with a request under way, looks again after %v, want %v", got.Sub(t0), bucketRecheck)
	}
	if got := b.readyAt(t0.Add(100*time.Millisecond), 0); got.Sub(t0) != probeDelay {
		t.Errorf("probes %v after the last answer, want %v", got.Sub(t0), probeDelay)
	}
}

// Eight requests let go at once reach the server in any order: the answer
// to the last of them may have been counted first, so it cannot raise the
// mirror above what the bucket holds once all eight are counted.
func TestBucketAnswerInABunchCountsTheWholeBunch(t *testing.T) {
	b := newTokenBucket(10)
	b.answer(t0, Budget{Remaining: 8, Burst: 10}, admission{seq: 8, first: 1}, 8)
	if b.level != 1 {
		t.Fatalf("mirror %v, want 8 left less the 7 others of the bunch", b.level)
	}
}

func TestLaneNumbersBunches(t *testing.T) {
	l := NewPacer(0, WaitCap{}).Lane("x")
	first := l.count(t0)
	second := l.count(t0.Add(5 * time.Millisecond))
	apart := l.count(t0.Add(5*time.Millisecond + bunchGap))
	if first != (admission{1, 1}) || second != (admission{2, 1}) || apart != (admission{3, 3}) {
		t.Fatalf("admissions %v %v %v", first, second, apart)
	}
}

// A lane that follows a bucket lets its requests go in the order they came.
func TestBucketLaneKeepsTheOrderOfArrival(t *testing.T) {
	p := NewPacer(0, WaitCap{})
	l := p.Lane("x")
	underWay(t, l, 1)
	l.Release(&Budget{Remaining: 0, Burst: 10})
	p.mu.Lock()
	l.bucket.rate = 50
	p.mu.Unlock()
	p.mu.Lock()
	tickets := l.nextTicket
	p.mu.Unlock()
	order := make(chan int, 5)
	for i := range 5 {
		go func() {
			if err := l.Admit(context.Background()); err == nil {
				order <- i
			}
		}()
		for queued := false; !queued; {
			p.mu.Lock()
			queued = l.nextTicket == tickets+uint64(i+1)
			p.mu.Unlock()
			time.Sleep(time.Millisecond)
		}
	}
	for want := range 5 {
		if got := <-order; got != want {
			t.Fatalf("request %d went as number %d", got, want)
		}
	}
}

// A lane stops following a bucket when an answer no longer states it.
func TestLaneForgetsABucketNoLongerStated(t *testing.T) {
	l := NewPacer(0, WaitCap{}).Lane("x")
	underWay(t, l, 1)
	l.Release(&Budget{Remaining: 0, Burst: 10, Refused: true})
	underWay(t, l, 1)
	l.Release(nil)
	if d := admitAll(t, l, 5); d > 50*time.Millisecond {
		t.Fatalf("5 requests took %v after the bucket went unstated", d)
	}
}
