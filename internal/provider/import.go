package provider

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// An import is marked in private state, the one way every resource detects
// it: ImportState calls markImported, the Read that follows calls
// importedAs, adopts what Port holds instead of refreshing only the managed
// fields, and calls clearImported, so that later reads refresh as usual.

// importingKey is the private-state key of the mark.
const importingKey = "importing"

// How an import adopts what Port holds, the value of the mark.
const (
	// adoptAll adopts everything: every field of a blueprint or an entity,
	// every entity of a blueprint for portjsm_entities imported by
	// "<blueprint>/*".
	adoptAll = "all"
	// adoptNamed adopts only the entities the configuration names
	// (portjsm_entities imported by blueprint).
	adoptNamed = "named"
)

// privateState is the private state Read, Update and Delete receive.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// privateStateSetter is the private state they and ImportState return.
type privateStateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// markImported marks a resource as just imported, adopting as adoption says.
func markImported(ctx context.Context, private privateStateSetter, adoption string) diag.Diagnostics {
	return private.SetKey(ctx, importingKey, []byte(strconv.Quote(adoption)))
}

// importedAs returns how a just imported resource adopts what Port holds,
// or "" when it was not just imported.
func importedAs(ctx context.Context, private privateState, diags *diag.Diagnostics) string {
	raw, d := private.GetKey(ctx, importingKey)
	diags.Append(d...)
	var adoption string
	if len(raw) > 0 && json.Unmarshal(raw, &adoption) != nil {
		adoption = adoptAll // a mark written as `true`, before the import forms existed
	}
	return adoption
}

// clearImported removes the mark once the first Read has adopted.
func clearImported(ctx context.Context, private privateStateSetter) diag.Diagnostics {
	return private.SetKey(ctx, importingKey, nil)
}
