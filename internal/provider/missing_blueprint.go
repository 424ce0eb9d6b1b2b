package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

// missingBlueprintError is a write that Port answered 404 because the
// blueprint itself does not exist, which is neither the mapping's fault nor
// the schema's.
type missingBlueprintError struct {
	blueprint string
	err       error
}

func (e *missingBlueprintError) Error() string { return e.err.Error() }
func (e *missingBlueprintError) Unwrap() error { return e.err }

// nameMissingBlueprint returns a missingBlueprintError for a 404 to a write
// when Port confirms that the blueprint does not exist, and err otherwise.
// A 404 may also mean a missing related entity, so Port is asked: one read,
// only when a write failed.
func nameMissingBlueprint(ctx context.Context, client *port.Client, blueprint string, err error) error {
	if !httpbase.IsNotFound(err) {
		return err
	}
	if _, getErr := client.GetBlueprint(ctx, blueprint); !httpbase.IsNotFound(getErr) {
		return err
	}
	return &missingBlueprintError{blueprint: blueprint, err: err}
}

func isMissingBlueprint(err error) bool {
	var missing *missingBlueprintError
	return errors.As(err, &missing)
}

func addMissingBlueprint(diags *diag.Diagnostics, what string, err *missingBlueprintError) {
	diags.AddError("Blueprint Not Found", fmt.Sprintf("%s failed: Port has no blueprint %q, so nothing was written to it. "+
		"Create the blueprint first: with a portjsm_blueprint in this configuration, set blueprint to its identifier "+
		"attribute (blueprint = portjsm_blueprint.example.identifier) so that Terraform creates it before the entities; "+
		"or create it in Port or in the configuration that owns it. If it exists, check the identifier, which is "+
		"case-sensitive.", capitalize(what), err.blueprint))
}
