package provider

import (
	"errors"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
)

// The limits' environment variables. The function provider::portjsm::jq
// reads them too: Terraform calls functions without configuring the
// provider, so they are its only settings.
const (
	envJQItemTimeout  = "PORTJSM_JQ_ITEM_TIMEOUT"
	envJQTotalTimeout = "PORTJSM_JQ_TOTAL_TIMEOUT"
	envJQMaxMemoryMiB = "PORTJSM_JQ_MAX_MEMORY_MIB"
	maxJQMemoryMiB    = 1 << 20
)

type jqModel struct {
	ItemTimeout  types.String `tfsdk:"item_timeout"`
	TotalTimeout types.String `tfsdk:"total_timeout"`
	MaxMemoryMiB types.Int64  `tfsdk:"max_memory_mib"`
}

// jqSetting holds every setting of the jq block.
var jqSetting = struct {
	itemTimeout, totalTimeout durationSetting
	maxMemoryMiB              intSetting
}{
	itemTimeout:  durationSetting{name: "jq.item_timeout", env: envJQItemTimeout, def: mapping.DefaultLimits.ItemTimeout, invalid: "Invalid JQ Limit"},
	totalTimeout: durationSetting{name: "jq.total_timeout", env: envJQTotalTimeout, def: mapping.DefaultLimits.TotalTimeout, invalid: "Invalid JQ Limit"},
	maxMemoryMiB: intSetting{env: envJQMaxMemoryMiB, lo: 1, hi: maxJQMemoryMiB, def: int64(mapping.DefaultLimits.MaxMemory >> 20)},
}

func jqSchema() schema.SingleNestedAttribute {
	s := jqSetting
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "Limits on every JQ evaluation (data source `mapping`s, `portjsm_records.data_path`, " +
			"`portjsm_ocean_mapping`), so that no expression can hang a plan or exhaust the machine's memory. An " +
			"evaluation that reaches one fails, naming the item, the field, the expression and the setting to raise. " +
			"The function `provider::portjsm::jq` is called by Terraform without the provider's configuration, so it " +
			"reads only the environment variables.",
		Attributes: map[string]schema.Attribute{
			"item_timeout": s.itemTimeout.attribute("How long one evaluation may run: all the fields of one item of a " +
				"mapping, a `data_path` over one response, one call of `provider::portjsm::jq`."),
			"total_timeout": s.totalTimeout.attribute("How long JQ may run for all the items of one data source together. " +
				"Only the time JQ runs counts: the time spent reading JSM, however slow, is bounded by the JSM settings instead."),
			"max_memory_mib": s.maxMemoryMiB.attribute("How many MiB the provider's memory may grow during one evaluation " +
				"(one item of a mapping, one `data_path`). It bounds what an expression may build, such as `[range(1e9)]`; " +
				"the results a mapping keeps, and other reads running at the same time, do not count. An item that reaches " +
				"it is evaluated again alone before the plan fails. The process's resident memory can reach about twice the " +
				"limit before it stops, since the Go garbage collector keeps headroom beside the heap; size a runner for that."),
		},
	}
}

// resolveJQ merges configuration, environment and defaults into limits.
func resolveJQ(m *jqModel, diags *diag.Diagnostics) mapping.Limits {
	if m == nil {
		m = &jqModel{}
	}
	s := jqSetting
	limits := mapping.DefaultLimits
	limits.ItemTimeout = s.itemTimeout.resolve(m.ItemTimeout, path.Root("jq").AtName("item_timeout"), diags)
	limits.TotalTimeout = s.totalTimeout.resolve(m.TotalTimeout, path.Root("jq").AtName("total_timeout"), diags)
	if mib := s.maxMemoryMiB.resolve(m.MaxMemoryMiB, diags); mib > 0 {
		limits.MaxMemory = uint64(mib) << 20
	}
	return limits
}

// functionJQLimits are the limits of provider::portjsm::jq: the defaults,
// or the environment variables when set.
func functionJQLimits() (mapping.Limits, error) {
	limits := mapping.DefaultLimits
	if text := os.Getenv(envJQItemTimeout); text != "" {
		d, err := jqSetting.itemTimeout.parse(text)
		if err != nil {
			return limits, err
		}
		limits.ItemTimeout = d
	}
	mib, err := jqSetting.maxMemoryMiB.fromEnv()
	if err != nil {
		return limits, err
	}
	limits.MaxMemory = uint64(mib) << 20
	return limits, nil
}

// jqLimitAdvice says which setting raises the limit an error reports, or
// "" when the error is not a limit reached.
func jqLimitAdvice(err error) string {
	var limit *mapping.LimitError
	if !errors.As(err, &limit) {
		return ""
	}
	switch limit.Kind {
	case mapping.LimitItemTimeout:
		return fmt.Sprintf("If the expression is right and needs more time, raise jq.item_timeout in the provider block (environment variable %s).", envJQItemTimeout)
	case mapping.LimitTotalTimeout:
		return fmt.Sprintf("If the mapping is right and needs more time, raise jq.total_timeout in the provider block (environment variable %s).", envJQTotalTimeout)
	default:
		return fmt.Sprintf("If the expression is right and needs more memory, raise jq.max_memory_mib in the provider block (environment variable %s).", envJQMaxMemoryMiB)
	}
}
