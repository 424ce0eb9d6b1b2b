package jsm_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
)

// The burst limit of the benchmark: 10 requests a second with a bucket of 10,
// Atlassian-like (its page publishes no numbers; a bucket as large as a
// second's requests is the tightest common shape, as a larger one would
// swallow most of a 3,000-item read).
const (
	burstRate = 10
	burstSize = 10
)

// BenchmarkDrainUnderBurstLimit reads every customer request of a 3,000 and
// a 20,000 request tenant from the fake JSM under the burst limit above, each
// page answered after 20 ms, with the client following the burst headers
// ("paced") and with them hidden from it ("blind": it learns of the limit
// only from 429 and Retry-After). Metrics per read: wall seconds; bound-s,
// the least time the limit allows (the pages beyond the bucket's burst at 10
// a second); ratio, wall time over the bound; the requests JSM refused with
// 429; and the page requests sent.
//
//	go test ./internal/jsm -run '^$' -bench DrainUnderBurstLimit -benchtime 1x
func BenchmarkDrainUnderBurstLimit(b *testing.B) {
	for _, items := range []int{3_000, 20_000} {
		tenant := fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 7, ServiceDesks: 5, Requests: items, Organizations: 5})
		for _, mode := range []string{"paced", "blind"} {
			b.Run(fmt.Sprintf("%d/%s", items, mode), func(b *testing.B) {
				var wall time.Duration
				refused, requests := 0, 0
				for range b.N {
					srv := fakejsm.New(tenant)
					srv.SetLatency(drainLatency)
					srv.SetBurstLimit(burstRate, burstSize)
					client := burstClient(b, srv, mode == "blind")
					start := time.Now()
					listing, err := client.List(context.Background(), jsm.CustomerRequestsPath, jsm.ListOptions{})
					wall += time.Since(start)
					if err != nil {
						b.Fatal(err)
					}
					if len(listing.Items) != items {
						b.Fatalf("read %d items, want %d", len(listing.Items), items)
					}
					refused += srv.Refusals(fakejsm.ReasonBurst)
					requests += srv.RequestCount("GET /rest/servicedeskapi/request")
					srv.Close()
				}
				n := float64(b.N)
				bound := leastReadTime(items)
				b.ReportMetric(wall.Seconds()/n, "wall-s")
				b.ReportMetric(bound.Seconds(), "bound-s")
				b.ReportMetric(wall.Seconds()/n/bound.Seconds(), "ratio")
				b.ReportMetric(float64(refused)/n, "429s")
				b.ReportMetric(float64(requests)/n, "requests")
			})
		}
	}
}

// leastReadTime is the least time the burst limit allows a read of items:
// the pages beyond the bucket's burst at the bucket's rate.
func leastReadTime(items int) time.Duration {
	pages := (items + jsm.DefaultPageSize - 1) / jsm.DefaultPageSize
	return time.Duration(float64(pages-burstSize) / burstRate * float64(time.Second))
}

// burstClient is a client with default settings; a blind one never sees the
// burst headers.
func burstClient(tb testing.TB, srv *fakejsm.Server, blind bool) *jsm.Client {
	tb.Helper()
	cfg := jsm.Config{BaseURL: srv.URL(), Username: fakejsm.DefaultEmail, APIToken: fakejsm.DefaultAPIToken}
	if blind {
		cfg.HTTPClient = &http.Client{Transport: burstBlind{http.DefaultTransport}}
	}
	client, err := jsm.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return client
}

// burstBlind removes the burst headers from every answer, Retry-After aside.
type burstBlind struct{ next http.RoundTripper }

func (t burstBlind) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil {
		for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-NearLimit"} {
			resp.Header.Del(h)
		}
	}
	return resp, err
}
