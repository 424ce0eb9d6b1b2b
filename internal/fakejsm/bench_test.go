package fakejsm

import (
	"net/url"
	"testing"
)

func BenchmarkGenerateTenant100k(b *testing.B) {
	for b.Loop() {
		GenerateTenant(TenantOptions{Seed: 1, Requests: 100_000, ServiceDesks: 10, Organizations: 50, Customers: 2000})
	}
}

// BenchmarkListRequests100k pages through 100,000 requests 100 at a time, as
// a sync would.
func BenchmarkListRequests100k(b *testing.B) {
	s := newServer(b, TenantOptions{Seed: 1, Requests: 100_000, ServiceDesks: 10, Organizations: 50, Customers: 2000})
	for b.Loop() {
		if n := len(collect(b, s, "/rest/servicedeskapi/request", url.Values{"limit": {"100"}})); n != 100_000 {
			b.Fatalf("%d requests", n)
		}
	}
}
