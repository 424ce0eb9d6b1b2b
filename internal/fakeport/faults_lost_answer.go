package fakeport

import (
	"net/http"
	"strings"
	"sync"
)

// lostAnswers are requests that take effect and then lose their answer, as
// when a gateway times out after Port wrote: the client cannot know the
// write landed.
type lostAnswers struct {
	mu    sync.Mutex
	rules []failRule
}

// LoseAnswers handles the next times requests whose method is method (""
// matches any) and whose path starts with pathPrefix as usual, so that their
// writes land, and then answers status with Port's error envelope instead of
// the result; status 0 closes the connection without an answer. times < 0
// loses them until cleared with times 0.
func (s *Server) LoseAnswers(method, pathPrefix string, status int, times int) {
	s.lost.mu.Lock()
	defer s.lost.mu.Unlock()
	method = strings.ToUpper(method)
	kept := s.lost.rules[:0]
	for _, r := range s.lost.rules {
		if r.method != method || r.prefix != pathPrefix {
			kept = append(kept, r)
		}
	}
	s.lost.rules = kept
	if times != 0 {
		s.lost.rules = append(s.lost.rules, failRule{method: method, prefix: pathPrefix, status: status, remaining: times})
	}
}

// lose reports whether this request's answer is lost, and the status to send
// instead.
func (l *lostAnswers) lose(method, path string) (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.rules {
		r := &l.rules[i]
		if (r.method == "" || r.method == method) && strings.HasPrefix(path, r.prefix) && r.remaining != 0 {
			if r.remaining > 0 {
				r.remaining--
			}
			return r.status, true
		}
	}
	return 0, false
}

// writeLostAnswer sends the replacement answer through rec, or drops the
// connection of w.
func writeLostAnswer(rec, w http.ResponseWriter, status int) {
	if status != 0 {
		writeError(rec, injectedError(status))
		return
	}
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
