package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

func TestReport(t *testing.T) {
	entities := map[string][]port.Entity{
		serviceDeskBP: {{Identifier: "1", Title: "IT Help Desk"}, {Identifier: "2", Title: "HR Services"}},
		orgBP:         {{Identifier: "7", Title: "Acme"}},
	}
	for i := range 10 {
		status := "Open"
		if i%3 == 0 {
			status = "Closed"
		}
		rels := map[string]any{"serviceDesk": fmt.Sprint(1 + i%2)}
		if i == 2 {
			rels = map[string]any{"serviceDesk": "9"}
		}
		entities[requestBP] = append(entities[requestBP], port.Entity{
			Identifier: fmt.Sprint(100 + i), Title: fmt.Sprintf("IT-%d", i),
			Properties: map[string]any{"issueKey": fmt.Sprintf("IT-%d", i), "status": status},
			Relations:  rels,
		})
	}
	var out bytes.Buffer
	report(&out, "http://fake", entities, 5)
	for _, want := range []string{
		"What now lives in Port (http://fake):",
		"  jsmServiceDesk              2\n",
		"  jsmCustomerRequest         10\n",
		"  jsmOrganization             1\n",
		"Customer requests by status: Open 6, Closed 4\n",
		"A sample of 5 customer requests (of 10):",
		"  IT-0     Closed  IT Help Desk",
		"  IT-2     Open    9 (not in Port)",
		"  IT-8     Open    IT Help Desk",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	report(&out, "http://fake", map[string][]port.Entity{}, 5)
	if strings.Contains(out.String(), "sample") || !strings.Contains(out.String(), "  jsmCustomerRequest          0\n") {
		t.Errorf("report of an empty Port:\n%s", out.String())
	}
}
