package jsm_test

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsm"
)

// activitySeed is PORTJSM_ACTIVITY_SEED when set, so that a failure can be
// replayed, and a fresh seed otherwise.
func activitySeed(t *testing.T) uint64 {
	if v := os.Getenv("PORTJSM_ACTIVITY_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return seed
	}
	return uint64(time.Now().UnixNano())
}

func issueIDSet(t *testing.T, items []json.RawMessage) map[string]int {
	t.Helper()
	set := make(map[string]int, len(items))
	for _, raw := range items {
		var r struct {
			IssueID string `json:"issueId"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatal(err)
		}
		set[r.IssueID]++
	}
	return set
}

// TestDrainUnderActivityMissesNothing drains a 20,000-request desk again and
// again while agents update requests and customers raise new ones, in both
// activity orders, and checks that no request that existed for the whole
// drain is ever missing from the result, nor listed twice. Replay a failure
// with PORTJSM_ACTIVITY_SEED=<the logged seed>.
func TestDrainUnderActivityMissesNothing(t *testing.T) {
	seed := activitySeed(t)
	t.Logf("seed %d (replay with PORTJSM_ACTIVITY_SEED=%d)", seed, seed)
	tenant := fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 20, ServiceDesks: 8, Requests: 20_000, Organizations: 20})
	srv := fakejsm.New(tenant)
	t.Cleanup(srv.Close)
	client, err := jsm.New(jsm.Config{BaseURL: srv.URL(), Username: fakejsm.DefaultEmail, APIToken: fakejsm.DefaultAPIToken})
	if err != nil {
		t.Fatal(err)
	}
	const drainsPerOrder = 4
	for _, order := range []fakejsm.ActivityOrder{fakejsm.OldestActivityFirst, fakejsm.LatestActivityFirst} {
		tenant.SetActivityOrder(order)
		reads, settled, moved := 0, 0, 0
		for run := range drainsPerOrder {
			activity := fakejsm.Activity{Seed: seed + uint64(run), UpdatesPerPage: 0.3, CreationsPerPage: 0.05}
			before := tenant.RequestIDs()
			srv.SetActivity(activity)
			listing, err := client.List(context.Background(), "/request", jsm.ListOptions{})
			log := srv.ActivityLog()
			srv.SetActivity(fakejsm.Activity{})
			if err != nil {
				t.Fatalf("order %d run %d: %v", order, run, err)
			}
			got := issueIDSet(t, listing.Items)
			for id, n := range got {
				if n > 1 {
					t.Fatalf("order %d run %d: request %s listed %d times", order, run, id, n)
				}
			}
			after := map[string]bool{}
			for _, id := range tenant.RequestIDs() {
				after[id] = true
			}
			for _, id := range before {
				if after[id] && got[id] == 0 {
					t.Errorf("order %d run %d (%+v): request %s existed throughout the drain and is missing (reads %d, settled %v)",
						order, run, activity, id, listing.Reads, listing.Settled)
				}
			}
			reads += listing.Reads
			moved += log.Updates + log.Creations
			if listing.Settled {
				settled++
			}
		}
		t.Logf("%s: %d drains, %d changes during them, %d reads, %d settled", orderName(order), drainsPerOrder, moved, reads, settled)
		if reads == drainsPerOrder {
			t.Errorf("%s: no drain was ever read twice: the activity did not move the list, the test proves nothing", orderName(order))
		}
	}
}

func orderName(o fakejsm.ActivityOrder) string {
	if o == fakejsm.LatestActivityFirst {
		return "latest activity first"
	}
	return "oldest activity first"
}

// TestDrainUnderDeletionsMissesAtMostTheDeleted measures the documented
// limit of offset paging: a request deleted during a read can hide a
// neighbour without any repeat. Each miss must be explained by a deletion.
func TestDrainUnderDeletionsMissesAtMostTheDeleted(t *testing.T) {
	seed := activitySeed(t)
	t.Logf("seed %d", seed)
	tenant := fakejsm.GenerateTenant(fakejsm.TenantOptions{Seed: 21, ServiceDesks: 4, Requests: 5_000})
	srv := fakejsm.New(tenant)
	t.Cleanup(srv.Close)
	client, err := jsm.New(jsm.Config{BaseURL: srv.URL(), Username: fakejsm.DefaultEmail, APIToken: fakejsm.DefaultAPIToken})
	if err != nil {
		t.Fatal(err)
	}
	missedTotal, deletedTotal := 0, 0
	for run := range 6 {
		before := tenant.RequestIDs()
		srv.SetActivity(fakejsm.Activity{Seed: seed + uint64(run), UpdatesPerPage: 0.2, DeletionsPerPage: 0.1})
		listing, err := client.List(context.Background(), "/request", jsm.ListOptions{})
		log := srv.ActivityLog()
		srv.SetActivity(fakejsm.Activity{})
		if err != nil {
			t.Fatal(err)
		}
		got := issueIDSet(t, listing.Items)
		after := map[string]bool{}
		for _, id := range tenant.RequestIDs() {
			after[id] = true
		}
		missed := 0
		for _, id := range before {
			if after[id] && got[id] == 0 {
				missed++
			}
		}
		if missed > log.Deletions {
			t.Errorf("run %d: %d requests missed but only %d deleted", run, missed, log.Deletions)
		}
		missedTotal += missed
		deletedTotal += log.Deletions
	}
	t.Logf("%d requests deleted during the drains, %d neighbours missed", deletedTotal, missedTotal)
}
