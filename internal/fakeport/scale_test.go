package fakeport

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestScale100k loads 100,000 entities into one blueprint, pages through all
// of them, deletes a tenth with bulk deletes and relates them to a desk, to
// keep the store free of quadratic paths.
func TestScale100k(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test skipped in -short mode")
	}
	const n = 100_000
	srv, c := newFake(t)
	seedBlueprints(c)
	if err := srv.PutEntity("jsmServiceDesk", desk("1")); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := range n {
		if err := srv.PutEntity("jsmCustomerRequest", request(fmt.Sprint(i), "1")); err != nil {
			t.Fatal(err)
		}
	}
	loaded := time.Since(start)

	start = time.Now()
	ids, pages := searchAllAt(c, "/v1/blueprints/jsmCustomerRequest/entities/search", map[string]any{"limit": 1000})
	if len(ids) != n || len(pages) != n/1000 {
		t.Fatalf("search returned %d entities in %d pages", len(ids), len(pages))
	}
	searched := time.Since(start)

	start = time.Now()
	for from := 0; from < n/10; from += 100 {
		batch := make([]any, 100)
		for i := range batch {
			batch[i] = fmt.Sprint(from + i)
		}
		c.must(http.StatusOK, "POST", "/v1/blueprints/jsmCustomerRequest/bulk/entities/delete?delete_dependents=false", map[string]any{"entities": batch})
	}
	deleted := time.Since(start)
	if got := c.must(http.StatusOK, "GET", "/v1/blueprints/jsmCustomerRequest/entities-count", nil)["count"]; got != float64(n-n/10) {
		t.Fatalf("count %v", got)
	}
	// The desk still has 90,000 dependents through an optional relation: deleting it unlinks them all.
	start = time.Now()
	c.must(http.StatusOK, "DELETE", deskPath+"/1?delete_dependents=false", nil)
	unlinked := time.Since(start)
	t.Logf("100k entities: load %v, search 100 pages %v, bulk delete 10k %v, unlink 90k %v", loaded, searched, deleted, unlinked)
}

// searchAllAt follows "next" cursors until the last page.
func searchAllAt(c *testClient, path string, body map[string]any) ([]string, []int) {
	c.t.Helper()
	var ids []string
	var pages []int
	for {
		resp := c.must(http.StatusOK, "POST", path, body)
		ents := at[[]any](c.t, resp, "entities")
		pages = append(pages, len(ents))
		ids = append(ids, identifiers(c.t, ents)...)
		next, ok := resp["next"].(string)
		if !ok {
			return ids, pages
		}
		if len(pages) > 100_000 {
			c.t.Fatal("pagination does not end")
		}
		body["from"] = next
	}
}

func BenchmarkBulkUpsert(b *testing.B) {
	_, c := newFake(b)
	seedBlueprints(c)
	b.ResetTimer()
	for i := range b.N {
		c.must(http.StatusOK, "POST", bulkPath+"?upsert=true", map[string]any{"entities": desks(i*20, 20)})
	}
}

func BenchmarkSearchPage100k(b *testing.B) {
	srv, c := newFake(b)
	seedBlueprints(c)
	for i := range 100_000 {
		if err := srv.PutEntity("jsmServiceDesk", desk(fmt.Sprint(i))); err != nil {
			b.Fatal(err)
		}
	}
	first := c.must(http.StatusOK, "POST", searchPath, map[string]any{"limit": 1000})
	b.ResetTimer()
	for range b.N {
		c.must(http.StatusOK, "POST", searchPath, map[string]any{"limit": 1000, "from": first["next"]})
	}
}
