package port

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// EntityWriteOptions are the query flags of Port's entity writes.
type EntityWriteOptions struct {
	// Upsert creates the entity or, if it exists, overwrites it (or merges
	// into it, with Merge). Without it, writing an existing entity fails with
	// 409. BulkUpsert always upserts.
	Upsert bool
	// Merge keeps the fields of an existing entity that the write leaves out;
	// without it an upsert replaces the whole entity.
	Merge bool
	// CreateMissingRelatedEntities creates bare related entities that do not
	// exist yet instead of failing with 404.
	CreateMissingRelatedEntities bool
}

func (o EntityWriteOptions) query() url.Values {
	q := url.Values{"upsert": {strconv.FormatBool(o.Upsert)}}
	if o.Merge {
		q.Set("merge", "true")
	}
	if o.CreateMissingRelatedEntities {
		q.Set("create_missing_related_entities", "true")
	}
	return q
}

type entityEnvelope struct {
	Entity json.RawMessage `json:"entity"`
}

// GetEntity reads one entity.
func (c *Client) GetEntity(ctx context.Context, blueprint, id string) (entity.Entity, error) {
	return c.entityCall(ctx, request{method: http.MethodGet, path: entityPath(blueprint, id), idempotent: true})
}

// WriteEntity writes one entity and returns it as Port stored it: it
// creates the entity or, with opts.Upsert, creates or overwrites it. With
// opts.Upsert the write is idempotent and retried like a read; without it,
// it is retried only on 429, since after a 5xx or a transport error the
// entity may exist already.
func (c *Client) WriteEntity(ctx context.Context, blueprint string, e entity.Entity, opts EntityWriteOptions) (entity.Entity, error) {
	return c.entityCall(ctx, request{
		method: http.MethodPost, path: escapedPath("v1", "blueprints", blueprint, "entities"),
		query: opts.query(), body: wireJSON(&e), idempotent: opts.Upsert,
	})
}

// DeleteEntity deletes one entity. With deleteDependents Port also deletes
// the entities that relate to it; without it Port refuses (422) when others
// need it through a required relation.
func (c *Client) DeleteEntity(ctx context.Context, blueprint, id string, deleteDependents bool) error {
	return c.do(ctx, request{
		method: http.MethodDelete, path: entityPath(blueprint, id),
		query: url.Values{"delete_dependents": {strconv.FormatBool(deleteDependents)}}, idempotent: true,
	}, nil)
}

// DeleteAllEntities deletes every entity of a blueprint (the blueprint
// stays). Port runs this as a background migration: the call answers with
// the migration's id, and DeleteAllEntities polls it (see WaitForMigration)
// until the entities are gone, so that a blueprint delete that follows does
// not meet them. Port refuses (422) when entities of other blueprints need
// these through a required relation.
func (c *Client) DeleteAllEntities(ctx context.Context, blueprint string) error {
	var ans struct {
		MigrationID string `json:"migrationId"`
	}
	err := c.do(ctx, request{
		method: http.MethodDelete, path: escapedPath("v1", "blueprints", blueprint, "all-entities"), idempotent: true,
	}, &ans)
	if err != nil || ans.MigrationID == "" {
		return err
	}
	return c.WaitForMigration(ctx, ans.MigrationID)
}

// Migration is Port's record of a background job.
type Migration struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	FailureReason string `json:"failureReason"`
}

// Migration statuses that end the wait.
const (
	MigrationCompleted = "COMPLETED"
	MigrationFailed    = "FAILURE"
	MigrationCancelled = "CANCELLED"
)

// MigrationPollInterval is the longest pause between two polls of a migration.
var MigrationPollInterval = 2 * time.Second

// WaitForMigration polls GET /v1/migrations/{id} until the migration
// completes (nil), fails or is cancelled (an error with Port's reason), or
// ctx ends: bound the wait with ctx (the resource's delete timeout).
func (c *Client) WaitForMigration(ctx context.Context, id string) error {
	pause := 50 * time.Millisecond
	for polls := 1; ; polls++ {
		var ans struct {
			Migration Migration `json:"migration"`
		}
		if err := c.do(ctx, request{method: http.MethodGet, path: escapedPath("v1", "migrations", id), idempotent: true}, &ans); err != nil {
			return fmt.Errorf("waiting for the migration %s in Port: %w", id, err)
		}
		m := ans.Migration
		c.logger.Debug(ctx, "Port migration", map[string]any{"migration": id, "status": m.Status, "polls": polls})
		switch m.Status {
		case MigrationCompleted:
			return nil
		case MigrationFailed, MigrationCancelled:
			return fmt.Errorf("the migration %s in Port ended %s: %s", id, m.Status, m.FailureReason)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the migration %s in Port (last status %s): %w", id, m.Status, ctx.Err())
		case <-time.After(pause):
		}
		pause = min(2*pause, MigrationPollInterval)
	}
}

func (c *Client) entityCall(ctx context.Context, r request) (entity.Entity, error) {
	var env entityEnvelope
	if err := c.do(ctx, r, &env); err != nil {
		return entity.Entity{}, err
	}
	if len(env.Entity) == 0 || string(env.Entity) == "null" {
		return entity.Entity{}, fmt.Errorf("the answer of Port to %s %s has no entity", r.method, r.path)
	}
	v, err := decodeAnswer(env.Entity)
	if err == nil {
		var e entity.Entity
		if e, err = entityFromWire(v, entity.Keys{}); err == nil {
			return e, nil
		}
	}
	return entity.Entity{}, fmt.Errorf("the answer of Port to %s %s is not the JSON its API documents: %w", r.method, r.path, err)
}

func entityPath(blueprint, id string) string {
	return escapedPath("v1", "blueprints", blueprint, "entities", id)
}
