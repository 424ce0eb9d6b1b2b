package ocean

import (
	"strings"
	"testing"
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
		`resources: [{kind: /x, port: {itemsToParse: .a, entity: {mappings: {identifier: .id, blueprint: '"b"'}}}}]`: "itemsToParse is not supported",
	} {
		if _, err := Parse([]byte(doc)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", doc, err, want)
		}
	}
}
