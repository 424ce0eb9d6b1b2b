package port

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

// DeleteResult says what became of the identifiers given to BulkDelete.
type DeleteResult struct {
	// Deleted lists, in request order, the identifiers Port reported deleted;
	// identifiers that did not exist are not in it.
	Deleted []string
	// Refused are identifiers Port would not delete on their own, with Port's
	// reason: most often other entities need them through a required
	// relation (422 has_dependents). They are still in Port.
	Refused []EntityError
}

// BulkDelete deletes entities of one blueprint with POST
// /v1/blueprints/{bp}/bulk/entities/delete, MaxBulkDelete identifiers a
// request, Config.Concurrency requests at a time.
//
// Port deletes each request's identifiers all or nothing: one entity that
// others need through a required relation fails the whole request with 422.
// So a request refused with 422 is split in halves and retried until the
// identifiers Port refuses are alone; those go to Refused and every other
// identifier is still deleted. With deleteDependents Port deletes the
// dependents too and nothing is refused for that reason.
//
// The error is non-nil when a request failed as a whole for another reason
// (Port unreachable, 5xx after retries, a missing blueprint) or the context
// ended; no further requests are started then, and the result still holds
// what the other requests did.
func (c *Client) BulkDelete(ctx context.Context, blueprint string, ids []string, deleteDependents bool) (DeleteResult, error) {
	var chunks [][]string
	for start := 0; start < len(ids); start += MaxBulkDelete {
		chunks = append(chunks, ids[start:min(start+MaxBulkDelete, len(ids))])
	}
	r := request{
		method: http.MethodPost, path: escapedPath("v1", "blueprints", blueprint, "bulk", "entities", "delete"),
		query: url.Values{"delete_dependents": {strconv.FormatBool(deleteDependents)}}, idempotent: true,
	}
	perChunk := make([]DeleteResult, len(chunks))
	batchErrs := make([]error, len(chunks))
	skipped := make([]bool, len(chunks))
	c.runBatches(ctx, len(chunks), func(i int) bool {
		batchErrs[i] = c.deleteSplitting(ctx, r, chunks[i], &perChunk[i])
		return batchErrs[i] != nil
	}, func(i int) { skipped[i] = true })
	var res DeleteResult
	var first error
	failed, unsent := 0, 0
	for i := range chunks {
		res.Deleted = append(res.Deleted, perChunk[i].Deleted...)
		res.Refused = append(res.Refused, perChunk[i].Refused...)
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
		"blueprint": blueprint, "identifiers": len(ids), "requests": len(chunks), "deleted": len(res.Deleted),
		"refused": len(res.Refused), "not_sent": unsent,
	})
	if first != nil {
		return res, fmt.Errorf("bulk delete from blueprint %q: %d of %d requests failed and %d identifiers were not sent: %w",
			blueprint, failed, len(chunks), unsent, first)
	}
	return res, nil
}

// deleteSplitting deletes ids, halving a request Port refuses with 422 until
// the refused identifiers are alone.
func (c *Client) deleteSplitting(ctx context.Context, r request, ids []string, out *DeleteResult) error {
	deleted, err := c.deleteBatch(ctx, r, ids)
	if err == nil {
		out.Deleted = append(out.Deleted, deleted...)
		return nil
	}
	var apiErr *httpbase.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnprocessableEntity {
		return err
	}
	if len(ids) == 1 {
		out.Refused = append(out.Refused, EntityError{Identifier: ids[0], StatusCode: apiErr.StatusCode, Code: apiErr.Code, Message: apiErr.Message})
		return nil
	}
	half := len(ids) / 2
	var left, right DeleteResult
	var errLeft, errRight error
	var wg sync.WaitGroup
	wg.Go(func() { errLeft = c.deleteSplitting(ctx, r, ids[:half], &left) })
	errRight = c.deleteSplitting(ctx, r, ids[half:], &right)
	wg.Wait()
	out.Deleted = append(append(out.Deleted, left.Deleted...), right.Deleted...)
	out.Refused = append(append(out.Refused, left.Refused...), right.Refused...)
	return errors.Join(errLeft, errRight)
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
