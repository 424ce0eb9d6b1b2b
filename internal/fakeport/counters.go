package fakeport

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
)

type observer struct {
	mu        sync.Mutex
	counts    map[string]int
	statuses  map[int]int
	bulkSizes []int
}

func newObserver() *observer { return &observer{counts: map[string]int{}, statuses: map[int]int{}} }

// statusRecorder remembers the status of an answer for the counters.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (o *observer) countStatus(status int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.statuses[status]++
}

func (o *observer) count(key string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.counts[key]++
}

func (o *observer) recordBulk(n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.bulkSizes = append(o.bulkSizes, n)
}

// RequestCount is the number of requests received for a method and route
// pattern, e.g. ("POST", "/v1/blueprints/{blueprint}/entities/bulk"). Every
// request is counted, including those answered with an injected fault or an
// error. Requests that match no route count under their literal path.
func (s *Server) RequestCount(method, pathPattern string) int {
	s.obs.mu.Lock()
	defer s.obs.mu.Unlock()
	return s.obs.counts[strings.ToUpper(method)+" "+pathPattern]
}

// RequestCounts returns a copy of all counters, keyed by "METHOD pattern",
// e.g. "POST /v1/blueprints/{blueprint}/entities/bulk".
func (s *Server) RequestCounts() map[string]int {
	s.obs.mu.Lock()
	defer s.obs.mu.Unlock()
	return maps.Clone(s.obs.counts)
}

// StatusCount is the number of answers sent with this HTTP status, e.g. how
// many requests the rate limit refused (429), whatever refused them.
func (s *Server) StatusCount(status int) int {
	s.obs.mu.Lock()
	defer s.obs.mu.Unlock()
	return s.obs.statuses[status]
}

// ResetCounters sets all request and status counters to zero and forgets the
// recorded bulk sizes.
func (s *Server) ResetCounters() {
	s.obs.mu.Lock()
	defer s.obs.mu.Unlock()
	s.obs.counts = map[string]int{}
	s.obs.statuses = map[int]int{}
	s.obs.bulkSizes = nil
}

// BulkSizes returns the number of entities in each bulk upsert received since
// the last reset, in arrival order (oversized bulks that were refused included).
func (s *Server) BulkSizes() []int {
	s.obs.mu.Lock()
	defer s.obs.mu.Unlock()
	return slices.Clone(s.obs.bulkSizes)
}
