package port

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// BulkDelete deletes entities of one blueprint with POST
// /v1/blueprints/{bp}/bulk/entities/delete, MaxBulkDelete identifiers a
// request, Config.Concurrency requests at a time. Port deletes each request's
// identifiers all or nothing (without deleteDependents, one entity that
// others need through a required relation fails the request with 422).
//
// deleted lists, in request order, the identifiers Port reported deleted;
// identifiers that did not exist are not in it. After a failed request no
// further requests are started; deleted then still holds what the other
// requests deleted, and err says what failed.
func (c *Client) BulkDelete(ctx context.Context, blueprint string, ids []string, deleteDependents bool) (deleted []string, err error) {
	var chunks [][]string
	for start := 0; start < len(ids); start += MaxBulkDelete {
		chunks = append(chunks, ids[start:min(start+MaxBulkDelete, len(ids))])
	}
	r := request{
		method: http.MethodPost, path: escapedPath("v1", "blueprints", blueprint, "bulk", "entities", "delete"),
		query: url.Values{"delete_dependents": {strconv.FormatBool(deleteDependents)}}, idempotent: true,
	}
	perChunk := make([][]string, len(chunks))
	batchErrs := make([]error, len(chunks))
	skipped := make([]bool, len(chunks))
	c.runBatches(ctx, len(chunks), func(i int) bool {
		perChunk[i], batchErrs[i] = c.deleteBatch(ctx, r, chunks[i])
		return batchErrs[i] != nil
	}, func(i int) { skipped[i] = true })
	deleted = make([]string, 0, len(ids))
	var first error
	failed, unsent := 0, 0
	for i := range chunks {
		deleted = append(deleted, perChunk[i]...)
		if batchErrs[i] != nil {
			failed++
			if first == nil {
				first = batchErrs[i]
			}
		}
		if skipped[i] {
			unsent += len(chunks[i])
		}
	}
	if first == nil && unsent > 0 {
		first = ctx.Err()
	}
	c.logger.Debug(ctx, "Port bulk delete", map[string]any{
		"blueprint": blueprint, "identifiers": len(ids), "requests": len(chunks), "deleted": len(deleted), "not_sent": unsent,
	})
	if first != nil {
		return deleted, fmt.Errorf("bulk delete from blueprint %q: %d of %d requests failed and %d identifiers were not sent: %w",
			blueprint, failed, len(chunks), unsent, first)
	}
	return deleted, nil
}

func (c *Client) deleteBatch(ctx context.Context, r request, ids []string) ([]string, error) {
	body, err := encodeJSON(map[string][]string{"entities": ids})
	if err != nil {
		return nil, err
	}
	r.body = body
	var ans struct {
		DeletedEntities []string `json:"deletedEntities"`
	}
	if err := c.do(ctx, r, &ans); err != nil {
		return nil, err
	}
	return ans.DeletedEntities, nil
}
