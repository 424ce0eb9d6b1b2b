package fakejsm

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Server is a fake Jira Service Management site serving a Tenant over HTTP on
// loopback. All its methods are safe for concurrent use.
type Server struct {
	tenant   *Tenant
	srv      *http.Server
	ln       net.Listener
	root     string // http://127.0.0.1:port
	prefix   string // "" or /ex/jira/{cloudId}
	gateway  bool
	linkBase string

	addr        string
	basicEmail  string
	basicToken  string
	bearerToken string

	latency     atomic.Int64
	inFlight    atomic.Int64
	maxInFlight atomic.Int64

	mu      sync.Mutex
	caps    map[string]int
	counts  map[string]int
	queries map[string][]url.Values
	rate    rateLimit
	fails   []*failRule
	truncs  []*truncRule
	empties []emptyPage
	repeats []pageRepeat

	activityMu sync.Mutex // taken before the tenant's lock, never after it
	activity   *activityState

	limits limits // Atlassian's burst limit and quota, see limits.go

	accounts accountState // failed logins, the customer's view, proxy pages: see accounts.go
}

// Option configures a Server.
type Option func(*Server)

// WithBasicAuth sets the accepted Basic credentials (email and API token).
// The default is DefaultEmail / DefaultAPIToken.
func WithBasicAuth(email, apiToken string) Option {
	return func(s *Server) { s.basicEmail, s.basicToken = email, apiToken }
}

// WithBearerToken additionally accepts "Authorization: Bearer <token>", as
// OAuth 2.0 (3LO) access tokens are sent.
func WithBearerToken(token string) Option {
	return func(s *Server) { s.bearerToken = token }
}

// WithGateway serves the API the way api.atlassian.com does for scoped
// tokens: under /ex/jira/{cloudID}/rest/servicedeskapi/... only. As the real
// gateway does, every link in responses points at the site (SiteURL) rather
// than at the gateway, and the envelope's _links (self, next, prev) keep only
// start and limit, dropping every filter: clients must rebuild page URLs from
// their configured base URL and their own query.
func WithGateway(cloudID string) Option {
	return func(s *Server) {
		s.gateway = true
		s.prefix = "/ex/jira/" + cloudID
	}
}

// WithAddr sets the listen address, default "127.0.0.1:0" (a free port).
func WithAddr(addr string) Option {
	return func(s *Server) { s.addr = addr }
}

// New starts serving t (a default GenerateTenant tenant if t is nil) and
// binds the tenant's links to this server (a tenant serves one server at a
// time: the last New wins). It panics if it cannot listen, like
// httptest.NewServer.
func New(t *Tenant, opts ...Option) *Server {
	if t == nil {
		t = GenerateTenant(TenantOptions{})
	}
	s := &Server{
		tenant:     t,
		addr:       "127.0.0.1:0",
		basicEmail: DefaultEmail,
		basicToken: DefaultAPIToken,
		caps:       map[string]int{},
		counts:     map[string]int{},
		queries:    map[string][]url.Values{},
	}
	for _, o := range opts {
		o(s)
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		panic("fakejsm: listen on " + s.addr + ": " + err.Error())
	}
	s.ln = ln
	s.root = "http://" + ln.Addr().String()
	s.linkBase = s.root
	if s.gateway {
		s.linkBase = SiteURL
	}
	t.bind(s.linkBase)
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic("fakejsm: serve: " + err.Error())
		}
	}()
	return s
}

// URL returns the base URL to configure clients with: http://127.0.0.1:port,
// or http://127.0.0.1:port/ex/jira/{cloudID} in gateway mode.
func (s *Server) URL() string { return s.root + s.prefix }

// Close stops the server and closes every connection.
func (s *Server) Close() { _ = s.srv.Close() }

// Tenant returns the served tenant.
func (s *Server) Tenant() *Tenant { return s.tenant }

// unmatchedSuffix marks the counter key of a path that is no endpoint, so that
// in gateway mode a path missing the prefix is not counted as the endpoint.
const unmatchedSuffix = " (unmatched)"

// call is one API request, as the handlers see it.
type call struct {
	rel     string // path below /rest/servicedeskapi
	pattern string // route pattern, e.g. /servicedesk/{serviceDeskId}
	params  []string
	query   url.Values
	header  http.Header
	// customer is set when the account is no agent (ServeAsCustomer).
	customer bool
}

// response is what a handler answers; ServeHTTP writes it.
type response struct {
	status int
	body   []byte
	header http.Header
	// objects is how many objects a 200 answer returns, as the quota counts
	// them: the values of a page, 1 for a single object.
	objects int
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		m := s.maxInFlight.Load()
		if n <= m || s.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}

	rel, inAPI := s.relPath(r.URL.Path)
	rt, params := matchRoute(rel)
	endpoint := r.Method + " " + r.URL.Path + unmatchedSuffix
	if inAPI && rt != nil {
		endpoint = r.Method + " " + apiPath + rt.pattern
	}
	query := r.URL.Query()
	s.record(endpoint, query)

	if s.unknownCloudID(r.URL.Path) {
		s.write(w, gatewayNotFound())
		return
	}
	if d := time.Duration(s.latency.Load()); d > 0 {
		if !sleep(r.Context(), d) {
			return
		}
	}
	if resp, limited := s.rateLimited(); limited {
		s.write(w, resp)
		return
	}
	if inAPI {
		if resp, refused := s.limits.admitBurst(w.Header(), endpoint); refused {
			s.write(w, resp)
			return
		}
	}
	if status := s.takeFailure(rel, inAPI); status != 0 {
		s.write(w, injectedFailure(status))
		return
	}
	if page, ok := s.accounts.takeHTMLPage(rel); ok && inAPI {
		s.write(w, htmlPage(page.status, page.title))
		return
	}
	outcome := s.login(r, w.Header())
	switch outcome {
	case refusedLogin:
		s.write(w, errResp(http.StatusUnauthorized, "Client must be authenticated to access this resource.", "sd.error.authentication.required"))
		return
	case captchaRequired:
		s.write(w, s.captchaAnswer())
		return
	}
	charged := s.oauthTraffic(r)
	if charged {
		if resp, refused := s.limits.admitQuota(w.Header()); refused {
			s.write(w, resp)
			return
		}
	}
	if !inAPI || rt == nil {
		s.write(w, errResp(http.StatusNotFound, "No resource found at "+r.URL.Path+".", "sd.error.resource.not.found"))
		return
	}
	if r.Method != http.MethodGet {
		resp := errResp(http.StatusMethodNotAllowed, "Method "+r.Method+" is not supported by this fake.", "sd.error.method.not.allowed")
		resp.header = http.Header{"Allow": {http.MethodGet}}
		s.write(w, resp)
		return
	}
	resp := s.handle(rt, outcome, &call{rel: rel, pattern: rt.pattern, params: params, query: query, header: r.Header, customer: s.accounts.isCustomer()})
	if charged && resp.status == http.StatusOK {
		s.limits.chargeObjects(w.Header(), resp.objects)
	}
	if resp.status == http.StatusOK {
		if mode, truncate := s.takeTruncation(rel); truncate {
			s.writeTruncated(w, resp, mode)
			return
		}
	}
	s.write(w, resp)
}

// handle answers an API call as the account's login and role let it see.
func (s *Server) handle(rt *route, outcome loginOutcome, c *call) response {
	if outcome == anonymousCaller {
		return s.anonymousAnswer(c)
	}
	if c.customer {
		if resp, ok := s.customerAnswer(c); ok {
			return resp
		}
	}
	return rt.handle(s, c)
}

// unknownCloudID reports whether, in gateway mode, a path names another
// cloud id than the server's: the gateway routes it to no site.
func (s *Server) unknownCloudID(p string) bool {
	if !s.gateway {
		return false
	}
	rest, ok := strings.CutPrefix(p, "/ex/jira/")
	if !ok {
		return false
	}
	id, _, _ := strings.Cut(rest, "/")
	return "/ex/jira/"+id != s.prefix
}

// gatewayNotFound is the gateway's own error envelope, {"code", "message"},
// which differs from JSM's ErrorResponse.
func gatewayNotFound() response {
	return response{status: http.StatusNotFound, body: marshal(map[string]any{"code": http.StatusNotFound, "message": "Not Found"})}
}

// relPath strips the gateway prefix and /rest/servicedeskapi from p.
func (s *Server) relPath(p string) (string, bool) {
	p, ok := strings.CutPrefix(p, s.prefix)
	if !ok {
		return "", false
	}
	rel, ok := strings.CutPrefix(p, apiPath)
	if !ok || (rel != "" && rel[0] != '/') {
		return "", false
	}
	return rel, true
}

func (s *Server) authorized(r *http.Request) bool {
	if email, token, ok := r.BasicAuth(); ok {
		return equal(email, s.basicEmail) && equal(token, s.basicToken)
	}
	if s.bearerToken != "" {
		if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			return equal(token, s.bearerToken)
		}
	}
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func (s *Server) write(w http.ResponseWriter, resp response) {
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	if resp.header.Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// errResp builds an ErrorResponse body.
func errResp(status int, msg, key string, params ...string) response {
	var e errorResponse
	e.ErrorMessage = msg
	e.I18nErrorMessage.I18nKey = key
	e.I18nErrorMessage.Parameters = append([]string{}, params...)
	return response{status: status, body: marshal(e)}
}

// okResp is the answer of one object.
func okResp(v any) response { return response{status: http.StatusOK, body: marshal(v), objects: 1} }
