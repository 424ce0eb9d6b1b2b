// Command floor-provider is the "Terraform floor" of scripts/bench-sync.sh: a
// provider served under the real one's address whose schemas accept
// examples/jsm-to-port and examples/jsm-to-port-blueprints unchanged, but that
// does nothing beyond what Terraform needs. Resources copy the plan to state
// and refresh to their state; the three JSM data sources return entities_json
// read from $PORTJSM_FLOOR_DIR/<type name>.json (dumped from a real run's
// state). A no-op plan with it is what Terraform itself costs for the same
// configuration and state. It exists only to measure that; do not use it for
// anything else.
//
// Build: go build -o DIR/terraform-provider-portjsm ./scripts/floor-provider
// and point a dev_overrides block at DIR.
package main

import (
	"context"
	"encoding/json"
	"log"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func main() {
	// The same collector setting as the real provider (see its main.go), so
	// that the floor isolates the provider's own work.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	err := providerserver.Serve(context.Background(), func() provider.Provider { return floorProvider{} }, providerserver.ServeOpts{
		Address:         "registry.terraform.io/portjsm/portjsm",
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// floorProvider accepts the real provider block's jsm, port and jq objects
// (as dynamic values) and ignores them.
type floorProvider struct{}

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "portjsm"
	resp.Version = "floor"
}

func (floorProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = pschema.Schema{Attributes: map[string]pschema.Attribute{
		"jsm":  pschema.DynamicAttribute{Optional: true},
		"port": pschema.DynamicAttribute{Optional: true},
		"jq":   pschema.DynamicAttribute{Optional: true},
	}}
}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		// portjsm_blueprint: the real attribute names; the free-form and nested
		// ones (schema, relations, *_properties) as dynamic values.
		func() resource.Resource {
			return &copyResource{name: "blueprint", idFrom: "identifier", schema: rschema.Schema{Attributes: map[string]rschema.Attribute{
				"id":                     computedID(),
				"identifier":             rschema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
				"title":                  rschema.StringAttribute{Required: true},
				"icon":                   rschema.StringAttribute{Optional: true},
				"description":            rschema.StringAttribute{Optional: true},
				"schema":                 rschema.DynamicAttribute{Optional: true},
				"relations":              rschema.DynamicAttribute{Optional: true},
				"mirror_properties":      rschema.DynamicAttribute{Optional: true},
				"calculation_properties": rschema.DynamicAttribute{Optional: true},
				"aggregation_properties": rschema.DynamicAttribute{Optional: true},
				"force_delete_entities":  rschema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
			}}}
		},
		// portjsm_entities: entities_json as a plain string (the real one's
		// semantic equality is the provider's cost, not Terraform's), the
		// optional settings with the real defaults.
		func() resource.Resource {
			return &copyResource{name: "entities", idFrom: "blueprint", schema: rschema.Schema{Attributes: map[string]rschema.Attribute{
				"id":                              computedID(),
				"blueprint":                       rschema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
				"entities_json":                   rschema.StringAttribute{Required: true},
				"deletion_threshold":              rschema.Float64Attribute{Optional: true, Computed: true, Default: float64default.StaticFloat64(0.9)},
				"create_missing_related_entities": rschema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
				"delete_dependents":               rschema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
			}}}
		},
	}
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource {
	var out []func() datasource.DataSource
	for _, name := range []string{"service_desks", "customer_requests", "organizations"} {
		out = append(out, func() datasource.DataSource { return &fileDataSource{name: name} })
	}
	return out
}

func computedID() rschema.StringAttribute {
	return rschema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

// copyResource stores its plan as its state, with id set from the idFrom
// attribute on create; refresh keeps the state as it is.
type copyResource struct {
	name, idFrom string
	schema       rschema.Schema
}

func (r *copyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.name
}

func (r *copyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.schema
}

func (r *copyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var id types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(r.idFrom), &id)...)
	resp.State.Raw = req.Plan.Raw.Copy()
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// Read: the framework starts the response from the prior state, which is
// returned unchanged.
func (r *copyResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *copyResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw.Copy() // id is kept by UseStateForUnknown
}

func (r *copyResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// fileDataSource accepts the example's mapping and returns the entities_json
// saved in $PORTJSM_FLOOR_DIR/portjsm_<name>.json, item_count being its
// number of top-level keys.
type fileDataSource struct{ name string }

func (d *fileDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.name
}

func (d *fileDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = dsschema.Schema{Attributes: map[string]dsschema.Attribute{
		"mapping":       dsschema.DynamicAttribute{Optional: true},
		"entities_json": dsschema.StringAttribute{Computed: true},
		"item_count":    dsschema.Int64Attribute{Computed: true},
	}}
}

func (d *fileDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	file := filepath.Join(os.Getenv("PORTJSM_FLOOR_DIR"), "portjsm_"+d.name+".json")
	data, err := os.ReadFile(file)
	if err != nil {
		resp.Diagnostics.AddError("floor provider: no entities_json", err.Error())
		return
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		resp.Diagnostics.AddError("floor provider: "+file+" is not a JSON object", err.Error())
		return
	}
	resp.State.Raw = req.Config.Raw.Copy()
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("entities_json"), types.StringValue(string(data)))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("item_count"), types.Int64Value(int64(len(keys))))...)
}
