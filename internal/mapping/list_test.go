package mapping

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// Mapping a list page by page gives the set Map gives for the whole list,
// and errors name positions in the list, not in the page.
func TestListRunMapsPagesAsOneList(t *testing.T) {
	items := numbered(230)
	docs := decoded(t, items)
	run := mustCompile(t, organizationMapping).StartList(DefaultLimits)
	var outcomes []Mapped
	for first := 0; first < len(items); first += 50 {
		page, err := run.MapPage(t.Context(), first, docs[first:min(first+50, len(docs))])
		if err != nil {
			t.Fatal(err)
		}
		outcomes = append(outcomes, page...)
	}
	set, err := Collect(outcomes)
	if err != nil {
		t.Fatal(err)
	}
	if want := mustMap(t, organizationMapping, items); !set.Equal(want) {
		t.Fatal("the pages mapped one by one differ from the whole list mapped at once")
	}

	bad := mustCompile(t, Mapping{Identifier: `if .id == 137 then null else .id | tostring end`}).StartList(DefaultLimits)
	_, err = bad.MapPage(t.Context(), 100, docs[100:150])
	var itemErr *Error
	if !errors.As(err, &itemErr) || itemErr.Index != 137 {
		t.Fatalf("err = %v, want item 137 named", err)
	}
	dup := append(outcomes[:0:0], outcomes...)
	dup[200] = dup[3]
	var dupErr *DuplicateError
	if _, err := Collect(dup); !errors.As(err, &dupErr) || dupErr.First != 3 || dupErr.Second != 200 {
		t.Fatalf("err = %v, want items 3 and 200 named", err)
	}
}

// listRequests reads the requests of a fake JSM page by page, one page at
// a time, and maps them with a ListRun of m within limits.
func listRequests(t *testing.T, srv *fakejsm.Server, m Mapping, limits Limits) (*jsm.Listing[Mapped], error) {
	t.Helper()
	client, err := jsm.New(jsm.Config{BaseURL: srv.URL(), Username: fakejsm.DefaultEmail, APIToken: fakejsm.DefaultAPIToken,
		PageSize: 50, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	run := mustCompile(t, m).StartList(limits)
	return jsm.ListDecoded(t.Context(), client, jsm.CustomerRequestsPath, jsm.ListOptions{}, run.MapPage)
}

// The total limit counts JQ's time, not JSM's: reading six pages with
// 60 ms of latency each takes longer than the 150 ms limit, while mapping
// the 300 requests takes a few milliseconds, and the list maps.
func TestListRunCountsOnlyTheTimeJQRuns(t *testing.T) {
	srv := fakejsm.New(fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 3, ServiceDesks: 2, Requests: 300}))
	t.Cleanup(srv.Close)
	srv.SetLatency(60 * time.Millisecond)
	limits := Limits{ItemTimeout: time.Second, TotalTimeout: 150 * time.Millisecond}
	listing, err := listRequests(t, srv, customerRequestMapping, limits)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Collect(listing.Items); err != nil || len(listing.Items) != 300 {
		t.Fatalf("%d requests mapped (%v), want 300", len(listing.Items), err)
	}
}

// A list whose mapping runs longer than the total limit stops with the
// limit as configured, naming an item by its position in the list.
func TestListRunStopsAtTheTotalLimit(t *testing.T) {
	srv := fakejsm.New(fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 3, ServiceDesks: 2, Requests: 300}))
	t.Cleanup(srv.Close)
	m := customerRequestMapping
	m.Properties = map[string]string{"slow": "[range(200000)] | length"}
	limits := Limits{ItemTimeout: time.Minute, TotalTimeout: 150 * time.Millisecond}
	_, err := listRequests(t, srv, m, limits)
	var limit *LimitError
	if !errors.As(err, &limit) || limit.Kind != LimitTotalTimeout || limit.Limits != limits {
		t.Fatalf("err = %v, want the total limit of 150ms", err)
	}
	var itemErr *Error
	if !errors.As(err, &itemErr) || !strings.Contains(err.Error(), "ran past the time limit of 150ms for all items together") {
		t.Fatalf("err = %v, want an item named and the limit", err)
	}
}

// Once the pages have used up the total limit, the next page stops at its
// first item.
func TestListRunSharesTheTotalTimeLimit(t *testing.T) {
	m := organizationMapping
	m.Properties = map[string]string{"slow": "[range(200000)] | length"}
	limits := Limits{ItemTimeout: time.Minute, TotalTimeout: 50 * time.Millisecond}
	run := mustCompile(t, m).StartList(limits)
	if _, err := run.MapPage(t.Context(), 0, decoded(t, numbered(100000))); err == nil {
		t.Fatal("100,000 slow items mapped within 50ms")
	}
	_, err := run.MapPage(t.Context(), 300, decoded(t, numbered(10)))
	var limit *LimitError
	if !errors.As(err, &limit) || limit.Kind != LimitTotalTimeout || limit.Limits != limits {
		t.Fatalf("err = %v, want the total limit of 50ms", err)
	}
	var itemErr *Error
	if !errors.As(err, &itemErr) || itemErr.Index != 300 {
		t.Fatalf("err = %v, want the page's first item named", err)
	}
}

// decoded decodes items as jsm.DecodePage does.
func decoded(t *testing.T, items []json.RawMessage) []any {
	t.Helper()
	docs := make([]any, len(items))
	for i, raw := range items {
		var d jsonvalue.Decoder
		doc, err := d.Decode(string(raw))
		if err != nil {
			t.Fatal(err)
		}
		docs[i] = doc
	}
	return docs
}
