package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
)

// ticketSchema is the ticket blueprint's schema, as Port holds it and as
// testdata/schema_check plans it.
func ticketSchema() map[string]any {
	return map[string]any{
		"properties": map[string]any{
			"issueKey":  map[string]any{"type": "string"},
			"status":    map[string]any{"type": "string", "enum": []any{"Open", "Closed"}},
			"createdAt": map[string]any{"type": "string", "format": "date-time"},
			"size":      map[string]any{"type": "number"},
		},
		"required": []any{"issueKey"},
	}
}

// schemaRig runs testdata/schema_check through the Terraform CLI against a
// fake Port that holds a desk blueprint.
type schemaRig struct {
	t    *testing.T
	port *fakeport.Server
	tf   *terraformCLI
}

func newSchemaRig(t *testing.T) *schemaRig {
	t.Helper()
	srv := startPort(t)
	mustEdit(t, srv.PutBlueprint(map[string]any{"identifier": "desk", "title": "Desk", "schema": map[string]any{"properties": map[string]any{}}}))
	return &schemaRig{t: t, port: srv, tf: newTerraformCLI(t, "testdata/schema_check", nil)}
}

// portHoldsTickets puts the ticket blueprint into Port, outside Terraform.
func (r *schemaRig) portHoldsTickets() {
	mustEdit(r.t, r.port.PutBlueprint(map[string]any{"identifier": "ticket", "title": "Ticket", "schema": ticketSchema(),
		"relations": map[string]any{"desk": map[string]any{"target": "desk", "required": false, "many": false}}}))
}

// ticket is a valid ticket with fields written over it ("<absent>" removes
// a property).
func ticket(i int, props map[string]any, rels map[string]any) map[string]any {
	p := map[string]any{"issueKey": fmt.Sprint("IT-", i), "status": "Open", "createdAt": "2024-01-08T09:00:00Z", "size": i}
	for k, v := range props {
		if v == "<absent>" {
			delete(p, k)
			continue
		}
		p[k] = v
	}
	t := map[string]any{"title": fmt.Sprint("Ticket ", i), "properties": p}
	if rels != nil {
		t["relations"] = rels
	}
	return t
}

// tickets is n valid tickets, T0..Tn-1, with bad written over those named.
func tickets(n int, bad map[string]map[string]any) map[string]any {
	set := map[string]any{}
	for i := range n {
		set[fmt.Sprint("T", i)] = ticket(i, nil, nil)
	}
	for id, e := range bad {
		set[id] = e
	}
	return set
}

// use writes the variables of the next command.
func (r *schemaRig) use(set map[string]any, vars map[string]any) {
	r.t.Helper()
	doc, err := json.Marshal(set)
	if err != nil {
		r.t.Fatal(err)
	}
	all := map[string]any{"port_base_url": r.port.URL(), "tickets": string(doc)}
	for k, v := range vars {
		all[k] = v
	}
	raw, err := json.Marshal(all)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.tf.dir, "terraform.tfvars.json"), raw, 0o600); err != nil {
		r.t.Fatal(err)
	}
}

// run runs a command and checks its exit code and what its output says.
func (r *schemaRig) run(wantCode int, args []string, fragments ...string) string {
	r.t.Helper()
	out, code := r.tf.exec(append(args, "-input=false", "-no-color")...)
	flat := strings.Join(strings.Fields(out), " ")
	if code != wantCode {
		r.t.Fatalf("terraform %s exited %d, want %d:\n%s", args[0], code, wantCode, out)
	}
	for _, f := range fragments {
		if !strings.Contains(flat, f) {
			r.t.Fatalf("terraform %s does not say %q:\n%s", args[0], f, out)
		}
	}
	return flat
}

var (
	applyArgs = []string{"apply", "-auto-approve"}
	planArgs  = []string{"plan", "-detailed-exitcode"}
)

// writes counts the requests that change Port: entities and blueprints.
func (r *schemaRig) writes() map[string]int {
	out := map[string]int{}
	for endpoint, n := range r.port.RequestCounts() {
		if !strings.HasPrefix(endpoint, "GET ") && endpoint != "POST /v1/auth/access_token" &&
			!strings.HasSuffix(endpoint, "/entities/search") {
			out[endpoint] = n
		}
	}
	return out
}

func (r *schemaRig) mustWriteNothing() {
	r.t.Helper()
	if w := r.writes(); len(w) != 0 {
		r.t.Fatalf("a refused plan wrote to Port: %v", w)
	}
}

// TestAccSchemaCheckRefusesAtPlan applies tickets that break each kind of
// rule of a blueprint Port holds: the plan fails, naming the entities and
// the cause, and Port receives no write.
func TestAccSchemaCheckRefusesAtPlan(t *testing.T) {
	cases := map[string]struct {
		bad       map[string]any
		fragments []string
	}{
		"undeclared property": {ticket(90, map[string]any{"statuss": "Open"}, nil),
			[]string{`property "statuss" is not declared in the blueprint's schema`, "Entity: T90 (\"Open\")", "a misspelled name?"}},
		"wrong type": {ticket(90, map[string]any{"size": "3"}, nil),
			[]string{`property "size" must be a number`, `T90 ("3")`, "tonumber"}},
		"bad format": {ticket(90, map[string]any{"createdAt": "2024-01-08T09:00:00+0000"}, nil),
			[]string{`property "createdAt" must be a date-time in RFC 3339`, `T90 ("2024-01-08T09:00:00+0000")`}},
		"value not in enum": {ticket(90, map[string]any{"status": "Waiting"}, nil),
			[]string{`property "status" must be one of "Open", "Closed"`, `T90 ("Waiting")`}},
		"missing required property": {ticket(90, map[string]any{"issueKey": "<absent>"}, nil),
			[]string{`required property "issueKey" is missing or null`, "Entity: T90."}},
		"undeclared relation": {ticket(90, nil, map[string]any{"owner": "ann"}),
			[]string{`relation "owner" is not declared in the blueprint`, `T90 ("ann")`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := newSchemaRig(t)
			r.portHoldsTickets()
			r.port.ResetCounters()
			r.use(tickets(5, map[string]map[string]any{"T90": tc.bad}), nil)
			r.run(1, applyArgs, append([]string{"Error: Entities Port Would Refuse",
				"Port would refuse 1 entity of blueprint ticket", "Nothing was written to Port."}, tc.fragments...)...)
			r.mustWriteNothing()
			if n := len(r.port.Entities("ticket")); n != 0 {
				t.Fatalf("Port holds %d tickets after a refused plan", n)
			}
		})
	}
}

// TestAccSchemaCheckGroupsByCause gives 12 tickets a bad date and 2 of them
// an undeclared property: one error per cause, naming the first entities.
func TestAccSchemaCheckGroupsByCause(t *testing.T) {
	r := newSchemaRig(t)
	r.portHoldsTickets()
	bad := map[string]map[string]any{}
	for i := range 12 {
		props := map[string]any{"createdAt": "2024-01-08 09:00"}
		if i < 2 {
			props["statuss"] = "Open"
		}
		bad[fmt.Sprint("B", 10+i)] = ticket(i, props, nil)
	}
	r.use(tickets(30, bad), nil)
	out := r.run(1, planArgs, "Port would refuse 12 entities of blueprint ticket", `B10 ("2024-01-08 09:00"), B11 ("2024-01-08 09:00"), B12 ("2024-01-08 09:00") and 9 more`,
		"Port would refuse 2 entities of blueprint ticket", `B10 ("Open") and B11 ("Open")`)
	if n := strings.Count(out, "Error: Entities Port Would Refuse"); n != 2 {
		t.Fatalf("%d errors for two causes:\n%s", n, out)
	}
}

// TestAccSchemaCheckPlannedBlueprint checks entities against the schema a
// portjsm_blueprint of the same configuration plans: before the blueprint
// exists, and when a change to it comes with entities that need the change.
func TestAccSchemaCheckPlannedBlueprint(t *testing.T) {
	r := newSchemaRig(t)
	r.port.ResetCounters()

	r.use(tickets(3, map[string]map[string]any{"T9": ticket(9, nil, map[string]any{"ghost": "G1"})}),
		map[string]any{"plan_blueprint": true, "ticket_relations": map[string]any{"ghost": map[string]any{"target": "ghost"}}})
	r.run(1, applyArgs, "Error: Entities Port Would Refuse",
		`relation "ghost" targets blueprint ghost, which is neither in Port nor planned by a portjsm_blueprint of this configuration`,
		"Entity: T9", "Create blueprint ghost first")
	r.mustWriteNothing()

	r.use(tickets(3, map[string]map[string]any{"T9": ticket(9, map[string]any{"priority": "high"}, nil)}),
		map[string]any{"plan_blueprint": true})
	r.run(1, applyArgs, "Error: Entities Port Would Refuse", `property "priority" is not declared in the blueprint's schema`, "T9")
	r.mustWriteNothing()

	r.use(tickets(3, nil), map[string]any{"plan_blueprint": true})
	r.run(0, applyArgs)
	// The blueprint gains priority in the same apply as the tickets that
	// set it: they are checked against the schema the apply leaves.
	r.use(tickets(3, map[string]map[string]any{"T9": ticket(9, map[string]any{"priority": "high"}, nil)}),
		map[string]any{"plan_blueprint": true, "with_priority": true})
	r.run(0, applyArgs)
	if e, ok := r.port.Entity("ticket", "T9"); !ok || at(e, "properties", "priority") != "high" {
		t.Fatalf("Port holds %v, want T9 with priority high", e)
	}
}

// TestAccSchemaCheckDefersUnknownSchema plans tickets against a schema
// known only at the apply: the plan warns, and the apply checks them after
// the blueprint is written and before any ticket is.
func TestAccSchemaCheckDefersUnknownSchema(t *testing.T) {
	r := newSchemaRig(t)
	vars := map[string]any{"plan_blueprint": true, "unknown_schema": true}
	bad := tickets(3, map[string]map[string]any{"T9": ticket(9, map[string]any{"statuss": "Open"}, nil)})
	r.use(bad, vars)
	out := r.run(2, planArgs, "Warning: Entities Checked At Apply", "The 4 entities this plan writes to blueprint ticket cannot be checked",
		"known only at apply", "The check runs again when the apply runs")
	if strings.Contains(out, "Error:") {
		t.Fatalf("an unknown schema fails the plan:\n%s", out)
	}
	r.run(1, applyArgs, "Error: Entities Port Would Refuse", `property "statuss" is not declared`, "T9")
	if w := r.writes(); w["POST /v1/blueprints/{blueprint}/entities/bulk"] != 0 || len(r.port.Entities("ticket")) != 0 {
		t.Fatalf("the apply wrote tickets that break the schema: %v", w)
	}
	if _, ok := r.port.Blueprint("ticket"); !ok {
		t.Fatal("the blueprint was not created before the tickets were checked")
	}

	r.use(tickets(3, nil), vars)
	r.run(0, applyArgs)
	if n := len(r.port.Entities("ticket")); n != 3 {
		t.Fatalf("Port holds %d tickets, want 3", n)
	}
}

// TestAccSchemaCheckBlueprintNowhere plans tickets of a blueprint that
// neither Port nor the configuration has: the plan warns instead of
// failing, as another provider may create it in the same apply.
func TestAccSchemaCheckBlueprintNowhere(t *testing.T) {
	r := newSchemaRig(t)
	r.use(tickets(2, nil), nil)
	r.run(2, planArgs, "Warning: Entities Checked At Apply", "blueprint ticket is not in Port yet and no portjsm_blueprint of this configuration plans it")
}

// TestAccSchemaCheckEntity is the check of portjsm_entity: a value of the
// wrong type fails the plan, and Port receives no write.
func TestAccSchemaCheckEntity(t *testing.T) {
	srv := startPortWithService(t)
	step := entityStep(srv, config.Variables{"properties": config.ObjectVariable(map[string]config.Variable{"version": config.StringVariable("one")})},
		errorMatching("Entities Port Would Refuse", `property "version" must be a number`, `api ("one")`))
	step.PreConfig = srv.ResetCounters
	accTest(t, resource.TestCase{Steps: []resource.TestStep{step}})
	for endpoint, n := range srv.RequestCounts() {
		if strings.HasPrefix(endpoint, "POST /v1/blueprints/{blueprint}/entities") || strings.HasPrefix(endpoint, "PUT ") {
			t.Fatalf("a refused plan wrote to Port: %s x%d", endpoint, n)
		}
	}
}
