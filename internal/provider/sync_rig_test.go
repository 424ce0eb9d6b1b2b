package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
)

// syncRig drives testdata/convergence, two syncs (desks, then requests that
// need their desk through a required relation), with the real Terraform CLI
// against a fake Port, one apply at a time, as a scheduled CI job would.
type syncRig struct {
	t    *testing.T
	port *fakeport.Server
	tf   *terraformCLI
	jsm  *fakejsm.Server // nil unless withJSM started it
	// portJudges turns the plan's schema check off, for tests of what
	// happens when Port refuses entities during the apply.
	portJudges bool
}

const (
	rigDesks    = "portjsm_entities.desks"
	rigRequests = "portjsm_entities.requests"
)

func newSyncRig(t *testing.T) *syncRig {
	t.Helper()
	srv := startPort(t)
	mustEdit(t, srv.PutBlueprint(map[string]any{
		"identifier": "desk", "title": "Desk",
		"schema": map[string]any{"properties": map[string]any{"name": map[string]any{"type": "string"}}},
	}))
	mustEdit(t, srv.PutBlueprint(map[string]any{
		"identifier": "request", "title": "Request",
		"schema": map[string]any{"properties": map[string]any{
			"status": map[string]any{"type": "string"}, "size": map[string]any{"type": "number"},
		}},
		"relations": map[string]any{
			"desk":     map[string]any{"target": "desk", "required": true, "many": false},
			"watchers": map[string]any{"target": "desk", "required": false, "many": true},
		},
	}))
	return &syncRig{t: t, port: srv, tf: newTerraformCLI(t, "testdata/convergence", nil)}
}

// interruptedWhen runs a terraform command and sends it SIGINT, as a
// cancelled CI job does, once ready reports true (polled every 10ms);
// Terraform then asks the provider to stop.
func (c *terraformCLI) interruptedWhen(ready func() bool, args ...string) (string, int) {
	c.t.Helper()
	cmd := exec.Command(c.bin, append([]string{"-chdir=" + c.dir}, args...)...)
	cmd.Env = c.environ
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
				if ready() {
					_ = cmd.Process.Signal(syscall.SIGINT)
					return
				}
			}
		}
	}()
	_ = cmd.Wait()
	close(done)
	return out.String(), cmd.ProcessState.ExitCode()
}

// bulkWritesSeen reports whether Port has received at least n bulk upserts.
func (r *syncRig) bulkWritesSeen(n int) func() bool {
	return func() bool { return r.port.RequestCount("POST", "/v1/blueprints/{blueprint}/entities/bulk") >= n }
}

// setSource writes the two entity sets (and extra variables) the next
// command reads.
func (r *syncRig) setSource(desks, requests entity.Set, extra map[string]any) {
	r.t.Helper()
	vars := map[string]any{"port_base_url": r.port.URL(), "desks": encodeSet(r.t, desks), "requests": encodeSet(r.t, requests)}
	if r.portJudges {
		vars["check_schema"] = false
	}
	for k, v := range extra {
		vars[k] = v
	}
	doc, err := json.Marshal(vars)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.tf.dir, "terraform.tfvars.json"), doc, 0o600); err != nil {
		r.t.Fatal(err)
	}
}

func (r *syncRig) apply() (string, int) {
	return r.tf.exec("apply", "-auto-approve", "-input=false", "-no-color")
}

func (r *syncRig) plan() (string, int) {
	return r.tf.exec("plan", "-detailed-exitcode", "-input=false", "-no-color")
}

// saveState returns the state file, nil when there is none yet.
func (r *syncRig) saveState() []byte {
	r.t.Helper()
	raw, err := os.ReadFile(filepath.Join(r.tf.dir, "terraform.tfstate"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		r.t.Fatal(err)
	}
	return raw
}

// restoreState puts back a state file saveState returned.
func (r *syncRig) restoreState(raw []byte) {
	r.t.Helper()
	file := filepath.Join(r.tf.dir, "terraform.tfstate")
	if raw == nil {
		if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			r.t.Fatal(err)
		}
		return
	}
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		r.t.Fatal(err)
	}
}

// owned returns the entities a resource's state records, by identifier.
func (r *syncRig) owned(address string) entity.Set {
	r.t.Helper()
	out, code := r.tf.exec("show", "-json")
	if code != 0 {
		r.t.Fatalf("terraform show: %s", out)
	}
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string
					Values  struct {
						EntitiesJSON string `json:"entities_json"`
					}
				}
			} `json:"root_module"`
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		r.t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	for _, res := range doc.Values.RootModule.Resources {
		if res.Address == address {
			set, err := entity.Parse([]byte(res.Values.EntitiesJSON))
			if err != nil {
				r.t.Fatal(err)
			}
			return set
		}
	}
	return entity.Set{}
}

// pending returns the entities a resource owns whose delete waits for
// dependents.
func (r *syncRig) pending(address string) entity.Set {
	r.t.Helper()
	doc := r.privateKey(address, pendingDeletesKey)
	if len(doc) == 0 {
		return entity.Set{}
	}
	set, err := entity.Parse(doc)
	if err != nil {
		r.t.Fatal(err)
	}
	return set
}

// unwritten returns the identifiers a resource's state records that the
// sync has not written, so does not own.
func (r *syncRig) unwritten(address string) []string {
	r.t.Helper()
	doc := r.privateKey(address, unwrittenKey)
	if len(doc) == 0 {
		return nil
	}
	var ids []string
	if err := json.Unmarshal(doc, &ids); err != nil {
		r.t.Fatalf("the unwritten identifiers of %s: %v", address, err)
	}
	return ids
}

// privateKey returns one key of the private state Terraform keeps beside a
// resource's attributes.
func (r *syncRig) privateKey(address, key string) []byte {
	r.t.Helper()
	raw, err := os.ReadFile(filepath.Join(r.tf.dir, "terraform.tfstate"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no apply has written a state yet
	}
	if err != nil {
		r.t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type, Name string
			Instances  []struct {
				Private []byte `json:"private"`
			}
		}
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		r.t.Fatal(err)
	}
	address = strings.TrimSuffix(address, "[0]")
	for _, res := range state.Resources {
		if res.Type+"."+res.Name != address || len(res.Instances) == 0 || len(res.Instances[0].Private) == 0 {
			continue
		}
		var private map[string][]byte // the framework keeps each key's JSON as bytes
		if err := json.Unmarshal(res.Instances[0].Private, &private); err != nil {
			r.t.Fatalf("the private state of %s: %v", address, err)
		}
		return private[key]
	}
	return nil
}

func encodeSet(t *testing.T, s entity.Set) string {
	t.Helper()
	if s == nil {
		s = entity.Set{}
	}
	return string(s.Encode())
}

func mustApply(t *testing.T, r *syncRig, wantCode int, fragments ...string) string {
	t.Helper()
	out, code := r.apply()
	if code != wantCode {
		t.Fatalf("apply exited %d, want %d:\n%s", code, wantCode, out)
	}
	for _, f := range fragments {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), f) {
			t.Fatalf("apply output lacks %q:\n%s", f, out)
		}
	}
	return out
}

func mustPlanEmpty(t *testing.T, r *syncRig) {
	t.Helper()
	if out, code := r.plan(); code != 0 {
		t.Fatalf("the plan is not empty (exit %d):\n%s", code, out)
	}
}
