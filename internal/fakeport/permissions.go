package fakeport

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"sync"
)

// What an organization's credentials may do: the client secret, which an
// admin can rotate while a client uses it, and the blueprints whose
// entities the credentials may only read.

type permissions struct {
	mu       sync.Mutex
	secret   string
	readOnly map[string]bool
}

func newPermissions(secret string) *permissions {
	return &permissions{secret: secret, readOnly: map[string]bool{}}
}

func (p *permissions) secretMatches(secret string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return subtle.ConstantTimeCompare([]byte(secret), []byte(p.secret)) == 1
}

// RotateClientSecret replaces the client secret, as regenerating the
// credentials in Port's UI does: POST /v1/auth/access_token refuses the old
// one with 401 from now on. Access tokens issued before stay valid until they
// expire (they are signed, not looked up), so a client notices only when it
// asks for its next token.
func (s *Server) RotateClientSecret(newSecret string) {
	s.perms.mu.Lock()
	defer s.perms.mu.Unlock()
	s.perms.secret = newSecret
}

// DenyEntityWrites makes the credentials unable to change the entities of
// these blueprints, as a role without the blueprint's update permission is:
// every write to them (create, upsert, bulk, update, delete) answers 403
// forbidden, while reads still work. Each call replaces the set; a call
// without blueprints allows every write again.
func (s *Server) DenyEntityWrites(blueprints ...string) {
	s.perms.mu.Lock()
	defer s.perms.mu.Unlock()
	s.perms.readOnly = map[string]bool{}
	for _, bp := range blueprints {
		s.perms.readOnly[bp] = true
	}
}

// forbidden answers a request that writes entities of a blueprint the
// credentials may only read; nil when it is allowed.
func (p *permissions) forbidden(rt *route, params map[string]string) *apiError {
	if !writesEntities(rt) {
		return nil
	}
	bp := params["blueprint"]
	p.mu.Lock()
	denied := p.readOnly[bp]
	p.mu.Unlock()
	if !denied {
		return nil
	}
	return newError(http.StatusForbidden, "forbidden",
		"You do not have permission to update entities of the blueprint %q", bp)
}

func writesEntities(rt *route) bool {
	if rt.method == http.MethodGet || rt.pattern == "/v1/blueprints/{blueprint}/entities/search" {
		return false
	}
	return strings.Contains(rt.pattern, "/entities") || strings.HasSuffix(rt.pattern, "/all-entities")
}
