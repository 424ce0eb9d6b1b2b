package httpbase

import (
	"context"
	"math"
	"slices"
	"time"
)

// A token bucket (Atlassian's burst limit, for one) holds at most Burst
// requests and refills at a steady rate; each request takes one. Its answers
// state the burst and the whole requests left, never the rate, so the lane
// mirrors the bucket and learns the rate from the answers:
//
//   - The mirror is the level of the server's bucket: raised by the
//     estimated refill, lowered by one for each request the lane lets go, and
//     set from the answers. A request goes when the mirror holds a request
//     more than the reserve, so that the bucket is spent down to the reserve
//     at once and then followed at its refill rate, and no request finds it
//     empty.
//   - Which answer is the latest news: requests under way at once reach the
//     server in any order, so their answers can only lower the mirror (to
//     what they leave, less the requests still under way). The answer to a
//     request that was alone under way is the bucket's level after it, and
//     sets the mirror either way.
//   - The rate: after such an answer, the requests left plus the requests
//     the server took so far is the bucket's start level plus everything it
//     has refilled since, to within one request (the count is whole
//     requests). Its growth between two such answers over the time between
//     them is the rate, unless the bucket was full in between, when refill
//     beyond the burst was lost: an answer that finds the bucket full starts
//     the measurement afresh. The longer the measurement, the closer the
//     estimate; a measurement runs at most rateWindow, so that a bucket
//     shared with other clients, whose share changes, is followed.
//   - Until the rate is known, a spent mirror holds the lane, and one request
//     (a probe) goes probeDelay after the last answer, when nothing else is
//     under way: its answer says how much the bucket refilled meanwhile.
//
// A refusal (Budget.Refused) took nothing from the bucket, and says it held
// less than one request.

// bucketReserve is the requests the mirror keeps back, for a rate estimated
// a little high.
const bucketReserve = 1

// probeDelay is how long a lane whose bucket is spent, and whose refill rate
// is not yet known, waits after the last answer before it sends one request
// to learn the rate: Atlassian's Retry-After counts whole seconds, and a
// burst limit refills at least a request a second.
const probeDelay = time.Second

// minRateSpan is the shortest measurement the rate is estimated from: over a
// shorter one, the rounding to whole requests is a large part of what the
// bucket refilled.
const minRateSpan = 500 * time.Millisecond

// minBoundSpan is the shortest measurement a lower bound of the rate is
// taken from.
const minBoundSpan = 100 * time.Millisecond

// rateWindow is how far back the measurement reaches: older answers are
// dropped from it, so that a bucket shared with other clients, whose share
// changes, is followed.
const rateWindow = 10 * time.Second

// bucketRecheck bounds how long a request held by the mirror sleeps before it
// looks again: answers that arrive meanwhile may say the bucket holds more.
const bucketRecheck = 50 * time.Millisecond

// tokenBucket is a lane's mirror of a server's token bucket; the lane's lock
// guards it.
type tokenBucket struct {
	burst int
	// level is the mirror at the time at, less the requests let go since.
	level float64
	at    time.Time
	// lastAnswer is when the latest budget arrived.
	lastAnswer time.Time
	// refused counts the refusals, which took nothing from the bucket.
	refused int
	// samples are the answers of the current measurement, oldest first,
	// spanning about rateWindow; rate is 0 until known.
	samples []bucketSample
	rate    float64
}

// bucketSample is one answer: when it came, and the requests left plus the
// requests taken up to its request.
type bucketSample struct {
	at    time.Time
	total int
}

func newTokenBucket(burst int) *tokenBucket {
	return &tokenBucket{burst: burst}
}

// answer takes in the budget of an answer that arrived at now to the
// request a, when the lane has let admissions requests go.
func (b *tokenBucket) answer(now time.Time, budget Budget, a admission, admissions uint64) {
	b.burst = budget.Burst
	b.lastAnswer = now
	if budget.Refused {
		b.refused++
	}
	b.sample(bucketSample{at: now, total: budget.Remaining + int(a.seq) - b.refused}, !budget.Refused && budget.Remaining >= b.burst-1)
	b.level = float64(budget.Remaining) - float64(admissions-a.first)
	b.at = now
}

// sample measures the rate up to s; full says the bucket was full when s's
// request came.
func (b *tokenBucket) sample(s bucketSample, full bool) {
	if len(b.samples) == 0 {
		b.samples = append(b.samples, s)
		return
	}
	first := b.samples[0]
	span := s.at.Sub(first.at)
	if full {
		// Refill beyond the burst was lost since the first sample: the
		// growth, less a request for the rounding, is a lower bound of
		// the rate. The measurement starts afresh.
		if span >= minBoundSpan {
			b.rate = math.Max(b.rate, float64(s.total-first.total-1)/span.Seconds())
		}
		b.samples = append(b.samples[:0], s)
		return
	}
	if span >= minRateSpan {
		b.rate = math.Max(0, float64(s.total-first.total)/span.Seconds())
	}
	b.samples = append(b.samples, s)
	for len(b.samples) > 2 && s.at.Sub(b.samples[1].at) >= rateWindow {
		b.samples = b.samples[1:]
	}
}

// levelAt is the mirror's level at now.
func (b *tokenBucket) levelAt(now time.Time) float64 {
	return math.Min(float64(b.burst), b.level+b.rate*now.Sub(b.at).Seconds())
}

// readyAt is the earliest time the next request may go, given underWay
// requests under way.
func (b *tokenBucket) readyAt(now time.Time, underWay int) time.Time {
	missing := 1 + bucketReserve - b.levelAt(now)
	switch {
	case missing <= 0:
		return now
	case b.rate > 0:
		return now.Add(time.Duration(missing / b.rate * float64(time.Second)))
	case underWay > 0:
		// Their answers will say more.
		return now.Add(bucketRecheck)
	}
	return later(now, b.lastAnswer.Add(probeDelay))
}

// take counts a request let go at now.
func (b *tokenBucket) take(now time.Time) {
	b.level = b.levelAt(now) - 1
	b.at = now
}

// bunchGap: requests let go within it of each other may reach the server in
// either order.
const bunchGap = 20 * time.Millisecond

// admission is a request a lane let go: seq is its place in the order the
// lane let requests go (from 1), first the earliest place the server may
// count it in, as requests let go within bunchGap before it may reach the
// server after it.
type admission struct {
	seq, first uint64
}

// count numbers a request let go at now.
func (l *Lane) count(now time.Time) admission {
	l.admissions++
	cut := 0
	for cut < len(l.recent) && now.Sub(l.recent[cut]) >= bunchGap {
		cut++
	}
	l.recent = append(l.recent[cut:], now)
	return admission{seq: l.admissions, first: l.admissions - uint64(len(l.recent)-1)}
}

// The requests of a token-bucket lane go in the order they came, so that a
// pager's pages go in the order of their offsets: at the end of a list, the
// pages it fetched ahead beyond the end wait behind the last one and are
// cancelled before they go, instead of spending the bucket.

// queue gives a request that starts waiting in the lane its ticket.
func (l *Lane) queue() uint64 {
	l.p.mu.Lock()
	defer l.p.mu.Unlock()
	l.nextTicket++
	l.waiting = append(l.waiting, l.nextTicket)
	return l.nextTicket
}

// leave takes a ticket out of the queue, and lets the next request look.
func (l *Lane) leave(ticket uint64) {
	l.p.mu.Lock()
	defer l.p.mu.Unlock()
	l.waiting = slices.DeleteFunc(l.waiting, func(t uint64) bool { return t == ticket })
	close(l.turn)
	l.turn = make(chan struct{})
}

// waitTurn waits, in a token-bucket lane, until the ticket is the first of
// the queue.
func (l *Lane) waitTurn(ctx context.Context, ticket uint64) error {
	for {
		l.p.mu.Lock()
		if l.bucket == nil || l.waiting[0] == ticket {
			l.p.mu.Unlock()
			return nil
		}
		turn := l.turn
		l.p.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-turn:
		}
	}
}
