package mapping

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

func numbered(n int) []json.RawMessage {
	items := make([]json.RawMessage, n)
	for i := range items {
		items[i] = json.RawMessage(fmt.Sprintf(`{"id":%d,"name":"org %d","scimManaged":%t}`, i, i, i%3 == 0))
	}
	return items
}

func TestMapKeepsEveryItemWithManyWorkers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	items := numbered(20000)
	m := organizationMapping
	m.Selector = ".id % 7 != 3"
	set := mustMap(t, m, items)
	for i := range items {
		e, ok := set[strconv.Itoa(i)]
		if ok != (i%7 != 3) {
			t.Fatalf("item %d: kept %v", i, ok)
		}
		if name, _ := e.Properties.Get("name"); ok && name != entity.String(fmt.Sprintf("org %d", i)) {
			t.Fatalf("item %d mapped to %+v", i, e)
		}
	}
	if len(set) != 20000-20000/7 {
		t.Errorf("Len = %d", len(set))
	}
}

func TestMapReportsTheLowestFailingItem(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	items := numbered(30000)
	for _, bad := range []int{29999, 17000, 9001} {
		items[bad] = json.RawMessage(`{"id":1,"name":null}`)
	}
	m := organizationMapping
	m.Identifier = ".name"
	p := mustCompile(t, m)
	for range 8 {
		_, err := p.Map(t.Context(), items, DefaultLimits)
		var me *Error
		if !errors.As(err, &me) || me.Index != 9001 || me.Field != "identifier" {
			t.Fatalf("got %v, want the identifier error of item 9001", err)
		}
	}
}

func TestMapStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := mustCompile(t, organizationMapping).Map(ctx, numbered(1000), DefaultLimits)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before the start: %v", err)
	}

	// A runaway expression stops when the context ends, with no limit set.
	for _, runaway := range []string{"[range(1e12)] | length", "def f: f; f"} {
		m := organizationMapping
		m.Properties = map[string]string{"slow": runaway}
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		start := time.Now()
		_, err = mustCompile(t, m).Map(ctx, numbered(10), Limits{})
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: %v", runaway, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: Map took %v to stop", runaway, d)
		}
	}
}

func TestMapEmpty(t *testing.T) {
	set := mustMap(t, organizationMapping, nil)
	if len(set) != 0 || mustCanonical(t, set) != "{}" {
		t.Errorf("empty input: %d entities, %s", len(set), mustCanonical(t, set))
	}
}

// TestSeedMappingsOnATenant maps a generated tenant with the three seed
// mappings.
func TestSeedMappingsOnATenant(t *testing.T) {
	tenant := fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 7, ServiceDesks: 5, Requests: 3000, Organizations: 40})
	for _, tc := range []struct {
		mapping Mapping
		items   []json.RawMessage
	}{
		{serviceDeskMapping, tenant.ServiceDesksJSON()},
		{customerRequestMapping, tenant.RequestsJSON()},
		{organizationMapping, tenant.OrganizationsJSON()},
	} {
		set := mustMap(t, tc.mapping, tc.items)
		if len(set) != len(tc.items) {
			t.Errorf("%d entities from %d items", len(set), len(tc.items))
		}
		doc := set.Encode()
		if again, err := jsonvalue.Canonicalize(doc); err != nil || string(again) != string(doc) {
			t.Errorf("Encode output is not canonical (%v)", err)
		}
		if parsed, err := entity.Parse(doc); err != nil || !parsed.Equal(set) {
			t.Errorf("entity.Parse does not give back the mapped set (%v)", err)
		}
	}
}
