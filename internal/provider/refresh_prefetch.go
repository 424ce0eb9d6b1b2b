package provider

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

// refreshPrefetch starts the search a refresh of portjsm_entities makes
// before Terraform asks for the refresh. In a plan, Terraform upgrades a
// resource's stored state (UpgradeResourceState) and then decodes it, for
// most of a second at 100,000 entities, before it calls ReadResource. The
// search of the blueprint's entities needs only the blueprint's name, which
// the stored state holds, so it starts at the upgrade, and the refresh
// takes over the pages read so far and the rest as they come.
//
// A search starts only in a walk that refreshes (walkServer: a ReadResource
// since the provider was configured; a plan with -refresh=false and an
// apply call none). It reads at most prefetchPages pages ahead of a refresh
// and is dropped when no refresh takes it within prefetchWait, or when the
// provider is configured for the next walk.
type refreshPrefetch struct {
	mu       sync.Mutex
	client   *port.Client
	secrets  []string
	pages    int                          // prefetchPages, but in tests
	wait     time.Duration                // prefetchWait, but in tests
	searches map[string]*prefetchedSearch // by blueprint, until a refresh takes one
}

const (
	prefetchPages = 64
	prefetchWait  = 2 * time.Minute
)

func newRefreshPrefetch() *refreshPrefetch {
	return &refreshPrefetch{pages: prefetchPages, wait: prefetchWait, searches: map[string]*prefetchedSearch{}}
}

// configure drops the searches of the last walk and sets the Port client of
// the next; a nil client starts none.
func (r *refreshPrefetch) configure(client *port.Client, secrets []string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for bp, s := range r.searches {
		s.stop()
		delete(r.searches, bp)
	}
	r.client, r.secrets = client, secrets
}

// start begins the search of blueprint bp, unless one is under way.
func (r *refreshPrefetch) start(ctx context.Context, bp string) {
	if r == nil || bp == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, running := r.searches[bp]; running || r.client == nil {
		return
	}
	// The search outlives the call that starts it, and its time is the
	// refresh's, not the upgrade's.
	ctx = withSecretsMasked(phases.Without(context.WithoutCancel(ctx)), r.secrets)
	ctx, cancel := context.WithCancel(ctx)
	s := &prefetchedSearch{pages: make(chan []entity.Entity, r.pages), done: make(chan struct{}), cancel: cancel}
	s.timer = time.AfterFunc(r.wait, func() { r.drop(bp, s) })
	r.searches[bp] = s
	tflog.Debug(ctx, "searching a blueprint's entities ahead of its refresh", map[string]any{"blueprint": bp})
	go s.run(ctx, r.client, bp)
}

// take hands the search of bp over to its refresh; nil when there is none.
func (r *refreshPrefetch) take(bp string) *prefetchedSearch {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.searches[bp]
	if s != nil {
		delete(r.searches, bp)
		s.timer.Stop()
	}
	return s
}

// drop ends a search no refresh took.
func (r *refreshPrefetch) drop(bp string, s *prefetchedSearch) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.searches[bp] == s {
		delete(r.searches, bp)
		s.stop()
	}
}

// prefetchedSearch is one search of a blueprint's entities running ahead of
// its refresh.
type prefetchedSearch struct {
	pages  chan []entity.Entity // the pages read and not yet handed over, in order
	done   chan struct{}        // closed when the search has ended, with err set
	err    error
	cancel context.CancelFunc
	timer  *time.Timer
}

func (s *prefetchedSearch) run(ctx context.Context, client *port.Client, bp string) {
	defer close(s.done)
	s.err = client.SearchEntityPages(ctx, bp, port.Search{}, func(page []entity.Entity) error {
		select {
		case s.pages <- page:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}

func (s *prefetchedSearch) stop() { s.cancel() }

// follow hands every page of the search to use, in Port's order, as
// port.Client.SearchEntityPages does, and returns the search's error. The
// search ends with it.
func (s *prefetchedSearch) follow(ctx context.Context, use func(page []entity.Entity) error) error {
	defer s.stop()
	for {
		page, more, err := s.next(ctx)
		if !more {
			return err
		}
		if err := use(page); err != nil {
			return err
		}
	}
}

// next waits for the next page, the time the refresh still waits for Port;
// more is false once the search has ended, with its error.
func (s *prefetchedSearch) next(ctx context.Context) (page []entity.Entity, more bool, err error) {
	defer phases.Start(ctx, phases.PortNetwork)()
	select {
	case page := <-s.pages:
		return page, true, nil
	case <-s.done:
		select {
		case page := <-s.pages:
			return page, true, nil
		default:
			return nil, false, s.err
		}
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
}
