package port

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

func identifiers(es []entity.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Identifier
	}
	return out
}

func TestBulkUpsertBatchesOf20(t *testing.T) {
	h := newHarness(t, nil)
	in := entities(45)
	res, err := h.c.BulkUpsert(context.Background(), bp, in, EntityWriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sizes := h.srv.BulkSizes()
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{5, 20, 20}) {
		t.Errorf("bulk sizes = %v, want 20, 20 and 5", sizes)
	}
	if !slices.Equal(res.Succeeded, identifiers(in)) || len(res.Failed) != 0 || len(res.Skipped) != 0 {
		t.Errorf("result = %+v, want every entity succeeded, in input order", res)
	}
	stored := h.storedIDs()
	slices.Sort(stored)
	if !slices.Equal(stored, identifiers(in)) {
		t.Errorf("stored %d entities, want the 45 sent", len(stored))
	}
	got, ok := h.srv.Entity(bp, "e0007")
	if !ok || got["title"] != "Entity 7" || fmt.Sprint(got["properties"]) != "map[name:name 7 size:7]" {
		t.Errorf("stored e0007 = %v", got)
	}
}

func bigEntities(n, blob int) []entity.Entity {
	out := entities(n)
	for i := range out {
		withBlob(&out[i], strings.Repeat("x", blob))
	}
	return out
}

// withBlob adds a "blob" property (it sorts before the others).
func withBlob(e *entity.Entity, blob string) {
	e.Properties = append(entity.Fields{{Key: "blob", Value: entity.String(blob)}}, e.Properties...)
}

func TestBulkUpsertSplitsByBodySize(t *testing.T) {
	h := newHarness(t, nil)
	const blob = 150_000 // 20 of them are about 3 MiB
	in := bigEntities(25, blob)
	res, err := h.c.BulkUpsert(context.Background(), bp, in, EntityWriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Succeeded) != 25 || len(res.Failed) != 0 {
		t.Fatalf("succeeded %d, failed %v", len(res.Succeeded), res.Failed)
	}
	sizes := h.srv.BulkSizes()
	total := 0
	for _, n := range sizes {
		total += n
		if n*blob >= MaxRequestBytes {
			t.Errorf("a batch of %d entities of %d bytes is over 1 MiB", n, blob)
		}
	}
	if total != 25 || len(sizes) < 4 {
		t.Errorf("bulk sizes = %v, want 25 entities in at least 4 requests", sizes)
	}
	if got := len(h.storedIDs()); got != 25 {
		t.Errorf("stored %d entities, want 25", got)
	}
}

func TestBulkUpsertPacksUpToTheLimit(t *testing.T) {
	in := bigEntities(30, 100_000)
	outcomes := make([]entityOutcome, len(in))
	batches := packUpserts(in, outcomes)
	for _, b := range batches {
		body := b.body()
		if len(body) > MaxRequestBytes {
			t.Errorf("batch body is %d bytes, over 1 MiB", len(body))
		}
		if len(b.index) < MaxBulkUpsert && b.index[len(b.index)-1] != len(in)-1 {
			next := wireJSON(&in[b.index[len(b.index)-1]+1])
			if len(body)+1+len(next) <= MaxRequestBytes {
				t.Errorf("batch of %d closed although the next entity fits", len(b.index))
			}
		}
	}
}

func TestBulkUpsertOversizedEntityFailsAlone(t *testing.T) {
	h := newHarness(t, nil)
	in := entities(5)
	withBlob(&in[2], strings.Repeat("y", MaxRequestBytes))
	res, err := h.c.BulkUpsert(context.Background(), bp, in, EntityWriteOptions{})
	if err != nil {
		t.Fatalf("err = %v; an oversized entity is a per-entity failure", err)
	}
	want := []string{"e0000", "e0001", "e0003", "e0004"}
	if !slices.Equal(res.Succeeded, want) {
		t.Errorf("succeeded = %v, want %v", res.Succeeded, want)
	}
	if len(res.Failed) != 1 || res.Failed[0].Identifier != "e0002" || res.Failed[0].StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("failed = %+v, want e0002 with 413", res.Failed)
	}
	if _, ok := h.srv.Entity(bp, "e0002"); ok {
		t.Error("the oversized entity was stored")
	}
	if got := h.storedIDs(); !slices.Equal(got, want) {
		t.Errorf("stored = %v, want %v", got, want)
	}
}

func TestBulkUpsertPartialFailure207(t *testing.T) {
	h := newHarness(t, nil)
	in := make([]entity.Entity, 0, 6)
	for _, id := range []string{"a", "b", "c", "d", "e", "f"} {
		in = append(in, entity.Entity{Identifier: id, Title: ptr(strings.ToUpper(id))})
	}
	h.srv.FailBulkEntities("b", "d")
	res, err := h.c.BulkUpsert(context.Background(), bp, in, EntityWriteOptions{})
	if err != nil {
		t.Fatalf("err = %v; a 207 is per-entity failures only", err)
	}
	if want := []string{"a", "c", "e", "f"}; !slices.Equal(res.Succeeded, want) {
		t.Errorf("succeeded = %v, want %v", res.Succeeded, want)
	}
	if len(res.Failed) != 2 {
		t.Fatalf("failed = %+v, want b and d", res.Failed)
	}
	for i, id := range []string{"b", "d"} {
		f := res.Failed[i]
		if f.Identifier != id || f.StatusCode != http.StatusUnprocessableEntity || f.Code != "schema_mismatch" || !strings.Contains(f.Message, "injected failure") {
			t.Errorf("failed[%d] = %+v, want %s with Port's 422 schema_mismatch and message", i, f, id)
		}
	}
	if got, want := h.storedIDs(), []string{"a", "c", "e", "f"}; !slices.Equal(got, want) {
		t.Errorf("stored = %v, want exactly %v", got, want)
	}
}

func TestBulkUpsertInvalidIdentifierFailsAlone(t *testing.T) {
	h := newHarness(t, nil)
	in := entities(3)
	in[1].Identifier = "has space"
	res, err := h.c.BulkUpsert(context.Background(), bp, in, EntityWriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Succeeded) != 2 || len(res.Failed) != 1 || res.Failed[0].Identifier != "has space" {
		t.Errorf("result = %+v", res)
	}
	if n := h.count("POST", bulkPattern); n != 1 {
		t.Errorf("bulk requests = %d, want 1", n)
	}
}

func TestBulkUpsertWholeBatchFailure(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.MaxRetries = 1; c.Concurrency = 1 })
	h.srv.FailRequests("POST", "/v1/blueprints/"+bp+"/entities/bulk", http.StatusInternalServerError, -1)
	in := entities(45)
	res, err := h.c.BulkUpsert(context.Background(), bp, in, EntityWriteOptions{})
	var apiErr *httpbase.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusInternalServerError {
		t.Fatalf("err = %v, want one wrapping the 500", err)
	}
	if len(res.Succeeded) != 0 || len(res.Failed) != 20 || len(res.Skipped) != 25 {
		t.Fatalf("succeeded %d, failed %d, skipped %d; want 0, 20 (first request), 25 (never sent)",
			len(res.Succeeded), len(res.Failed), len(res.Skipped))
	}
	if f := res.Failed[0]; f.StatusCode != http.StatusInternalServerError || f.Code != "internal_error" {
		t.Errorf("failed[0] = %+v", f)
	}
	if n := h.count("POST", bulkPattern); n != 2 {
		t.Errorf("bulk requests = %d, want 2 (one batch, one retry, then stop)", n)
	}
}

func TestBulkUpsertContentFailureDoesNotStop(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.Concurrency = 1 })
	h.srv.FailRequests("POST", "/v1/blueprints/"+bp+"/entities/bulk", http.StatusUnprocessableEntity, 1)
	in := entities(45)
	res, err := h.c.BulkUpsert(context.Background(), bp, in, EntityWriteOptions{})
	if !httpbase.IsStatus(err, http.StatusUnprocessableEntity) {
		t.Fatalf("err = %v, want one wrapping the 422", err)
	}
	if len(res.Failed) != 20 || len(res.Succeeded) != 25 || len(res.Skipped) != 0 {
		t.Errorf("failed %d, succeeded %d, skipped %d; want 20, 25, 0", len(res.Failed), len(res.Succeeded), len(res.Skipped))
	}
	if !slices.Equal(res.Succeeded, identifiers(in[20:])) {
		t.Errorf("succeeded = %v", res.Succeeded)
	}
}

func TestBulkUpsertMergeKeepsFields(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	full := entity.Entity{Identifier: "m", Title: ptr("M"), Icon: ptr("Service"), Team: []string{},
		Properties: entity.Fields{{Key: "name", Value: `"n"`}, {Key: "size", Value: "1"}}}
	if _, err := h.c.BulkUpsert(ctx, bp, []entity.Entity{full}, EntityWriteOptions{}); err != nil {
		t.Fatal(err)
	}
	partial := entity.Entity{Identifier: "m", Properties: entity.Fields{{Key: "size", Value: "2"}}}
	if _, err := h.c.BulkUpsert(ctx, bp, []entity.Entity{partial}, EntityWriteOptions{Merge: true}); err != nil {
		t.Fatal(err)
	}
	got, _ := h.srv.Entity(bp, "m")
	if got["icon"] != "Service" || got["title"] != "M" || fmt.Sprint(got["properties"]) != "map[name:n size:2]" {
		t.Errorf("after a merge: %v", got)
	}
	// Without merge, what is left out is cleared.
	if _, err := h.c.BulkUpsert(ctx, bp, []entity.Entity{partial}, EntityWriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got, _ = h.srv.Entity(bp, "m")
	if _, has := got["icon"]; has || got["title"] != nil || fmt.Sprint(got["properties"]) != "map[size:2]" {
		t.Errorf("after a replace: %v", got)
	}
}

func TestBulkDeleteBatchesOf100(t *testing.T) {
	h := newHarness(t, nil)
	ids := h.seed(t, 250)
	res, err := h.c.BulkDelete(context.Background(), bp, ids, false)
	if err != nil {
		t.Fatal(err)
	}
	if n := h.count("POST", "/v1/blueprints/{blueprint}/bulk/entities/delete"); n != 3 {
		t.Errorf("bulk delete requests = %d, want 3", n)
	}
	if deleted := res.Deleted; !slices.Equal(deleted, ids) {
		t.Errorf("deleted %d identifiers, want the 250 in order", len(deleted))
	}
	if left := h.storedIDs(); len(left) != 0 {
		t.Errorf("%d entities left", len(left))
	}
}

func TestBulkDeleteIsolatesRefusedIdentifiers(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.Concurrency = 1 })
	ids := h.seed(t, 250)
	// ids[150] and ids[160] are needed by children: Port refuses the second
	// request whole, and the client must still delete the other 248.
	for i, parent := range []string{ids[150], ids[160]} {
		if err := h.addChild(fmt.Sprint("c", i), parent); err != nil {
			t.Fatal(err)
		}
	}
	res, err := h.c.BulkDelete(context.Background(), bp, ids, false)
	if err != nil {
		t.Fatalf("err = %v; a refused identifier must not fail the others", err)
	}
	var refused []string
	for _, f := range res.Refused {
		refused = append(refused, f.Identifier)
		if f.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(f.Message, "child/c") {
			t.Errorf("refusal of %s does not carry Port's reason naming the dependent: %+v", f.Identifier, f)
		}
	}
	if !slices.Equal(refused, []string{ids[150], ids[160]}) {
		t.Errorf("refused %v, want %s and %s", refused, ids[150], ids[160])
	}
	if len(res.Deleted) != 248 {
		t.Errorf("deleted %d identifiers, want 248", len(res.Deleted))
	}
	if left := h.storedIDs(); !slices.Equal(left, []string{ids[150], ids[160]}) {
		t.Errorf("left in Port: %v", left)
	}
	// 3 requests of 100, plus the halving of the refused one: 100 -> 50+50 ->
	// 25+25 -> ... far fewer than one request per identifier.
	if n := h.count("POST", "/v1/blueprints/{blueprint}/bulk/entities/delete"); n > 3+2*2*7 {
		t.Errorf("bulk delete requests = %d, want the refused request split by halves", n)
	}
}

func TestBulkDeleteStopsOnServerFailure(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.Concurrency = 1; c.MaxRetries = -1 })
	ids := h.seed(t, 250)
	h.srv.FailRequests("POST", "/v1/blueprints/"+bp+"/bulk/entities/delete", http.StatusInternalServerError, 100)
	res, err := h.c.BulkDelete(context.Background(), bp, ids, false)
	if !httpbase.IsStatus(err, http.StatusInternalServerError) {
		t.Fatalf("err = %v, want the 500", err)
	}
	if len(res.Deleted) != 0 || len(res.Refused) != 0 {
		t.Errorf("result %+v after a failed first request", res)
	}
	if n := h.count("POST", "/v1/blueprints/{blueprint}/bulk/entities/delete"); n != 1 {
		t.Errorf("bulk delete requests = %d, want 1 (stop after a server failure)", n)
	}
}

func TestBulkDeleteWithDependents(t *testing.T) {
	h := newHarness(t, nil)
	ids := h.seed(t, 3)
	if err := h.addChild("c", ids[0]); err != nil {
		t.Fatal(err)
	}
	res, err := h.c.BulkDelete(context.Background(), bp, ids, true)
	if err != nil || len(res.Deleted) != 3 {
		t.Fatalf("deleted %v, err %v", res.Deleted, err)
	}
	if _, ok := h.srv.Entity("child", "c"); ok {
		t.Error("the dependent child survived delete_dependents=true")
	}
}

func TestBulkUpsertCancelled(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.Concurrency = 1 })
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := h.c.GetBlueprint(ctx, bp); err != nil {
		t.Fatal(err)
	}
	h.srv.SetLatency(50 * time.Millisecond)
	time.AfterFunc(75*time.Millisecond, cancel)
	res, err := h.c.BulkUpsert(ctx, bp, entities(100), EntityWriteOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want one wrapping context.Canceled", err)
	}
	// Typically: the first request succeeded, the second was cut off, the
	// rest were never sent.
	total := len(res.Succeeded) + len(res.Failed) + len(res.Skipped)
	if total != 100 || len(res.Skipped) == 0 || len(res.Failed) > 20 {
		t.Errorf("succeeded %d, failed %d, skipped %d; want all 100 accounted for, at most one request cut off, some never sent",
			len(res.Succeeded), len(res.Failed), len(res.Skipped))
	}
	for _, id := range res.Succeeded {
		if _, ok := h.srv.Entity(bp, id); !ok {
			t.Errorf("%s reported as written but not stored", id)
		}
	}
}
