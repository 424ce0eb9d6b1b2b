package port

import (
	"net/http"
	"testing"
	"time"
)

// BenchmarkFirstSyncUnderRateLimit times the 10,000-entity first sync of
// TestFirstSyncStaysWithinPortsRateLimit against the least time the limit
// allows, with the client following Port's budget ("paced") and with the
// budget hidden from it ("blind": it learns of the limit only from 429 and
// Retry-After). Metrics per sync: wall seconds; bound-s, the least time the
// limit allows from the moment the sync started (the windows are aligned to
// whole seconds, so the first one is partly gone); ratio, wall time over the
// bound; per-rate, wall time over 500 requests at the limit's 100 a second;
// and the requests Port refused with 429.
func BenchmarkFirstSyncUnderRateLimit(b *testing.B) {
	for _, bc := range []struct {
		name   string
		mutate []func(*Config)
	}{{"paced", nil}, {"blind", []func(*Config){blind}}} {
		b.Run(bc.name, func(b *testing.B) {
			var wall, bound time.Duration
			refused := 0
			for range b.N {
				h := newSyncHarness(b, bc.mutate...)
				start := time.Now()
				wall += firstSync(b, h, 1)
				bound += leastSyncTime(start)
				refused += h.srv.StatusCount(http.StatusTooManyRequests)
			}
			n := float64(b.N)
			b.ReportMetric(wall.Seconds()/n, "wall-s")
			b.ReportMetric(bound.Seconds()/n, "bound-s")
			b.ReportMetric(wall.Seconds()/bound.Seconds(), "ratio")
			b.ReportMetric(wall.Seconds()/n/syncRequestsAtTheLimit.Seconds(), "per-rate")
			b.ReportMetric(float64(refused)/n, "429s")
		})
	}
}

// syncRequestsAtTheLimit is how long 500 requests take at a steady 100 a second.
var syncRequestsAtTheLimit = time.Duration(500/tightLimits.Entities.Requests) * tightLimits.Entities.Period

// leastSyncTime is the least time, from start, in which the entity budget of
// tightLimits admits the sync's 500 requests: they need five windows, the
// first of which began at the last whole second, and the last request takes
// syncLatency.
func leastSyncTime(start time.Time) time.Duration {
	period := tightLimits.Entities.Period
	windows := (500 + tightLimits.Entities.Requests - 1) / tightLimits.Entities.Requests
	lastWindow := start.Truncate(period).Add(time.Duration(windows-1) * period)
	return lastWindow.Add(syncLatency).Sub(start)
}
