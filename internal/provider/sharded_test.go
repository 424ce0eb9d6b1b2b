package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

// shardedRoot is one working directory of examples/sharded, as one CI job's
// checkout: its own .terraform and its own state (a local backend standing
// in for the S3 key of the shard).
type shardedRoot struct {
	name  string
	tf    terraformCLI
	state string
}

// newShardedRoots copies examples/ once per root, replaces the S3 backend
// with a local state file per root and runs terraform init in each. The
// provider is installed from a local mirror, since init does not accept
// dev_overrides.
func newShardedRoots(t *testing.T, env map[string]string, roots map[string]string) map[string]*shardedRoot {
	t.Helper()
	base := newTerraformCLIWithout(t, env)
	work := filepath.Dir(base.dir)
	plugin := filepath.Join(work, "plugins", "terraform-provider-portjsm") // built by newTerraformCLIWithout
	mirror := filepath.Join(work, "mirror")
	bin, err := os.ReadFile(plugin)
	mustEdit(t, err)
	// OpenTofu gives the examples' source portjsm/portjsm its own registry's
	// hostname, Terraform registry.terraform.io.
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		target := filepath.Join(mirror, host, "portjsm", "portjsm", "0.0.1", runtime.GOOS+"_"+runtime.GOARCH)
		mustEdit(t, os.MkdirAll(target, 0o755))
		mustEdit(t, os.WriteFile(filepath.Join(target, "terraform-provider-portjsm_v0.0.1"), bin, 0o755))
	}

	out := map[string]*shardedRoot{}
	for name, rel := range roots {
		checkout := filepath.Join(work, "checkout-"+name)
		mustEdit(t, os.CopyFS(checkout, os.DirFS(filepath.Join("..", "..", "examples"))))
		r := &shardedRoot{name: name, tf: *base, state: filepath.Join(work, "states", name+".tfstate")}
		r.tf.dir = filepath.Join(checkout, rel)
		override := fmt.Sprintf("terraform {\n  backend \"local\" {\n    path = %q\n  }\n}\n", r.state)
		mustEdit(t, os.WriteFile(filepath.Join(r.tf.dir, "backend_override.tf"), []byte(override), 0o600))
		r.tf.run([]int{0}, "init", "-input=false", "-no-color", "-plugin-dir="+mirror)
		out[name] = r
	}
	return out
}

// inParallel runs fn for every root at once, each in a subtest of its own,
// and returns when all are done.
func inParallel(t *testing.T, phase string, roots []*shardedRoot, fn func(t *testing.T, tf *terraformCLI, r *shardedRoot)) {
	t.Helper()
	t.Run(phase, func(t *testing.T) {
		for _, r := range roots {
			t.Run(r.name, func(t *testing.T) {
				t.Parallel()
				tf := r.tf
				tf.t = t
				fn(t, &tf, r)
			})
		}
	})
	if t.Failed() {
		t.FailNow()
	}
}

// stateEntities reads the entities a root's state manages, by blueprint.
func stateEntities(t *testing.T, statePath string) map[string]map[string]map[string]any {
	t.Helper()
	raw, err := os.ReadFile(statePath)
	mustEdit(t, err)
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes struct {
					Blueprint    string `json:"blueprint"`
					EntitiesJSON string `json:"entities_json"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	mustEdit(t, json.Unmarshal(raw, &state))
	out := map[string]map[string]map[string]any{}
	for _, res := range state.Resources {
		if res.Type != "portjsm_entities" {
			continue
		}
		for _, inst := range res.Instances {
			var entities map[string]map[string]any
			mustEdit(t, json.Unmarshal([]byte(inst.Attributes.EntitiesJSON), &entities))
			if out[inst.Attributes.Blueprint] == nil {
				out[inst.Attributes.Blueprint] = map[string]map[string]any{}
			}
			for id, e := range entities {
				out[inst.Attributes.Blueprint][id] = e
			}
		}
	}
	return out
}

// TestAccShardedSync runs examples/sharded as CI would: the shared root,
// then one shard per service desk, all three in parallel, each with its own
// checkout and state. Port must hold the union, each shard's second plan
// must be empty, a request removed from one desk must be deleted by that
// shard alone, and no shard may write or delete another shard's entities.
func TestAccShardedSync(t *testing.T) {
	f := syncFixture{jsm: startJSM(t, fakejsm.TenantOptions{Seed: 41, ServiceDesks: 3, Requests: 120, Organizations: 4}), port: startPort(t)}
	tenant := f.jsm.Tenant()
	desks := tenant.ServiceDeskIDs()
	if len(desks) != 3 {
		t.Fatalf("the tenant lists %d desks, want 3", len(desks))
	}
	env := map[string]string{
		"JSM_BASE_URL": f.jsm.URL(), "JSM_USERNAME": fakejsm.DefaultEmail, "JSM_API_TOKEN": fakejsm.DefaultAPIToken,
		"PORT_BASE_URL": f.port.URL(), "PORT_CLIENT_ID": "test-client", "PORT_CLIENT_SECRET": "test-secret",
	}
	layout := map[string]string{"shared": "sharded/shared"}
	for _, d := range desks {
		layout["desk-"+d] = "sharded/shard"
	}
	roots := newShardedRoots(t, env, layout)
	var shards []*shardedRoot
	for _, d := range desks {
		r := roots["desk-"+d]
		r.tf.environ = append(slices.Clone(r.tf.environ), "TF_VAR_service_desk_id="+d)
		shards = append(shards, r)
	}
	roots["shared"].tf.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")

	inParallel(t, "first apply", shards, func(_ *testing.T, tf *terraformCLI, _ *shardedRoot) {
		tf.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	})
	want := exampleEntities(t, tenant)
	if err := portHolds(f.port, want); err != nil {
		t.Fatalf("after the shards' first applies: %v", err)
	}
	checkShardsPartition(t, shards, desks, want)

	inParallel(t, "second plan", shards, func(_ *testing.T, tf *terraformCLI, _ *shardedRoot) {
		tf.run([]int{0}, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	})

	// A request leaves the second desk: only that shard plans a change.
	var removed string
	for _, raw := range tenant.RequestsJSON() {
		var r struct{ IssueID, ServiceDeskID string }
		mustUnmarshal(t, raw, &r)
		if r.ServiceDeskID == desks[1] {
			removed = r.IssueID
			break
		}
	}
	mustEdit(t, tenant.RemoveRequest(removed))
	before := portSnapshot(t, f)
	f.port.ResetCounters()
	inParallel(t, "plan after removal", shards, func(t *testing.T, tf *terraformCLI, r *shardedRoot) {
		code := 0
		if r.name == "desk-"+desks[1] {
			code = 2
		}
		tf.run([]int{code}, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	})
	inParallel(t, "apply after removal", shards, func(_ *testing.T, tf *terraformCLI, _ *shardedRoot) {
		tf.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	})
	if _, ok := f.port.Entity("jsmCustomerRequest", removed); ok {
		t.Fatalf("request %s, removed from desk %s, is still in Port", removed, desks[1])
	}
	if n, deletes := f.writes(), f.port.RequestCount("POST", "/v1/blueprints/{blueprint}/bulk/entities/delete"); n != 1 || deletes != 1 {
		t.Fatalf("removing one request made %d writes (%d bulk deletes), want exactly one bulk delete: %v", n, deletes, f.port.RequestCounts())
	}
	after := portSnapshot(t, f)
	delete(before["jsmCustomerRequest"], removed)
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("besides deleting %s, the shards changed entities in Port", removed)
	}
	want = exampleEntities(t, tenant)
	if err := portHolds(f.port, want); err != nil {
		t.Fatalf("after the removal: %v", err)
	}
	checkShardsPartition(t, shards, desks, want)

	inParallel(t, "plan after the removal is applied", shards, func(_ *testing.T, tf *terraformCLI, _ *shardedRoot) {
		tf.run([]int{0}, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	})
}

// checkShardsPartition checks that each shard's state manages exactly its
// own desk and that desk's requests, so that the shards' entity sets are
// disjoint and together are what Port should hold.
func checkShardsPartition(t *testing.T, shards []*shardedRoot, desks []string, want map[string]map[string]map[string]any) {
	t.Helper()
	union := map[string]map[string]string{"jsmServiceDesk": {}, "jsmCustomerRequest": {}}
	for i, s := range shards {
		held := stateEntities(t, s.state)
		if ids := slices.Sorted(maps.Keys(held["jsmServiceDesk"])); !reflect.DeepEqual(ids, []string{desks[i]}) {
			t.Fatalf("%s manages the desks %v, want [%s]", s.name, ids, desks[i])
		}
		for bp, entities := range held {
			for id, e := range entities {
				if bp == "jsmCustomerRequest" && at(e, "relations", "serviceDesk") != desks[i] {
					t.Fatalf("%s manages request %s of desk %v", s.name, id, at(e, "relations", "serviceDesk"))
				}
				if other, dup := union[bp][id]; dup {
					t.Fatalf("%s/%s is managed by both %s and %s", bp, id, other, s.name)
				}
				union[bp][id] = s.name
			}
		}
	}
	for bp, ids := range union {
		if len(ids) != len(want[bp]) {
			t.Fatalf("the shards manage %d entities of %s, Port should hold %d", len(ids), bp, len(want[bp]))
		}
		for id := range want[bp] {
			if _, ok := ids[id]; !ok {
				t.Fatalf("no shard manages %s/%s", bp, id)
			}
		}
	}
}

// portSnapshot is every entity Port holds, with the metadata Port keeps
// (updatedAt changes on every write), by blueprint and identifier.
func portSnapshot(t *testing.T, f syncFixture) map[string]map[string]map[string]any {
	out := map[string]map[string]map[string]any{}
	for _, bp := range []string{"jsmServiceDesk", "jsmCustomerRequest", "jsmOrganization"} {
		out[bp] = map[string]map[string]any{}
		for _, e := range f.port.Entities(bp) {
			out[bp][member[string](t, e, "identifier")] = e
		}
	}
	return out
}

// exampleEntities is seedEntities as the examples map requests: the summary
// from the request's summary field, the title falling back to the issue key,
// and createdAt in RFC 3339.
func exampleEntities(t *testing.T, tenant *fakejsm.Tenant) map[string]map[string]map[string]any {
	t.Helper()
	out := seedEntities(t, tenant)
	for _, raw := range tenant.RequestsJSON() {
		var r struct {
			IssueID, IssueKey  string
			RequestFieldValues []struct {
				FieldID string
				Value   any
			}
			CreatedDate struct{ EpochMillis int64 }
		}
		mustUnmarshal(t, raw, &r)
		var summary any
		for _, f := range r.RequestFieldValues {
			if f.FieldID == "summary" {
				summary = f.Value
				break
			}
		}
		e := out["jsmCustomerRequest"][r.IssueID]
		e["title"] = firstNonNull(summary, r.IssueKey)
		props := member[map[string]any](t, e, "properties")
		props["summary"] = summary
		props["createdAt"] = time.UnixMilli(r.CreatedDate.EpochMillis).UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	return out
}
