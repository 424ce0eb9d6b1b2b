package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
)

// NewServer serves the provider as the binary does: the framework's server,
// told whether a plan is Terraform's plan or its apply (walkServer), with the
// time of every call that handles a sync's documents broken into phases
// (package phases), logged at DEBUG as "phase breakdown"
// (TF_LOG_PROVIDER=DEBUG): the whole call, the provider's handler, each phase
// inside it, and the rest, which is the plugin framework decoding the request
// and encoding the answer (framework_ms), with the sizes of both.
func NewServer(p func() provider.Provider) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		prov := p()
		prefetch := newRefreshPrefetch()
		if portjsm, ok := prov.(*portJSMProvider); ok {
			portjsm.prefetch = prefetch
		}
		return phasedServer{newWalkServer(newFlatStateServer(providerserver.NewProtocol6(prov)()), prefetch)}
	}
}

type phasedServer struct{ tfprotov6.ProviderServer }

func (s phasedServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	ctx, done := startCall(ctx, "ValidateResourceConfig", req.TypeName, size(req.Config))
	resp, err := s.ProviderServer.ValidateResourceConfig(ctx, req)
	done(0)
	return resp, err
}

func (s phasedServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	in := 0
	if req.RawState != nil {
		in = len(req.RawState.JSON)
	}
	ctx, done := startCall(ctx, "UpgradeResourceState", req.TypeName, in)
	resp, err := s.ProviderServer.UpgradeResourceState(ctx, req)
	if resp != nil {
		done(size(resp.UpgradedState))
	}
	return resp, err
}

func (s phasedServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	ctx, done := startCall(ctx, "ReadResource", req.TypeName, size(req.CurrentState)+len(req.Private))
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		done(size(resp.NewState) + len(resp.Private))
	}
	return resp, err
}

func (s phasedServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	ctx, done := startCall(ctx, "PlanResourceChange", req.TypeName,
		size(req.PriorState)+size(req.ProposedNewState)+size(req.Config)+len(req.PriorPrivate))
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		done(size(resp.PlannedState) + len(resp.PlannedPrivate))
	}
	return resp, err
}

func (s phasedServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	ctx, done := startCall(ctx, "ApplyResourceChange", req.TypeName,
		size(req.PriorState)+size(req.PlannedState)+size(req.Config)+len(req.PlannedPrivate))
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		done(size(resp.NewState) + len(resp.Private))
	}
	return resp, err
}

func (s phasedServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	ctx, done := startCall(ctx, "ReadDataSource", req.TypeName, size(req.Config))
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if resp != nil {
		done(size(resp.State))
	}
	return resp, err
}

// startCall starts the timings of one call; done logs them, given the size of
// the answer's encoded values.
func startCall(ctx context.Context, rpc, typeName string, bytesIn int) (context.Context, func(bytesOut int)) {
	ctx, timings := phases.With(ctx)
	started := time.Now()
	return ctx, func(bytesOut int) {
		total := time.Since(started)
		fields := map[string]any{"rpc": rpc, "type_name": typeName, "total_ms": phases.Millis(total),
			"bytes_in": bytesIn, "bytes_out": bytesOut}
		spent := timings.Spent()
		for name, ms := range spent {
			fields[name+"_ms"] = ms
		}
		fields["framework_ms"] = max(0, phases.Millis(total)-spent[phases.Provider])
		tflog.Debug(ctx, "phase breakdown", fields)
	}
}

func size(v *tfprotov6.DynamicValue) int {
	if v == nil {
		return 0
	}
	return len(v.MsgPack) + len(v.JSON)
}
