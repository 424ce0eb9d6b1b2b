package mapping

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

// statusItems are n requests whose status is at .currentStatus.status; the
// first has an icon, no other does.
func statusItems(n int) []json.RawMessage {
	items := make([]json.RawMessage, n)
	for i := range items {
		icon := "null"
		if i == 0 {
			icon = `"Jira"`
		}
		items[i] = json.RawMessage(fmt.Sprintf(`{"id":%d,"key":"IT-%d","icon":%s,"currentStatus":{"status":"Open"}}`, i, i, icon))
	}
	return items
}

func TestNullForEveryNamesMisspelledPaths(t *testing.T) {
	m := Mapping{
		Identifier: ".id | tostring",
		Title:      ".summary",
		Icon:       ".icon",
		Properties: map[string]string{"key": ".key", "status": ".currentStatuss.status", "desk": ".desk"},
		Relations:  map[string]string{"serviceDesk": ".serviceDeskId"},
	}
	p := mustCompile(t, m)
	set := mustMap(t, m, statusItems(300))
	got := p.NullForEvery(set)
	want := []NullField{
		{Name: "title", Expression: ".summary"},
		{Name: "properties.desk", Expression: ".desk"},
		{Name: "properties.status", Expression: ".currentStatuss.status"},
		{Name: "relations.serviceDesk", Expression: ".serviceDeskId"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v (icon is set for one item, key for all)", got, want)
	}
}

func TestNullForEveryNeedsEnoughEntities(t *testing.T) {
	m := Mapping{Identifier: ".id | tostring", Properties: map[string]string{"status": ".currentStatuss.status"}}
	p := mustCompile(t, m)
	if got := p.NullForEvery(mustMap(t, m, statusItems(NullFieldMinEntities-1))); got != nil {
		t.Fatalf("%d entities report %+v", NullFieldMinEntities-1, got)
	}
	if got := p.NullForEvery(mustMap(t, m, statusItems(NullFieldMinEntities))); len(got) != 1 {
		t.Fatalf("%d entities report %+v", NullFieldMinEntities, got)
	}
}
