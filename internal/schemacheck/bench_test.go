package schemacheck

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// seedRequests is the entities_json of n requests as the seed mapping makes
// them (createdAt in RFC 3339), parsed.
func seedRequests(b *testing.B, n int) entity.Set {
	doc := map[string]any{}
	for i := range n {
		doc[fmt.Sprint(10100+i)] = map[string]any{
			"title": fmt.Sprintf("IT-%d", i),
			"properties": map[string]any{"issueKey": fmt.Sprintf("IT-%d", i), "summary": nil, "status": "Waiting for support",
				"createdAt": "2024-03-05T14:42:00+00:00"},
			"relations": map[string]any{"serviceDesk": fmt.Sprint(1 + i%20)},
		}
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	set, err := entity.Parse(raw)
	if err != nil {
		b.Fatal(err)
	}
	return set
}

// BenchmarkCheckWrites100k checks a first sync of 100,000 requests against
// the seed's jsmCustomerRequest blueprint: every entity is written, so
// every entity is checked. Compare with reconcile's BenchmarkNoOpPlan100k.
func BenchmarkCheckWrites100k(b *testing.B) {
	desired := seedRequests(b, 100_000)
	s, err := Compile(map[string]any{
		"identifier": "jsmCustomerRequest",
		"schema": map[string]any{"properties": map[string]any{
			"issueKey": map[string]any{"type": "string"}, "summary": map[string]any{"type": "string"},
			"status": map[string]any{"type": "string"}, "createdAt": map[string]any{"type": "string", "format": "date-time"},
		}, "required": []any{"issueKey"}},
		"relations": map[string]any{"serviceDesk": map[string]any{"target": "jsmServiceDesk", "required": true, "many": false}},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var r Report
		if n := s.CheckWrites(&r, desired, nil); n != len(desired) || !r.Empty() {
			b.Fatalf("checked %d, findings %+v", n, r.Findings())
		}
	}
}
