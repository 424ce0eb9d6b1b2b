package reconcile

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

func mustParse(t *testing.T, doc string) entity.Set {
	t.Helper()
	s, err := entity.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDiffWritesOnlyWhatDiffers(t *testing.T) {
	actual := mustParse(t, `{"1":{"title":"one","properties":{"s":"open","old":1}},"2":{"title":"two","properties":{"s":"open"}},"3":{"title":"three"}}`)
	desired := mustParse(t, `{"1":{"title":"one","properties":{"s":"closed"}},"2":{"title":"two","properties":{"s":"open"}},"4":{"title":"four"}}`)
	plan := Diff(desired, actual)
	if len(plan.Upserts) != 2 || plan.Upserts[0].Identifier != "1" || plan.Upserts[1].Identifier != "4" {
		t.Fatalf("upserts %+v", plan.Upserts)
	}
	if !reflect.DeepEqual(plan.Upserts[0].Properties, entity.Fields{{Key: "old", Value: entity.Null}, {Key: "s", Value: `"closed"`}}) {
		t.Fatalf("a dropped property is not cleared: %v", plan.Upserts[0].Properties)
	}
	if !reflect.DeepEqual(plan.Deletes, []string{"3"}) {
		t.Fatalf("deletes %v", plan.Deletes)
	}
}

func TestProjectIgnoresWhatIsNotManaged(t *testing.T) {
	managed := mustParse(t, `{"1":{"title":"one","properties":{"s":"open"},"relations":{"desk":"10"}},"2":{"title":"two"}}`)
	held := []entity.Entity{
		{Identifier: "1", Title: ptr("one"), Icon: ptr("Jira"), Properties: entity.Fields{{Key: "s", Value: `"open"`}, {Key: "ui", Value: `"x"`}},
			Relations: entity.Fields{{Key: "desk", Value: `"10"`}, {Key: "other", Value: `"y"`}}},
		{Identifier: "9", Title: ptr("not managed")},
	}
	got := Project(managed, held)
	if _, ok := got["2"]; ok || len(got) != 1 {
		t.Fatalf("entity 2, gone from Port, is still in the projection: %v", got)
	}
	if one, want := got["1"], managed["1"]; !one.Equal(&want) {
		t.Fatalf("fields added in Port show as drift: %+v", got["1"])
	}
	held[0].Properties[0].Value = `"closed"`
	if one, want := Project(managed, held)["1"], managed["1"]; one.Equal(&want) {
		t.Fatal("a managed property changed in Port does not show as drift")
	}
}

func ptr(s string) *string { return &s }

func newPort(t *testing.T) (*fakeport.Server, *port.Client) {
	t.Helper()
	srv := fakeport.New()
	t.Cleanup(srv.Close)
	if err := srv.PutBlueprint(map[string]any{"identifier": "req", "title": "Request", "schema": map[string]any{"properties": map[string]any{
		"status": map[string]any{"type": "string"}, "n": map[string]any{"type": "number"},
	}}}); err != nil {
		t.Fatal(err)
	}
	c, err := port.New(port.Config{BaseURL: srv.URL(), ClientID: "test-client", ClientSecret: "test-secret", Options: httpbase.Options{RetryWaitMin: 1, RetryWaitMax: 2}})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func requestSet(n int) entity.Set {
	set := make(entity.Set, n)
	for i := range n {
		set.Add(request(10000+i, i, "open"))
	}
	return set
}

func request(id, n int, status string) entity.Entity {
	title := fmt.Sprintf("Request %d", n)
	return entity.Entity{Identifier: fmt.Sprint(id), Title: &title,
		Properties: entity.Fields{{Key: "n", Value: entity.JSON(fmt.Sprint(n))}, {Key: "status", Value: entity.String(status)}}, Relations: entity.Fields{}}
}

func TestApplyAgainstPort(t *testing.T) {
	srv, c := newPort(t)
	ctx := context.Background()
	desired := requestSet(45)

	res := Apply(ctx, c, "req", desired, entity.Set{}, Options{})
	if res.Failed() || res.Upserted != 45 || len(srv.Entities("req")) != 45 {
		t.Fatalf("first sync: %+v, Port holds %d", res, len(srv.Entities("req")))
	}
	if got := srv.RequestCount("POST", "/v1/blueprints/{blueprint}/entities/bulk"); got != 3 {
		t.Fatalf("first sync of 45 made %d bulk upserts, want ceil(45/20) = 3", got)
	}

	held, err := c.SearchEntities(ctx, "req", port.Search{})
	if err != nil {
		t.Fatal(err)
	}
	actual := Project(res.State, held)
	srv.ResetCounters()
	if res := Apply(ctx, c, "req", desired, actual, Options{}); res.Failed() || len(srv.RequestCounts()) != 0 {
		t.Fatalf("a sync with nothing changed wrote: %v", srv.RequestCounts())
	}

	changed := requestSet(45)
	changed.Add(request(10007, 7, "closed"))
	delete(changed, "10044")
	res = Apply(ctx, c, "req", changed, actual, Options{})
	if res.Failed() || res.Upserted != 1 || res.Deleted != 1 {
		t.Fatalf("one change and one removal: %+v", res)
	}
	if sizes := srv.BulkSizes(); !reflect.DeepEqual(sizes, []int{1}) {
		t.Fatalf("bulk sizes %v, want one upsert of one entity", sizes)
	}
	if e, _ := srv.Entity("req", "10007"); fmt.Sprint(e["properties"]) != "map[n:7 status:closed]" {
		t.Fatalf("the change did not land: %v", e)
	}
	if _, ok := srv.Entity("req", "10044"); ok {
		t.Fatal("the removed entity is still in Port")
	}
}

func TestApplyPartialFailureKeepsStateEqualToPort(t *testing.T) {
	srv, c := newPort(t)
	ctx := context.Background()
	srv.FailBulkEntities("10003", "10030")
	res := Apply(ctx, c, "req", requestSet(40), entity.Set{}, Options{})
	if !res.Failed() || len(res.Refused) != 2 {
		t.Fatalf("failures %+v", res.Refused)
	}
	for i, id := range []string{"10003", "10030"} {
		if f := res.Refused[i]; f.Identifier != id || f.Operation != "upsert" || f.StatusCode == 0 || f.Message == "" {
			t.Fatalf("refusal %d is %+v, want %s with Port's status and message", i, f, id)
		}
	}
	held, err := c.SearchEntities(ctx, "req", port.Search{})
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != len(res.State) {
		t.Fatalf("state has %d entities, Port %d", len(res.State), len(held))
	}
	for _, e := range held {
		if _, ok := res.State[e.Identifier]; !ok {
			t.Fatalf("Port holds %s, the state does not", e.Identifier)
		}
	}
	srv.FailBulkEntities()
	actual := Project(res.State, held)
	srv.ResetCounters()
	if res := Apply(ctx, c, "req", requestSet(40), actual, Options{}); res.Failed() || res.Upserted != 2 {
		t.Fatalf("the re-apply did not converge with 2 upserts: %+v", res)
	}
}

// A refresh projects Port's pages as they arrive: the result is Project's,
// and an entity that did not drift is the managed value itself, so the
// refresh keeps no second copy of it.
func TestProjectionPageByPage(t *testing.T) {
	managed := requestSet(45)
	var held []entity.Entity
	for _, id := range managed.Identifiers() {
		e := managed[id]
		e.Properties = append(entity.Fields{{Key: "added_in_ui", Value: `"x"`}}, e.Properties...)
		held = append(held, e)
	}
	held[7].Properties = entity.Fields{{Key: "n", Value: "7"}, {Key: "status", Value: `"closed"`}}
	p := NewProjection(managed)
	for first := 0; first < len(held); first += 20 {
		p.Add(held[first:min(first+20, len(held))])
	}
	got := p.Set()
	if !got.Equal(Project(managed, held)) {
		t.Fatal("the projection page by page differs from Project")
	}
	drifted := held[7].Identifier
	for id, e := range got {
		shared := &e.Properties[0] == &managed[id].Properties[0]
		if shared == (id == drifted) {
			t.Fatalf("entity %s: shares the managed value %v, drifted %v", id, shared, id == drifted)
		}
	}
}

func TestConfirmOwnsOnlyWhatPortHoldsAsWritten(t *testing.T) {
	projected := mustParse(t, `{"landed":{"title":"ours"},"other":{"title":"theirs"},"kept":{"title":"ours"}}`)
	written := mustParse(t, `{"landed":{"title":"ours"},"other":{"title":"ours"},"lost":{"title":"ours"}}`)
	got := Confirm(projected, written)
	if want := []string{"kept", "landed"}; !reflect.DeepEqual(got.Identifiers(), want) {
		t.Fatalf("Confirm kept %v, want %v: an entity Port holds with another writer's values is not the sync's", got.Identifiers(), want)
	}
	if len(projected) != 3 {
		t.Fatal("Confirm changed its argument")
	}
}

// Port's backend keeps numbers as doubles: what it reads back of a number
// with more digits than a double holds is that number as Port can hold it,
// not drift, so a second sync writes nothing.
func TestProjectTakesNumbersAsPortHoldsThem(t *testing.T) {
	srv, c := newPort(t)
	ctx := context.Background()
	desired := mustParse(t, `{"big":{"properties":{"n":9007199254740993}},"fine":{"properties":{"n":0.1000000000000000055511151231257827}},`+
		`"neg":{"properties":{"n":-18014398509481985}},"frac":{"properties":{"n":123456789.123456789123}}}`)
	res := Apply(ctx, c, "req", desired, entity.Set{}, Options{})
	if res.Failed() {
		t.Fatalf("first sync: %+v", res)
	}
	if e, _ := srv.Entity("req", "big"); fmt.Sprint(e["properties"]) != "map[n:9.007199254740992e+15]" {
		t.Fatalf("the fake Port holds %v, not the double Port holds", e["properties"])
	}
	held, err := c.SearchEntities(ctx, "req", port.Search{})
	if err != nil {
		t.Fatal(err)
	}
	actual := Project(res.State, held)
	if counts := Count(desired, actual); counts.Changes() != 0 {
		t.Fatalf("numbers read back as Port holds them plan %+v", counts)
	}
	changed := mustParse(t, `{"big":{"properties":{"n":9007199254740994}},"fine":{"properties":{"n":0.1000000000000000055511151231257827}},`+
		`"neg":{"properties":{"n":-18014398509481985}},"frac":{"properties":{"n":123456789.123456789123}}}`)
	if counts := Count(changed, actual); counts.Update != 1 {
		t.Fatalf("a number Port holds differently plans %+v, want one update", counts)
	}
}

func TestRoundingsNameTheNumbersAWriteLosesDigitsOf(t *testing.T) {
	desired := mustParse(t, `{"a":{"properties":{"id":"9007199254740993","n":9007199254740993}},"b":{"properties":{"n":1.5}},`+
		`"c":{"properties":{"n":0.1000000000000000055511151231257827}},"d":{"properties":{"n":9007199254740993}}}`)
	actual := mustParse(t, `{"d":{"properties":{"n":9007199254740993}}}`)
	got := Roundings(desired, actual)
	want := []Rounding{
		{Identifier: "a", Property: "n", Written: "9007199254740993", Held: "9007199254740992"},
		{Identifier: "c", Property: "n", Written: "0.1000000000000000055511151231257827", Held: "0.1"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Roundings = %+v, want %+v (d is not written, a string keeps its digits)", got, want)
	}
}
