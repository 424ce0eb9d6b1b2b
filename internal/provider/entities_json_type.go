package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// entitiesJSONType is the string type of entities_json: a JSON document
// whose key order and whitespace are not changes. The provider writes the
// canonical form Terraform's jsonencode produces, so the usual values compare
// equal byte for byte; hand-written JSON is compared by meaning.
type entitiesJSONType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = entitiesJSONType{}
	_ basetypes.StringValuableWithSemanticEquals = entitiesJSONValue{}
)

func (t entitiesJSONType) Equal(o attr.Type) bool {
	_, ok := o.(entitiesJSONType)
	return ok
}

func (t entitiesJSONType) String() string { return "entitiesJSONType" }

func (t entitiesJSONType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return entitiesJSONValue{StringValue: in}, nil
}

func (t entitiesJSONType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return entitiesJSONValue{StringValue: s}, nil
}

func (t entitiesJSONType) ValueType(context.Context) attr.Value { return entitiesJSONValue{} }

// entitiesJSONValue is a value of entitiesJSONType.
type entitiesJSONValue struct {
	basetypes.StringValue
}

func newEntitiesJSON(s string) entitiesJSONValue {
	return entitiesJSONValue{StringValue: basetypes.NewStringValue(s)}
}

func (v entitiesJSONValue) Equal(o attr.Value) bool {
	other, ok := o.(entitiesJSONValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v entitiesJSONValue) Type(context.Context) attr.Type { return entitiesJSONType{} }

// StringSemanticEquals compares two documents by the entities they hold.
// The usual values are the same bytes, which needs no parsing.
func (v entitiesJSONValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(entitiesJSONValue)
	if !ok {
		return false, nil
	}
	if v.ValueString() == other.ValueString() {
		return true, nil
	}
	a, errA := entity.Parse([]byte(v.ValueString()))
	b, errB := entity.Parse([]byte(other.ValueString()))
	return errA == nil && errB == nil && a.Equal(b), nil
}

// entitiesJSONValidator rejects a document that is not an entity set,
// saying which entity and field is wrong. It is a schema validator, not a
// validation of the type, so that it runs once when the configuration is
// validated and not again each time the provider sets a state or a plan.
type entitiesJSONValidator struct{}

func (entitiesJSONValidator) Description(context.Context) string {
	return "must be one JSON object keyed by entity identifier"
}

func (v entitiesJSONValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (entitiesJSONValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := entity.Parse([]byte(req.ConfigValue.ValueString())); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Entities JSON", err.Error()+
			". entities_json must be one JSON object keyed by entity identifier, each value an object with title, icon, "+
			"team, properties and relations, such as a data source's entities_json or jsonencode({ for ... }).")
	}
}
