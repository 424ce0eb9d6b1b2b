package fakejsm

import (
	"maps"
	"net/url"
)

// maxRecordedQueries bounds the queries kept per endpoint.
const maxRecordedQueries = 1000

func (s *Server) record(endpoint string, q url.Values) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[endpoint]++
	qs := append(s.queries[endpoint], q)
	if len(qs) > maxRecordedQueries {
		qs = qs[len(qs)-maxRecordedQueries:]
	}
	s.queries[endpoint] = qs
}

// RequestCount returns how many requests an endpoint received since the last
// ResetCounters, faulted ones included. endpoint is the method and the path
// pattern with the OpenAPI document's placeholder names, without any gateway
// prefix: "GET /rest/servicedeskapi/request",
// "GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/organization". A path
// that is no endpoint is counted under its literal path followed by
// " (unmatched)", e.g. "GET /rest/servicedeskapi/bogus (unmatched)".
func (s *Server) RequestCount(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[endpoint]
}

// RequestCounts returns a copy of all counters, keyed like RequestCount.
func (s *Server) RequestCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts)
}

// ResetCounters zeroes the request counters, the recorded queries,
// MaxInFlight and Refusals.
func (s *Server) ResetCounters() {
	s.limits.resetRefusals()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[string]int{}
	s.queries = map[string][]url.Values{}
	s.maxInFlight.Store(0)
}

// LastRequestQueries returns the query parameters of the requests an endpoint
// received (the last 1000 at most), oldest first.
func (s *Server) LastRequestQueries(endpoint string) []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]url.Values, 0, len(s.queries[endpoint]))
	for _, q := range s.queries[endpoint] {
		c := url.Values{}
		for k, v := range q {
			c[k] = append([]string(nil), v...)
		}
		out = append(out, c)
	}
	return out
}

// MaxInFlight returns the most requests the server was handling at once since
// it started or since ResetCounters.
func (s *Server) MaxInFlight() int { return int(s.maxInFlight.Load()) }
