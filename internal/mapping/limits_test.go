package mapping

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/itchyny/gojq"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// requireLimit fails the test unless err wraps a LimitError of kind.
func requireLimit(t *testing.T, err error, kind LimitKind) {
	t.Helper()
	var le *LimitError
	if !errors.As(err, &le) || le.Kind != kind {
		t.Fatalf("got %v, want a limit error of kind %d", err, kind)
	}
}

func TestMapStopsARunawayItemAtTheItemLimit(t *testing.T) {
	m := organizationMapping
	loop := `if .id == 7 then (def f: f; f) else .name end`
	m.Properties = map[string]string{"name": ".name", "loop": loop}
	limits := Limits{ItemTimeout: 100 * time.Millisecond}
	_, err := mustCompile(t, m).Map(t.Context(), numbered(50), limits)
	requireLimit(t, err, LimitItemTimeout)
	var me *Error
	if !errors.As(err, &me) || me.Index != 7 || me.Field != "properties.loop" || me.Expr != loop {
		t.Fatalf("got %v, want item 7, properties.loop and its expression", err)
	}
	for _, want := range []string{"item 7", "properties.loop", loop, "time limit of 100ms"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
}

// A typo that makes every item run away fails at the first item it names,
// after its second chance, not once the run's total limit is reached: the
// suspect is evaluated again alone before the run goes on.
func TestMapFailsAtTheFirstRunawayWhenEveryItemRunsAway(t *testing.T) {
	m := organizationMapping
	m.Properties = map[string]string{"loop": "def f: f; f"}
	limits := Limits{ItemTimeout: 50 * time.Millisecond, TotalTimeout: 3 * time.Second}
	_, err := mustCompile(t, m).Map(t.Context(), numbered(1000), limits)
	requireLimit(t, err, LimitItemTimeout)
	var me *Error
	if !errors.As(err, &me) || me.Field != "properties.loop" {
		t.Fatalf("got %v, want the item limit reached in properties.loop", err)
	}
}

func TestMapStopsAtTheTotalLimit(t *testing.T) {
	m := organizationMapping
	m.Properties = map[string]string{"slow": "[range(200000)] | length"}
	limits := Limits{ItemTimeout: time.Minute, TotalTimeout: 50 * time.Millisecond}
	_, err := mustCompile(t, m).Map(t.Context(), numbered(100000), limits)
	requireLimit(t, err, LimitTotalTimeout)
	if !strings.Contains(err.Error(), "time limit of 50ms for all items together") {
		t.Errorf("%q does not name the limit", err)
	}
}

func TestMapWithinLimitsIsUnchanged(t *testing.T) {
	items := numbered(5000)
	p := mustCompile(t, organizationMapping)
	limited, err := p.Map(t.Context(), items, Limits{ItemTimeout: time.Second, TotalTimeout: time.Minute, MaxMemory: 256 << 20})
	if err != nil {
		t.Fatal(err)
	}
	unlimited, err := p.Map(t.Context(), items, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustCanonical(t, limited), mustCanonical(t, unlimited); a != b {
		t.Error("the limits changed the result")
	}
}

func TestFirstAndDataPathStopAtTheItemLimit(t *testing.T) {
	limits := Limits{ItemTimeout: 50 * time.Millisecond}
	code, err := CompileExpr("expression", "def f: f; f")
	if err != nil {
		t.Fatal(err)
	}
	_, err = First(t.Context(), code, nil, limits)
	requireLimit(t, err, LimitItemTimeout)

	_, err = ExtractItems(t.Context(), []byte(`{"values":[]}`), "def f: f; f", limits)
	requireLimit(t, err, LimitItemTimeout)
	if !strings.Contains(err.Error(), `data_path "def f: f; f" ran longer than its time limit of 50ms`) {
		t.Errorf("%q does not name the data path and the limit", err)
	}
}

func TestFirstStopsWhenTheContextEnds(t *testing.T) {
	code, err := CompileExpr("expression", "def f: f; f")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err = First(ctx, code, nil, Limits{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's error", err)
	}
	var le *LimitError
	if errors.As(err, &le) {
		t.Errorf("a cancelled context reported as a limit: %v", err)
	}
}

func TestFirstReturnsTheFirstOutput(t *testing.T) {
	code, err := CompileExpr("expression", ".a[]")
	if err != nil {
		t.Fatal(err)
	}
	input := map[string]any{"a": []any{"x", "y"}}
	v, err := First(t.Context(), code, input, DefaultLimits)
	if err != nil || v != "x" {
		t.Errorf("got %v, %v", v, err)
	}
	code, _ = CompileExpr("expression", "error(\"boom\")")
	_, err = First(t.Context(), code, input, DefaultLimits)
	var ve gojq.ValueError
	if !errors.As(err, &ve) {
		t.Errorf("got %v, want JQ's error", err)
	}
}

// hookedItems are raw items that call a hook whenever item at is decoded,
// with how many times it was decoded before: a way to act while that item
// is being mapped, its slot published.
type hookedItems struct {
	rawItems
	at    int
	calls atomic.Int32
	hook  func(call int)
}

func (h *hookedItems) doc(index int, dec *jsonvalue.Decoder) (any, *Error) {
	if index == h.at {
		h.hook(int(h.calls.Add(1)) - 1)
	}
	return h.rawItems.doc(index, dec)
}

// mapHooked maps items as Map does, with a hook at one item.
func mapHooked(t *testing.T, p *Program, items *hookedItems, limits Limits) (entity.Set, error) {
	t.Helper()
	outcomes, err := p.mapAll(t.Context(), items, limits, newJQClock(limits.TotalTimeout))
	if err != nil {
		return nil, err
	}
	return Collect(outcomes)
}

// TestMapSurvivesAStall stalls one item past the per-item limit the first
// time it is mapped, as a loaded machine can though no field is slow: the
// watch cancels it, it is evaluated again alone, and it maps with no error.
func TestMapSurvivesAStall(t *testing.T) {
	limits := Limits{ItemTimeout: 10 * time.Millisecond}
	items := &hookedItems{rawItems: rawItems(numbered(200)), at: 42, hook: func(call int) {
		if call == 0 {
			time.Sleep(20 * limits.ItemTimeout)
		}
	}}
	set, err := mapHooked(t, mustCompile(t, organizationMapping), items, limits)
	if err != nil {
		t.Fatal(err)
	}
	if items.calls.Load() != 2 {
		t.Fatalf("item 42 was decoded %d times; the stall should have had it evaluated again", items.calls.Load())
	}
	if name, _ := set["42"].Properties.Get("name"); len(set) != 200 || name != entity.String("org 42") {
		t.Fatalf("got %d entities, item 42's name %s", len(set), name)
	}
}

// largeItems are n items with an 11 KB string property.
func largeItems(n int) []json.RawMessage {
	text := strings.Repeat("lorem ipsum ", 11<<10/12)
	items := make([]json.RawMessage, n)
	for i := range items {
		items[i] = json.RawMessage(fmt.Sprintf(`{"id":%d,"name":"org %d","description":%q}`, i, i, text))
	}
	return items
}

// The memory limit bounds what one evaluation grows, not the results a
// mapping keeps: 4,000 items with an 11 KB property keep over 40 MiB of
// entities, ten times a 4 MiB limit, and map. (So do 100,000 such items
// under the default 1 GiB: BenchmarkLargeProperties.)
func TestMapKeepsResultsLargerThanTheMemoryLimit(t *testing.T) {
	m := organizationMapping
	m.Properties = map[string]string{"description": ".description"}
	items := largeItems(4000)
	set, err := mustCompile(t, m).Map(t.Context(), items, Limits{ItemTimeout: DefaultLimits.ItemTimeout, MaxMemory: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != len(items) {
		t.Fatalf("%d entities from %d items", len(set), len(items))
	}
}

// Another goroutine's allocation while a mapping runs (a second data
// source reading at the same time) is not the mapping's: a trivial
// mapping under a 32 MiB limit maps while 100 MiB are allocated and held
// in the middle of it.
func TestMapIgnoresAnotherGoroutinesMemory(t *testing.T) {
	var held [][]byte
	allocated := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	items := &hookedItems{rawItems: rawItems(numbered(20000)), at: 1000, hook: func(call int) {
		if call > 0 {
			return
		}
		go func() {
			for range 100 {
				held = append(held, bytes.Repeat([]byte{1}, 1<<20))
			}
			close(allocated)
			<-release
			runtime.KeepAlive(held)
		}()
		<-allocated
	}}
	set, err := mapHooked(t, mustCompile(t, organizationMapping), items, Limits{ItemTimeout: DefaultLimits.ItemTimeout, MaxMemory: 32 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != 20000 {
		t.Fatalf("%d entities from 20,000 items", len(set))
	}
}

// An evaluation that grows without bound still reaches the memory limit,
// among items that do not, and the error names its item, its field and
// the limit.
func TestMapNamesTheItemThatReachesTheMemoryLimit(t *testing.T) {
	for _, runaway := range []string{"[range(1e9)] | length", "def f: [., f]; f"} {
		m := organizationMapping
		expr := "if .id == 137 then " + runaway + " else .name end"
		m.Properties = map[string]string{"name": ".name", "huge": expr}
		_, err := mustCompile(t, m).Map(t.Context(), numbered(300), Limits{ItemTimeout: 10 * time.Minute, MaxMemory: 4 << 20})
		requireLimit(t, err, LimitMemory)
		var me *Error
		if !errors.As(err, &me) || me.Index != 137 || me.Field != "properties.huge" || me.Expr != expr {
			t.Fatalf("%s: got %v, want item 137, properties.huge and its expression", runaway, err)
		}
		if !strings.Contains(err.Error(), "limit of 4 MiB") {
			t.Errorf("%q does not name the limit", err)
		}
	}
}
