package fakeport

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Port runs DELETE /v1/blueprints/{blueprint}/all-entities as a background
// migration: the call answers at once with the migration's id, the entities
// go when it completes, and GET /v1/migrations/{id} reports its status
// (Port's official Terraform provider reads migrationId and polls that route).

// WithMigrationDelay sets how long a migration runs before it completes; the
// default is 200ms.
func WithMigrationDelay(d time.Duration) Option {
	return func(c *config) { c.migrationDelay = d }
}

// migration is one background job.
type migration struct {
	ID         string `json:"id"`
	Status     string `json:"status"` // RUNNING, COMPLETED or FAILURE
	Blueprint  string `json:"blueprintIdentifier"`
	Actor      string `json:"createdBy,omitempty"`
	CreatedAt  string `json:"createdAt"`
	UpdatedAt  string `json:"updatedAt"`
	FailReason string `json:"failureReason,omitempty"`
}

type migrations struct {
	mu   sync.Mutex
	seq  int
	byID map[string]*migration
}

func (m *migrations) start(blueprint, actor string) *migration {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	now := time.Now().UTC().Format(time.RFC3339Nano)
	mig := &migration{ID: fmt.Sprintf("migration_%d", m.seq), Status: "RUNNING", Blueprint: blueprint, Actor: actor, CreatedAt: now, UpdatedAt: now}
	if m.byID == nil {
		m.byID = map[string]*migration{}
	}
	m.byID[mig.ID] = mig
	return mig
}

func (m *migrations) finish(id, status, reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mig := m.byID[id]
	mig.Status, mig.FailReason, mig.UpdatedAt = status, reason, time.Now().UTC().Format(time.RFC3339Nano)
}

func (m *migrations) get(id string) (migration, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mig, ok := m.byID[id]
	if !ok {
		return migration{}, false
	}
	return *mig, true
}

// handleDeleteAllEntities refuses at once when entities of other blueprints
// need these through a required relation (Port's docs: the route does not
// delete dependents), and otherwise starts the migration.
func (s *Server) handleDeleteAllEntities(c *call) (int, any, *apiError) {
	dropBP, err := c.boolQuery("delete_blueprint")
	if err != nil {
		return 0, nil, err
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	bpID := c.params["blueprint"]
	if s.st.bps[bpID] == nil {
		return 0, nil, blueprintNotFound(bpID)
	}
	if dropBP {
		if why := s.st.relationsInto(bpID); why != "" {
			return 0, nil, errDependents("%s", why)
		}
	}
	if why := s.st.blockers(s.st.live(bpID)); why != "" {
		return 0, nil, errDependents("%s", why)
	}
	mig := s.migrations.start(bpID, c.actor)
	time.AfterFunc(s.cfg.migrationDelay, func() { s.runDeleteAll(mig.ID, bpID, dropBP) })
	return http.StatusOK, map[string]any{"ok": true, "migrationId": mig.ID}, nil
}

func (s *Server) runDeleteAll(id, bpID string, dropBP bool) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if s.st.bps[bpID] == nil {
		s.migrations.finish(id, "FAILURE", fmt.Sprintf("Blueprint %q no longer exists", bpID))
		return
	}
	if why := s.st.blockers(s.st.live(bpID)); why != "" {
		s.migrations.finish(id, "FAILURE", why)
		return
	}
	s.st.deleteCascade(s.st.live(bpID), unlinkAll)
	if dropBP {
		s.st.dropBlueprint(bpID)
	}
	s.migrations.finish(id, "COMPLETED", "")
}

func (s *Server) handleGetMigration(c *call) (int, any, *apiError) {
	mig, ok := s.migrations.get(c.params["migration"])
	if !ok {
		return 0, nil, errNotFound("Migration with identifier %q was not found", c.params["migration"])
	}
	return http.StatusOK, map[string]any{"ok": true, "migration": mig}, nil
}
