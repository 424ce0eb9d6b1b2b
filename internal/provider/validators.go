package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
)

var absoluteHTTPURL = regexp.MustCompile(`^https?://[^/?#\s]+`)

// urlValidators check a base URL's form; the clients check the rest.
func urlValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(absoluteHTTPURL, "must be an absolute http(s) URL such as https://your-domain.atlassian.net")}
}

// durationValidator accepts a positive Go duration string.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "must be a positive Go duration such as 30s or 2m"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%q is not a positive duration. Use a value such as \"30s\" or \"2m\".", req.ConfigValue.ValueString()))
	}
}

// jqValidator compiles a JQ expression, so that a syntax error fails
// terraform validate and names its position. An empty string is left to the
// attribute's own rules.
type jqValidator struct{}

func (jqValidator) Description(context.Context) string {
	return "must be a JQ expression that compiles"
}

func (v jqValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (jqValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return
	}
	if _, err := mapping.CompileExpr(req.Path.String(), req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid JQ Expression", err.Error()+". Fix the expression.")
	}
}

// entitiesJSONValidator rejects a document that is not an entity set,
// saying which entity and field is wrong. It is a schema validator, not a
// validation of the type, so that it runs once when the configuration is
// validated and not again each time the provider sets a state or a plan.
type entitiesJSONValidator struct{}

func (entitiesJSONValidator) Description(context.Context) string {
	return "must be one JSON object keyed by entity identifier"
}

func (v entitiesJSONValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (entitiesJSONValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	defer phases.Start(ctx, phases.Provider)()
	defer phases.Start(ctx, phases.Diff)()
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	doc := req.ConfigValue.ValueString()
	if validDocuments.has(doc) {
		return
	}
	if _, err := entity.Parse([]byte(doc)); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Entities JSON", err.Error()+
			". entities_json must be one JSON object keyed by entity identifier, each value an object with title, icon, "+
			"team, properties and relations, such as a data source's entities_json or jsonencode({ for ... }).")
		return
	}
	validDocuments.add(doc)
}
