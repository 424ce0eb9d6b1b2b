package provider

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

func jqSchema() schema.SingleNestedAttribute {
	d := mapping.DefaultLimits
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "Limits on every JQ evaluation (data source `mapping`s, `portjsm_records.data_path`, " +
			"`portjsm_ocean_mapping`), so that no expression can hang a plan or exhaust the machine's memory. An " +
			"evaluation that reaches one fails, naming the item, the field, the expression and the setting to raise. " +
			"The function `provider::portjsm::jq` is called by Terraform without the provider's configuration, so it " +
			"reads only the environment variables.",
		Attributes: map[string]schema.Attribute{
			"item_timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How long one evaluation may run, as a Go duration (default `%s`): all the "+
					"fields of one item of a mapping, a `data_path` over one response, one call of `provider::portjsm::jq`. "+
					"Environment variable `%s`.", shortDuration(d.ItemTimeout), envJQItemTimeout),
				Validators: []validator.String{durationValidator{}},
			},
			"total_timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How long mapping all the items of one data source may take, as a Go "+
					"duration (default `%s`). Environment variable `%s`.", shortDuration(d.TotalTimeout), envJQTotalTimeout),
				Validators: []validator.String{durationValidator{}},
			},
			"max_memory_mib": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many MiB the provider's memory may grow while JQ runs (default `%d`). "+
					"It bounds what an expression may build, such as `[range(1e9)]`. The provider's heap is measured, so "+
					"other reads running at the same time count too. Environment variable `%s`.", d.MaxMemory>>20, envJQMaxMemoryMiB),
				Validators: []validator.Int64{int64validator.Between(1, maxJQMemoryMiB)},
			},
		},
	}
}

// shortDuration writes a duration as a user would: 1m, not 1m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// resolveJQ merges configuration, environment and defaults into limits.
func resolveJQ(m *jqModel, diags *diag.Diagnostics) mapping.Limits {
	if m == nil {
		m = &jqModel{}
	}
	limits := mapping.DefaultLimits
	for _, s := range []struct {
		name, env string
		value     types.String
		into      *time.Duration
	}{
		{"item_timeout", envJQItemTimeout, m.ItemTimeout, &limits.ItemTimeout},
		{"total_timeout", envJQTotalTimeout, m.TotalTimeout, &limits.TotalTimeout},
	} {
		text, ok := stringSetting(s.value, s.env, os.LookupEnv)
		if !ok {
			continue
		}
		d, err := time.ParseDuration(text)
		if err != nil || d <= 0 {
			diags.AddAttributeError(path.Root("jq").AtName(s.name), "Invalid JQ Limit", fmt.Sprintf(
				"jq.%s (environment variable %s) is %q, which is not a positive Go duration. Use a value such as \"5s\" or \"2m\".", s.name, s.env, text))
			continue
		}
		*s.into = d
	}
	if mib := intSetting(m.MaxMemoryMiB, envJQMaxMemoryMiB, 1, maxJQMemoryMiB, diags); mib > 0 {
		limits.MaxMemory = uint64(mib) << 20
	}
	return limits
}

// functionJQLimits are the limits of provider::portjsm::jq: the defaults,
// or the environment variables when set.
func functionJQLimits() (mapping.Limits, error) {
	limits := mapping.DefaultLimits
	if s := os.Getenv(envJQItemTimeout); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return limits, fmt.Errorf("%s is %q, which is not a positive Go duration such as \"5s\"; fix or unset it", envJQItemTimeout, s)
		}
		limits.ItemTimeout = d
	}
	if s := os.Getenv(envJQMaxMemoryMiB); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 || n > maxJQMemoryMiB {
			return limits, fmt.Errorf("%s is %q, but it must be a whole number of MiB from 1 to %d; fix or unset it", envJQMaxMemoryMiB, s, maxJQMemoryMiB)
		}
		limits.MaxMemory = uint64(n) << 20
	}
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
