package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/portjsm/terraform-provider-portjsm/internal/reconcile"
)

// warnRoundedNumbers warns once when a plan writes numbers that Port will
// hold with fewer digits, naming the first entity and property.
func warnRoundedNumbers(blueprint string, roundings []reconcile.Rounding, diags *diag.Diagnostics) {
	if len(roundings) == 0 {
		return
	}
	r := roundings[0]
	more := ""
	if n := len(roundings) - 1; n > 0 {
		more = fmt.Sprintf(", and %d more entities hold such numbers", n)
	}
	diags.AddWarning("Numbers Port Will Round", fmt.Sprintf("Port keeps numbers as double-precision floats, as JavaScript does, so "+
		"it will hold property %q of entity %q of blueprint %s, written as %s, as %s%s. The sync compares numbers as Port holds "+
		"them, so later plans do not show these as changes. To keep every digit (large ids, exact decimals), write the value as "+
		"a string, e.g. with tostring in the mapping, and declare the property as a string in the blueprint.",
		r.Property, r.Identifier, blueprint, r.Written, r.Held, more))
}
