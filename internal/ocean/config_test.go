package ocean

import (
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
)

const seedConfig = `
createMissingRelatedEntities: true
resources:
  - kind: /rest/servicedeskapi/servicedesk
    selector:
      query: 'true'
      data_path: .values
    port:
      entity:
        mappings:
          identifier: .id | tostring
          title: .projectName // .projectKey // .id
          blueprint: '"jsmServiceDesk"'
          properties:
            projectId: .projectId | tostring
  - kind: /rest/servicedeskapi/request
    selector:
      query: .currentStatus.statusCategory != "DONE"
      query_params:
        requestStatus: ALL_REQUESTS
    port:
      entity:
        mappings:
          - identifier: .issueId | tostring
            blueprint: '"jsmCustomerRequest"'
`

func TestParseSeedConfig(t *testing.T) {
	cfg, err := Parse([]byte(seedConfig))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.CreateMissingRelatedEntities || cfg.DeletionThreshold() != DefaultDeletionThreshold || len(cfg.Resources) != 2 {
		t.Fatalf("parsed %+v", cfg)
	}
	desks, requests := cfg.Resources[0], cfg.Resources[1]
	if desks.Mappings[0].Blueprint != "jsmServiceDesk" || desks.Mappings[0].Properties["projectId"] != ".projectId | tostring" {
		t.Fatalf("service desk mapping %+v", desks.Mappings[0])
	}
	if requests.Selector.DataPath != ".values" || requests.Selector.QueryParams["requestStatus"] != "ALL_REQUESTS" ||
		requests.Mappings[0].Blueprint != "jsmCustomerRequest" {
		t.Fatalf("request resource %+v", requests)
	}
	if m := requests.Mappings[0].Mapping(requests.Selector.Query); m.Selector != `.currentStatus.statusCategory != "DONE"` {
		t.Fatalf("selector not carried: %+v", m)
	}
}

func TestParseErrors(t *testing.T) {
	for doc, want := range map[string]string{
		`resources: []`: "no resources",
		`resources: [{kind: /x, port: {entity: {mappings: {identifier: .id, blueprint: .kind}}}}]`:     "blueprint \".kind\"",
		`resources: [{kind: /x, port: {entity: {mappings: {identifier: .id, blueprint: '"a" | ('}}}}]`: "does not parse",
		`resources: [{kind: /x}]`: "port.entity.mappings is missing",
		`resources: [{kind: "", port: {entity: {mappings: {identifier: .id, blueprint: '"b"'}}}}]`:                                       "kind is empty",
		`entityDeletionThreshold: 2` + "\n" + `resources: [{kind: /x, port: {entity: {mappings: {identifier: .id, blueprint: '"b"'}}}}]`: "between 0 and 1",
		`resources: [{kind: /x, unknown: 1}]`: "not valid YAML of the expected shape",
		`resources: [{kind: /x, port: {itemsToParse: '.a | (', entity: {mappings: {identifier: .id, blueprint: '"b"'}}}}]`: "port.itemsToParse: the JQ expression \".a | (\" does not parse",
	} {
		if _, err := Parse([]byte(doc)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", doc, err, want)
		}
	}
}

func TestParseItemsToParse(t *testing.T) {
	cfg, err := Parse([]byte(`
resources:
  - kind: /rest/servicedeskapi/request
    port:
      itemsToParse: .participants.values
      entity:
        mappings:
          identifier: .issueId + "-" + .item.accountId
          blueprint: '"jsmRequestParticipant"'
  - kind: /rest/servicedeskapi/organization
    port:
      itemsToParse: .users
      itemsToParseName: user
      itemsToParseTopLevelTransform: false
      entity:
        mappings:
          identifier: .user.accountId
          blueprint: '"jsmUser"'
  - kind: /rest/servicedeskapi/servicedesk
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"jsmServiceDesk"'
`))
	if err != nil {
		t.Fatal(err)
	}
	participants, users, desks := cfg.Resources[0].ItemsToParse(), cfg.Resources[1].ItemsToParse(), cfg.Resources[2].ItemsToParse()
	if participants == nil || *participants != (mapping.ItemsToParse{Expr: ".participants.values"}) {
		t.Errorf("participants: %+v", participants)
	}
	if users == nil || *users != (mapping.ItemsToParse{Expr: ".users", Name: "user", KeepParsedArray: true}) {
		t.Errorf("users: %+v", users)
	}
	if desks != nil {
		t.Errorf("desks: %+v, want nil", desks)
	}
}
