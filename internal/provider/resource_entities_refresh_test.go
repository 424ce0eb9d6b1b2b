package provider

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

// TestRefreshProjectsPagesThatArriveBeforeTheState: the refresh reads Port
// while the state's document is still being parsed; pages that arrive first
// wait for it and are projected as the others are.
func TestRefreshProjectsPagesThatArriveBeforeTheState(t *testing.T) {
	srv := startPort(t)
	mustEdit(t, srv.PutBlueprint(map[string]any{"identifier": "bp", "title": "BP", "schema": map[string]any{"properties": map[string]any{}}}))
	inState := entity.Set{}
	for i := range 2500 {
		id := fmt.Sprintf("e%04d", i)
		mustEdit(t, srv.PutEntity("bp", map[string]any{"identifier": id, "title": "Held " + id}))
		title := "Held " + id
		if i%1000 == 7 {
			title = "Stale " + id // drifted in Port: the refresh must show Port's title
		}
		inState.Add(entity.Entity{Identifier: id, Title: &title})
	}
	stateDoc := string(inState.Encode())
	client, err := port.New(port.Config{BaseURL: srv.URL(), ClientID: "test-client", ClientSecret: "test-secret"})
	if err != nil {
		t.Fatal(err)
	}
	slowParse := func() (entity.Set, error) {
		// The parse ends only once Port has been asked for all three pages.
		for deadline := time.Now().Add(5 * time.Second); srv.RequestCounts()[searchRequests] < 3; {
			if time.Now().After(deadline) {
				return nil, errors.New("the refresh waited for the state before asking Port for its pages")
			}
			time.Sleep(time.Millisecond)
		}
		return entity.Parse([]byte(stateDoc))
	}
	search := func(ctx context.Context, use func(page []entity.Entity) error) error {
		return client.SearchEntityPages(ctx, "bp", port.Search{}, use)
	}
	doc, err := refreshedEntities(context.Background(), search, "", ownership{}, slowParse, stateDoc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := entity.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2500 {
		t.Fatalf("the refresh kept %d of the 2500 entities", len(got))
	}
	for _, id := range []string{"e0007", "e1007", "e2007"} {
		if title := got[id].Title; title == nil || *title != "Held "+id {
			t.Errorf("entity %s has title %v after the refresh, want Port's %q", id, title, "Held "+id)
		}
	}
}
