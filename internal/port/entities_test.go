package port

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

func TestEntityCreateGetDelete(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	in := entity.Entity{
		Identifier: "a/b:1",
		Title:      ptr("A"),
		Icon:       ptr("Service"),
		Team:       []string{},
		Properties: entity.Fields{{Key: "name", Value: `"n"`}, {Key: "size", Value: "3"}},
	}
	created, err := h.c.WriteEntity(ctx, bp, in, EntityWriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := h.c.GetEntity(ctx, bp, "a/b:1")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []entity.Entity{created, got} {
		if e.Identifier != "a/b:1" || e.Title == nil || *e.Title != "A" || e.Icon == nil || *e.Icon != "Service" ||
			!reflect.DeepEqual(e.Properties, in.Properties) {
			t.Errorf("entity = %+v", e)
		}
	}
	if _, err := h.c.WriteEntity(ctx, bp, in, EntityWriteOptions{}); !httpbase.IsStatus(err, http.StatusConflict) {
		t.Errorf("plain create of an existing entity: err = %v, want 409", err)
	}
	if _, err := h.c.WriteEntity(ctx, bp, entity.Entity{Identifier: "a/b:1", Title: ptr("B")}, EntityWriteOptions{Upsert: true}); err != nil {
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

func TestWriteEntityMissingRelated(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	if err := h.srv.PutBlueprint(childBlueprint()); err != nil {
		t.Fatal(err)
	}
	child := entity.Entity{Identifier: "c", Relations: entity.Fields{{Key: "parent", Value: `"p"`}}}
	if _, err := h.c.WriteEntity(ctx, "child", child, EntityWriteOptions{}); !httpbase.IsNotFound(err) {
		t.Fatalf("err = %v, want 404 for the missing related entity", err)
	}
	if _, err := h.c.WriteEntity(ctx, "child", child, EntityWriteOptions{CreateMissingRelatedEntities: true}); err != nil {
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
	if err := h.addChild("c", "e0000"); err != nil {
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

func TestEntityWriteJSON(t *testing.T) {
	for _, tc := range []struct {
		e    entity.Entity
		want string
	}{
		{entity.Entity{Identifier: "x"}, `{"identifier":"x","properties":{},"relations":{}}`},
		{entity.Entity{Identifier: "x", Title: ptr(""), Team: []string{}, Relations: entity.Fields{{Key: "r", Value: entity.Null}}},
			`{"identifier":"x","title":"","team":[],"properties":{},"relations":{"r":null}}`},
		{entity.Entity{Identifier: "x", Icon: ptr("Jira"), Properties: entity.Fields{{Key: "h", Value: entity.String("<b>")}, {Key: "n", Value: "1.5"}}},
			`{"identifier":"x","icon":"Jira","properties":{"h":"\u003cb\u003e","n":1.5},"relations":{}}`},
	} {
		if got := wireJSON(&tc.e); string(got) != tc.want {
			t.Errorf("wireJSON = %s, want %s", got, tc.want)
		}
	}
}

func TestEntityFromPortShapes(t *testing.T) {
	raw := `{"identifier":"x","title":null,"icon":null,"team":"platform","properties":{"a":1.0,"b":{"z":1e2,"y":[true]}},` +
		`"relations":{"r":["p"],"s":null},"blueprint":"svc","updatedBy":"me"}`
	e, err := entityFromWire(mustDecodeAnswer(t, raw), entity.Keys{})
	if err != nil {
		t.Fatal(err)
	}
	want := entity.Entity{Identifier: "x", Team: []string{"platform"},
		Properties: entity.Fields{{Key: "a", Value: "1"}, {Key: "b", Value: `{"y":[true],"z":100}`}},
		Relations:  entity.Fields{{Key: "r", Value: `["p"]`}, {Key: "s", Value: entity.Null}}}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("got %#v, want %#v", e, want)
	}
	e, err = entityFromWire(mustDecodeAnswer(t, `{"identifier":"y","title":"T","team":[],"properties":null}`), entity.Keys{})
	want = entity.Entity{Identifier: "y", Title: ptr("T"), Team: []string{}, Properties: entity.Fields{}, Relations: entity.Fields{}}
	if err != nil || !reflect.DeepEqual(e, want) {
		t.Errorf("got %#v (%v), want %#v", e, err, want)
	}
	for raw, wantErr := range map[string]string{
		`{"identifier":{"combinator":"and"}}`:         "identifier is an object",
		`{"identifier":"x","team":[1]}`:               `entity "x": team is an array`,
		`{"identifier":"x","title":5}`:                `entity "x": title is a number`,
		`{"identifier":"x","properties":[]}`:          `entity "x": properties is an array`,
		`{"identifier":"x","relations":{"r":1e9999}}`: `entity "x": relations.r: the number 1e9999 is out of range`,
		`["x"]`: "an entity is an array",
	} {
		if _, err := entityFromWire(mustDecodeAnswer(t, raw), entity.Keys{}); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s: %v, want an error containing %q", raw, err, wantErr)
		}
	}
}

func mustDecodeAnswer(t *testing.T, raw string) any {
	t.Helper()
	v, err := decodeAnswer([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return v
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
