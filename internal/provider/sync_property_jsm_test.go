package provider

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

// The property test's third sync reads its source from a fake JSM through
// portjsm_customer_requests (testdata/convergence, when jsm_base_url is
// set), with four requests a page so that a read spans several pages.
const (
	rigJSM          = "portjsm_entities.jsm[0]"
	rigJSMBlueprint = "jsmRequest"
)

// withJSM starts the fake JSM and the blueprint the third sync writes.
func (r *syncRig) withJSM(seed uint64) {
	r.t.Helper()
	r.jsm = startJSM(r.t, fakejsm.TenantOptions{Seed: int64(seed), ServiceDesks: 2, Requests: 18})
	mustEdit(r.t, r.port.PutBlueprint(map[string]any{
		"identifier": rigJSMBlueprint, "title": "JSM request",
		"schema": map[string]any{"properties": map[string]any{"status": map[string]any{"type": "string"}}},
	}))
}

// jsmVars are the variables that turn the third sync on.
func (r *syncRig) jsmVars() map[string]any {
	if r.jsm == nil {
		return nil
	}
	return map[string]any{"jsm_base_url": r.jsm.URL(), "jsm_api_token": fakejsm.DefaultAPIToken}
}

// jsmEvent arms one random event on the JSM side for the next step: the
// list moving while it is read, a page that fails, or a new request.
func (m *syncModel) jsmEvent(r *syncRig) string {
	if r.jsm == nil {
		return "off"
	}
	if m.quiet() {
		return "none"
	}
	switch m.rng.IntN(8) {
	case 0, 1:
		r.jsm.SetActivity(fakejsm.Activity{Seed: m.rng.Uint64(), UpdatesPerPage: 0.6, CreationsPerPage: 0.2, DeletionsPerPage: 0.2})
		return "activity during the read"
	case 2:
		start := 4 * (1 + m.rng.IntN(3))
		r.jsm.EmptyPageAt("/request", start)
		return fmt.Sprint("an empty page at start=", start)
	case 3:
		times := 1 + m.rng.IntN(2)
		r.jsm.FailRequests("/request", 503, times)
		return fmt.Sprint(times, " answers of 503 on /request")
	case 4:
		desks := r.jsm.Tenant().ServiceDeskIDs()
		id, _, err := r.jsm.Tenant().AddRequest(fakejsm.NewRequest{ServiceDeskID: desks[m.rng.IntN(len(desks))], Summary: "Raised between runs"})
		mustEdit(r.t, err)
		return "request " + id + " raised"
	}
	return "none"
}

func (r *syncRig) clearJSMFaults() {
	if r.jsm == nil {
		return
	}
	r.jsm.SetActivity(fakejsm.Activity{})
	r.jsm.ClearFaults()
}

// jsmHeld returns the third sync's entities that Port holds.
func (r *syncRig) jsmHeld() []string {
	if r.jsm == nil {
		return nil
	}
	return portIDs(r, rigJSMBlueprint)
}

// jsmServed returns the issue ids the fake JSM serves now, read without the
// product's client.
func (r *syncRig) jsmServed() []string {
	if r.jsm == nil {
		return nil
	}
	doc, _ := servedItems(r.t, r.jsm, "/request", nil)
	var items []struct {
		IssueID string `json:"issueId"`
	}
	if err := json.Unmarshal([]byte(doc), &items); err != nil {
		r.t.Fatal(err)
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.IssueID
	}
	slices.Sort(ids)
	return ids
}

// jsmDeletionsDuringReads is how many requests the fake JSM's activity
// deleted while the last command read the list.
func (r *syncRig) jsmDeletionsDuringReads() int {
	if r.jsm == nil {
		return 0
	}
	return r.jsm.ActivityLog().Deletions
}

// checkJSMInvariants: Port holds no entity of the third sync that no state
// owns, and a request that JSM still serves was not deleted from Port,
// unless the read warned that the list never settled, or requests were
// deleted in JSM during the read: each such deletion can hide a neighbour
// without a repeat (the documented limit of offset paging over a moving
// list; the next run writes it back), so at most as many requests may be
// missed as were deleted.
func (r *syncRig) checkJSMInvariants(t *testing.T, step int, before []string, deletedDuringReads int, out string) {
	t.Helper()
	if r.jsm == nil {
		return
	}
	owned := r.ownedNow(rigJSM)
	held := r.jsmHeld()
	for _, id := range held {
		if _, ok := owned[id]; !ok {
			t.Fatalf("step %d: Port holds JSM request %s, which the sync wrote, and no state owns it", step, id)
		}
	}
	if strings.Contains(out, "Warning: JSM List Changed While Read") {
		return
	}
	served := r.jsmServed()
	var missed []string
	for _, id := range before {
		if slices.Contains(served, id) && !slices.Contains(held, id) {
			missed = append(missed, id)
		}
	}
	if len(missed) > deletedDuringReads {
		t.Fatalf("step %d: JSM requests %v are still in JSM but were deleted from Port, more than the %d deleted in JSM during the reads, "+
			"and no warning said the read may be incomplete:\n%s", step, missed, deletedDuringReads, out)
	}
}

// ownedNow returns what a sync owns after the last command, before any
// refresh: its state without the entities it did not write, with the
// deletes that wait for dependents.
func (r *syncRig) ownedNow(address string) entity.Set {
	r.t.Helper()
	owned := r.owned(address)
	for _, id := range r.unwritten(address) {
		delete(owned, id)
	}
	for id, e := range r.pending(address) {
		owned[id] = e
	}
	return owned
}
