// Package phases measures where the time of one provider call goes: each
// phase (a JSM read's network wait, JQ, encoding entities_json, ...) records
// the wall time during which at least one of its spans ran, so that
// concurrent requests count once, not once per request. A context without
// timings (any call but those the provider's RPC wrapper starts) records
// nothing, at the cost of one context lookup.
package phases

import (
	"context"
	"sync"
	"time"
)

// The phases the provider reports; a span of one phase may overlap a span of
// another (the pager maps a page while it fetches the next).
const (
	Provider     = "provider"      // inside the provider's handler, all phases included
	JSMNetwork   = "jsm_network"   // a JSM request in flight, answer body read
	JSMDecode    = "jsm_decode"    // JSON decoding of JSM pages
	JQ           = "jq"            // mapping items with JQ
	EntitiesJSON = "entities_json" // building a data source's entities_json
	PortNetwork  = "port_network"  // a Port request in flight, answer body read
	PortDecode   = "port_decode"   // JSON decoding of Port's answers
	PortEncode   = "port_encode"   // JSON encoding of Port request bodies
	Diff         = "diff"          // parsing documents and comparing entities
	StateEncode  = "state_encode"  // the provider's own encoding of attributes it returns
)

type key struct{}

// Timings holds the phases of one call. Safe for concurrent use.
type Timings struct {
	mu     sync.Mutex
	phases map[string]*phase
}

type phase struct {
	active int
	since  time.Time
	wall   time.Duration
}

// With returns a context that records phases into a new Timings.
func With(ctx context.Context) (context.Context, *Timings) {
	t := &Timings{phases: map[string]*phase{}}
	return context.WithValue(ctx, key{}, t), t
}

// Without returns a context that records no phases, for work that goes on
// after the call whose context it comes from has ended.
func Without(ctx context.Context) context.Context {
	return context.WithValue(ctx, key{}, (*Timings)(nil))
}

// Start begins a span of the named phase in ctx's Timings and returns the
// function that ends it.
func Start(ctx context.Context, name string) (end func()) {
	t, _ := ctx.Value(key{}).(*Timings)
	if t == nil || name == "" {
		return func() {}
	}
	t.begin(name, time.Now())
	return func() { t.end(name, time.Now()) }
}

func (t *Timings) begin(name string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.phases[name]
	if p == nil {
		p = &phase{}
		t.phases[name] = p
	}
	if p.active == 0 {
		p.since = now
	}
	p.active++
}

func (t *Timings) end(name string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.phases[name]
	p.active--
	if p.active == 0 {
		p.wall += now.Sub(p.since)
	}
}

// Spent is the wall time of each phase that ran, spans still open counted up
// to now, in milliseconds with one decimal.
func (t *Timings) Spent() map[string]float64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	out := make(map[string]float64, len(t.phases))
	for name, p := range t.phases {
		wall := p.wall
		if p.active > 0 {
			wall += now.Sub(p.since)
		}
		out[name] = Millis(wall)
	}
	return out
}

// Millis is d in milliseconds with one decimal.
func Millis(d time.Duration) float64 {
	return float64(d.Round(100*time.Microsecond)) / float64(time.Millisecond)
}
