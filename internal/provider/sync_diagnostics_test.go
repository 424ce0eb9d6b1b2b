package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/nettest"
)

func manyDesks(n int) entity.Set {
	set := entity.Set{}
	for i := range n {
		set[fmt.Sprint("D", i)] = deskEntity(fmt.Sprint("D", i))
	}
	return set
}

// TestAccSyncErrorsByCause applies a sync through the CLI under each kind of
// failure and reads the title and advice a user gets.
func TestAccSyncErrorsByCause(t *testing.T) {
	t.Run("port failing", func(t *testing.T) {
		r := newSyncRig(t)
		r.port.FailRequests("POST", "/v1/blueprints/desk/entities/bulk", 503, -1)
		r.setSource(manyDesks(30), nil, nil)
		out := mustApply(t, r, 1, "Error: Port Is Failing Or Unreachable", "run apply again", "port.timeout (PORT_TIMEOUT)",
			"port.max_retries (PORT_MAX_RETRIES)", "HTTP 503")
		if strings.Contains(out, "fix the mapping") || strings.Contains(out, "Refused") {
			t.Fatalf("Port's outage is blamed on the configuration:\n%s", out)
		}
		r.port.FailRequests("POST", "/v1/blueprints/desk/entities/bulk", 0, 0)
		mustApply(t, r, 0)
		mustPlanEmpty(t, r)
	})
	t.Run("port unreachable", func(t *testing.T) {
		r := newSyncRig(t)
		closed := "http://" + nettest.ClosedAddr(t)
		r.setSource(manyDesks(3), nil, map[string]any{"port_base_url": closed})
		mustApply(t, r, 1, "Error: Port Unreachable", "port.base_url (PORT_BASE_URL)", "was not retried")
	})
	t.Run("port silent", func(t *testing.T) {
		r := newSyncRig(t)
		silent := "http://" + nettest.SilentAddr(t, nil)
		r.setSource(manyDesks(3), nil, map[string]any{"port_base_url": silent, "port_timeout": "1s"})
		mustApply(t, r, 1, "Error: Port Timed Out", "port.timeout (PORT_TIMEOUT, now 1s)")
	})
	t.Run("identical refusals summarised", func(t *testing.T) {
		r := newSyncRig(t)
		r.portJudges = true
		desks := manyDesks(80)
		for id, e := range desks {
			e.Properties = entity.Fields{{Key: "undeclared", Value: `"x"`}}
			desks[id] = e
		}
		r.setSource(desks, nil, nil)
		out := mustApply(t, r, 1, "Error: Port Refused Some Entities", "Port refused 80 entities", `"<identifier>"`,
			"(80 entities: D0, D1, D10, D11, D12 and 75 more)", "fix the mapping or the blueprint's schema")
		if n := strings.Count(out, "is not defined in the blueprint's schema"); n != 1 {
			t.Fatalf("the refusal is listed %d times, want once with a count:\n%s", n, out)
		}
	})
	t.Run("entity too large", func(t *testing.T) {
		r := newSyncRig(t)
		desks := manyDesks(3)
		big := desks["D1"]
		big.Properties = entity.Fields{{Key: "name", Value: entity.String(strings.Repeat("x", 1<<20))}}
		desks["D1"] = big
		r.setSource(desks, nil, nil)
		mustApply(t, r, 0, "Warning: Entities Too Large", "D1", "bytes, more than the 1 MiB", "Make them smaller")
		if got := portIDs(r, "desk"); len(got) != 2 {
			t.Fatalf("Port holds %v, want the two entities of a normal size", got)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		r := newSyncRig(t)
		r.setSource(manyDesks(400), nil, nil)
		r.port.SetLatency(100 * time.Millisecond)
		out, code := r.tf.interruptedWhen(r.bulkWritesSeen(2), "apply", "-auto-approve", "-input=false", "-no-color")
		r.port.SetLatency(0)
		flat := strings.Join(strings.Fields(out), " ")
		if code == 0 || !strings.Contains(flat, "Sync Cancelled") || !strings.Contains(flat, "Nothing is lost") || strings.Contains(flat, "HTTP 0") {
			t.Fatalf("an interrupted apply (exit %d) does not say it was cancelled and nothing is lost:\n%s", code, out)
		}
		owned := r.owned(rigDesks)
		for _, id := range portIDs(r, "desk") {
			if _, ok := owned[id]; !ok {
				t.Fatalf("Port holds %s, written before the interrupt, and the state does not own it", id)
			}
		}
		mustApply(t, r, 0)
		mustPlanEmpty(t, r)
	})
}
