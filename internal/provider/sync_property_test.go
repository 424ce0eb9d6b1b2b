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
// random sequences through the real Terraform CLI. Each step changes the
// source (set directly, or through a fake JSM that moves and fails while it
// is read) or Port (UI edits, other writers, entities that need the sync's
// through a required relation), arms a fault, and runs an apply (with or
// without a refresh, sometimes interrupted) or a refresh-only apply. After
// every step:
//
//   - the state records no entity Port does not hold (after a refresh);
//   - Port holds no entity this sync was asked to write that no state owns;
//   - nothing another writer made is changed, deleted or owned, even where
//     the source produces its identifier and Port refuses the sync's version;
//   - no entity still in the source (or still in JSM) is deleted.
//
// Once faults stop and other writers let go, at most two applies converge
// and the next plan is empty. SYNC_PROPERTY_SEQUENCES, SYNC_PROPERTY_STEPS
// and SYNC_PROPERTY_SEED (make chaos sets them) size the run; a failure
// prints the seed to replay.
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

// syncModel is the source of the syncs and what other writers made.
type syncModel struct {
	rng      *rand.Rand
	desks    entity.Set
	requests entity.Set
	// collide are the sync's versions of other writers' requests, which
	// Port refuses: the source produces their identifiers, the sync never
	// owns them.
	collide entity.Set
	next    int
	asked   map[string]bool // every identifier the syncs were ever asked to write
	others  map[string]map[string]any
	// blockers are other writers' requests that need a desk of the sync
	// through a required relation, so its delete waits for them.
	blockers map[string]bool
}

func runSyncSequence(t *testing.T, seed uint64, steps int) int {
	r := newSyncRig(t)
	r.portJudges = true // collisions are versions Port refuses at the apply
	r.withJSM(seed)
	m := &syncModel{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), desks: entity.Set{}, requests: entity.Set{},
		collide: entity.Set{}, asked: map[string]bool{}, others: map[string]map[string]any{}, blockers: map[string]bool{}}
	for range 2 {
		m.addDesk()
	}
	for range 6 {
		m.addRequest()
	}
	m.addOther(r)
	if m.rng.IntN(2) == 0 {
		m.addCollision(r) // only a first sync records entities it did not write
	}
	for step := range steps {
		before := m.heldInSource(r)
		jsmBefore := r.jsmHeld()
		what := m.change(r)
		fault := m.injectFault(r)
		jsmEvent := m.jsmEvent(r)
		r.setSource(m.desks, m.sourceRequests(), r.jsmVars())
		out, code, how := m.run(r, fault)
		jsmDeleted := r.jsmDeletionsDuringReads()
		clearFaults(r)
		t.Logf("step %d: %s; fault %s; JSM %s; %s exited %d", step, what, fault, jsmEvent, how, code)
		if strings.Contains(out, "Provider produced inconsistent") || strings.Contains(out, "panic:") || strings.Contains(out, "tainted") {
			t.Fatalf("step %d: the %s broke Terraform's contract:\n%s", step, how, out)
		}
		m.checkInvariants(t, r, step, before, jsmBefore, jsmDeleted, out)
	}
	m.letGo(r)
	r.setSource(m.desks, m.sourceRequests(), r.jsmVars())
	var out string
	for attempt := 1; ; attempt++ {
		var code int
		out, code = r.apply()
		if code == 0 && !strings.Contains(out, "Warning: Deletes Waiting") {
			break
		}
		if attempt == 2 {
			t.Fatalf("two applies after the faults stopped did not converge:\n%s", out)
		}
	}
	mustPlanEmpty(t, r)
	m.checkInvariants(t, r, steps, m.heldInSource(r), r.jsmHeld(), 0, out)
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
	if got, want := portIDs(r, rigJSMBlueprint), r.jsmServed(); !slices.Equal(got, want) {
		t.Fatalf("after converging Port holds JSM requests %v, want the %d JSM serves %v", got, len(want), want)
	}
	return steps
}

// run carries out one step: an apply (with or without a refresh, or
// interrupted when the fault says so) or a refresh-only apply.
func (m *syncModel) run(r *syncRig, fault string) (string, int, string) {
	args := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	if fault == "interrupt" {
		r.port.SetLatency(time.Duration(20+m.rng.IntN(30)) * time.Millisecond)
		r.port.ResetCounters()
		out, code := r.tf.interruptedWhen(r.bulkWritesSeen(1+m.rng.IntN(3)), args...)
		return out, code, "interrupted apply"
	}
	skipRefresh := m.rng.IntN(10) < 3
	if len(m.waitingDesks()) > 0 {
		skipRefresh = m.rng.IntN(4) > 0 // the apply that must carry waiting deletes without a refresh
	}
	switch {
	case skipRefresh:
		out, code := r.tf.exec(append(args, "-refresh=false")...)
		return out, code, "apply -refresh=false"
	case m.rng.IntN(7) == 0:
		out, code := r.tf.exec(append(args, "-refresh-only")...)
		return out, code, "apply -refresh-only"
	}
	out, code := r.tf.exec(args...)
	return out, code, "apply"
}

// sourceRequests is what the requests sync is given: the model's requests
// and the refused versions of other writers' identifiers.
func (m *syncModel) sourceRequests() entity.Set {
	out := m.requests.Clone()
	for id, e := range m.collide {
		out[id] = e
	}
	return out
}

func (m *syncModel) sourceOf(bp string) entity.Set {
	if bp == "desk" {
		return m.desks
	}
	return m.sourceRequests()
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

// addOther makes an entity of another writer in each blueprint and returns
// the request's identifier.
func (m *syncModel) addOther(r *syncRig) string {
	m.next++
	deskID, reqID := fmt.Sprint("X", m.next), fmt.Sprint("XR", m.next)
	desk := map[string]any{"identifier": deskID, "title": "Another writer's desk", "properties": map[string]any{"name": "x"}}
	req := map[string]any{"identifier": reqID, "title": "Another writer's request",
		"properties": map[string]any{"status": "open"}, "relations": map[string]any{"desk": deskID}}
	mustEdit(r.t, r.port.PutEntity("desk", desk))
	mustEdit(r.t, r.port.PutEntity("request", req))
	m.others["desk/"+deskID] = desk
	m.others["request/"+reqID] = req
	return reqID
}

// addCollision makes another writer's request and puts the identifier into
// the source with a version Port refuses.
func (m *syncModel) addCollision(r *syncRig) string {
	id := m.addOther(r)
	desks := slices.Sorted(maps.Keys(m.desks))
	m.collide[id] = refusedVersionOf(id, desks[m.rng.IntN(len(desks))])
	return id
}

// addBlocker makes another writer's request that needs a desk of the sync
// that Port holds, so that deleting the desk waits for it.
func (m *syncModel) addBlocker(r *syncRig) (what, desk string) {
	var held []string
	for _, id := range portIDs(r, "desk") {
		if m.asked["desk/"+id] {
			held = append(held, id)
		}
	}
	if len(held) == 0 {
		return "no desk of the sync in Port to block", ""
	}
	m.next++
	id, desk := fmt.Sprint("XB", m.next), held[m.rng.IntN(len(held))]
	req := map[string]any{"identifier": id, "title": "Another writer's request on a synced desk",
		"properties": map[string]any{"status": "open"}, "relations": map[string]any{"desk": desk}}
	mustEdit(r.t, r.port.PutEntity("request", req))
	m.others["request/"+id] = req
	m.blockers[id] = true
	return "another writer's " + id + " needs desk " + desk, desk
}

// removeDesk drops a desk from the source with its requests.
func (m *syncModel) removeDesk(id string) {
	delete(m.desks, id)
	for rid, e := range m.requests {
		if desk, _ := e.Relations.Get("desk"); desk == entity.String(id) {
			delete(m.requests, rid)
		}
	}
	for rid, e := range m.collide {
		if desk, _ := e.Relations.Get("desk"); desk == entity.String(id) {
			delete(m.collide, rid)
		}
	}
}

// blockedDesks are the desks of the source that other writers' requests need.
func (m *syncModel) blockedDesks() []string {
	var out []string
	for id := range m.blockers {
		relations, _ := m.others["request/"+id]["relations"].(map[string]any)
		desk, _ := relations["desk"].(string)
		if _, inSource := m.desks[desk]; inSource && !slices.Contains(out, desk) {
			out = append(out, desk)
		}
	}
	slices.Sort(out)
	return out
}

// waitingDesks are the desks the source dropped that other writers'
// requests still need: their deletes wait.
func (m *syncModel) waitingDesks() []string {
	var out []string
	for id := range m.blockers {
		relations, _ := m.others["request/"+id]["relations"].(map[string]any)
		desk, _ := relations["desk"].(string)
		if _, inSource := m.desks[desk]; !inSource && m.asked["desk/"+desk] && !slices.Contains(out, desk) {
			out = append(out, desk)
		}
	}
	return out
}

// quiet says whether this step runs without faults: while a delete waits,
// three steps in four do, so that applies which carry it land.
func (m *syncModel) quiet() bool {
	return len(m.waitingDesks()) > 0 && m.rng.IntN(4) > 0
}

// removeBlocker is the other writer deleting one of its blocking requests.
func (m *syncModel) removeBlocker(r *syncRig) string {
	ids := slices.Sorted(maps.Keys(m.blockers))
	if len(ids) == 0 {
		return "no change"
	}
	id := ids[m.rng.IntN(len(ids))]
	m.dropOther(r, id)
	return "another writer deleted " + id
}

func (m *syncModel) dropOther(r *syncRig, id string) {
	r.port.DeleteEntity("request", id)
	delete(m.others, "request/"+id)
	delete(m.blockers, id)
}

// letGo ends what keeps a sync from converging: other writers delete their
// blocking requests and the source stops producing refused versions.
func (m *syncModel) letGo(r *syncRig) {
	for id := range m.blockers {
		m.dropOther(r, id)
	}
	m.collide = entity.Set{}
}

// change applies one random change to the source or to Port. While a
// dropped desk waits for another writer's request, three changes in four
// are to the desks, so that the source keeps changing while the delete
// waits.
func (m *syncModel) change(r *syncRig) string {
	requests := slices.Sorted(maps.Keys(m.requests))
	k := m.rng.IntN(14)
	if len(m.waitingDesks()) > 0 && m.rng.IntN(4) > 0 {
		k = []int{5, 13}[m.rng.IntN(2)]
	}
	switch {
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
		if blocked := m.blockedDesks(); len(blocked) > 0 && m.rng.IntN(2) == 0 {
			desks = blocked // the case that needs deletes to wait across steps
		}
		id := desks[m.rng.IntN(len(desks))]
		m.removeDesk(id)
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
	case k == 8:
		return "the source produces another writer's " + m.addCollision(r) + ", in a version Port refuses"
	case k == 9 && len(m.collide) > 0:
		ids := slices.Sorted(maps.Keys(m.collide))
		id := ids[m.rng.IntN(len(ids))]
		delete(m.collide, id)
		return "the source stopped producing another writer's " + id
	case k == 10:
		what, desk := m.addBlocker(r)
		if _, inSource := m.desks[desk]; inSource && len(m.desks) > 1 && m.rng.IntN(2) == 0 {
			m.removeDesk(desk)
			what += ", and the source dropped that desk with its requests"
		}
		return what
	case k == 11:
		return m.removeBlocker(r)
	case k == 13 && len(m.desks) > 0:
		desks := slices.Sorted(maps.Keys(m.desks))
		id := desks[m.rng.IntN(len(desks))]
		e := m.desks[id]
		e.Properties = entity.Fields{{Key: "name", Value: entity.String(fmt.Sprint("desk-", id, "-", m.rng.IntN(100)))}}
		m.desks[id] = e
		return "renamed desk " + id
	case k == 12 && len(requests) > 0:
		id := requests[m.rng.IntN(len(requests))]
		value := []entity.JSON{"9007199254740993", "0.1000000000000000055511151231257827", "-18014398509481985", "123456789.123456789123"}[m.rng.IntN(4)]
		e := m.requests[id]
		e.Properties = entity.Fields{{Key: "size", Value: value}, {Key: "status", Value: `"open"`}}
		m.requests[id] = e
		return fmt.Sprintf("request %s got size %s, which Port holds as a double", id, value)
	default:
		return "no change"
	}
}

// injectFault arms one random Port fault for the next apply.
func (m *syncModel) injectFault(r *syncRig) string {
	if m.quiet() {
		return "none"
	}
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
	r.clearJSMFaults()
}

// heldInSource returns the entities of the two syncs' blueprints that Port
// holds now: none that is still in the source may be deleted.
func (m *syncModel) heldInSource(r *syncRig) map[string]bool {
	held := map[string]bool{}
	for _, bp := range []string{"desk", "request"} {
		for _, id := range portIDs(r, bp) {
			held[bp+"/"+id] = true
		}
	}
	return held
}

func (m *syncModel) checkInvariants(t *testing.T, r *syncRig, step int, heldBefore map[string]bool, jsmBefore []string, jsmDeleted int, out string) {
	t.Helper()
	port := m.heldInSource(r)
	owned := map[string]entity.Set{"desk": r.ownedNow(rigDesks), "request": r.ownedNow(rigRequests)}
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
	r.checkJSMInvariants(t, step, jsmBefore, jsmDeleted, out)
	// The refresh this check needs must not change the sequence under test
	// (it would put waiting deletes back in the state before the next
	// apply): the state is restored after it.
	defer r.restoreState(r.saveState())
	if out, code := r.tf.exec("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("step %d: refresh failed:\n%s", step, out)
	}
	held := map[string]bool{}
	for _, bp := range []string{"desk", "request", rigJSMBlueprint} {
		for _, id := range portIDs(r, bp) {
			held[bp+"/"+id] = true
		}
	}
	for bp, address := range map[string]string{"desk": rigDesks, "request": rigRequests, rigJSMBlueprint: rigJSM} {
		for id := range r.owned(address) {
			if !held[bp+"/"+id] {
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
