package fakeport

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"
)

type token struct {
	clientID string
	expires  time.Time
}

type authState struct {
	mu     sync.Mutex
	ttl    time.Duration
	tokens map[string]token
}

func newAuthState(ttl time.Duration) *authState {
	return &authState{ttl: ttl, tokens: map[string]token{}}
}

func (a *authState) issue(clientID string) (string, time.Duration) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tokens[tok] = token{clientID: clientID, expires: time.Now().Add(a.ttl)}
	return tok, a.ttl
}

// check validates an Authorization header and returns the client ID the token
// was issued to.
func (a *authState) check(header string) (string, *apiError) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(header), " ")
	if header == "" {
		return "", errUnauthorized("Missing Authorization header: expected \"Bearer <access token>\"")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", errUnauthorized("Malformed Authorization header: expected \"Bearer <access token>\"")
	}
	a.mu.Lock()
	t, found := a.tokens[strings.TrimSpace(tok)]
	a.mu.Unlock()
	if !found {
		return "", errUnauthorized("The access token is invalid or has been revoked")
	}
	if !time.Now().Before(t.expires) {
		return "", errUnauthorized("The access token has expired")
	}
	return t.clientID, nil
}

// RevokeTokens invalidates every access token issued so far; requests that use
// one get 401 until the client asks for a new token.
func (s *Server) RevokeTokens() {
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	s.auth.tokens = map[string]token{}
}

// ExpireTokens makes every access token issued so far expire now.
func (s *Server) ExpireTokens() {
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	now := time.Now()
	for k, t := range s.auth.tokens {
		t.expires = now
		s.auth.tokens[k] = t
	}
}

func (s *Server) handleAccessToken(c *call) (int, any, *apiError) {
	body, err := c.readBody()
	if err != nil {
		return 0, nil, err
	}
	for k := range body {
		if k != "clientId" && k != "clientSecret" {
			return 0, nil, errInvalid("body must NOT have additional properties (%q)", k)
		}
	}
	id, ok1 := body["clientId"].(string)
	secret, ok2 := body["clientSecret"].(string)
	if !ok1 || !ok2 {
		return 0, nil, errInvalid("body must have string properties 'clientId' and 'clientSecret'")
	}
	idOK := subtle.ConstantTimeCompare([]byte(id), []byte(s.cfg.clientID)) == 1
	secretOK := s.perms.secretMatches(secret)
	if !idOK || !secretOK {
		return 0, nil, errUnauthorized("Invalid client credentials")
	}
	tok, ttl := s.auth.issue(id)
	return http.StatusOK, map[string]any{
		"ok":          true,
		"accessToken": tok,
		"expiresIn":   math.Floor(ttl.Seconds()),
		"tokenType":   "Bearer",
	}, nil
}
