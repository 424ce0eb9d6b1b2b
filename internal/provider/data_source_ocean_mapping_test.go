package provider

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
)

// participantEntities computes, from the requests as the fake serves them
// with their participants, what the itemsToParse mapping of
// testdata/sync_ocean_participants makes of them; it also returns which
// request each participant entity belongs to.
func participantEntities(t *testing.T, srv *fakejsm.Server) (map[string]map[string]any, map[string][]string) {
	t.Helper()
	served, _ := servedItems(t, srv, "/request", url.Values{"expand": {"participant"}})
	var requests []struct {
		IssueID      string `json:"issueId"`
		IssueKey     string `json:"issueKey"`
		Participants struct {
			Values []struct {
				AccountID   string `json:"accountId"`
				DisplayName string `json:"displayName"`
				Active      bool   `json:"active"`
			} `json:"values"`
		} `json:"participants"`
	}
	if err := json.Unmarshal([]byte(served), &requests); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{}
	byRequest := map[string][]string{}
	for _, r := range requests {
		for _, p := range r.Participants.Values {
			if !p.Active {
				continue
			}
			id := r.IssueID + "-" + p.AccountID
			want[id] = map[string]any{
				"title":      p.DisplayName + " on " + r.IssueKey,
				"properties": map[string]any{"accountId": p.AccountID, "displayName": p.DisplayName, "parsedArrayInParent": false},
				"relations":  map[string]any{"request": r.IssueID},
			}
			byRequest[r.IssueID] = append(byRequest[r.IssueID], id)
		}
	}
	return want, byRequest
}

// TestAccOceanMappingItemsToParse syncs request participants as entities of
// their own through an Ocean port-app-config that uses itemsToParse, then
// removes a request in JSM and checks that its participants go with it.
func TestAccOceanMappingItemsToParse(t *testing.T) {
	f := newSyncFixture(t, fakejsm.TenantOptions{Seed: 31, ServiceDesks: 2, Requests: 40, Organizations: 2})
	dir := syncConfig(t, "sync_ocean_participants")
	step := f.step("sync_mapping", nil)
	step.ConfigDirectory = config.StaticDirectory(dir)
	const participants = "portjsm_entities.participants"

	want, byRequest := participantEntities(t, f.jsm)
	var removed string
	for _, id := range f.jsm.Tenant().RequestIDs() {
		if len(byRequest[id]) > 1 {
			removed = id
			break
		}
	}
	if len(want) < 20 || removed == "" {
		t.Fatalf("the tenant has %d active participations and no request with two: choose another seed", len(want))
	}

	first := step
	first.ConfigPlanChecks = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	first.Check = func(*terraform.State) error {
		return portHolds(f.port, map[string]map[string]map[string]any{"jsmRequestParticipant": want})
	}

	removal := step
	removal.PreConfig = func() { mustEdit(t, f.jsm.Tenant().RemoveRequest(removed)) }
	removal.ConfigPlanChecks = resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		entityChangesCheck{address: participants, deleted: len(byRequest[removed])},
	}}
	removal.Check = func(*terraform.State) error {
		for _, id := range byRequest[removed] {
			if _, ok := f.port.Entity("jsmRequestParticipant", id); ok {
				return fmt.Errorf("participant %s of removed request %s is still in Port", id, removed)
			}
		}
		after, _ := participantEntities(t, f.jsm)
		return portHolds(f.port, map[string]map[string]map[string]any{"jsmRequestParticipant": after})
	}

	accTest(t, resource.TestCase{Steps: []resource.TestStep{first, removal}})
}

// TestAccOceanMappingItemsToParseNotArray checks that an itemsToParse that
// does not give an array fails the read and names the item and expression.
func TestAccOceanMappingItemsToParseNotArray(t *testing.T) {
	srv := startJSM(t, fakejsm.TenantOptions{Seed: 32, Requests: 5})
	accParallelTest(t, resource.TestCase{Steps: []resource.TestStep{{
		ConfigFile:      config.StaticFile("testdata/ocean_items_to_parse_not_array.tf"),
		ConfigVariables: jsmVariables(srv),
		ExpectError: errorMatching("Mapping Failed", "resources[0]", "item 0: itemsToParse", `".issueKey"`,
			"returned a string", "must return an array"),
	}}})
}
