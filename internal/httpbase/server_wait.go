package httpbase

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// HeaderField is one header of an answer as the server sent it, kept so
// that an error can quote what the server said.
type HeaderField struct {
	Name, Value string
}

func (f HeaderField) String() string { return f.Name + ": " + f.Value }

// ServerWait is a wait a server asks for before the next request, and the
// header that asks it. The zero ServerWait asks for nothing.
type ServerWait struct {
	Wait time.Duration
	From HeaderField
}

// RetryAfterWait reads the Retry-After header of h (see ParseRetryAfter).
func RetryAfterWait(h http.Header, now time.Time) ServerWait {
	v := h.Get("Retry-After")
	return ServerWait{Wait: ParseRetryAfter(v, now), From: HeaderField{Name: "Retry-After", Value: v}}
}

// WaitTooLongError is a wait a server asked for that is longer than
// Options.MaxServerWait. The client returns it at once instead of sleeping:
// a wait of hours is a misread header or a spent quota, and Terraform would
// sit silent through it.
type WaitTooLongError struct {
	Service string // "JSM" or "Port"
	Wait    time.Duration
	From    HeaderField
	Max     time.Duration
	// Until is when the wait would end.
	Until time.Time
	// Err is the answer that asked for the wait (an *APIError for a 429 or
	// 503); nil when a budget stated on an earlier answer asked for it.
	Err error
}

func (e *WaitTooLongError) Error() string {
	msg := fmt.Sprintf("%s asked to wait %s (%s), longer than max_server_wait (%s): run again after %s, "+
		"when %s's limit resets, or raise max_server_wait if so long a wait is expected",
		e.Service, HumanWait(e.Wait), e.From, e.Max, e.Until.UTC().Format("2006-01-02 15:04 MST"), e.Service)
	if e.Err == nil {
		return msg
	}
	return strings.TrimSuffix(e.Err.Error(), ".") + ". " + msg
}

func (e *WaitTooLongError) Unwrap() error { return e.Err }

// HumanWait writes a wait as a person reads it: 45s, 7m30s, 16.7 h,
// 27,777 h.
func HumanWait(d time.Duration) string {
	hours := d.Hours()
	switch {
	case d < time.Hour:
		return d.Round(time.Second).String()
	case hours < 100:
		return strconv.FormatFloat(math.Round(hours*10)/10, 'f', -1, 64) + " h"
	}
	return groupThousands(int64(hours)) + " h"
}

// groupThousands writes n with a comma between groups of three digits.
func groupThousands(n int64) string {
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// WaitCap is the rule both clients follow for the waits a server asks for:
// up to Max they are waited out; a longer one is an error at once.
type WaitCap struct {
	Service string
	Max     time.Duration
}

// Check returns the error for w when it is longer than the cap, else nil.
func (c WaitCap) Check(w ServerWait, now time.Time) error {
	if e := c.tooLong(w, now); e != nil {
		return e
	}
	return nil
}

func (c WaitCap) tooLong(w ServerWait, now time.Time) *WaitTooLongError {
	if w.Wait <= c.Max {
		return nil
	}
	return &WaitTooLongError{Service: c.Service, Wait: w.Wait, From: w.From, Max: c.Max, Until: now.Add(w.Wait)}
}
