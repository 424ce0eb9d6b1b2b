package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// Port documents (blueprint schemas, entity properties) are free-form JSON.
// They travel through Terraform as dynamic values; these functions convert
// between the two and compare them the way Port's users expect: only what
// the configuration manages is compared, and what Port or the UI adds
// elsewhere is left alone.

// toJSON converts a Terraform value into the JSON value Port takes. Objects
// and maps become JSON objects, lists, sets and tuples JSON arrays.
func toJSON(v attr.Value) (any, error) {
	if v == nil || v.IsNull() {
		return nil, nil
	}
	if v.IsUnknown() {
		return nil, fmt.Errorf("the value is not known yet")
	}
	switch x := v.(type) {
	case basetypes.DynamicValue:
		return toJSON(x.UnderlyingValue())
	case basetypes.StringValue:
		return x.ValueString(), nil
	case basetypes.BoolValue:
		return x.ValueBool(), nil
	case basetypes.NumberValue:
		return jsonNumber(x.ValueBigFloat()), nil
	case basetypes.ObjectValue:
		return attrsToJSON(x.Attributes())
	case basetypes.MapValue:
		return attrsToJSON(x.Elements())
	case basetypes.ListValue:
		return elemsToJSON(x.Elements())
	case basetypes.SetValue:
		return elemsToJSON(x.Elements())
	case basetypes.TupleValue:
		return elemsToJSON(x.Elements())
	}
	return nil, fmt.Errorf("values of type %s cannot be sent to Port", v.Type(context.Background()))
}

func attrsToJSON(attrs map[string]attr.Value) (map[string]any, error) {
	out := make(map[string]any, len(attrs))
	for k, v := range attrs {
		j, err := toJSON(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = j
	}
	return out, nil
}

func elemsToJSON(elems []attr.Value) ([]any, error) {
	out := make([]any, len(elems))
	for i, v := range elems {
		j, err := toJSON(v)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		out[i] = j
	}
	return out, nil
}

// jsonNumber gives whole numbers as int, the integer type gojq and the
// mapping engine compute with.
func jsonNumber(f *big.Float) any {
	if f.IsInt() {
		if i, acc := f.Int64(); acc == big.Exact {
			return int(i)
		}
	}
	v, _ := f.Float64()
	return v
}

// fromJSON builds a Terraform value from a JSON value: objects become
// objects, arrays tuples, so that any document round-trips.
func fromJSON(j any) attr.Value {
	switch x := j.(type) {
	case nil:
		return types.StringNull()
	case string:
		return types.StringValue(x)
	case bool:
		return types.BoolValue(x)
	case float64:
		return types.NumberValue(big.NewFloat(x))
	case int:
		return types.NumberValue(new(big.Float).SetInt64(int64(x)))
	case json.Number:
		f, _, err := big.ParseFloat(x.String(), 10, 512, big.ToNearestEven)
		if err != nil {
			return types.StringValue(x.String())
		}
		return types.NumberValue(f)
	case map[string]any:
		attrTypes := make(map[string]attr.Type, len(x))
		attrs := make(map[string]attr.Value, len(x))
		for k, v := range x {
			attrs[k] = fromJSON(v)
			attrTypes[k] = attrs[k].Type(context.Background())
		}
		return types.ObjectValueMust(attrTypes, attrs)
	case []any:
		elemTypes := make([]attr.Type, len(x))
		elems := make([]attr.Value, len(x))
		for i, v := range x {
			elems[i] = fromJSON(v)
			elemTypes[i] = elems[i].Type(context.Background())
		}
		return types.TupleValueMust(elemTypes, elems)
	}
	return types.StringValue(fmt.Sprint(j))
}

// dynamicFromJSON wraps fromJSON for a dynamic attribute; an absent or empty
// document is null.
func dynamicFromJSON(j any) types.Dynamic {
	if isEmptyJSON(j) {
		return types.DynamicNull()
	}
	return types.DynamicValue(fromJSON(j))
}

func isEmptyJSON(j any) bool {
	switch x := j.(type) {
	case nil:
		return true
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// inPriorShape returns Port's value seen through the shape of the prior value:
// object keys and map keys the prior value does not have are dropped (Port's
// defaults, fields added in the UI), everything the prior value has is taken
// from Port, so a managed field changed in Port shows as drift. Where Port's
// value has another type or length, it is returned whole.
func inPriorShape(prior attr.Value, port any) attr.Value {
	if prior == nil || prior.IsNull() || prior.IsUnknown() {
		return prior
	}
	switch p := prior.(type) {
	case basetypes.DynamicValue:
		return types.DynamicValue(inPriorShape(p.UnderlyingValue(), port))
	case basetypes.ObjectValue:
		m, ok := port.(map[string]any)
		if !ok {
			return fromJSON(port)
		}
		attrTypes := map[string]attr.Type{}
		attrs := map[string]attr.Value{}
		for k, v := range p.Attributes() {
			pv, present := m[k]
			if !present && v.IsNull() {
				attrs[k] = v
			} else {
				attrs[k] = inPriorShape(v, pv)
			}
			attrTypes[k] = attrs[k].Type(context.Background())
		}
		return types.ObjectValueMust(attrTypes, attrs)
	case basetypes.MapValue:
		m, ok := port.(map[string]any)
		if !ok {
			return fromJSON(port)
		}
		elems := map[string]attr.Value{}
		for k, v := range p.Elements() {
			if pv, present := m[k]; present {
				elems[k] = inPriorShape(v, pv)
			}
		}
		if out, diags := types.MapValue(p.ElementType(context.Background()), elems); !diags.HasError() {
			return out
		}
		return fromJSON(port)
	case basetypes.TupleValue:
		return elemsInPriorShape(p.Elements(), port, func(elems []attr.Value) (attr.Value, bool) {
			elemTypes := make([]attr.Type, len(elems))
			for i, e := range elems {
				elemTypes[i] = e.Type(context.Background())
			}
			v, diags := types.TupleValue(elemTypes, elems)
			return v, !diags.HasError()
		})
	case basetypes.ListValue:
		return elemsInPriorShape(p.Elements(), port, func(elems []attr.Value) (attr.Value, bool) {
			v, diags := types.ListValue(p.ElementType(context.Background()), elems)
			return v, !diags.HasError()
		})
	case basetypes.SetValue:
		return elemsInPriorShape(p.Elements(), port, func(elems []attr.Value) (attr.Value, bool) {
			v, diags := types.SetValue(p.ElementType(context.Background()), elems)
			return v, !diags.HasError()
		})
	case basetypes.StringValue:
		if s, ok := port.(string); ok {
			return types.StringValue(s)
		}
	case basetypes.BoolValue:
		if b, ok := port.(bool); ok {
			return types.BoolValue(b)
		}
	case basetypes.NumberValue:
		if n, ok := fromJSON(port).(basetypes.NumberValue); ok {
			if sameDouble(n.ValueBigFloat(), p.ValueBigFloat()) {
				return p
			}
			return n
		}
	}
	return fromJSON(port)
}

func elemsInPriorShape(prior []attr.Value, port any, build func([]attr.Value) (attr.Value, bool)) attr.Value {
	arr, ok := port.([]any)
	if !ok || len(arr) != len(prior) {
		return fromJSON(port)
	}
	elems := make([]attr.Value, len(prior))
	for i := range prior {
		elems[i] = inPriorShape(prior[i], arr[i])
	}
	if v, ok := build(elems); ok {
		return v
	}
	return fromJSON(port)
}

// mergeManaged writes the managed document into Port's current one: keys the
// configuration sets replace Port's (objects merged key by key), keys it
// managed before but no longer sets are removed, and keys it never managed
// (added in the UI or by Port) are kept.
func mergeManaged(current, desired, previous any) any {
	cur, curOK := current.(map[string]any)
	want, wantOK := desired.(map[string]any)
	if !curOK || !wantOK {
		return desired
	}
	prev, _ := previous.(map[string]any)
	out := make(map[string]any, len(cur)+len(want))
	for k, v := range cur {
		out[k] = v
	}
	for k := range prev {
		if _, still := want[k]; !still {
			delete(out, k)
		}
	}
	for k, v := range want {
		out[k] = mergeManaged(cur[k], v, prev[k])
	}
	return out
}

// sortedKeys returns a map's keys in order, for deterministic output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sameDouble compares numbers as Port holds them: its backend keeps the
// nearest double, so a number it cannot hold exactly reads back rounded,
// which is not drift.
func sameDouble(a, b *big.Float) bool {
	if a.Cmp(b) == 0 {
		return true
	}
	fa, _ := a.Float64()
	fb, _ := b.Float64()
	return fa == fb
}
