package provider

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
)

// stateCompatTenant is the JSM tenant testdata/state_compat was synced from.
var stateCompatTenant = fakejsm.TenantOptions{Seed: 7, ServiceDesks: 2, Requests: 12, Organizations: 2, Customers: 4}

// TestAccStateFromEarlierReleasePlansNoChanges plans, with the provider
// built from this tree, against a state and a Port written by an earlier
// release (testdata/state_compat, see its README): a user's existing state
// must keep planning no changes, or the change must add a state upgrader.
//
// PORTJSM_WRITE_STATE_COMPAT=1 rewrites the test data with the provider of
// this tree instead; do that only when capturing a release, never to make
// the test pass.
func TestAccStateFromEarlierReleasePlansNoChanges(t *testing.T) {
	dir := "testdata/state_compat"
	jsm := startJSM(t, stateCompatTenant)
	srv := startPort(t)
	tf := newTerraformCLI(t, filepath.Join(dir, "main.tf"), map[string]string{
		"TF_VAR_jsm_base_url":  jsm.URL(),
		"TF_VAR_jsm_api_token": fakejsm.DefaultAPIToken,
		"TF_VAR_port_base_url": srv.URL(),
	})
	if os.Getenv("PORTJSM_WRITE_STATE_COMPAT") == "1" {
		writeStateCompat(t, tf, srv, dir)
		return
	}
	snapshot, err := os.ReadFile(filepath.Join(dir, "port.json"))
	mustEdit(t, err)
	mustEdit(t, srv.Restore(snapshot))
	state, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	mustEdit(t, err)
	mustEdit(t, os.WriteFile(filepath.Join(tf.dir, "terraform.tfstate"), state, 0o600))

	if out, code := tf.exec("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("the state of an earlier release plans changes (exit %d):\n%s", code, out)
	}
}

func writeStateCompat(t *testing.T, tf *terraformCLI, srv *fakeport.Server, dir string) {
	t.Helper()
	tf.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	tf.run([]int{0}, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	state, err := os.ReadFile(filepath.Join(tf.dir, "terraform.tfstate"))
	mustEdit(t, err)
	mustEdit(t, os.WriteFile(filepath.Join(dir, "terraform.tfstate"), state, 0o600))
	snapshot, err := srv.Snapshot()
	mustEdit(t, err)
	mustEdit(t, os.WriteFile(filepath.Join(dir, "port.json"), snapshot, 0o600))
}
