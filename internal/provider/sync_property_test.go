package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// TestAccSyncProperty checks the ownership rule of the sync over seeded
// random sequences of source changes, Port faults and interrupted applies,
// through the real Terraform CLI. After every step:
//
//   - the state records no entity Port does not hold (after the refresh
//     every plan starts with);
//   - Port holds no entity this sync was asked to write that no state owns;
//   - nothing another writer made is changed or deleted;
//   - no entity still in the source is deleted.
//
// Once faults stop, at most two applies converge and the next plan is empty.
// SYNC_PROPERTY_SEQUENCES, SYNC_PROPERTY_STEPS and SYNC_PROPERTY_SEED
// (make chaos sets them) size the run; a failure prints the seed to replay.
func TestAccSyncProperty(t *testing.T) {
	sequences := envInt(t, "SYNC_PROPERTY_SEQUENCES", 1)
	steps := envInt(t, "SYNC_PROPERTY_STEPS", 5)
	seed := uint64(envInt(t, "SYNC_PROPERTY_SEED", int(time.Now().UnixNano()%1_000_000)))
	total := 0
	for i := range sequences {
		s := seed + uint64(i)
		if !t.Run(fmt.Sprint("seed=", s), func(t *testing.T) { total += runSyncSequence(t, s, steps) }) {
			break
		}
	}
	t.Logf("ran %d sequences, %d steps in all, from seed %d (replay with SYNC_PROPERTY_SEED=%d)", sequences, total, seed, seed)
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s=%q is not a number", name, v)
	}
	return n
}

// syncModel is the source of both syncs and what other writers made.
type syncModel struct {
	rng      *rand.Rand
	desks    entity.Set
	requests entity.Set
	next     int
	asked    map[string]bool // every identifier the syncs were ever asked to write
	others   map[string]map[string]any
}

func runSyncSequence(t *testing.T, seed uint64, steps int) int {
	r := newSyncRig(t)
	m := &syncModel{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), desks: entity.Set{}, requests: entity.Set{},
		asked: map[string]bool{}, others: map[string]map[string]any{}}
	for range 2 {
		m.addDesk()
	}
	for range 6 {
		m.addRequest()
	}
	m.addOther(r)
	for step := range steps {
		before := m.heldInSource(r)
		what := m.change(r)
		fault := m.injectFault(r)
		r.setSource(m.desks, m.requests, nil)
		var out string
		var code int
		if fault == "interrupt" {
			r.port.SetLatency(time.Duration(20+m.rng.IntN(30)) * time.Millisecond)
			r.port.ResetCounters()
			out, code = r.tf.interruptedWhen(r.bulkWritesSeen(1+m.rng.IntN(3)), "apply", "-auto-approve", "-input=false", "-no-color")
		} else {
			out, code = r.apply()
		}
		clearFaults(r)
		t.Logf("step %d: %s; fault %s; apply exited %d", step, what, fault, code)
		if strings.Contains(out, "Provider produced inconsistent") || strings.Contains(out, "panic:") || strings.Contains(out, "tainted") {
			t.Fatalf("step %d: the apply broke Terraform's contract:\n%s", step, out)
		}
		m.checkInvariants(t, r, step, before)
	}
	for attempt := 1; ; attempt++ {
		out, code := r.apply()
		if code == 0 && !strings.Contains(out, "Warning: Deletes Waiting") {
			break
		}
		if attempt == 2 {
			t.Fatalf("two applies after the faults stopped did not converge:\n%s", out)
		}
	}
	mustPlanEmpty(t, r)
	m.checkInvariants(t, r, steps, m.heldInSource(r))
	for _, bp := range []string{"desk", "request"} {
		want := slices.Sorted(maps.Keys(m.sourceOf(bp)))
		for id := range m.others {
			if strings.HasPrefix(id, bp+"/") {
				want = append(want, strings.TrimPrefix(id, bp+"/"))
			}
		}
		slices.Sort(want)
		if got := portIDs(r, bp); !slices.Equal(got, want) {
			t.Fatalf("after converging Port holds %s %v, want %v", bp, got, want)
		}
	}
	return steps
}

func (m *syncModel) sourceOf(bp string) entity.Set {
	if bp == "desk" {
		return m.desks
	}
	return m.requests
}

func (m *syncModel) addDesk() string {
	m.next++
	id := fmt.Sprint("D", m.next)
	m.desks[id] = deskEntity(id)
	m.asked["desk/"+id] = true
	return id
}

func (m *syncModel) addRequest() string {
	m.next++
	id := fmt.Sprint("R", m.next)
	desks := slices.Sorted(maps.Keys(m.desks))
	m.requests[id] = requestEntity(id, desks[m.rng.IntN(len(desks))])
	m.asked["request/"+id] = true
	return id
}

// addOther makes an entity of another writer in each blueprint.
func (m *syncModel) addOther(r *syncRig) {
	m.next++
	deskID, reqID := fmt.Sprint("X", m.next), fmt.Sprint("XR", m.next)
	desk := map[string]any{"identifier": deskID, "title": "Another writer's desk", "properties": map[string]any{"name": "x"}}
	req := map[string]any{"identifier": reqID, "title": "Another writer's request",
		"properties": map[string]any{"status": "open"}, "relations": map[string]any{"desk": deskID}}
	mustEdit(r.t, r.port.PutEntity("desk", desk))
	mustEdit(r.t, r.port.PutEntity("request", req))
	m.others["desk/"+deskID] = desk
	m.others["request/"+reqID] = req
}

// change applies one random change to the source or to Port.
func (m *syncModel) change(r *syncRig) string {
	requests := slices.Sorted(maps.Keys(m.requests))
	switch k := m.rng.IntN(9); {
	case k == 0:
		return "added request " + m.addRequest()
	case k == 1 && len(requests) > 0:
		id := requests[m.rng.IntN(len(requests))]
		delete(m.requests, id)
		return "removed request " + id
	case k == 2 && len(requests) > 0:
		id := requests[m.rng.IntN(len(requests))]
		e := m.requests[id]
		e.Properties = entity.Fields{{Key: "status", Value: entity.String(fmt.Sprint("status-", m.rng.IntN(5)))}}
		m.requests[id] = e
		return "edited request " + id
	case k == 3 && len(requests) > 0:
		id := requests[m.rng.IntN(len(requests))]
		e := m.requests[id]
		empty := ""
		e.Title = &empty
		m.requests[id] = e
		return "emptied the title of request " + id
	case k == 4 && len(m.desks) > 1:
		desks := slices.Sorted(maps.Keys(m.desks))
		id := desks[m.rng.IntN(len(desks))]
		delete(m.desks, id)
		for rid, e := range m.requests {
			if desk, _ := e.Relations.Get("desk"); desk == entity.String(id) {
				delete(m.requests, rid)
			}
		}
		return "removed desk " + id + " with its requests"
	case k == 5:
		id := m.addDesk()
		m.next++
		rid := fmt.Sprint("R", m.next)
		m.requests[rid] = requestEntity(rid, id)
		m.asked["request/"+rid] = true
		return "added desk " + id + " with request " + rid
	case k == 6 && len(requests) > 0:
		id := requests[m.rng.IntN(len(requests))]
		if e, ok := r.port.Entity("request", id); ok {
			e["title"] = "Edited in the UI"
			mustEdit(r.t, r.port.PutEntity("request", e))
		}
		return "edited request " + id + " in Port's UI"
	case k == 7:
		m.addOther(r)
		return "another writer added entities"
	default:
		return "no change"
	}
}

// injectFault arms one random fault for the next apply.
func (m *syncModel) injectFault(r *syncRig) string {
	requests := slices.Sorted(maps.Keys(m.requests))
	switch m.rng.IntN(8) {
	case 0:
		r.port.FailRequests("POST", "/v1/blueprints/request/entities/bulk", 503, 1+m.rng.IntN(4))
		return "503 on request upserts"
	case 1:
		r.port.RateLimitEvery(2+m.rng.IntN(3), 0)
		return "429 storm"
	case 2:
		r.port.LoseAnswers("POST", "/v1/blueprints/", 502, 1+m.rng.IntN(3))
		return "writes that land but lose their answer"
	case 3:
		if len(requests) > 0 {
			r.port.FailBulkEntities(requests[m.rng.IntN(len(requests))])
			return "207 refusal of one request"
		}
	case 4:
		r.port.ExpireTokens()
		return "token expiry"
	case 5:
		return "interrupt"
	}
	return "none"
}

func clearFaults(r *syncRig) {
	r.port.FailRequests("POST", "/v1/blueprints/request/entities/bulk", 0, 0)
	r.port.RateLimitEvery(0, 0)
	r.port.LoseAnswers("POST", "/v1/blueprints/", 0, 0)
	r.port.FailBulkEntities()
	r.port.SetLatency(0)
}

// heldInSource returns the source entities Port holds now: none of them may
// be deleted by the next apply.
func (m *syncModel) heldInSource(r *syncRig) map[string]bool {
	held := map[string]bool{}
	for _, bp := range []string{"desk", "request"} {
		for _, id := range portIDs(r, bp) {
			held[bp+"/"+id] = true
		}
	}
	return held
}

func (m *syncModel) checkInvariants(t *testing.T, r *syncRig, step int, heldBefore map[string]bool) {
	t.Helper()
	port := m.heldInSource(r)
	owned := map[string]entity.Set{"desk": r.owned(rigDesks), "request": r.owned(rigRequests)}
	for bp, address := range map[string]string{"desk": rigDesks, "request": rigRequests} {
		maps.Copy(owned[bp], r.pending(address))
	}
	for key := range port {
		bp, id, _ := strings.Cut(key, "/")
		if _, ok := owned[bp][id]; m.asked[key] && !ok {
			t.Fatalf("step %d: Port holds %s, which the sync wrote, and no state owns it", step, key)
		}
	}
	for key := range heldBefore {
		bp, id, _ := strings.Cut(key, "/")
		if _, inSource := m.sourceOf(bp)[id]; inSource && !port[key] {
			t.Fatalf("step %d: %s is still in the source but was deleted from Port", step, key)
		}
	}
	for key, want := range m.others {
		bp, id, _ := strings.Cut(key, "/")
		got, ok := r.port.Entity(bp, id)
		if !ok || !sameWrite(got, want) {
			t.Fatalf("step %d: another writer's %s was changed or deleted: %v", step, key, got)
		}
		if _, ok := owned[bp][id]; ok {
			t.Fatalf("step %d: the state owns another writer's %s", step, key)
		}
	}
	if out, code := r.tf.exec("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("step %d: refresh failed:\n%s", step, out)
	}
	for bp, set := range map[string]entity.Set{"desk": r.owned(rigDesks), "request": r.owned(rigRequests)} {
		for id := range set {
			if !port[bp+"/"+id] {
				t.Fatalf("step %d: after a refresh the state records %s/%s, which Port does not hold", step, bp, id)
			}
		}
	}
}

// sameWrite compares what a writer wrote with what Port holds.
func sameWrite(got, want map[string]any) bool {
	for _, k := range []string{"title", "properties", "relations"} {
		a, _ := json.Marshal(got[k])
		b, _ := json.Marshal(want[k])
		if k != "title" {
			a, b = subset(got[k], want[k])
		}
		if string(a) != string(b) {
			return false
		}
	}
	return true
}

// subset encodes the keys of want as got and want hold them.
func subset(got, want any) ([]byte, []byte) {
	g, _ := got.(map[string]any)
	w, _ := want.(map[string]any)
	picked, wanted := map[string]any{}, map[string]any{}
	for k, v := range w {
		picked[k], wanted[k] = g[k], v
	}
	a, _ := json.Marshal(picked)
	b, _ := json.Marshal(wanted)
	return a, b
}
