package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
)

var _ function.Function = (*jqFunction)(nil)

func newJQFunction() function.Function { return &jqFunction{} }

// jqFunction runs a JQ expression with gojq, for HCL mappings that want JQ.
type jqFunction struct{}

func (f *jqFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "jq"
}

func (f *jqFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Run a JQ expression",
		MarkdownDescription: "Runs a JQ expression (gojq, the JQ language of Ocean mappings) over a value and returns its first " +
			"result, or null when it has none. Objects become objects and lists tuples, so the result can be used like " +
			"`jsondecode`'s. The expression has no access to environment variables: `env` and `$ENV` are empty.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name:                "value",
				MarkdownDescription: "The input, any value, such as one item of `jsondecode(data.portjsm_customer_requests.all.items_json)`.",
				AllowNullValue:      true,
			},
			function.StringParameter{
				Name:                "expression",
				MarkdownDescription: "The JQ expression, such as `.requestFieldValues[] | select(.fieldId == \"summary\") | .value`.",
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
	input, err := toJSON(value)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "The value cannot be given to JQ: "+err.Error())
		return
	}
	code, err := mapping.CompileExpr("expression", expression)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, err.Error())
		return
	}
	result := types.DynamicNull()
	iter := code.RunWithContext(ctx, input)
	if v, ok := iter.Next(); ok {
		if runErr, isErr := v.(error); isErr {
			resp.Error = function.NewFuncError(fmt.Sprintf("The JQ expression %q failed: %s.", expression, runErr))
			return
		}
		if v != nil {
			result = types.DynamicValue(fromJSON(v))
		}
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, result))
}
