package reconcile

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// entitiesDoc builds the entities_json of n requests as the seed mapping
// produces it.
func entitiesDoc(n int) []byte {
	set := map[string]any{}
	for i := range n {
		set[fmt.Sprint(10100+i)] = map[string]any{
			"title": fmt.Sprintf("IT-%d", i),
			"properties": map[string]any{"issueKey": fmt.Sprintf("IT-%d", i), "summary": nil, "status": "Waiting for support",
				"createdAt": "2024-03-05T14:42:00+0000"},
			"relations": map[string]any{"serviceDesk": fmt.Sprint(1 + i%20)},
		}
	}
	doc, _ := json.Marshal(set)
	return doc
}

// BenchmarkNoOpPlan100k is the per-plan work of a no-op plan of 100,000
// managed entities: parse both sides, diff, and encode the refreshed state.
func BenchmarkNoOpPlan100k(b *testing.B) {
	doc := entitiesDoc(100_000)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		desired, err := entity.Parse(doc)
		if err != nil {
			b.Fatal(err)
		}
		actual, err := entity.Parse(doc)
		if err != nil {
			b.Fatal(err)
		}
		if p := Diff(desired, actual); len(p.Upserts)+len(p.Deletes) != 0 {
			b.Fatalf("a no-op diff plans %d writes", len(p.Upserts)+len(p.Deletes))
		}
		if len(actual.Encode()) == 0 {
			b.Fatal("nothing encoded")
		}
	}
}

// BenchmarkParse100k is one read of a canonical entities_json of 100,000
// entities, as every RPC of a sync that needs the set parses it.
func BenchmarkParse100k(b *testing.B) {
	doc := entitiesDoc(100_000)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := entity.Parse(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProject100k is the refresh: project what Port holds onto the
// managed set.
func BenchmarkProject100k(b *testing.B) {
	managed, err := entity.Parse(entitiesDoc(100_000))
	if err != nil {
		b.Fatal(err)
	}
	held := make([]entity.Entity, 0, len(managed))
	for _, e := range managed {
		held = append(held, e)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if got := Project(managed, held); len(got) != len(managed) {
			b.Fatal("lost entities")
		}
	}
}
