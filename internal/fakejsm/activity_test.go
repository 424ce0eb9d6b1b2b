package fakejsm

import (
	"net/url"
	"slices"
	"strconv"
	"testing"
)

func TestRequestsAreOrderedByLatestActivity(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 11, Requests: 40})
	tn := s.Tenant()
	before := issueIDs(t, collect(t, s, "/rest/servicedeskapi/request", url.Values{"limit": {"7"}}))
	if !slices.Equal(before, tn.RequestIDs()) {
		t.Fatalf("served %v, RequestIDs says %v", before, tn.RequestIDs())
	}
	moved := before[3]
	if err := tn.SetRequestStatus(moved, "Resolved", CategoryDone); err != nil {
		t.Fatal(err)
	}
	after := issueIDs(t, collect(t, s, "/rest/servicedeskapi/request", url.Values{"limit": {"7"}}))
	want := append(slices.Delete(slices.Clone(before), 3, 4), moved)
	if !slices.Equal(after, want) {
		t.Fatalf("after a transition of %s, oldest-first order is %v, want %v", moved, after, want)
	}

	tn.SetActivityOrder(LatestActivityFirst)
	newest := issueIDs(t, collect(t, s, "/rest/servicedeskapi/request", url.Values{"limit": {"7"}}))
	slices.Reverse(want)
	if !slices.Equal(newest, want) || !slices.Equal(tn.RequestIDs(), want) {
		t.Fatalf("latest-first order is %v, want %v", newest, want)
	}
	id, _, err := tn.AddRequest(NewRequest{Summary: "VPN down"})
	if err != nil {
		t.Fatal(err)
	}
	if first := tn.RequestIDs()[0]; first != id {
		t.Fatalf("a new request is not first in latest-first order: %s, want %s", first, id)
	}
}

func TestActivityMovesTheListWhileItIsPaged(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 12, Requests: 500})
	start := s.Tenant().RequestIDs()
	s.SetActivity(Activity{Seed: 1, UpdatesPerPage: 1, CreationsPerPage: 0.5, DeletionsPerPage: 0.5})
	pages := 0
	for from := 0; ; from += 50 {
		env := getPage(t, s, "/rest/servicedeskapi/request?limit=50&start="+strconv.Itoa(from))
		pages++
		if env.IsLastPage {
			break
		}
	}
	log := s.ActivityLog()
	if log.Updates != pages {
		t.Fatalf("%d updates over %d pages, want one a page", log.Updates, pages)
	}
	if log.Creations == 0 || log.Deletions == 0 || len(log.Deleted) != log.Deletions {
		t.Fatalf("activity log %+v", log)
	}
	end := s.Tenant().RequestIDs()
	if len(end) != len(start)+log.Creations-log.Deletions {
		t.Fatalf("%d requests after %+v, started with %d", len(end), log, len(start))
	}
	for _, id := range log.Deleted {
		if slices.Contains(end, id) {
			t.Fatalf("deleted request %s is still listed", id)
		}
	}
	s.SetActivity(Activity{})
	if got := s.Tenant().RequestIDs(); !slices.Equal(got, issueIDs(t, collect(t, s, "/rest/servicedeskapi/request", nil))) {
		t.Fatal("activity went on after it was stopped")
	}
}

func TestPageRepeatFaults(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 13, Requests: 300})
	all := s.Tenant().RequestIDs()

	s.DuplicateWithinPage("/request", 100)
	env := getPage(t, s, "/rest/servicedeskapi/request?limit=50&start=100")
	got := issueIDs(t, env.Values)
	if env.Start != 100 || env.Size != 50 || env.IsLastPage || !slices.Equal(got[:25], all[100:125]) || !slices.Equal(got[25:], all[100:125]) {
		t.Fatalf("duplicated page: start=%d size=%d ids %v", env.Start, env.Size, got)
	}
	if other := issueIDs(t, getPage(t, s, "/rest/servicedeskapi/request?limit=50&start=50").Values); !slices.Equal(other, all[50:100]) {
		t.Fatal("a page without the fault changed")
	}

	s.DuplicateWithinPage("/request", -1)
	s.RepeatPageAt("/request", 150, 50)
	env = getPage(t, s, "/rest/servicedeskapi/request?limit=50&start=150")
	if got := issueIDs(t, env.Values); env.Start != 150 || env.Size != 50 || !slices.Equal(got, all[50:100]) {
		t.Fatalf("repeated page: start=%d size=%d ids %v", env.Start, env.Size, got)
	}
	s.ClearFaults()
	if got := issueIDs(t, getPage(t, s, "/rest/servicedeskapi/request?limit=50&start=150").Values); !slices.Equal(got, all[150:200]) {
		t.Fatal("ClearFaults left the repeated page")
	}
}
