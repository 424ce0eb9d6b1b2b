package fakejsm

import (
	"net/http"
	"net/url"
)

// GET /organization, with the optional accountId filter.
func (s *Server) organizations(c *call) response {
	p, bad := parsePage(c.query)
	if bad != nil {
		return *bad
	}
	t := s.tenant
	t.mu.RLock()
	defer t.mu.RUnlock()
	orgs, bad := s.filterByAccount(t.orgs, c.query)
	if bad != nil {
		return *bad
	}
	return s.page(c, p, len(orgs), []string{}, func(i int) []byte { return marshal(t.orgDTO(orgs[i])) })
}

// filterByAccount keeps the organizations the accountId query parameter is a
// member of; 404 if that user does not exist. The caller holds the read lock.
func (s *Server) filterByAccount(orgs []*organization, q url.Values) ([]*organization, *response) {
	if !q.Has("accountId") {
		return orgs, nil
	}
	acc := q.Get("accountId")
	if s.tenant.users[acc] == nil {
		r := errResp(http.StatusNotFound, "The user with accountId '"+acc+"' does not exist.", "sd.user.error.not.found", acc)
		return nil, &r
	}
	var out []*organization
	for _, o := range orgs {
		if o.members[acc] {
			out = append(out, o)
		}
	}
	return out, nil
}

// GET /organization/{organizationId}.
func (s *Server) organization(c *call) response {
	t := s.tenant
	t.mu.RLock()
	defer t.mu.RUnlock()
	id := c.params[0]
	o := t.orgByID[id]
	if o == nil {
		return errResp(http.StatusNotFound, "Organization with id "+id+" does not exist.", "sd.organization.error.not.found", id)
	}
	return okResp(t.orgDTO(o))
}
