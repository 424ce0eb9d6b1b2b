package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The refresh of optional attributes the resources share: a Read takes from
// Port only what the configuration manages, so that what Port's UI adds
// beside it is not drift, and adopts everything on the first Read after an
// import (see import.go).

// stringFromDoc is the string at key of a Port document, or null.
func stringFromDoc(doc map[string]any, key string) types.String {
	if s, ok := doc[key].(string); ok {
		return types.StringValue(s)
	}
	return types.StringNull()
}

// managedString refreshes an optional string: one the configuration does not
// set stays null, unless the resource is being imported.
func managedString(prior types.String, doc map[string]any, key string, importing bool) types.String {
	if prior.IsNull() && !importing {
		return prior
	}
	v := stringFromDoc(doc, key)
	if importing && v.ValueString() == "" {
		return types.StringNull()
	}
	return v
}

// managedDynamic refreshes an optional free-form value: one the
// configuration does not set stays null, one it sets is Port's value in its
// shape (inPriorShape), and an import adopts Port's value whole.
func managedDynamic(prior types.Dynamic, portValue any, importing bool) types.Dynamic {
	if importing {
		return dynamicFromJSON(portValue)
	}
	if prior.IsNull() {
		return prior
	}
	shaped, ok := inPriorShape(prior, portValue).(types.Dynamic)
	if !ok {
		return types.DynamicValue(fromJSON(portValue))
	}
	return shaped
}
