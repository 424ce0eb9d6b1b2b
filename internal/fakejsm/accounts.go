package fakejsm

import (
	"fmt"
	"html"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// How Jira answers credentials and accounts it does not fully accept. See the
// package doc for the headers and their sources.

// Jira's login headers and their values.
const (
	LoginReasonHeader      = "X-Seraph-LoginReason"
	DeniedReasonHeader     = "X-Authentication-Denied-Reason"
	LoginOK                = "OK"
	LoginFailed            = "AUTHENTICATED_FAILED"
	LoginDenied            = "AUTHENTICATION_DENIED"
	captchaChallenge       = "CAPTCHA_CHALLENGE"
	anonymousRefusedStatus = http.StatusUnauthorized
)

// accountState is how the fake treats the logged-in account and failed
// logins.
type accountState struct {
	mu           sync.Mutex
	anonymous    bool           // wrong Basic credentials are served as an anonymous caller
	captchaAfter int            // failed Basic logins of one email before a CAPTCHA is required; 0: never
	failures     map[string]int // failed Basic logins by email
	customer     bool           // the account is no agent: the customer's view
	htmlPages    []*htmlPageRule
}

type htmlPageRule struct {
	prefix    string
	status    int
	title     string
	remaining int // < 0: until cleared
}

// ServeBadTokensAsAnonymous makes the fake answer Basic credentials it does
// not accept the way Jira Cloud can answer a wrong or revoked API token: as
// to an anonymous caller, HTTP 200 with X-Seraph-LoginReason:
// AUTHENTICATED_FAILED and what an anonymous visitor sees (the tenant has no
// public help centre): empty lists, and 401 for single objects. false
// restores the default, 401 for every request.
func (s *Server) ServeBadTokensAsAnonymous(on bool) {
	s.accounts.mu.Lock()
	defer s.accounts.mu.Unlock()
	s.accounts.anonymous = on
}

// RequireCaptchaAfter makes an email whose Basic logins failed `failures`
// times need a CAPTCHA, as Jira's login protection does: from then on every
// Basic request with that email, whatever its token, is answered 403 with
// X-Seraph-LoginReason: AUTHENTICATION_DENIED, X-Authentication-Denied-Reason:
// CAPTCHA_CHALLENGE; login-url=<site>/login.jsp and an HTML page, until
// SolveCaptcha. 0 turns the protection off and forgets the failures.
func (s *Server) RequireCaptchaAfter(failures int) {
	s.accounts.mu.Lock()
	defer s.accounts.mu.Unlock()
	s.accounts.captchaAfter = max(failures, 0)
	s.accounts.failures = map[string]int{}
}

// SolveCaptcha stands for a login in the browser with the CAPTCHA answered:
// every count of failed logins starts again from zero.
func (s *Server) SolveCaptcha() {
	s.accounts.mu.Lock()
	defer s.accounts.mu.Unlock()
	s.accounts.failures = map[string]int{}
}

// ServeAsCustomer makes the logged-in account one without an agent licence,
// which JSM answers with a customer's view instead of refusing: GET
// /servicedesk lists no desk, the paths below /servicedesk/{serviceDeskId}
// answer 403, and GET /request lists only the requests the account created
// or participates in ("For customers, the list returned will include request
// they created (or were created on their behalf) or are participating in
// only", whatever requestOwnership asks). false restores the agent.
func (s *Server) ServeAsCustomer(on bool) {
	s.accounts.mu.Lock()
	defer s.accounts.mu.Unlock()
	s.accounts.customer = on
}

// ServeHTMLPage makes the next `times` API requests whose path starts with
// pathPrefix get an HTML page titled title with the given status (200 for a
// single sign-on or proxy login page that answers instead of JSM), before
// authentication, as a proxy in front of the site would. times < 0: until
// cleared; times 0 or status 0 clears the rule for pathPrefix. ClearFaults
// clears them all.
func (s *Server) ServeHTMLPage(pathPrefix string, status int, title string, times int) {
	s.accounts.mu.Lock()
	defer s.accounts.mu.Unlock()
	s.accounts.htmlPages = deleteByPrefix(s.accounts.htmlPages, pathPrefix, func(r *htmlPageRule) string { return r.prefix })
	if status != 0 && times != 0 {
		s.accounts.htmlPages = append(s.accounts.htmlPages, &htmlPageRule{prefix: pathPrefix, status: status, title: title, remaining: times})
	}
}

func (a *accountState) takeHTMLPage(rel string) (*htmlPageRule, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, r := range a.htmlPages {
		if !strings.HasPrefix(rel, r.prefix) {
			continue
		}
		if r.remaining > 0 {
			r.remaining--
			if r.remaining == 0 {
				a.htmlPages = append(a.htmlPages[:i:i], a.htmlPages[i+1:]...)
			}
		}
		return r, true
	}
	return nil, false
}

func (a *accountState) clearHTMLPages() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.htmlPages = nil
}

func (a *accountState) isCustomer() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.customer
}

// htmlPage is an HTML answer with a title.
func htmlPage(status int, title string) response {
	body := fmt.Sprintf("<!DOCTYPE html>\n<html><head><title>%s</title></head><body><h1>%s</h1></body></html>\n",
		html.EscapeString(title), html.EscapeString(title))
	return response{status: status, body: []byte(body), header: http.Header{"Content-Type": {"text/html;charset=UTF-8"}}}
}

// loginOutcome is what the credentials of a request amount to.
type loginOutcome int

const (
	loggedIn loginOutcome = iota
	refusedLogin
	anonymousCaller
	captchaRequired
)

// login checks the credentials. A Basic login sets X-Seraph-LoginReason on
// the answer, as Jira does: OK when it succeeds.
func (s *Server) login(r *http.Request, h http.Header) loginOutcome {
	email, _, basic := r.BasicAuth()
	if basic && s.accounts.captchaPending(email) {
		return captchaRequired
	}
	if s.authorized(r) {
		if basic {
			h.Set(LoginReasonHeader, LoginOK)
		}
		return loggedIn
	}
	if !basic {
		return refusedLogin
	}
	return s.accounts.failedBasicLogin(email)
}

func (a *accountState) captchaPending(email string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.captchaAfter > 0 && a.failures[email] >= a.captchaAfter
}

func (a *accountState) failedBasicLogin(email string) loginOutcome {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.failures == nil {
		a.failures = map[string]int{}
	}
	a.failures[email]++
	if a.anonymous {
		return anonymousCaller
	}
	return refusedLogin
}

// captchaAnswer is Jira's refusal of a login that needs a CAPTCHA first.
func (s *Server) captchaAnswer() response {
	resp := htmlPage(http.StatusForbidden, "Unauthorized (403)")
	resp.header.Set(LoginReasonHeader, LoginDenied)
	resp.header.Set(DeniedReasonHeader, captchaChallenge+"; login-url="+s.linkBase+"/login.jsp")
	return resp
}

// anonymousAnswer is what an anonymous caller gets: an empty page for a
// list, 401 for a single object; both say the login failed.
func (s *Server) anonymousAnswer(c *call) response {
	var resp response
	if strings.HasSuffix(c.pattern, "}") {
		resp = errResp(anonymousRefusedStatus, "Client must be authenticated to access this resource.", "sd.error.authentication.required")
	} else {
		p, bad := parsePage(c.query)
		if bad != nil {
			return *bad
		}
		resp = s.page(c, p, 0, []string{}, func(int) []byte { return nil })
	}
	if resp.header == nil {
		resp.header = http.Header{}
	}
	resp.header.Set(LoginReasonHeader, LoginFailed)
	return resp
}

// customerAnswer is the customer's view of the desk paths: no desk listed,
// none accessible. ok is false for the paths a customer sees like an agent.
func (s *Server) customerAnswer(c *call) (response, bool) {
	switch {
	case c.pattern == "/servicedesk":
		p, bad := parsePage(c.query)
		if bad != nil {
			return *bad, true
		}
		return s.page(c, p, 0, []string{}, func(int) []byte { return nil }), true
	case strings.HasPrefix(c.pattern, "/servicedesk/{serviceDeskId}"):
		ident := c.params[0]
		return errResp(http.StatusForbidden, "You do not have permission to access service desk "+ident+".", "sd.servicedesk.error.no.permission", ident), true
	}
	return response{}, false
}

// customerOwnership is what a customer's GET /request selects of the
// ownership asked for: only what the account created or participates in.
func customerOwnership(asked []string) []string {
	var out []string
	for _, o := range asked {
		switch o {
		case OwnershipOwned, OwnershipParticipated:
			out = append(out, o)
		case OwnershipAll:
			out = append(out, OwnershipOwned, OwnershipParticipated)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
