package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
)

func TestResolveJQ(t *testing.T) {
	var diags diag.Diagnostics
	if got := resolveJQ(nil, &diags); got != mapping.DefaultLimits || diags.HasError() {
		t.Errorf("no settings: %+v, %v", got, diags)
	}

	t.Setenv(envJQTotalTimeout, "5m")
	t.Setenv(envJQMaxMemoryMiB, "4096")
	got := resolveJQ(&jqModel{ItemTimeout: types.StringValue("3s"), MaxMemoryMiB: types.Int64Value(2048)}, &diags)
	want := mapping.Limits{ItemTimeout: 3 * time.Second, TotalTimeout: 5 * time.Minute, MaxMemory: 2048 << 20}
	if got != want || diags.HasError() {
		t.Errorf("configuration over environment: got %+v, want %+v (%v)", got, want, diags)
	}

	t.Setenv(envJQItemTimeout, "soon")
	resolveJQ(nil, &diags)
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "jq.item_timeout (environment variable PORTJSM_JQ_ITEM_TIMEOUT)") {
		t.Errorf("a bad environment variable: %v", diags)
	}
}

func TestFunctionJQLimits(t *testing.T) {
	if got, err := functionJQLimits(); err != nil || got != mapping.DefaultLimits {
		t.Errorf("no environment: %+v, %v", got, err)
	}
	t.Setenv(envJQItemTimeout, "10s")
	t.Setenv(envJQMaxMemoryMiB, "512")
	if got, err := functionJQLimits(); err != nil || got.ItemTimeout != 10*time.Second || got.MaxMemory != 512<<20 {
		t.Errorf("from the environment: %+v, %v", got, err)
	}
	t.Setenv(envJQMaxMemoryMiB, "0")
	if _, err := functionJQLimits(); err == nil || !strings.Contains(err.Error(), envJQMaxMemoryMiB) {
		t.Errorf("a bad memory limit: %v", err)
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Second: "1s", time.Minute: "1m", 90 * time.Second: "1m30s", time.Hour: "1h", 1500 * time.Millisecond: "1.5s"} {
		if got := shortDuration(d); got != want {
			t.Errorf("%v: got %q, want %q", d, got, want)
		}
	}
}
