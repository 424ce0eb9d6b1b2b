package fakejsm

import (
	"math/rand/v2"
	"strconv"
)

// Activity is work done on the help desk while the server serves: agents
// transition requests (which moves them to the latest-activity end of GET
// /request), customers raise new ones, and requests are deleted.
//
// Rates are given per page of GET /request served, and the activity happens
// just before that page is cut, so how much the list moves during one read
// does not depend on how fast the machine runs the test. A rate of 0.3 makes
// one change before about every third page; 2.5 makes two or three changes
// before every page.
type Activity struct {
	// Seed makes the choice of requests reproducible (given the same order of
	// page requests).
	Seed uint64
	// UpdatesPerPage transitions a random request: it becomes the one with
	// the latest activity.
	UpdatesPerPage float64
	// CreationsPerPage adds requests reported by the current user.
	CreationsPerPage float64
	// DeletionsPerPage deletes random requests.
	DeletionsPerPage float64
}

// activityState is the running Activity of a server.
type activityState struct {
	Activity
	rng *rand.Rand
	log ActivityLog
}

// ActivityLog counts what background activity did.
type ActivityLog struct {
	Updates, Creations, Deletions int
	// Deleted are the issue ids of the deleted requests.
	Deleted []string
}

// SetActivity starts background activity on GET /request, replacing any
// running one; the zero Activity stops it. The counts start from zero.
func (s *Server) SetActivity(a Activity) {
	s.activityMu.Lock()
	defer s.activityMu.Unlock()
	if a == (Activity{}) {
		s.activity = nil
		return
	}
	s.activity = &activityState{Activity: a, rng: rand.New(rand.NewPCG(a.Seed, 0x5eed))}
}

// ActivityLog returns what background activity did since SetActivity.
func (s *Server) ActivityLog() ActivityLog {
	s.activityMu.Lock()
	defer s.activityMu.Unlock()
	if s.activity == nil {
		return ActivityLog{}
	}
	log := s.activity.log
	log.Deleted = append([]string(nil), log.Deleted...)
	return log
}

// stirBeforePage runs the activity due before one page of GET /request.
func (s *Server) stirBeforePage() {
	s.activityMu.Lock()
	defer s.activityMu.Unlock()
	a := s.activity
	if a == nil {
		return
	}
	t := s.tenant
	t.mu.Lock()
	defer t.mu.Unlock()
	for range a.times(a.UpdatesPerPage) {
		if r := a.pick(t); r != nil {
			status, category := nextStatus(r)
			t.transition(r, status, category)
			a.log.Updates++
		}
	}
	for range a.times(a.CreationsPerPage) {
		if t.createFromActivity(a.rng) {
			a.log.Creations++
		}
	}
	for range a.times(a.DeletionsPerPage) {
		if r := a.pick(t); r != nil {
			t.deleteRequest(r)
			a.log.Deletions++
			a.log.Deleted = append(a.log.Deleted, strconv.FormatInt(r.issueID, 10))
		}
	}
}

// times turns a rate into a whole number of events: its integer part, plus
// one more with the probability of its fraction.
func (a *activityState) times(rate float64) int {
	n := int(rate)
	if a.rng.Float64() < rate-float64(n) {
		n++
	}
	return n
}

func (a *activityState) pick(t *Tenant) *request {
	if len(t.requests) == 0 {
		return nil
	}
	return t.requests[a.rng.IntN(len(t.requests))]
}

// nextStatus is an agent's next step on a request: open work goes in
// progress, work in progress is resolved, resolved work is reopened.
func nextStatus(r *request) (string, string) {
	switch r.current().category {
	case CategoryNew:
		return "In progress", CategoryIndeterminate
	case CategoryIndeterminate:
		return "Resolved", CategoryDone
	}
	return statusInitial, CategoryNew
}

// createFromActivity raises a request on a random visible desk, reported by
// the current user. The caller holds the write lock.
func (t *Tenant) createFromActivity(rng *rand.Rand) bool {
	desks := t.visibleDesks()
	if len(desks) == 0 {
		return false
	}
	d := desks[rng.IntN(len(desks))]
	if len(d.requestTypes) == 0 {
		return false
	}
	rt := d.requestTypes[rng.IntN(len(d.requestTypes))]
	created := t.nextActivity()
	r := &request{
		deskID: d.id, typeID: rt.id, created: created, reporter: t.CurrentAccountID,
		summary:    rt.summaries[rng.IntN(len(rt.summaries))],
		extrasSeed: rng.Uint64(),
		history:    []statusChange{{statusInitial, CategoryNew, created}},
	}
	r.description = describe(r.summary, t.users[r.reporter].displayName)
	t.insertRequest(r)
	return true
}
