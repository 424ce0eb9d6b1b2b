package httpbase

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Pacer spaces the requests of one client. Three things hold a request back:
// the client's own requests-per-second limit; the budget the server states on
// its answers (Observe), which spreads what is left of a rate-limit window
// over the time to its reset and stops every worker when it is spent; and a
// pause that a refused request sets for every worker, not only the one that
// was refused.
type Pacer struct {
	limiter *rate.Limiter // the client's own limit
	server  *rate.Limiter // the pace the server's budgets allow

	mu      sync.Mutex
	until   time.Time
	budgets map[budgetKey]Budget
}

// Budget is what a server says is left of one of its rate limits.
type Budget struct {
	// Limit and Period (zero when not stated) tell one limit of the server
	// from another, e.g. Port's entity and other requests.
	Limit  int
	Period time.Duration
	// Remaining requests may be sent until Reset, when a new window starts.
	Remaining int
	Reset     time.Time
}

type budgetKey struct {
	limit  int
	period time.Duration
}

// NewPacer returns a pacer; perSecond <= 0 means no limit of its own.
func NewPacer(perSecond float64) *Pacer {
	limiter := rate.NewLimiter(rate.Inf, 1)
	if perSecond > 0 {
		limiter = rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond)))
	}
	return &Pacer{limiter: limiter, server: rate.NewLimiter(rate.Inf, 1), budgets: map[budgetKey]Budget{}}
}

// Wait blocks until both paces allow a request and no pause is on. The pause
// is checked last, so that a pause set while a request waits for its turn
// holds it back too.
func (p *Pacer) Wait(ctx context.Context) error {
	if err := p.server.Wait(ctx); err != nil {
		return err
	}
	if err := p.limiter.Wait(ctx); err != nil {
		return err
	}
	for {
		p.mu.Lock()
		d := time.Until(p.until)
		p.mu.Unlock()
		if d <= 0 {
			return nil
		}
		if err := Sleep(ctx, d); err != nil {
			return err
		}
	}
}

// Pause holds every request back for d.
func (p *Pacer) Pause(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pauseUntil(time.Now().Add(d))
}

func (p *Pacer) pauseUntil(t time.Time) {
	if t.After(p.until) {
		p.until = t
	}
}

// Observe paces the following requests by a budget the server stated on an
// answer. inFlight is how many other requests of this client are under way or
// waiting to be sent: the server may not have counted them yet, so they are
// kept in reserve. The rest of the budget is spread evenly over the time to
// its reset; once nothing is left beyond the reserve, every request waits for
// the reset. With several budgets (one per limit), the tightest wins. An
// answer overtaken by a later one of the same budget is ignored. It returns
// how long requests are now paused.
func (p *Pacer) Observe(b Budget, inFlight int) time.Duration {
	now := time.Now()
	if !b.Reset.After(now) {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	key := budgetKey{b.Limit, b.Period}
	if old, ok := p.budgets[key]; ok && overtakes(old, b) {
		return max(p.until.Sub(now), 0)
	}
	p.budgets[key] = b
	pace := rate.Inf
	for key, b := range p.budgets {
		left := b.Reset.Sub(now)
		if left <= 0 {
			delete(p.budgets, key)
			continue
		}
		spare := b.Remaining - inFlight
		if spare <= 0 {
			p.pauseUntil(b.Reset.Add(resumeMargin(b.Period)))
			continue
		}
		pace = min(pace, rate.Limit(float64(spare)/left.Seconds()))
	}
	p.server.SetLimit(pace)
	return max(p.until.Sub(now), 0)
}

// overtakes says whether old is later news of the same budget than b: a later
// window, or the same window with fewer requests left.
func overtakes(old, b Budget) bool {
	return old.Reset.After(b.Reset) || (old.Reset.Equal(b.Reset) && old.Remaining <= b.Remaining)
}

// resumeMargin is how long after a stated reset requests resume: a reset
// stated in whole seconds may be up to a second early, which matters little
// in a window of minutes and a lot in one of seconds.
func resumeMargin(period time.Duration) time.Duration {
	if period <= 0 {
		return time.Second
	}
	return min(time.Second, period/20)
}
