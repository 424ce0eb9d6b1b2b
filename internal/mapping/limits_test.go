package mapping

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/itchyny/gojq"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
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

func TestMapStopsABuildingExpressionAtTheMemoryLimit(t *testing.T) {
	m := organizationMapping
	m.Properties = map[string]string{"huge": "[range(1e9)] | length"}
	limits := Limits{ItemTimeout: 10 * time.Minute, MaxMemory: 16 << 20}
	_, err := mustCompile(t, m).Map(t.Context(), numbered(1), limits)
	requireLimit(t, err, LimitMemory)
	var me *Error
	if !errors.As(err, &me) || me.Index != 0 || me.Field != "properties.huge" {
		t.Fatalf("got %v, want item 0 and properties.huge", err)
	}
	if !strings.Contains(err.Error(), "limit of 16 MiB") {
		t.Errorf("%q does not name the limit", err)
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

// TestMapSurvivesAStall has the watchdog cancel an item's evaluation, as
// it does when a loaded machine stalls an item past the per-item limit
// though no field is slow: the item is evaluated again field by field and
// mapped, with no error.
func TestMapSurvivesAStall(t *testing.T) {
	p := mustCompile(t, organizationMapping)
	dog := startWatchdog(t.Context(), Limits{ItemTimeout: time.Hour}, 1)
	defer dog.stop()
	w := &worker{p: p, ctx: dog.slotContext(0)}
	dog.expire(0, &LimitError{Kind: LimitItemTimeout, Limits: dog.limits, Items: []int{0}})
	e, keep, err := w.mapWatched(dog, 0, 0, rawItems(numbered(1)))
	if err != nil || !keep || e.Identifier != "0" || !e.Properties.Has("name") || e.Properties[0] != (entity.Field{Key: "name", Value: `"org 0"`}) {
		t.Fatalf("got %+v, %v, %v", e, keep, err)
	}
	// The slot has a fresh context for the next item.
	if _, _, err := w.mapWatched(dog, 0, 1, rawItems(numbered(2))); err != nil {
		t.Fatalf("the next item: %v", err)
	}
}
