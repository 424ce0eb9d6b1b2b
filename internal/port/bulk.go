package port

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
)

// Port's documented limits of one bulk request.
const (
	MaxBulkUpsert   = 20
	MaxBulkDelete   = 100
	MaxRequestBytes = 1 << 20
)

// EntityError is the failure of one entity of a bulk upsert.
type EntityError struct {
	Identifier string
	// StatusCode is the HTTP status Port gave for the entity (or for its whole
	// request); 0 when no answer came (transport error, cancellation).
	StatusCode int
	Code       string
	Message    string
	// NeverSent is set when the entity's request never reached Port (see
	// NeverSent): it was certainly not written.
	NeverSent bool
}

func (e EntityError) Error() string {
	msg := fmt.Sprintf("entity %q", e.Identifier)
	if e.StatusCode != 0 {
		msg += fmt.Sprintf(": HTTP %d", e.StatusCode)
	}
	if e.Code != "" {
		msg += ": " + e.Code
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// BulkResult says what became of each entity of a BulkUpsert, in the order
// the entities were given. Every entity is in exactly one of the lists.
type BulkResult struct {
	// Succeeded are the identifiers Port confirmed as written (for entities
	// sent without an identifier, the one Port generated).
	Succeeded []string
	// Failed are entities Port refused one by one (a 207 answer), entities
	// refused before sending (over 1 MiB alone, an invalid identifier), and
	// every entity of a request that failed as a whole. The latter may have
	// been written anyway if the failure was a timeout or a 5xx.
	Failed []EntityError
	// Skipped are entities never sent, because an earlier request failed in
	// a way the rest would too (or the context ended). They were not written.
	Skipped []string
}

type entityState int

const (
	statePending entityState = iota
	stateSucceeded
	stateFailed
	stateSkipped
)

type entityOutcome struct {
	state entityState
	id    string
	err   EntityError
}

type upsertBatch struct {
	index []int    // positions in the caller's slice
	items [][]byte // the entities' JSON
}

// BulkUpsert writes entities of one blueprint with POST
// /v1/blueprints/{bp}/entities/bulk, always with upsert=true (so every
// request is idempotent and retried on 429, 5xx and transport errors) and
// opts.Merge and opts.CreateMissingRelatedEntities as given. Entities are
// packed in order into requests of at most MaxBulkUpsert entities and
// MaxRequestBytes of body, sent Config.Concurrency at a time.
//
// Per-entity failures (Port's 207 answer, an entity too large or with an
// invalid identifier) are reported in BulkResult.Failed and are not an error.
// The error is non-nil only when a whole request failed after retries (a
// transport error, 5xx, 401 after a token refresh, 404 for a missing
// blueprint...) or the context ended: its entities are then in Failed with
// that error, the result of the other requests is still reported, and, unless
// the failure was specific to that request's content (413 or 422), no
// further requests are started and the entities not sent are in Skipped. Only
// the identifiers in Succeeded are known to be written.
func (c *Client) BulkUpsert(ctx context.Context, blueprint string, entities []entity.Entity, opts EntityWriteOptions) (BulkResult, error) {
	outcomes := make([]entityOutcome, len(entities))
	encoding := phases.Start(ctx, phases.PortEncode)
	batches := packUpserts(entities, outcomes)
	encoding()
	opts.Upsert = true
	r := request{
		method: http.MethodPost, path: escapedPath("v1", "blueprints", blueprint, "entities", "bulk"),
		query: opts.query(), idempotent: true,
	}
	batchErrs := make([]error, len(batches))
	c.runBatches(ctx, len(batches), func(i int) bool {
		err := c.upsertBatch(ctx, r, batches[i], entities, outcomes)
		if err == nil {
			return false
		}
		batchErrs[i] = err
		failBatch(batches[i].index, entities, outcomes, err)
		return stopsBulk(err)
	}, func(i int) {
		for _, k := range batches[i].index {
			outcomes[k] = entityOutcome{state: stateSkipped, id: entities[k].Identifier}
		}
	})
	res := collectUpserts(outcomes)
	c.logger.Debug(ctx, "Port bulk upsert", map[string]any{
		"blueprint": blueprint, "entities": len(entities), "requests": len(batches),
		"succeeded": len(res.Succeeded), "failed": len(res.Failed), "skipped": len(res.Skipped),
	})
	return res, bulkError(ctx, "bulk upsert into", blueprint, batchErrs, outcomes)
}

// runBatches calls send for batches 0 to n-1, Config.Concurrency at a time.
// Once a send reports that the batches not started yet would fail too, or
// the context ends, those batches go to skip instead. Batches already in
// flight finish: cancelling them would leave their outcome unknown.
func (c *Client) runBatches(ctx context.Context, n int, send func(i int) (stopAll bool), skip func(i int)) {
	var stop atomic.Bool
	var g errgroup.Group
	g.SetLimit(c.cfg.Concurrency)
	for i := range n {
		g.Go(func() error {
			if stop.Load() || ctx.Err() != nil {
				skip(i)
			} else if send(i) {
				stop.Store(true)
			}
			return nil
		})
	}
	_ = g.Wait()
}

// packUpserts encodes the entities and packs them, in order, into batches.
// Entities that cannot be sent get their failed outcome here.
func packUpserts(entities []entity.Entity, outcomes []entityOutcome) []upsertBatch {
	const overhead = len(`{"entities":[]}`)
	var batches []upsertBatch
	var cur upsertBatch
	size := overhead
	for i := range entities {
		e := &entities[i]
		if msg := checkIdentifiers(e); msg != "" {
			outcomes[i] = failedOutcome(e.Identifier, http.StatusUnprocessableEntity, "invalid_request", msg+"; the entity was not sent")
			continue
		}
		raw := wireJSON(e)
		if overhead+len(raw) > MaxRequestBytes {
			outcomes[i] = failedOutcome(e.Identifier, http.StatusRequestEntityTooLarge, "payload_too_large",
				fmt.Sprintf("the entity's JSON is %d bytes, more than the 1 MiB Port accepts in one request; it was not sent", len(raw)))
			continue
		}
		if len(cur.index) == MaxBulkUpsert || size+1+len(raw) > MaxRequestBytes {
			batches = append(batches, cur)
			cur, size = upsertBatch{}, overhead
		}
		if len(cur.index) > 0 {
			size++ // the comma
		}
		size += len(raw)
		cur.index = append(cur.index, i)
		cur.items = append(cur.items, raw)
	}
	if len(cur.index) > 0 {
		batches = append(batches, cur)
	}
	return batches
}

func (b upsertBatch) body() []byte {
	n := len(`{"entities":[]}`) + len(b.items)
	for _, it := range b.items {
		n += len(it)
	}
	buf := make([]byte, 0, n)
	buf = append(buf, `{"entities":[`...)
	for i, it := range b.items {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, it...)
	}
	return append(buf, `]}`...)
}

// bulkAnswer is the 200/207 body of a bulk upsert.
type bulkAnswer struct {
	Entities []struct {
		Identifier string   `json:"identifier"`
		Index      *float64 `json:"index"`
		Created    bool     `json:"created"`
	} `json:"entities"`
	Errors []struct {
		Identifier string   `json:"identifier"`
		Index      *float64 `json:"index"`
		StatusCode int      `json:"statusCode"`
		Error      string   `json:"error"`
		Message    string   `json:"message"`
	} `json:"errors"`
}

func (c *Client) upsertBatch(ctx context.Context, r request, b upsertBatch, entities []entity.Entity, outcomes []entityOutcome) error {
	r.body = b.body()
	var ans bulkAnswer
	if err := c.do(ctx, r, &ans); err != nil {
		return err
	}
	for _, s := range ans.Entities {
		if k, ok := b.locate(s.Index, s.Identifier, entities); ok {
			id := s.Identifier
			if id == "" {
				id = entities[k].Identifier
			}
			outcomes[k] = entityOutcome{state: stateSucceeded, id: id}
		}
	}
	for _, f := range ans.Errors {
		if k, ok := b.locate(f.Index, f.Identifier, entities); ok {
			id := f.Identifier
			if id == "" {
				id = entities[k].Identifier
			}
			outcomes[k] = failedOutcome(id, f.StatusCode, f.Error, f.Message)
		}
	}
	for _, k := range b.index {
		if outcomes[k].state == statePending {
			outcomes[k] = failedOutcome(entities[k].Identifier, 0, "unconfirmed",
				"Port's answer to the bulk request listed neither a success nor an error for this entity")
		}
	}
	return nil
}

// locate finds the caller's position of an entity named in a bulk answer: by
// its index in the request, checked against the identifier, or else by
// identifier.
func (b upsertBatch) locate(index *float64, id string, entities []entity.Entity) (int, bool) {
	if index != nil {
		if i := int(*index); i >= 0 && i < len(b.index) {
			k := b.index[i]
			if id == "" || entities[k].Identifier == "" || entities[k].Identifier == id {
				return k, true
			}
		}
	}
	if id == "" {
		return 0, false
	}
	for _, k := range b.index {
		if entities[k].Identifier == id {
			return k, true
		}
	}
	return 0, false
}

func failedOutcome(id string, status int, code, msg string) entityOutcome {
	return entityOutcome{state: stateFailed, id: id, err: EntityError{Identifier: id, StatusCode: status, Code: code, Message: msg}}
}

// failBatch marks every entity of a request that failed as a whole.
func failBatch(index []int, entities []entity.Entity, outcomes []entityOutcome, err error) {
	var status int
	code, msg := "request_failed", err.Error()
	var apiErr *httpbase.APIError
	if errors.As(err, &apiErr) {
		status, code, msg = apiErr.StatusCode, apiErr.Code, apiErr.Message
	}
	for _, k := range index {
		outcomes[k] = failedOutcome(entities[k].Identifier, status, code, msg)
		outcomes[k].err.NeverSent = httpbase.NeverSent(err)
	}
}

// stopsBulk tells whether a request's failure would recur for the requests
// not sent yet. 413 and 422 are about the request's own content.
func stopsBulk(err error) bool {
	var apiErr *httpbase.APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode != http.StatusRequestEntityTooLarge && apiErr.StatusCode != http.StatusUnprocessableEntity
	}
	return true
}

func collectUpserts(outcomes []entityOutcome) BulkResult {
	var res BulkResult
	for _, o := range outcomes {
		switch o.state {
		case stateSucceeded:
			res.Succeeded = append(res.Succeeded, o.id)
		case stateFailed:
			res.Failed = append(res.Failed, o.err)
		case stateSkipped:
			res.Skipped = append(res.Skipped, o.id)
		}
	}
	return res
}

// bulkError is the error of a bulk call: the first request that failed as a
// whole (in request order), or the context's error if requests were skipped
// for it.
func bulkError(ctx context.Context, what, blueprint string, batchErrs []error, outcomes []entityOutcome) error {
	failed := 0
	var first error
	for _, err := range batchErrs {
		if err != nil {
			failed++
			if first == nil {
				first = err
			}
		}
	}
	skipped := 0
	for _, o := range outcomes {
		if o.state == stateSkipped {
			skipped++
		}
	}
	if first == nil && skipped > 0 {
		first = ctx.Err()
	}
	if first == nil {
		return nil
	}
	return fmt.Errorf("%s blueprint %q: %d of %d requests failed as a whole and %d entities were not sent: %w",
		what, blueprint, failed, len(batchErrs), skipped, first)
}
