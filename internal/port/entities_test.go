package port

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

func TestEntityCreateGetDelete(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	icon := "Service"
	in := Entity{
		Identifier: "a/b:1",
		Title:      "A",
		Icon:       &icon,
		Team:       []string{},
		Properties: map[string]any{"name": "n", "size": 3.0},
	}
	created, err := h.c.CreateEntity(ctx, bp, in, EntityWriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := h.c.GetEntity(ctx, bp, "a/b:1")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []*Entity{created, got} {
		if e.Identifier != "a/b:1" || e.Title != "A" || e.Icon == nil || *e.Icon != "Service" || e.Blueprint != bp ||
			!reflect.DeepEqual(e.Properties, in.Properties) || e.Extra["createdBy"] == nil {
			t.Errorf("entity = %+v", e)
		}
	}
	if _, err := h.c.CreateEntity(ctx, bp, in, EntityWriteOptions{}); !httpbase.IsStatus(err, http.StatusConflict) {
		t.Errorf("plain create of an existing entity: err = %v, want 409", err)
	}
	if _, err := h.c.CreateEntity(ctx, bp, Entity{Identifier: "a/b:1", Title: "B"}, EntityWriteOptions{Upsert: true}); err != nil {
		t.Fatal(err)
	}
	stored, _ := h.srv.Entity(bp, "a/b:1")
	if stored["title"] != "B" || stored["icon"] != nil {
		t.Errorf("after an upsert without merge: %v", stored)
	}
	if err := h.c.DeleteEntity(ctx, bp, "a/b:1", false); err != nil {
		t.Fatal(err)
	}
	if _, err := h.c.GetEntity(ctx, bp, "a/b:1"); !httpbase.IsNotFound(err) {
		t.Errorf("get after delete: err = %v, want 404", err)
	}
}

func TestCreateEntityMissingRelated(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	if err := h.srv.PutBlueprint(childBlueprint()); err != nil {
		t.Fatal(err)
	}
	child := Entity{Identifier: "c", Relations: map[string]any{"parent": "p"}}
	if _, err := h.c.CreateEntity(ctx, "child", child, EntityWriteOptions{}); !httpbase.IsNotFound(err) {
		t.Fatalf("err = %v, want 404 for the missing related entity", err)
	}
	if _, err := h.c.CreateEntity(ctx, "child", child, EntityWriteOptions{CreateMissingRelatedEntities: true}); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.srv.Entity(bp, "p"); !ok {
		t.Error("the related entity was not created")
	}
}

func TestDeleteEntityWithDependents(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	h.seed(t, 1)
	if err := h.srv.PutBlueprint(childBlueprint()); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.PutEntity("child", map[string]any{"identifier": "c", "relations": map[string]any{"parent": "e0000"}}); err != nil {
		t.Fatal(err)
	}
	if err := h.c.DeleteEntity(ctx, bp, "e0000", false); !httpbase.IsStatus(err, http.StatusUnprocessableEntity) {
		t.Fatalf("err = %v, want 422 has_dependents", err)
	}
	if _, ok := h.srv.Entity("child", "c"); !ok {
		t.Fatal("the child went away although the delete was refused")
	}
	if err := h.c.DeleteEntity(ctx, bp, "e0000", true); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.srv.Entity(bp, "e0000"); ok {
		t.Error("the parent survived")
	}
	if _, ok := h.srv.Entity("child", "c"); ok {
		t.Error("the dependent survived deleteDependents")
	}
}

func TestEntityJSONRoundTrip(t *testing.T) {
	icon := "Jira"
	for name, e := range map[string]Entity{
		"full": {
			Identifier: "x", Title: "X", Icon: &icon, Team: []string{"a", "b"}, Blueprint: "svc",
			Properties: map[string]any{"n": 1.5, "s": "t", "nil": nil, "list": []any{"a"}},
			Relations:  map[string]any{"one": "y", "many": []any{"p", "q"}, "none": nil},
			Extra:      map[string]any{"createdAt": "2024-01-01T00:00:00.000Z"},
		},
		"empty collections": {Identifier: "x", Team: []string{}, Properties: map[string]any{}, Relations: map[string]any{}},
		"minimal":           {Identifier: "x"},
	} {
		t.Run(name, func(t *testing.T) {
			raw, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			var back Entity
			if err := json.Unmarshal(raw, &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, e) {
				t.Errorf("round trip of %s:\n got %#v\nwant %#v", raw, back, e)
			}
			again, _ := json.Marshal(back)
			if string(again) != string(raw) {
				t.Errorf("re-encoded %s, first %s", again, raw)
			}
		})
	}
}

func TestEntityWriteJSON(t *testing.T) {
	for _, tc := range []struct {
		e    Entity
		want string
	}{
		{Entity{Identifier: "x"}, `{"identifier":"x"}`},
		{Entity{Identifier: "x", Team: []string{}, Properties: map[string]any{}, Relations: map[string]any{"r": nil}},
			`{"identifier":"x","team":[],"properties":{},"relations":{"r":null}}`},
		{Entity{Identifier: "x", Blueprint: "svc", Extra: map[string]any{"createdAt": "t"}, Properties: map[string]any{"h": "<b>"}},
			`{"identifier":"x","properties":{"h":"<b>"}}`},
	} {
		got, err := tc.e.writeJSON()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("writeJSON = %s, want %s", got, tc.want)
		}
	}
}

func TestEntityUnmarshalPortShapes(t *testing.T) {
	var e Entity
	raw := `{"identifier":"x","title":null,"icon":null,"team":"platform","properties":{"a":1},"relations":{"r":["p"]},"blueprint":"svc","updatedBy":"me"}`
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		t.Fatal(err)
	}
	want := Entity{Identifier: "x", Team: []string{"platform"}, Properties: map[string]any{"a": 1.0},
		Relations: map[string]any{"r": []any{"p"}}, Blueprint: "svc", Extra: map[string]any{"updatedBy": "me"}}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("got %#v, want %#v", e, want)
	}
	if err := json.Unmarshal([]byte(`{"identifier":{"combinator":"and"}}`), &e); err == nil {
		t.Error("an identifier that is not a string should be an error")
	}
}

func TestValidIdentifier(t *testing.T) {
	for id, want := range map[string]bool{
		"abc": true, "a/b:c@d_e.f+g=h-i\\j": true, "ünïcödé": true, "42": true,
		"": false, ".": false, "..": false, "...": true, "a b": false, "a?b": false, "a#b": false,
	} {
		if got := validIdentifier(id); got != want {
			t.Errorf("validIdentifier(%q) = %v, want %v", id, got, want)
		}
	}
}
