package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

func TestReport(t *testing.T) {
	title := func(s string) *string { return &s }
	entities := map[string][]entity.Entity{
		serviceDeskBP: {{Identifier: "1", Title: title("IT Help Desk")}, {Identifier: "2", Title: title("HR Services")}},
		orgBP:         {{Identifier: "7", Title: title("Acme")}},
	}
	for i := range 10 {
		status := "Open"
		if i%3 == 0 {
			status = "Closed"
		}
		desk := entity.String(fmt.Sprint(1 + i%2))
		if i == 2 {
			desk = entity.String("9")
		}
		entities[requestBP] = append(entities[requestBP], entity.Entity{
			Identifier: fmt.Sprint(100 + i), Title: title(fmt.Sprintf("IT-%d", i)),
			Properties: entity.Fields{{Key: "issueKey", Value: entity.String(fmt.Sprintf("IT-%d", i))}, {Key: "status", Value: entity.String(status)}},
			Relations:  entity.Fields{{Key: "serviceDesk", Value: desk}},
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
	report(&out, "http://fake", map[string][]entity.Entity{}, 5)
	if strings.Contains(out.String(), "sample") || !strings.Contains(out.String(), "  jsmCustomerRequest          0\n") {
		t.Errorf("report of an empty Port:\n%s", out.String())
	}
}
