package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSettingsResolveConfigThenEnvironmentThenDefault(t *testing.T) {
	var diags diag.Diagnostics
	n := intSetting{env: "TEST_SETTING_INT", lo: 1, hi: 10, def: 3}
	if got := n.resolve(types.Int64Null(), &diags); got != 3 {
		t.Errorf("unset: %d, want the default 3", got)
	}
	t.Setenv("TEST_SETTING_INT", "7")
	if got := n.resolve(types.Int64Null(), &diags); got != 7 {
		t.Errorf("from the environment: %d, want 7", got)
	}
	if got := n.resolve(types.Int64Value(9), &diags); got != 9 {
		t.Errorf("configured: %d, want 9", got)
	}
	if diags.HasError() {
		t.Fatal(diags)
	}
	t.Setenv("TEST_SETTING_INT", "11")
	n.resolve(types.Int64Null(), &diags)
	if !diags.HasError() || diags.Errors()[0].Detail() != `TEST_SETTING_INT is "11", but it must be a whole number from 1 to 10. Fix or unset it.` {
		t.Errorf("out of range: %v", diags)
	}

	diags = nil
	f := floatSetting{env: "TEST_SETTING_FLOAT", lo: 0.1}
	t.Setenv("TEST_SETTING_FLOAT", "0.05")
	f.resolve(types.Float64Null(), &diags)
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "at least 0.1") {
		t.Errorf("below the range the validator allows: %v", diags)
	}

	diags = nil
	s := textSetting{name: "x.url", env: "TEST_SETTING_TEXT", def: "https://default"}
	if got, ok := s.resolve(types.StringValue("")); !ok || got != "https://default" {
		t.Errorf("an empty string: %q, %v, want the default", got, ok)
	}
	t.Setenv("TEST_SETTING_TEXT", "https://env")
	if got, _ := s.resolve(types.StringNull()); got != "https://env" {
		t.Errorf("from the environment: %q", got)
	}

	d := durationSetting{name: "x.timeout", env: "TEST_SETTING_DURATION", def: time.Minute, invalid: "Invalid X Timeout"}
	if got := d.resolve(types.StringNull(), path.Root("x"), &diags); got != time.Minute {
		t.Errorf("unset: %v", got)
	}
	t.Setenv("TEST_SETTING_DURATION", "soon")
	d.resolve(types.StringNull(), path.Root("x"), &diags)
	if !diags.HasError() || diags.Errors()[0].Summary() != "Invalid X Timeout" ||
		!strings.Contains(diags.Errors()[0].Detail(), `x.timeout (environment variable TEST_SETTING_DURATION) is "soon"`) {
		t.Errorf("a bad duration: %v", diags)
	}
}

func TestSettingDescriptionsSayDefaultRangeAndEnvironment(t *testing.T) {
	for got, want := range map[string]string{
		jsmSetting.pageSize.attribute("Page size.").MarkdownDescription:     "Page size. From 1 to 100, default 50. Environment variable `JSM_PAGE_SIZE`.",
		portSetting.timeout.attribute("Timeout.").MarkdownDescription:       "Timeout. A Go duration such as `30s` or `2m`, default `1m`. Environment variable `PORT_TIMEOUT`.",
		portSetting.baseURL.attribute("URL.").MarkdownDescription:           "URL. Default `https://api.port.io`. Environment variable `PORT_BASE_URL`.",
		jsmSetting.requestsPerSecond.attribute("Rate.").MarkdownDescription: "Rate. At least 0.1; default: no bound beyond `concurrency`. Environment variable `JSM_REQUESTS_PER_SECOND`.",
	} {
		if got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}
