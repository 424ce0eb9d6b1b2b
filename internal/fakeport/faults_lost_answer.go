package fakeport

import (
	"net/http"
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
	s.lost.rules = setRule(s.lost.rules, method, pathPrefix, status, times)
}

// lose reports whether this request's answer is lost, and the status to send
// instead.
func (l *lostAnswers) lose(method, path string) (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var status int
	var ok bool
	l.rules, status, ok = takeRule(l.rules, method, path)
	return status, ok
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
