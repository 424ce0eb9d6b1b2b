package port

import (
	"context"
	"net/http"
	"testing"

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
