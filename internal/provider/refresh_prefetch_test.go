package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

const searchRequests = "POST /v1/blueprints/{blueprint}/entities/search"

// portWithEntities is a fake Port holding n entities of blueprint bp, and a
// client of it.
func portWithEntities(t *testing.T, n int) (*fakeport.Server, *port.Client) {
	t.Helper()
	srv := startPort(t)
	mustEdit(t, srv.PutBlueprint(map[string]any{"identifier": "bp", "title": "BP", "schema": map[string]any{"properties": map[string]any{}}}))
	for i := range n {
		mustEdit(t, srv.PutEntity("bp", map[string]any{"identifier": fmt.Sprintf("e%05d", i), "title": "T"}))
	}
	client, err := port.New(port.Config{BaseURL: srv.URL(), ClientID: "test-client", ClientSecret: "test-secret"})
	if err != nil {
		t.Fatal(err)
	}
	return srv, client
}

func identifiers(t *testing.T, search searchPages) []string {
	t.Helper()
	var ids []string
	err := search(t.Context(), func(page []entity.Entity) error {
		for _, e := range page {
			ids = append(ids, e.Identifier)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// A search started ahead of its refresh hands the refresh every entity in
// Port's order, as a search of its own would, and Port is searched once.
func TestRefreshTakesOverTheSearchStartedAhead(t *testing.T) {
	srv, client := portWithEntities(t, 2500)
	want := identifiers(t, func(ctx context.Context, use func([]entity.Entity) error) error {
		return client.SearchEntityPages(ctx, "bp", port.Search{}, use)
	})
	srv.ResetCounters()
	r := newRefreshPrefetch()
	r.configure(client, nil)
	r.start(t.Context(), "bp")
	r.start(t.Context(), "bp")
	waitFor(t, func() bool { return srv.RequestCounts()[searchRequests] >= 2 })
	started := r.take("bp")
	if started == nil {
		t.Fatal("no search to take over")
	}
	if r.take("bp") != nil {
		t.Fatal("the search was handed over twice")
	}
	if got := identifiers(t, started.follow); !slices.Equal(got, want) {
		t.Fatalf("the search started ahead gave %d entities, want the %d of a search of its own, in its order", len(got), len(want))
	}
	if got := srv.RequestCounts()[searchRequests]; got != 3 {
		t.Fatalf("Port was asked for %d search pages, want the 3 of one search", got)
	}
}

// Until a refresh takes it, a search reads at most its pages ahead; then it
// goes on to the end.
func TestSearchAheadStopsAtItsPages(t *testing.T) {
	srv, client := portWithEntities(t, 6000)
	r := newRefreshPrefetch()
	r.pages = 2
	r.configure(client, nil)
	r.start(t.Context(), "bp")
	// Two pages held, a third handed over and waiting, and the fourth,
	// asked for as soon as the third's cursor was read.
	waitFor(t, func() bool { return srv.RequestCounts()[searchRequests] >= 4 })
	time.Sleep(100 * time.Millisecond)
	if got := srv.RequestCounts()[searchRequests]; got != 4 {
		t.Fatalf("Port was asked for %d pages before the refresh took the search, want 4", got)
	}
	if got := identifiers(t, r.take("bp").follow); len(got) != 6000 {
		t.Fatalf("the refresh got %d entities, want 6000", len(got))
	}
}

// A search no refresh takes in time is dropped, and so are those of the last
// walk when the provider is configured again.
func TestSearchAheadIsDroppedUntaken(t *testing.T) {
	srv, client := portWithEntities(t, 10)
	r := newRefreshPrefetch()
	r.wait = 50 * time.Millisecond
	r.configure(client, nil)
	r.start(t.Context(), "bp")
	time.Sleep(200 * time.Millisecond)
	if r.take("bp") != nil {
		t.Fatal("a search no refresh took was kept past its wait")
	}

	r.wait = time.Minute
	r.start(t.Context(), "bp")
	r.configure(client, nil)
	if r.take("bp") != nil {
		t.Fatal("a search of the last walk was handed to this one")
	}
	r.configure(nil, nil)
	srv.ResetCounters()
	r.start(t.Context(), "bp")
	if r.take("bp") != nil || srv.RequestCounts()[searchRequests] != 0 {
		t.Fatal("a search started without a Port client")
	}
}

// A search that fails hands its error to the refresh, after the pages it
// read.
func TestSearchAheadHandsOverItsError(t *testing.T) {
	srv, client := portWithEntities(t, 2500)
	srv.FailRequests("POST", "/v1/blueprints/bp/entities/search", 400, -1)
	r := newRefreshPrefetch()
	r.configure(client, nil)
	r.start(t.Context(), "bp")
	err := r.take("bp").follow(t.Context(), func([]entity.Entity) error { return nil })
	if err == nil {
		t.Fatal("the refresh read a search that Port refused")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

// TestAccRefreshSearchesAheadOnce runs the real CLI: a plan that refreshes
// starts the search of portjsm_entities when Terraform upgrades its state,
// the refresh reads it, Port is searched once, and drift made in Port
// shows; a plan with -refresh=false searches nothing.
func TestAccRefreshSearchesAheadOnce(t *testing.T) {
	srv := startPort(t)
	tf := newTerraformCLI(t, "testdata/refresh_ahead.tf", nil)
	vars := fmt.Sprintf(`{"port_base_url": %q}`, srv.URL())
	if err := os.WriteFile(filepath.Join(tf.dir, "terraform.tfvars.json"), []byte(vars), 0o600); err != nil {
		t.Fatal(err)
	}
	tf.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	mustEdit(t, srv.PutEntity("item", map[string]any{"identifier": "i2999", "title": "Renamed in Port"}))
	logFile := filepath.Join(t.TempDir(), "provider.log")
	tf.environ = append(tf.environ, "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH="+logFile)

	srv.ResetCounters()
	out := tf.run([]int{2}, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if !strings.Contains(out, "Renamed in Port") {
		t.Fatalf("the plan does not show the title changed in Port:\n%s", out)
	}
	if got := srv.RequestCounts()[searchRequests]; got != 3 {
		t.Fatalf("the plan searched Port for %d pages, want the 3 of one search", got)
	}
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(log, []byte("searching a blueprint's entities ahead of its refresh")) {
		t.Fatal("the refresh's search did not start at the upgrade")
	}

	if err := os.Remove(logFile); err != nil {
		t.Fatal(err)
	}
	srv.ResetCounters()
	tf.run([]int{0}, "plan", "-detailed-exitcode", "-refresh=false", "-input=false", "-no-color")
	if got := srv.RequestCounts()[searchRequests]; got != 0 {
		t.Fatalf("a plan with -refresh=false searched Port for %d pages", got)
	}
	if log, _ := os.ReadFile(logFile); bytes.Contains(log, []byte("ahead of its refresh")) {
		t.Fatal("a plan with -refresh=false started a search")
	}
}
