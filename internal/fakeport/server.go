package fakeport

import (
	"fmt"
	"net"
	"net/http"
	"time"
)

// Server is a running fake Port API. Create it with [New] and stop it with
// [Server.Close]. All methods are safe for concurrent use.
type Server struct {
	cfg    config
	ln     net.Listener
	srv    *http.Server
	url    string
	auth   *authState
	faults *faultState
	obs    *observer
	st     *store
	limits *orgLimits
	perms  *permissions

	migrations migrations
	lost       lostAnswers
}

type config struct {
	clientID     string
	clientSecret string
	tokenTTL     time.Duration
	addr         string
	rateLimits   RateLimits

	migrationDelay time.Duration
}

// Option configures a [Server] created by [New].
type Option func(*config)

// WithClient sets the only client credentials that POST /v1/auth/access_token
// accepts. The default is "test-client" / "test-secret".
func WithClient(clientID, clientSecret string) Option {
	return func(c *config) { c.clientID, c.clientSecret = clientID, clientSecret }
}

// WithTokenTTL sets how long issued access tokens stay valid (default one
// hour). expiresIn in the token response is this duration in whole seconds.
func WithTokenTTL(d time.Duration) Option {
	return func(c *config) { c.tokenTTL = d }
}

// WithAddr sets the listen address (default "127.0.0.1:0", a free loopback port).
func WithAddr(addr string) Option {
	return func(c *config) { c.addr = addr }
}

// New starts a fake Port API listening on loopback and returns it. It panics
// if it cannot listen, as httptest.NewServer does.
func New(opts ...Option) *Server {
	cfg := config{
		clientID:     "test-client",
		clientSecret: "test-secret",
		tokenTTL:     time.Hour,
		addr:         "127.0.0.1:0",

		migrationDelay: 200 * time.Millisecond,
	}
	for _, o := range opts {
		o(&cfg)
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		panic(fmt.Sprintf("fakeport: listen on %s: %v", cfg.addr, err))
	}
	s := &Server{
		cfg:    cfg,
		ln:     ln,
		url:    "http://" + ln.Addr().String(),
		auth:   newAuthState(cfg.tokenTTL),
		faults: newFaultState(),
		obs:    newObserver(),
		st:     newStore(),
		limits: &orgLimits{now: time.Now},
		perms:  newPermissions(cfg.clientSecret),
	}
	s.SetRateLimits(cfg.rateLimits)
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s
}

// URL is the base URL of the server, e.g. "http://127.0.0.1:41234", to be used
// where Port's https://api.port.io would be.
func (s *Server) URL() string { return s.url }

// Close stops the server and closes all connections.
func (s *Server) Close() { _ = s.srv.Close() }

// ServeHTTP runs one request through observation, the organisation rate
// limit (which counts requests as they arrive, and refuses at once), latency,
// fault injection, routing, authentication and the endpoint handler, in that
// order, and counts the status of its answer.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	s.serve(rec, w, r)
	if rec.status != 0 {
		s.obs.countStatus(rec.status)
	}
}

// serve answers through rec; the handler's call keeps the plain w, which
// http.MaxBytesReader needs to close the connection after a body over 1 MiB.
func (s *Server) serve(rec, w http.ResponseWriter, r *http.Request) {
	rt, params := matchRoute(r.Method, r.URL.EscapedPath())
	key := r.Method + " " + r.URL.Path
	if rt != nil {
		key = r.Method + " " + rt.pattern
	}
	s.obs.count(key)

	if !s.limits.admit(rec, classify(rt, r)) {
		return
	}
	if !s.faults.sleep(r.Context()) {
		return
	}
	if s.faults.rateLimit(rec) {
		return
	}
	if status, ok := s.faults.injected(r.Method, r.URL.Path); ok {
		writeError(rec, injectedError(status))
		return
	}
	if rt == nil {
		writeError(rec, errNotFound("Route %s:%s not found", r.Method, r.URL.Path))
		return
	}
	c := &call{w: w, r: r, params: params}
	if rt.auth {
		who, err := s.auth.check(r.Header.Get("Authorization"))
		if err != nil {
			writeError(rec, err)
			return
		}
		c.actor = who
		if err := s.perms.forbidden(rt, params); err != nil {
			writeError(rec, err)
			return
		}
	}
	status, body, err := rt.handle(s, c)
	if lostStatus, lost := s.lost.lose(r.Method, r.URL.Path); lost {
		writeLostAnswer(rec, w, lostStatus)
		return
	}
	if err != nil {
		writeError(rec, err)
		return
	}
	writeJSON(rec, status, body)
}
