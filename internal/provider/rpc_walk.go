package provider

import (
	"context"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/tidwall/gjson"
)

// walkServer tells a resource's plan whether Terraform is planning or
// applying. Terraform plans each resource again during an apply, with the
// same request, to check the plan still holds, and shows what that plan
// reports: a line that counts what the plan will write would show again, in
// the future tense, after the apply has written it. The protocol carries no
// flag, but the two runs differ in what they call. Each run of Terraform's
// graph configures the provider anew; a plan reads the data sources and
// refreshes the resources before planning what depends on them, and an apply
// reads nothing (saved or not, its plan holds what was read). So a plan with
// no read since the provider was configured is taken as the apply's.
//
// A walk that has refreshed a resource since the provider was configured
// refreshes every resource it upgrades (a plan with -refresh=false, and an
// apply, refresh none), so the upgrade of a portjsm_entities starts the
// search its refresh will make (refreshPrefetch).
type walkServer struct {
	tfprotov6.ProviderServer
	readSinceConfigure      *atomic.Bool
	refreshedSinceConfigure *atomic.Bool
	prefetch                *refreshPrefetch
}

func newWalkServer(s tfprotov6.ProviderServer, prefetch *refreshPrefetch) walkServer {
	return walkServer{ProviderServer: s, readSinceConfigure: new(atomic.Bool), refreshedSinceConfigure: new(atomic.Bool), prefetch: prefetch}
}

func (s walkServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	s.readSinceConfigure.Store(false)
	s.refreshedSinceConfigure.Store(false)
	return s.ProviderServer.ConfigureProvider(ctx, req)
}

func (s walkServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	s.readSinceConfigure.Store(true)
	s.refreshedSinceConfigure.Store(true)
	return s.ProviderServer.ReadResource(ctx, req)
}

func (s walkServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	resp, err := s.ProviderServer.UpgradeResourceState(ctx, req)
	if err == nil && resp != nil && resp.UpgradedState != nil && req.TypeName == entitiesTypeName &&
		s.refreshedSinceConfigure.Load() && req.RawState != nil {
		s.prefetch.start(ctx, gjson.GetBytes(req.RawState.JSON, "blueprint").String())
	}
	return resp, err
}

func (s walkServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	s.readSinceConfigure.Store(true)
	return s.ProviderServer.ReadDataSource(ctx, req)
}

func (s walkServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if !s.readSinceConfigure.Load() {
		ctx = context.WithValue(ctx, replanAtApplyKey{}, true)
	}
	return s.ProviderServer.PlanResourceChange(ctx, req)
}

type replanAtApplyKey struct{}

// replanAtApply reports whether a plan is the one Terraform makes again
// during an apply (see walkServer). Without walkServer it is always false.
func replanAtApply(ctx context.Context) bool {
	again, _ := ctx.Value(replanAtApplyKey{}).(bool)
	return again
}
