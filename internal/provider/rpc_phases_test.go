package provider

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestAccPhaseBreakdownAtDebug: at TF_LOG_PROVIDER=DEBUG every call that
// handles a sync's documents logs where its time went: the JSM read's network
// wait, decoding, JQ and entities_json; the refresh's and the apply's Port
// network wait, decoding, encoding and diffing; and the plugin framework's
// share, each phase within the provider's handler and the handler within the
// call.
func TestAccPhaseBreakdownAtDebug(t *testing.T) {
	r := newQuotaRig(t)
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	r.tf.environ = append(r.tf.environ, "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH="+logFile)
	mustApply(t, r.syncRig, 0, "Apply complete! Resources: 1 added")
	r.tf.run([]int{0}, "plan", "-input=false")

	calls := phaseBreakdowns(t, logFile)
	for _, want := range []struct {
		rpc, typeName string
		phases        []string
	}{
		{"ReadDataSource", "portjsm_customer_requests", []string{"jsm_network", "jsm_decode", "jq", "entities_json"}},
		{"ApplyResourceChange", "portjsm_entities", []string{"port_network", "port_encode", "port_decode"}},
		{"ReadResource", "portjsm_entities", []string{"port_network", "port_decode", "diff"}},
		{"ValidateResourceConfig", "portjsm_entities", nil},
		{"PlanResourceChange", "portjsm_entities", nil},
	} {
		found := calls[want.rpc+" "+want.typeName]
		if len(found) == 0 {
			t.Errorf("no phase breakdown of %s %s in the log", want.rpc, want.typeName)
			continue
		}
		for _, call := range found {
			total, provider, framework := call["total"], call["provider"], call["framework"]
			if total <= 0 || provider > total || framework < 0 || framework > total {
				t.Errorf("%s %s: total %.1f ms, provider %.1f ms, framework %.1f ms do not add up", want.rpc, want.typeName, total, provider, framework)
			}
		}
		last := found[len(found)-1]
		for _, phase := range want.phases {
			ms, ok := last[phase]
			if !ok || ms > last["provider"] {
				t.Errorf("%s %s: phase %s is %.1f ms (logged: %v), want within the provider's %.1f ms", want.rpc, want.typeName, phase, ms, ok, last["provider"])
			}
		}
	}
}

// phaseBreakdowns reads the "phase breakdown" lines of a Terraform log: per
// "rpc type_name", each call's milliseconds by phase (total, provider and
// framework included).
func phaseBreakdowns(t *testing.T, logFile string) map[string][]map[string]float64 {
	t.Helper()
	f, err := os.Open(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]map[string]float64{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, "phase breakdown:") {
			continue
		}
		var rpc, typeName string
		ms := map[string]float64{}
		for _, field := range strings.Fields(line) {
			k, v, ok := strings.Cut(field, "=")
			switch {
			case !ok:
			case k == "rpc":
				rpc = v
			case k == "type_name":
				typeName = v
			case strings.HasSuffix(k, "_ms"):
				n, err := strconv.ParseFloat(strings.Trim(v, `"`), 64)
				if err != nil {
					t.Fatalf("phase %s logged as %q: %v", k, v, err)
				}
				ms[strings.TrimSuffix(k, "_ms")] = n
			}
		}
		out[rpc+" "+typeName] = append(out[rpc+" "+typeName], ms)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
