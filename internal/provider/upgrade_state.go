package provider

import (
	"context"
	"encoding/json"
	"math/big"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// flatStateServer answers UpgradeResourceState itself for a state stored at
// its schema's current version when every attribute of the resource is a
// string, number or bool, which portjsm_entities is. Terraform calls it on
// every plan, before the refresh, with the state as JSON. The framework then
// only carries the state over, but it reads the JSON with encoding/json's
// token reader: about a second at 100,000 entities, whose entities_json is
// one string of 22 MB, escaped again inside the state's JSON. This reads it
// with the provider's own decoder and gives the value the framework would.
// Anything else, and any state whose values are not the plain JSON types of
// their attributes, goes to the framework, which reports what is wrong.
type flatStateServer struct {
	tfprotov6.ProviderServer
	schemas *flatSchemas
}

func newFlatStateServer(s tfprotov6.ProviderServer) flatStateServer {
	return flatStateServer{ProviderServer: s, schemas: &flatSchemas{}}
}

func (s flatStateServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if resp, ok := s.upgradeFlat(ctx, req); ok {
		return resp, nil
	}
	return s.ProviderServer.UpgradeResourceState(ctx, req)
}

// upgradeFlat is the answer to req when the state can be carried over
// here; ok is false when the framework has to answer.
func (s flatStateServer) upgradeFlat(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (resp *tfprotov6.UpgradeResourceStateResponse, ok bool) {
	if req == nil || req.RawState == nil || req.RawState.JSON == nil {
		return nil, false
	}
	schema, known := s.schemas.of(ctx, s.ProviderServer)[req.TypeName]
	if !known || req.Version != schema.version {
		return nil, false
	}
	value, ok := flatStateValue(req.RawState.JSON, schema.typ)
	if !ok {
		return nil, false
	}
	state, err := tfprotov6.NewDynamicValue(schema.typ, value)
	if err != nil {
		return nil, false
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &state}, true
}

// flatSchema is the version and value type of a resource whose attributes
// are all strings, numbers and bools.
type flatSchema struct {
	version int64
	typ     tftypes.Object
}

// flatSchemas reads the flat resource schemas from the provider's schema
// once, on the first upgrade.
type flatSchemas struct {
	once   sync.Once
	byType map[string]flatSchema
}

func (f *flatSchemas) of(ctx context.Context, s tfprotov6.ProviderServer) map[string]flatSchema {
	f.once.Do(func() {
		f.byType = map[string]flatSchema{}
		resp, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil || resp == nil {
			return
		}
		for name, schema := range resp.ResourceSchemas {
			if typ, ok := flatType(schema); ok {
				f.byType[name] = flatSchema{version: schema.Version, typ: typ}
			}
		}
	})
	return f.byType
}

// flatType is the value type of a schema made only of string, number and
// bool attributes.
func flatType(schema *tfprotov6.Schema) (tftypes.Object, bool) {
	if schema == nil || schema.Block == nil || len(schema.Block.BlockTypes) > 0 {
		return tftypes.Object{}, false
	}
	types := make(map[string]tftypes.Type, len(schema.Block.Attributes))
	for _, a := range schema.Block.Attributes {
		if a.NestedType != nil || !isPrimitive(a.Type) {
			return tftypes.Object{}, false
		}
		types[a.Name] = a.Type
	}
	return tftypes.Object{AttributeTypes: types}, true
}

func isPrimitive(t tftypes.Type) bool {
	return t.Is(tftypes.String) || t.Is(tftypes.Number) || t.Is(tftypes.Bool)
}

// flatStateValue reads a stored state as the framework does (an attribute
// the schema lacks is ignored, one the state lacks is null, a later
// duplicate wins), but only when each value is null or the JSON type of its
// attribute; ok is false otherwise, and for anything that is not a JSON
// object.
func flatStateValue(raw []byte, typ tftypes.Object) (tftypes.Value, bool) {
	dec := jsonvalue.Decoder{Numbers: jsonvalue.NumbersAsLiterals}
	doc, err := dec.Decode(string(raw))
	object, isObject := doc.(map[string]any)
	if err != nil || !isObject {
		return tftypes.Value{}, false
	}
	values := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, attrType := range typ.AttributeTypes {
		v, ok := flatValue(attrType, object[name])
		if !ok {
			return tftypes.Value{}, false
		}
		values[name] = v
	}
	return tftypes.NewValue(typ, values), true
}

// flatValue is one attribute's value, as tftypes reads it from JSON.
func flatValue(typ tftypes.Type, v any) (tftypes.Value, bool) {
	if v == nil {
		return tftypes.NewValue(typ, nil), true
	}
	switch v := v.(type) {
	case string:
		if typ.Is(tftypes.String) {
			return tftypes.NewValue(typ, v), true
		}
	case bool:
		if typ.Is(tftypes.Bool) {
			return tftypes.NewValue(typ, v), true
		}
	case json.Number:
		if !typ.Is(tftypes.Number) {
			return tftypes.Value{}, false
		}
		f, _, err := big.ParseFloat(string(v), 10, 512, big.ToNearestEven)
		if err != nil {
			return tftypes.Value{}, false
		}
		return tftypes.NewValue(typ, f), true
	}
	return tftypes.Value{}, false
}
