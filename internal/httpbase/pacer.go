package httpbase

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Pacer spaces the requests of one client. What holds a request back: the
// client's own requests-per-second limit; a pause that a refused request sets
// for every worker, not only the one that was refused; and, for requests sent
// through a Lane, the budget the server states on its answers. A lane held
// for longer than the WaitCap fails its requests instead of holding them.
type Pacer struct {
	limiter *rate.Limiter // the client's own limit
	waitCap WaitCap

	mu    sync.Mutex
	until time.Time
	lanes map[string]*Lane
}

// NewPacer returns a pacer; perSecond <= 0 means no limit of its own, and a
// cap without Max is DefaultMaxServerWait.
func NewPacer(perSecond float64, waitCap WaitCap) *Pacer {
	limiter := rate.NewLimiter(rate.Inf, 1)
	if perSecond > 0 {
		limiter = rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond)))
	}
	if waitCap.Max <= 0 {
		waitCap.Max = DefaultMaxServerWait
	}
	return &Pacer{limiter: limiter, waitCap: waitCap, lanes: map[string]*Lane{}}
}

// Wait blocks until the client's limit allows a request and no pause is on.
func (p *Pacer) Wait(ctx context.Context) error {
	if err := p.limiter.Wait(ctx); err != nil {
		return err
	}
	_, err := p.waitPause(ctx, nil)
	return err
}

// Pause holds every request back for d.
func (p *Pacer) Pause(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.until = later(p.until, time.Now().Add(d))
}

// Lane returns the lane of one of the server's rate limits, made on first use.
func (p *Pacer) Lane(name string) *Lane {
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.lanes[name]
	if !ok {
		l = &Lane{p: p, pace: rate.NewLimiter(rate.Inf, 1), turn: make(chan struct{})}
		p.lanes[name] = l
	}
	return l
}

// waitPause waits out the client's pause and the lane's (when l is not nil),
// and counts the request as under way in the lane when it may go. The pauses
// are checked after the paces, so that a pause set while a request waited for
// its turn holds it back too. A lane held past the cap fails the request.
func (p *Pacer) waitPause(ctx context.Context, l *Lane) (admission, error) {
	if l != nil {
		ticket := l.queue()
		defer l.leave(ticket)
		if err := l.waitTurn(ctx, ticket); err != nil {
			return admission{}, err
		}
	}
	for {
		p.mu.Lock()
		until := p.until
		if l != nil {
			if err := l.refusedNow(time.Now()); err != nil {
				p.mu.Unlock()
				return admission{}, err
			}
			if err := l.holdTooLong(time.Now()); err != nil {
				p.mu.Unlock()
				return admission{}, err
			}
			until = later(until, l.until)
		}
		now := time.Now()
		sleep := until.Sub(now)
		if l != nil && l.bucket != nil {
			until = later(until, l.bucket.readyAt(now, l.underWay))
			sleep = min(until.Sub(now), max(sleep, bucketRecheck))
		}
		if !now.Before(until) {
			var a admission
			if l != nil {
				a = l.admit(now)
			}
			p.mu.Unlock()
			return a, nil
		}
		p.mu.Unlock()
		if err := Sleep(ctx, sleep); err != nil {
			return admission{}, err
		}
	}
}

// Budget is what a server says is left of one of its rate limits.
type Budget struct {
	// Remaining requests may be sent until Reset, when a new window starts.
	Remaining int
	Reset     time.Time
	// Period is the length of a window; zero when the server does not say.
	Period time.Duration
	// ResetFrom is the header that stated Reset, quoted when the wait for
	// the reset is too long.
	ResetFrom HeaderField
	// Burst, when not zero, says the limit is a token bucket of Burst
	// requests that refills at a rate the server does not state, such as
	// Atlassian's burst limit (see tokenBucket); Reset and Period are then
	// zero.
	Burst int
	// Refused says the answer was the bucket's refusal, which took nothing
	// from it.
	Refused bool
}

// Lane paces the requests that one rate limit of the server counts (Port,
// for one, counts entity requests apart from the others). Of the budget an
// answer states, the requests already under way are kept in reserve (the
// server may not have counted them yet); the rest is the allowance, spread
// over the time to the reset. Once the allowance is used up, every request of
// the lane waits for the reset: the client slows down before it is refused.
// When the answers state a token bucket instead of a window (Budget.Burst,
// Atlassian's burst limit), the lane mirrors the bucket (see tokenBucket) and
// lets its requests go in the order they came.
type Lane struct {
	p    *Pacer
	pace *rate.Limiter
	// Guarded by p.mu.
	until     time.Time
	heldBy    Budget // the budget whose reset until waits for
	last      Budget
	underWay  int
	allowance int // what may still be admitted until last.Reset
	// admissions counts the requests the lane let go; recent holds the
	// times of those let go within the last bunchGap.
	admissions uint64
	recent     []time.Time
	// refusal, until refusedUntil, is the final refusal (see
	// Settings.Refusal) that every request of the lane meets unsent.
	refusal      error
	refusedUntil time.Time
	// bucket mirrors a token bucket, once an answer states one.
	bucket *tokenBucket
	// waiting holds the tickets of the requests waiting in the lane, in the
	// order they came; turn is closed when one leaves.
	waiting    []uint64
	nextTicket uint64
	turn       chan struct{}
}

// Admit waits until the lane's pace, the client's limit and every pause
// allow a request, and counts it as under way until Release.
func (l *Lane) Admit(ctx context.Context) error {
	_, err := l.admitNext(ctx)
	return err
}

// admitNext is Admit, and returns the request's admission, for release.
func (l *Lane) admitNext(ctx context.Context) (admission, error) {
	if err := l.pace.Wait(ctx); err != nil {
		return admission{}, err
	}
	if err := l.p.limiter.Wait(ctx); err != nil {
		return admission{}, err
	}
	return l.p.waitPause(ctx, l)
}

// Release ends a request that Admit let through, with the budget its answer
// stated (nil when it stated none, or no answer came), and returns how long
// the lane's requests are now held back. An answer overtaken by a later one
// (a later window, or fewer requests left in the same window) changes
// nothing.
func (l *Lane) Release(b *Budget) time.Duration {
	return l.release(admission{}, b)
}

// release is Release for a request admitNext let go; a zero admission
// counts the request as the oldest under way.
func (l *Lane) release(a admission, b *Budget) time.Duration {
	now := time.Now()
	l.p.mu.Lock()
	defer l.p.mu.Unlock()
	if a.seq == 0 {
		a.seq = l.admissions - uint64(l.underWay) + 1
		a.first = a.seq
	}
	l.underWay--
	if b == nil || b.Burst == 0 {
		// A bucket is followed only while the answers state it.
		l.bucket = nil
	}
	if b == nil {
		return max(l.until.Sub(now), 0)
	}
	if b.Burst > 0 {
		if l.bucket == nil {
			l.bucket = newTokenBucket(b.Burst)
		}
		l.bucket.answer(now, *b, a, l.admissions)
		return max(l.until.Sub(now), 0)
	}
	budget := *b
	// Resets are compared on the wall clock: a monotonic reading, which
	// differs from answer to answer, would make one window look like two.
	budget.Reset = budget.Reset.Round(0)
	if budget.Reset.After(now) && !overtakes(l.last, budget) {
		l.last = budget
		l.plan(now)
	}
	return max(l.until.Sub(now), 0)
}

// plan sets the allowance the latest budget leaves and spreads it over the
// time to the reset.
func (l *Lane) plan(now time.Time) {
	l.allowance = l.last.Remaining - l.underWay
	if l.allowance <= 0 {
		l.hold()
		return
	}
	untilReset := l.last.Reset.Sub(now)
	if untilReset > l.p.waitCap.Max {
		// Spread over the time to the reset, the allowance would space
		// requests by more than the cap. The count alone keeps the lane
		// within the budget; once it is spent, the next request fails.
		l.pace.SetLimit(rate.Inf)
		return
	}
	l.pace.SetLimit(rate.Limit(float64(l.allowance) / untilReset.Seconds()))
}

// admit counts a request as under way and takes it from the allowance of a
// window that is not over; the last one holds the lane until the reset. The
// count, not the pace, is what keeps the lane within the budget: requests
// that waited for their turn under an earlier, faster pace still count.
func (l *Lane) admit(now time.Time) admission {
	a := l.count(now)
	if l.bucket != nil {
		l.bucket.take(now)
	}
	l.underWay++
	if !now.Before(l.last.Reset) {
		return a
	}
	l.allowance--
	if l.allowance <= 0 {
		l.hold()
	}
	return a
}

// hold stops the lane until the window resets, after which the requests go
// at full speed until an answer states the new window's budget.
func (l *Lane) hold() {
	if until := l.last.Reset.Add(resumeMargin(l.last.Period)); until.After(l.until) {
		l.until, l.heldBy = until, l.last
	}
	l.pace.SetLimit(rate.Inf)
}

// refuse makes every request of the lane fail with err, unsent, until
// until: the server refused one with a limit no wait lifts.
func (l *Lane) refuse(err error, until time.Time) {
	l.p.mu.Lock()
	defer l.p.mu.Unlock()
	l.refusal, l.refusedUntil = err, later(l.refusedUntil, until)
}

// refusedNow returns the final refusal the lane's requests meet at now, or
// nil.
func (l *Lane) refusedNow(now time.Time) error {
	if l.refusal == nil || !now.Before(l.refusedUntil) {
		return nil
	}
	return &notSentError{l.refusal}
}

// holdTooLong returns the error for a hold whose reset is further away than
// the cap, else nil.
func (l *Lane) holdTooLong(now time.Time) error {
	if !now.Before(l.until) {
		return nil
	}
	return l.p.waitCap.Check(ServerWait{Wait: l.heldBy.Reset.Sub(now), From: l.heldBy.ResetFrom}, now)
}

// overtakes says whether old is later news of a budget than b: a later
// window, or the same window with fewer requests left. Resets less than a
// second apart are the same window: servers state them in whole seconds,
// and a reset stated as seconds from now moves with the time of the answer.
func overtakes(old, b Budget) bool {
	switch d := b.Reset.Sub(old.Reset); {
	case d <= -time.Second:
		return true
	case d >= time.Second:
		return false
	}
	return old.Remaining <= b.Remaining
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

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
