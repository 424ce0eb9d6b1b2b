package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
)

var _ function.Function = (*jqFunction)(nil)

// jqFunction runs a JQ expression with gojq, for HCL mappings that want JQ.
// A call stops when its request's context or interrupt (see
// NewInterruptible) ends.
type jqFunction struct {
	interrupt context.Context
}

func (f *jqFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "jq"
}

func (f *jqFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	d := mapping.DefaultLimits
	resp.Definition = function.Definition{
		Summary: "Run a JQ expression",
		MarkdownDescription: "Runs a JQ expression (gojq, the JQ language of Ocean mappings) over a value and returns its first " +
			"result, or null when it has none. Objects become objects and lists tuples, so the result can be used like " +
			"`jsondecode`'s. The expression has no access to environment variables: `env` and `$ENV` are empty. " +
			"The expression is checked by `terraform validate`, even when the value is not known yet (OpenTofu calls " +
			"provider functions only from `tofu plan` on, so there a syntax error shows at plan). " +
			fmt.Sprintf("Each call may run for `%s` and grow the provider's memory by %d MiB; Terraform calls functions "+
				"without the provider's configuration, so these limits are raised with the environment variables `%s` "+
				"and `%s`, not the provider's `jq` block.", shortDuration(d.ItemTimeout), d.MaxMemory>>20, envJQItemTimeout, envJQMaxMemoryMiB),
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name:                "value",
				MarkdownDescription: "The input, any value, such as one item of `jsondecode(data.portjsm_customer_requests.all.items_json)`.",
				AllowNullValue:      true,
				// Terraform then calls the function at validate and plan
				// before the value is known, so the expression is checked
				// early; the result is unknown until the value is known.
				AllowUnknownValues: true,
			},
			function.StringParameter{
				Name:                "expression",
				MarkdownDescription: "The JQ expression, such as `.requestFieldValues[] | select(.fieldId == \"summary\") | .value`.",
				Validators:          []function.StringParameterValidator{jqParameterValidator{}},
			},
		},
		Return: function.DynamicReturn{},
	}
}

func (f *jqFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var value types.Dynamic
	var expression string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &value, &expression))
	if resp.Error != nil {
		return
	}
	code, err := mapping.CompileExpr("expression", expression)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, err.Error())
		return
	}
	if !fullyKnown(ctx, value) {
		resp.Error = resp.Result.Set(ctx, types.DynamicUnknown())
		return
	}
	input, err := toJSON(value)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "The value cannot be given to JQ: "+err.Error())
		return
	}
	limits, err := functionJQLimits()
	if err != nil {
		resp.Error = function.NewFuncError("Invalid JQ limit: " + err.Error())
		return
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if f.interrupt != nil {
		defer context.AfterFunc(f.interrupt, func() { cancel(errInterrupted) })()
	}
	v, err := mapping.First(ctx, code, input, limits)
	if err != nil {
		resp.Error = function.NewFuncError(fmt.Sprintf("The JQ expression %q %s%s", expression, describeFunctionError(ctx, err), functionLimitAdvice(err)))
		return
	}
	result := types.DynamicNull()
	if v != nil {
		result = types.DynamicValue(fromJSON(v))
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, result))
}

var errInterrupted = errors.New("the provider received an interrupt (Ctrl-C)")

// describeFunctionError words a failed call after "The JQ expression".
// Terraform ends the sentence.
func describeFunctionError(ctx context.Context, err error) string {
	if errors.Is(context.Cause(ctx), errInterrupted) {
		return "was stopped: " + errInterrupted.Error()
	}
	return err.Error()
}

// fullyKnown reports whether a value holds no unknown value at any depth.
func fullyKnown(ctx context.Context, v types.Dynamic) bool {
	tv, err := v.ToTerraformValue(ctx)
	return err == nil && tv.IsFullyKnown()
}

// functionLimitAdvice names the environment variable that raises the limit
// an error reports.
func functionLimitAdvice(err error) string {
	var limit *mapping.LimitError
	if !errors.As(err, &limit) {
		return ""
	}
	setting := envJQItemTimeout
	if limit.Kind == mapping.LimitMemory {
		setting = envJQMaxMemoryMiB
	}
	return fmt.Sprintf(". If the expression is right, raise the limit with the environment variable %s of the terraform command", setting)
}

// jqParameterValidator compiles a JQ expression argument, so that a syntax
// error fails terraform validate with its position.
type jqParameterValidator struct{}

func (jqParameterValidator) ValidateParameterString(_ context.Context, req function.StringParameterValidatorRequest, resp *function.StringParameterValidatorResponse) {
	if req.Value.IsNull() || req.Value.IsUnknown() {
		return
	}
	if _, err := mapping.CompileExpr("expression", req.Value.ValueString()); err != nil {
		resp.Error = function.NewArgumentFuncError(req.ArgumentPosition, err.Error())
	}
}
