package httpbase

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"": 0, "3": 3 * time.Second, "0.5": 500 * time.Millisecond, "soon": 0, "-1": 0,
		now.Add(4 * time.Second).Format(http.TimeFormat):  4 * time.Second,
		now.Add(-4 * time.Second).Format(http.TimeFormat): 0,
	} {
		if got := ParseRetryAfter(in, now); got != want {
			t.Errorf("%q: got %v want %v", in, got, want)
		}
	}
}

func TestBackoffStaysWithinItsCeiling(t *testing.T) {
	for retry := range 40 {
		ceiling := min(time.Millisecond<<min(retry, 16), time.Second)
		for range 50 {
			if d := Backoff(retry, time.Millisecond, time.Second); d < 0 || d > ceiling {
				t.Fatalf("retry %d waited %v, ceiling %v", retry, d, ceiling)
			}
		}
	}
}

func TestPacerPauseHoldsEveryone(t *testing.T) {
	p := NewPacer(0, WaitCap{})
	p.Pause(150 * time.Millisecond)
	start := time.Now()
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 100*time.Millisecond {
		t.Fatalf("waited %v during a 150ms pause", waited)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p.Pause(time.Hour)
	if err := p.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled wait returned %v", err)
	}
}

func TestNewTransportRejectsNonPEM(t *testing.T) {
	if _, err := NewTransport([]byte("not a certificate")); err == nil {
		t.Fatal("garbage was accepted as CA certificates")
	}
	tr, err := NewTransport(nil)
	if err != nil || tr.Proxy == nil {
		t.Fatalf("default transport %v, proxy from environment lost", err)
	}
}
