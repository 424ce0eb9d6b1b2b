package port

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

func TestBlueprintRoundTrip(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	doc := map[string]any{
		"identifier":  "team",
		"title":       "Team",
		"icon":        "Team",
		"description": "A team",
		"schema": map[string]any{
			"properties": map[string]any{"lead": map[string]any{"type": "string", "title": "Lead"}},
			"required":   []any{},
		},
	}
	created, err := h.c.CreateBlueprint(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	if created["identifier"] != "team" || created["createdAt"] == nil {
		t.Errorf("created = %v", created)
	}

	got, err := h.c.GetBlueprint(ctx, "team")
	if err != nil {
		t.Fatal(err)
	}
	if got["description"] != "A team" || get(got, "schema", "properties", "lead", "title") != "Lead" {
		t.Errorf("get = %v", got)
	}

	if _, err := h.c.CreateBlueprint(ctx, doc); !httpbase.IsStatus(err, http.StatusConflict) {
		t.Errorf("second create: err = %v, want 409", err)
	}
	if n := h.count("POST", "/v1/blueprints"); n != 2 {
		t.Errorf("create requests = %d, want 2", n)
	}

	replaced, err := h.c.ReplaceBlueprint(ctx, "team", map[string]any{"identifier": "team", "title": "Squad", "schema": map[string]any{"properties": map[string]any{}}})
	if err != nil {
		t.Fatal(err)
	}
	if replaced["title"] != "Squad" || replaced["description"] != nil || get(replaced, "schema", "properties", "lead") != nil {
		t.Errorf("replace kept fields it should drop: %v", replaced)
	}

	patched, err := h.c.PatchBlueprint(ctx, "team", map[string]any{"description": "Patched"})
	if err != nil {
		t.Fatal(err)
	}
	if patched["title"] != "Squad" || patched["description"] != "Patched" {
		t.Errorf("patch = %v", patched)
	}
	stored, _ := h.srv.Blueprint("team")
	if stored["description"] != "Patched" {
		t.Errorf("stored = %v", stored)
	}

	if err := h.c.DeleteBlueprint(ctx, "team"); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.srv.Blueprint("team"); ok {
		t.Error("blueprint still stored after delete")
	}
	if _, err := h.c.GetBlueprint(ctx, "team"); !httpbase.IsNotFound(err) {
		t.Errorf("get after delete: err = %v, want 404", err)
	}
}

func TestDeleteBlueprintWithEntities(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	h.seed(t, 3)
	if err := h.c.DeleteBlueprint(ctx, bp); !httpbase.IsStatus(err, http.StatusUnprocessableEntity) {
		t.Fatalf("err = %v, want 422 has_dependents", err)
	}
	if err := h.c.DeleteAllEntities(ctx, bp); err != nil {
		t.Fatal(err)
	}
	if n := len(h.srv.Entities(bp)); n != 0 {
		t.Fatalf("%d entities left", n)
	}
	if err := h.c.DeleteBlueprint(ctx, bp); err != nil {
		t.Fatal(err)
	}
}

func get(m any, path ...string) any {
	for _, p := range path {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[p]
	}
	return m
}

func TestDeleteAllEntitiesRefusedWhileOthersNeedThem(t *testing.T) {
	h := newHarness(t, nil)
	ids := h.seed(t, 3)
	if err := h.addChild("c1", ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := h.c.DeleteAllEntities(context.Background(), bp); !httpbase.IsStatus(err, http.StatusUnprocessableEntity) {
		t.Fatalf("err = %v, want 422 has_dependents", err)
	}
	if n := len(h.srv.Entities(bp)); n != 3 {
		t.Fatalf("%d entities left after a refused delete, want 3", n)
	}
	if n := h.srv.RequestCount("GET", "/v1/migrations/{migration}"); n != 0 {
		t.Errorf("polled a migration %d times after Port refused to start one", n)
	}
}

// TestDeleteAllEntitiesReportsAFailedMigration makes a dependent appear while
// Port's migration runs: the migration fails, and the error gives Port's
// reason instead of reporting the entities deleted.
func TestDeleteAllEntitiesReportsAFailedMigration(t *testing.T) {
	h := newHarness(t, []fakeport.Option{fakeport.WithMigrationDelay(300 * time.Millisecond)})
	ids := h.seed(t, 3)
	added := make(chan error, 1)
	go func() {
		for h.srv.RequestCount("DELETE", "/v1/blueprints/{blueprint}/all-entities") == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		added <- h.addChild("c1", ids[1])
	}()
	err := h.c.DeleteAllEntities(context.Background(), bp)
	if addErr := <-added; addErr != nil {
		t.Fatal(addErr)
	}
	if err == nil || !strings.Contains(err.Error(), "ended FAILURE") || !strings.Contains(err.Error(), "dependent") {
		t.Fatalf("err = %v, want the migration's failure with Port's reason", err)
	}
	if n := len(h.srv.Entities(bp)); n != 3 {
		t.Fatalf("%d entities left after a failed migration, want 3", n)
	}
	if !strings.Contains(h.log.text(), "status:RUNNING") {
		t.Errorf("the wait logged no progress:\n%s", h.log.text())
	}
}

func TestDeleteAllEntitiesWaitEndsWithTheContext(t *testing.T) {
	h := newHarness(t, []fakeport.Option{fakeport.WithMigrationDelay(time.Hour)})
	h.seed(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := h.c.DeleteAllEntities(ctx, bp)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "last status RUNNING") {
		t.Fatalf("err = %v, want the deadline with the migration's last status", err)
	}
}
