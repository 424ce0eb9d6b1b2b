package provider

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

// A provider setting comes from its attribute in the provider block, else
// from its environment variable, else from its default. Each setting below
// holds its environment variable, its default and its valid range in one
// place, for the attribute (its description and validators) and for the
// resolution of its value. Configured values were checked by the validators;
// values from the environment are checked when they are read.

// envText names the environment variable in an attribute's description.
func envText(env string) string { return fmt.Sprintf(" Environment variable `%s`.", env) }

// textSetting is a string setting.
type textSetting struct {
	name string // as the provider block spells it, e.g. "jsm.base_url"
	env  string
	def  string // "" when the setting has no default
}

func (s textSetting) attribute(desc string, validators ...validator.String) schema.StringAttribute {
	if s.def != "" {
		desc += fmt.Sprintf(" Default `%s`.", s.def)
	}
	return schema.StringAttribute{Optional: true, MarkdownDescription: desc + envText(s.env), Validators: validators}
}

// secret is the attribute of a credential: never shown, logged or stored.
func (s textSetting) secret(desc string) schema.StringAttribute {
	a := s.attribute(desc)
	a.Sensitive = true
	return a
}

// resolve returns the setting's value and whether it has one; an empty
// string counts as not set.
func (s textSetting) resolve(v types.String) (string, bool) {
	if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		return v.ValueString(), true
	}
	if e := os.Getenv(s.env); e != "" {
		return e, true
	}
	return s.def, s.def != ""
}

// notSet says that a setting without a default is missing.
func (s textSetting) notSet() string {
	return fmt.Sprintf("the setting %s (environment variable %s) is not set", s.name, s.env)
}

// intSetting is a whole number from lo to hi.
type intSetting struct {
	env         string
	lo, hi, def int64
}

func (s intSetting) attribute(desc string) schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional:            true,
		MarkdownDescription: desc + fmt.Sprintf(" From %d to %d, default %d.", s.lo, s.hi, s.def) + envText(s.env),
		Validators:          []validator.Int64{int64validator.Between(s.lo, s.hi)},
	}
}

func (s intSetting) resolve(v types.Int64, diags *diag.Diagnostics) int64 {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueInt64()
	}
	n, err := s.fromEnv()
	if err != nil {
		diags.AddError("Invalid Environment Variable", err.Error()+". Fix or unset it.")
	}
	return n
}

// fromEnv reads the environment variable, or returns the default when it is
// not set.
func (s intSetting) fromEnv() (int64, error) {
	text := os.Getenv(s.env)
	if text == "" {
		return s.def, nil
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil || n < s.lo || n > s.hi {
		return n, fmt.Errorf("%s is %q, but it must be a whole number from %d to %d", s.env, text, s.lo, s.hi)
	}
	return n, nil
}

// floatSetting is a number of at least lo. Unset, it is zero, which the
// clients read as "no limit", the meaning none says.
type floatSetting struct {
	env  string
	lo   float64
	none string
}

func (s floatSetting) attribute(desc string) schema.Float64Attribute {
	return schema.Float64Attribute{
		Optional:            true,
		MarkdownDescription: desc + fmt.Sprintf(" At least %g; default: %s.", s.lo, s.none) + envText(s.env),
		Validators:          []validator.Float64{float64validator.AtLeast(s.lo)},
	}
}

func (s floatSetting) resolve(v types.Float64, diags *diag.Diagnostics) float64 {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueFloat64()
	}
	text := os.Getenv(s.env)
	if text == "" {
		return 0
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f < s.lo {
		diags.AddError("Invalid Environment Variable", fmt.Sprintf("%s is %q, but it must be a number of at least %g. Fix or unset it.", s.env, text, s.lo))
	}
	return f
}

// durationSetting is a positive Go duration.
type durationSetting struct {
	name string // as the provider block spells it, e.g. "jsm.timeout"
	env  string
	def  time.Duration
	// invalid is the summary of the error a value that is not a duration gets.
	invalid string
}

func (s durationSetting) attribute(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: desc + fmt.Sprintf(" A Go duration such as `30s` or `2m`, default `%s`.", shortDuration(s.def)) + envText(s.env),
		Validators:          []validator.String{durationValidator{}},
	}
}

// resolve returns the setting's value; at records an invalid one.
func (s durationSetting) resolve(v types.String, at path.Path, diags *diag.Diagnostics) time.Duration {
	text, ok := textSetting{env: s.env}.resolve(v)
	if !ok {
		return s.def
	}
	d, err := s.parse(text)
	if err != nil {
		diags.AddAttributeError(at, s.invalid, err.Error()+".")
		return s.def
	}
	return d
}

func (s durationSetting) parse(text string) (time.Duration, error) {
	d, err := time.ParseDuration(text)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s (environment variable %s) is %q, which is not a positive Go duration. Use a value such as \"%s\" or \"2m\"",
			s.name, s.env, text, shortDuration(s.def))
	}
	return d, nil
}

// clientOptions are the HTTP options of a client from its resolved settings.
func clientOptions(version string, retries int64, perSecond float64, timeout, maxServerWait time.Duration, caPEM string) httpbase.Options {
	o := httpbase.Options{
		MaxRetries:        int(retries),
		RequestsPerSecond: perSecond,
		Timeout:           timeout,
		MaxServerWait:     maxServerWait,
		CACertificatesPEM: []byte(caPEM),
		UserAgent:         "terraform-provider-portjsm/" + version,
		Logger:            newTFLogLogger(),
	}
	// The clients read a zero MaxRetries as their default.
	if retries == 0 {
		o.MaxRetries = httpbase.NoRetries
	}
	return o
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
