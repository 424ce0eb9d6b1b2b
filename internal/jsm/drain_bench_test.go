package jsm_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
)

const (
	drainRequests = 100_000
	drainLatency  = 20 * time.Millisecond
)

var (
	drainOnce   sync.Once
	drainTenant *fakejsm.Tenant
)

func tenantOf100kRequests() *fakejsm.Tenant {
	drainOnce.Do(func() {
		drainTenant = fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 42, ServiceDesks: 20, Requests: drainRequests, Organizations: 50})
	})
	return drainTenant
}

// BenchmarkDrain100kRequests drains every customer request of a 100,000
// request tenant from the fake JSM, each page answered after 20 ms: the
// provider's pager with default settings, and the way Ocean pages, a
// strictly sequential loop following _links.next. Run both in one go:
//
//	go test ./internal/jsm -run '^$' -bench Drain -benchtime 1x
func BenchmarkDrain100kRequests(b *testing.B) {
	tenant := tenantOf100kRequests()
	want := tenant.RequestIDs()
	b.Run("sequential-links-next", func(b *testing.B) {
		srv := fakejsm.New(tenant)
		defer srv.Close()
		srv.SetLatency(drainLatency)
		b.ResetTimer()
		for range b.N {
			items := followLinksNext(b, srv.URL()+"/rest/servicedeskapi/request?limit=50")
			b.StopTimer()
			checkComplete(b, items, want)
			b.StartTimer()
		}
		report(b, srv)
	})
	b.Run("pager-defaults", func(b *testing.B) {
		srv := fakejsm.New(tenant)
		defer srv.Close()
		srv.SetLatency(drainLatency)
		client, err := jsm.New(jsm.Config{BaseURL: srv.URL(), Username: fakejsm.DefaultEmail, APIToken: fakejsm.DefaultAPIToken})
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			listing, err := client.List(context.Background(), "/request", jsm.ListOptions{})
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if listing.Reads != 1 {
				b.Fatalf("a list that did not change was read %d times", listing.Reads)
			}
			checkComplete(b, listing.Items, want)
			b.StartTimer()
		}
		report(b, srv)
	})
}

func report(b *testing.B, srv *fakejsm.Server) {
	b.ReportMetric(float64(srv.RequestCount("GET /rest/servicedeskapi/request"))/float64(b.N), "pages/op")
	b.ReportMetric(float64(srv.MaxInFlight()), "max-in-flight")
	b.ReportMetric(float64(drainRequests)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

// followLinksNext pages the way Ocean's JSM integration does: one request at
// a time, each to the previous page's _links.next.
func followLinksNext(b *testing.B, next string) []json.RawMessage {
	var items []json.RawMessage
	for next != "" {
		req, err := http.NewRequest(http.MethodGet, next, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.SetBasicAuth(fakejsm.DefaultEmail, fakejsm.DefaultAPIToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var page struct {
			Values []json.RawMessage `json:"values"`
			Links  struct {
				Next string `json:"next"`
			} `json:"_links"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		_ = resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		items = append(items, page.Values...)
		next = page.Links.Next
	}
	return items
}

// checkComplete fails unless items are exactly the wanted requests, in order.
func checkComplete(b *testing.B, items []json.RawMessage, want []string) {
	if len(items) != len(want) {
		b.Fatalf("drained %d items, want %d", len(items), len(want))
	}
	seen := make(map[string]bool, len(items))
	for i, raw := range items {
		var r struct {
			IssueID string `json:"issueId"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			b.Fatal(err)
		}
		if seen[r.IssueID] {
			b.Fatalf("duplicate %s", r.IssueID)
		}
		seen[r.IssueID] = true
		if r.IssueID != want[i] {
			b.Fatalf("item %d is %s, want %s: missing or out of order", i, r.IssueID, want[i])
		}
	}
}
