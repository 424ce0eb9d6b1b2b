package fakejsm

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault injection. Path prefixes are plain string prefixes of the path below
// /rest/servicedeskapi (e.g. "/request", "/servicedesk/1/queue"); "" matches
// every API path.

type rateLimit struct {
	every      int
	retryAfter time.Duration
	counter    int
}

type failRule struct {
	prefix    string
	status    int
	remaining int // < 0: forever
}

// TruncateMode chooses how TruncateBodiesMode breaks a response.
type TruncateMode int

const (
	// TruncateShortBody announces the full Content-Length, sends the first
	// half of the body and drops the connection: the client sees an
	// unexpected EOF.
	TruncateShortBody TruncateMode = iota
	// TruncateHalfJSON sends a well-framed 200 response whose body is the
	// first half of the JSON: the client sees a JSON syntax error.
	TruncateHalfJSON
)

type truncRule struct {
	prefix    string
	remaining int // < 0: forever
	mode      TruncateMode
}

type emptyPage struct {
	prefix string
	start  int
}

// SetLatency adds d to every request, 0 to stop.
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }

// RateLimitEvery answers every n-th request (counting from this call) with
// 429 Too Many Requests, a Retry-After header in whole seconds (rounded up),
// X-RateLimit-Limit/-Remaining/-Reset headers and an ErrorResponse body.
// n = 0 disables it.
func (s *Server) RateLimitEvery(n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate = rateLimit{every: max(n, 0), retryAfter: retryAfter}
}

func (s *Server) rateLimited() (response, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rate.every == 0 {
		return response{}, false
	}
	s.rate.counter++
	if s.rate.counter%s.rate.every != 0 {
		return response{}, false
	}
	secs := int64((s.rate.retryAfter + time.Second - 1) / time.Second)
	resp := errResp(http.StatusTooManyRequests, "Rate limit exceeded.", "sd.error.rate.limit.exceeded")
	resp.header = http.Header{
		"Retry-After":           {strconv.FormatInt(secs, 10)},
		"X-Ratelimit-Limit":     {strconv.Itoa(s.rate.every)},
		"X-Ratelimit-Remaining": {"0"},
		"X-Ratelimit-Reset":     {time.Now().Add(s.rate.retryAfter).UTC().Format(time.RFC3339)},
		"Ratelimit-Reason":      {"jira-burst-based"},
	}
	return resp, true
}

// FailRequests makes the next `times` API requests whose path starts with
// pathPrefix answer status with an ErrorResponse body (times < 0: until
// cleared). status 0 or times 0 clears the rule for pathPrefix. A new rule
// for the same prefix replaces the old one.
func (s *Server) FailRequests(pathPrefix string, status int, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = deleteByPrefix(s.fails, pathPrefix, func(r *failRule) string { return r.prefix })
	if status != 0 && times != 0 {
		s.fails = append(s.fails, &failRule{prefix: pathPrefix, status: status, remaining: times})
	}
}

func (s *Server) takeFailure(rel string, inAPI bool) int {
	if !inAPI {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.fails {
		if !strings.HasPrefix(rel, r.prefix) {
			continue
		}
		if r.remaining > 0 {
			r.remaining--
			if r.remaining == 0 {
				s.fails = append(s.fails[:i:i], s.fails[i+1:]...)
			}
		}
		return r.status
	}
	return 0
}

func injectedFailure(status int) response {
	return errResp(status, fmt.Sprintf("Injected failure: %d %s.", status, http.StatusText(status)), "sd.error.injected", strconv.Itoa(status))
}

// TruncateBodies breaks the next `times` successful (200) responses whose path
// starts with pathPrefix the TruncateShortBody way (times < 0: until cleared,
// 0 clears).
func (s *Server) TruncateBodies(pathPrefix string, times int) {
	s.TruncateBodiesMode(pathPrefix, times, TruncateShortBody)
}

// TruncateBodiesMode is TruncateBodies with a choice of TruncateMode.
func (s *Server) TruncateBodiesMode(pathPrefix string, times int, mode TruncateMode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.truncs = deleteByPrefix(s.truncs, pathPrefix, func(r *truncRule) string { return r.prefix })
	if times != 0 {
		s.truncs = append(s.truncs, &truncRule{prefix: pathPrefix, remaining: times, mode: mode})
	}
}

func (s *Server) takeTruncation(rel string) (TruncateMode, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.truncs {
		if !strings.HasPrefix(rel, r.prefix) {
			continue
		}
		if r.remaining > 0 {
			r.remaining--
			if r.remaining == 0 {
				s.truncs = append(s.truncs[:i:i], s.truncs[i+1:]...)
			}
		}
		return r.mode, true
	}
	return 0, false
}

func (s *Server) writeTruncated(w http.ResponseWriter, resp response, mode TruncateMode) {
	half := resp.body[:len(resp.body)/2]
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	if mode == TruncateHalfJSON {
		h.Set("Content-Length", strconv.Itoa(len(half)))
	} else {
		h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(half)
	if mode == TruncateShortBody {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler) // closes the connection without completing the body
	}
}

// EmptyPageAt makes the page at `start` of every endpoint whose path starts
// with pathPrefix answer size 0, values [] and isLastPage false, until
// cleared. start < 0 clears the empty pages set for pathPrefix.
func (s *Server) EmptyPageAt(pathPrefix string, start int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if start < 0 {
		s.empties = deleteByPrefix(s.empties, pathPrefix, func(e emptyPage) string { return e.prefix })
		return
	}
	s.empties = append(s.empties, emptyPage{pathPrefix, start})
}

func (s *Server) emptyPageAt(rel string, start int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.empties {
		if e.start == start && strings.HasPrefix(rel, e.prefix) {
			return true
		}
	}
	return false
}

// pageRepeat is a page that serves items again under a correct envelope,
// the way a broken cache or proxy can: either the items of the page at
// `earlier`, or (earlier < 0) its own first half twice.
type pageRepeat struct {
	prefix  string
	start   int
	earlier int
}

// DuplicateWithinPage makes the page at `start` of every endpoint whose path
// starts with pathPrefix repeat items within itself, until cleared: its
// second half holds its first half again, under an envelope that is
// otherwise correct (start, size, isLastPage). No change of the list can
// produce this, as one page is one snapshot. start < 0 clears the repeats set
// for pathPrefix (this and RepeatPageAt).
func (s *Server) DuplicateWithinPage(pathPrefix string, start int) {
	s.setRepeat(pathPrefix, start, -1)
}

// RepeatPageAt makes the page at `start` serve the items of the page at
// `earlier` under its own, correct envelope, until cleared: a cache or proxy
// answering the wrong offset. start < 0 clears the repeats set for
// pathPrefix.
func (s *Server) RepeatPageAt(pathPrefix string, start, earlier int) {
	s.setRepeat(pathPrefix, start, max(earlier, 0))
}

func (s *Server) setRepeat(pathPrefix string, start, earlier int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if start < 0 {
		s.repeats = deleteByPrefix(s.repeats, pathPrefix, func(r pageRepeat) string { return r.prefix })
		return
	}
	s.repeats = append(s.repeats, pageRepeat{pathPrefix, start, earlier})
}

// repeatedSource returns, for the page at start holding n items, which item
// of the list each position serves, or nil when the page is not faulted.
func (s *Server) repeatedSource(rel string, start, n, total int) func(i int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.repeats {
		if r.start != start || !strings.HasPrefix(rel, r.prefix) {
			continue
		}
		if r.earlier < 0 {
			half := (n + 1) / 2
			return func(i int) int {
				if k := i - start; k >= half {
					return start + k - half
				}
				return i
			}
		}
		return func(i int) int { return min(r.earlier+i-start, total-1) }
	}
	return nil
}

// ClearFaults removes latency, rate limiting, injected failures,
// truncations, empty pages, repeated pages and HTML pages. Page caps and counters stay.
func (s *Server) ClearFaults() {
	s.SetLatency(0)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate = rateLimit{}
	s.fails, s.truncs, s.empties, s.repeats = nil, nil, nil, nil
	s.accounts.clearHTMLPages()
}

func deleteByPrefix[T any](list []T, prefix string, key func(T) string) []T {
	out := list[:0:0]
	for _, x := range list {
		if key(x) != prefix {
			out = append(out, x)
		}
	}
	return out
}
