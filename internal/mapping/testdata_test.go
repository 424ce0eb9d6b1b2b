package mapping

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// The seed mappings of DESIGN.md section 1, exactly as Ocean would run them.
var (
	serviceDeskMapping = Mapping{
		Identifier: ".id | tostring",
		Title:      ".projectName // .projectKey // .id",
		Properties: map[string]string{
			"projectId":   ".projectId | tostring",
			"projectKey":  ".projectKey",
			"projectName": ".projectName",
		},
	}
	customerRequestMapping = Mapping{
		Identifier: ".issueId | tostring",
		Title:      ".summary // .issueKey",
		Properties: map[string]string{
			"issueKey":  ".issueKey",
			"summary":   ".summary",
			"status":    ".currentStatus.status",
			"createdAt": ".createdDate.iso8601",
		},
		Relations: map[string]string{"serviceDesk": ".serviceDeskId | tostring"},
	}
	organizationMapping = Mapping{
		Identifier: ".id | tostring",
		Title:      ".name",
		Properties: map[string]string{"name": ".name", "scimManaged": ".scimManaged"},
	}
)

// Realistic Service Desk API objects (CustomerRequestDTO, ServiceDeskDTO,
// OrganizationDTO), as JSM sends them.
const (
	serviceDeskJSON = `{"id":"1","projectId":"10000","projectName":"IT Help Desk","projectKey":"IT",` +
		`"_links":{"self":"https://example.atlassian.net/rest/servicedeskapi/servicedesk/1"}}`
	serviceDeskNoNameJSON = `{"id":"2","projectId":10001,"projectKey":"HR",` +
		`"_links":{"self":"https://example.atlassian.net/rest/servicedeskapi/servicedesk/2"}}`
	requestJSON = `{"_expands":["participant","status","sla","requestType","serviceDesk","attachment","action","comment"],` +
		`"issueId":"10100","issueKey":"IT-1","requestTypeId":"3","serviceDeskId":"1",` +
		`"createdDate":{"iso8601":"2024-01-08T09:00:00+0000","jira":"2024-01-08T09:00:00.000+0000","friendly":"08/Jan/24 9:00 AM","epochMillis":1704704400000},` +
		`"reporter":{"accountId":"5b10ac8d82e05b22cc7d4ef5","emailAddress":"fatima.murphy@example.com","displayName":"Fatima Murphy","active":true,"timeZone":"Asia/Tokyo",` +
		`"_links":{"jiraRest":"https://example.atlassian.net/rest/api/2/user?accountId=5b10ac8d82e05b22cc7d4ef5","avatarUrls":{"48x48":"https://secure.gravatar.com/avatar/6fde?d=mm&s=48"},"self":"https://example.atlassian.net/rest/api/2/user?accountId=5b10ac8d82e05b22cc7d4ef5"}},` +
		`"requestFieldValues":[{"fieldId":"summary","label":"Summary","value":"GitHub organization invite"},` +
		`{"fieldId":"description","label":"Description","value":"Hi team,\n\nGitHub <organization> invite & more.\n\nThanks, Fatima","renderedValue":{"html":"<p>Hi team,</p>"}},` +
		`{"fieldId":"priority","label":"Priority","value":{"self":"https://example.atlassian.net/rest/api/2/priority/4","name":"Low","id":"4"}}],` +
		`"currentStatus":{"status":"Closed","statusCategory":"DONE","statusDate":{"iso8601":"2024-01-12T00:44:00+0000","jira":"2024-01-12T00:44:00.000+0000","friendly":"12/Jan/24 12:44 AM","epochMillis":1705020240000}},` +
		`"_links":{"jiraRest":"https://example.atlassian.net/rest/api/2/issue/10100","web":"https://example.atlassian.net/servicedesk/customer/portal/1/IT-1","self":"https://example.atlassian.net/rest/servicedeskapi/request/10100","agent":"https://example.atlassian.net/browse/IT-1"}}`
	organizationJSON = `{"id":"7","scimManaged":false,"name":"Acme Corp","_links":{"self":"https://example.atlassian.net/rest/servicedeskapi/organization/7"}}`
)

// request returns requestJSON with some members replaced, e.g.
// request(t, `"issueId": 10101`).
func request(t testing.TB, overrides ...string) json.RawMessage {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(requestJSON), &obj); err != nil {
		t.Fatal(err)
	}
	for _, o := range overrides {
		var patch map[string]json.RawMessage
		if err := json.Unmarshal([]byte("{"+o+"}"), &patch); err != nil {
			t.Fatalf("override %s: %v", o, err)
		}
		for k, v := range patch {
			if string(v) == "DELETE" {
				delete(obj, k)
			} else {
				obj[k] = v
			}
		}
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func raws(docs ...string) []json.RawMessage {
	out := make([]json.RawMessage, len(docs))
	for i, d := range docs {
		out[i] = json.RawMessage(d)
	}
	return out
}

func mustCompile(t testing.TB, m Mapping) *Program {
	t.Helper()
	p, err := Compile(m)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return p
}

func mustMap(t testing.TB, m Mapping, items []json.RawMessage) entity.Set {
	t.Helper()
	set, err := mustCompile(t, m).Map(t.Context(), items, DefaultLimits)
	if err != nil {
		t.Fatalf("Map: %v", err)
	}
	return set
}

func mustCanonical(t testing.TB, set entity.Set) string {
	t.Helper()
	return string(set.Encode())
}

// errorContains fails unless err's text contains every part.
func errorContains(t testing.TB, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}
