package provider

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func decodeJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestJSONRoundTrip(t *testing.T) {
	doc := decodeJSON(t, `{"s":"x","n":3,"f":1.5,"b":true,"z":null,"a":[1,"two",{"k":false}],"o":{"p":{"q":[]}}}`)
	back, err := toJSON(fromJSON(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"s": "x", "n": 3, "f": 1.5, "b": true, "z": nil,
		"a": []any{1, "two", map[string]any{"k": false}}, "o": map[string]any{"p": map[string]any{"q": []any{}}}}
	if !reflect.DeepEqual(back, want) {
		t.Fatalf("got %#v", back)
	}
}

func TestInPriorShapeComparesOnlyManagedFields(t *testing.T) {
	prior := fromJSON(decodeJSON(t, `{"properties":{"status":{"type":"string","title":"Status"}},"required":[]}`))
	portSame := decodeJSON(t, `{"properties":{"status":{"type":"string","title":"Status","format":null},"addedInUI":{"type":"number"}},"required":[],"extra":1}`)
	if got := inPriorShape(prior, portSame); !got.Equal(prior) {
		t.Fatalf("fields Port or the UI added show as drift: %s", got)
	}
	portEdited := decodeJSON(t, `{"properties":{"status":{"type":"string","title":"State"}},"required":[]}`)
	got := inPriorShape(prior, portEdited)
	if got.Equal(prior) {
		t.Fatal("a managed field edited in Port does not show as drift")
	}
	if want := fromJSON(portEdited); !got.Equal(want) {
		t.Fatalf("drift shows %s, want %s", got, want)
	}
	portRemoved := decodeJSON(t, `{"properties":{},"required":[]}`)
	if inPriorShape(prior, portRemoved).Equal(prior) {
		t.Fatal("a managed property deleted in Port does not show as drift")
	}
}

func TestInPriorShapeKeepsNumbersThatAreEqual(t *testing.T) {
	prior := types.DynamicValue(types.ObjectValueMust(map[string]attr.Type{"n": types.NumberType}, map[string]attr.Value{"n": fromJSON(2.0)}))
	if got := inPriorShape(prior, map[string]any{"n": float64(2)}); !got.Equal(prior) {
		t.Fatalf("got %s", got)
	}
}

func TestMergeManagedKeepsWhatTheUIAdded(t *testing.T) {
	current := decodeJSON(t, `{"properties":{"a":{"type":"string"},"b":{"type":"number"},"ui":{"type":"boolean"}},"required":["a"]}`)
	previous := decodeJSON(t, `{"properties":{"a":{"type":"string"},"b":{"type":"number"}},"required":["a"]}`)
	desired := decodeJSON(t, `{"properties":{"a":{"type":"string","title":"A"}},"required":[]}`)
	got := mergeManaged(current, desired, previous)
	want := decodeJSON(t, `{"properties":{"a":{"type":"string","title":"A"},"ui":{"type":"boolean"}},"required":[]}`)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
}
