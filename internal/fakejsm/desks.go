package fakejsm

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// GET /servicedesk.
func (s *Server) serviceDesks(c *call) response {
	p, bad := parsePage(c.query)
	if bad != nil {
		return *bad
	}
	t := s.tenant
	t.mu.RLock()
	defer t.mu.RUnlock()
	desks := t.visibleDesks()
	return s.page(c, p, len(desks), []string{}, func(i int) []byte { return marshal(t.deskDTO(desks[i])) })
}

// lookupDesk resolves the {serviceDeskId} path parameter; the caller holds
// the tenant's read lock. It answers 404 for an unknown desk and 403 for the
// restricted one.
func (s *Server) lookupDesk(ident string) (*desk, *response) {
	d := s.tenant.findDesk(ident)
	if d == nil {
		r := errResp(http.StatusNotFound, "Service Desk with id "+ident+" does not exist.", "sd.servicedesk.error.not.found", ident)
		return nil, &r
	}
	if d.restricted {
		r := errResp(http.StatusForbidden, "You do not have permission to access service desk "+ident+".", "sd.servicedesk.error.no.permission", ident)
		return nil, &r
	}
	return d, nil
}

// GET /servicedesk/{serviceDeskId}.
func (s *Server) serviceDesk(c *call) response {
	t := s.tenant
	t.mu.RLock()
	defer t.mu.RUnlock()
	d, bad := s.lookupDesk(c.params[0])
	if bad != nil {
		return *bad
	}
	return okResp(t.deskDTO(d))
}

// GET /servicedesk/{serviceDeskId}/organization.
func (s *Server) deskOrganizations(c *call) response {
	p, bad := parsePage(c.query)
	if bad != nil {
		return *bad
	}
	t := s.tenant
	t.mu.RLock()
	defer t.mu.RUnlock()
	d, bad := s.lookupDesk(c.params[0])
	if bad != nil {
		return *bad
	}
	var orgs []*organization
	for _, id := range d.orgs {
		orgs = append(orgs, t.orgByID[id])
	}
	orgs, bad = s.filterByAccount(orgs, c.query)
	if bad != nil {
		return *bad
	}
	return s.page(c, p, len(orgs), []string{}, func(i int) []byte { return marshal(t.orgDTO(orgs[i])) })
}

// GET /servicedesk/{serviceDeskId}/queue.
func (s *Server) queues(c *call) response {
	p, bad := parsePage(c.query)
	if bad != nil {
		return *bad
	}
	withCount := false
	if v := c.query.Get("includeCount"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errResp(http.StatusBadRequest, "The includeCount parameter must be true or false, got '"+v+"'.", "sd.public.rest.invalid.parameter", "includeCount")
		}
		withCount = b
	}
	t := s.tenant
	t.mu.RLock()
	defer t.mu.RUnlock()
	d, bad := s.lookupDesk(c.params[0])
	if bad != nil {
		return *bad
	}
	return s.page(c, p, len(d.queues), []string{}, func(i int) []byte { return marshal(t.queueDTO(d, d.queues[i], withCount)) })
}

// GET /servicedesk/{serviceDeskId}/requesttype, with the groupId and
// searchQuery filters (searchQuery leaves out types without a group).
func (s *Server) requestTypes(c *call) response {
	p, bad := parsePage(c.query)
	if bad != nil {
		return *bad
	}
	group := c.query.Get("groupId")
	if bad := checkIntParam(c.query, "groupId"); bad != nil {
		return *bad
	}
	search := strings.ToLower(strings.TrimSpace(c.query.Get("searchQuery")))
	t := s.tenant
	t.mu.RLock()
	defer t.mu.RUnlock()
	d, bad := s.lookupDesk(c.params[0])
	if bad != nil {
		return *bad
	}
	var types []*requestType
	for _, rt := range d.requestTypes {
		if group != "" && !slices.Contains(rt.groupIDs, group) {
			continue
		}
		if search != "" && (len(rt.groupIDs) == 0 ||
			!strings.Contains(strings.ToLower(rt.name), search) && !strings.Contains(strings.ToLower(rt.description), search)) {
			continue
		}
		types = append(types, rt)
	}
	return s.page(c, p, len(types), []string{}, func(i int) []byte { return marshal(t.requestTypeDTO(types[i])) })
}

// ExperimentalHeader is the header (with value "opt-in") that experimental
// endpoints such as /servicedesk/{id}/customer require.
const ExperimentalHeader = "X-ExperimentalApi"

// GET /servicedesk/{serviceDeskId}/customer, experimental: 412 without the
// X-ExperimentalApi: opt-in header. query matches display name or email.
func (s *Server) customers(c *call) response {
	if !strings.EqualFold(c.header.Get(ExperimentalHeader), "opt-in") {
		return errResp(http.StatusPreconditionFailed,
			"This API is experimental. Experimental APIs are not guaranteed to be stable within the preview period. "+
				"You must set the header 'X-ExperimentalApi: opt-in' to opt into using this API.",
			"sd.public.rest.experimental.api.opt.in.required")
	}
	p, bad := parsePage(c.query)
	if bad != nil {
		return *bad
	}
	query := strings.ToLower(c.query.Get("query"))
	t := s.tenant
	t.mu.RLock()
	defer t.mu.RUnlock()
	d, bad := s.lookupDesk(c.params[0])
	if bad != nil {
		return *bad
	}
	var accounts []string
	for _, acc := range d.customers {
		u := t.users[acc]
		if query == "" || strings.Contains(strings.ToLower(u.displayName), query) || strings.Contains(strings.ToLower(u.email), query) {
			accounts = append(accounts, acc)
		}
	}
	return s.page(c, p, len(accounts), []string{}, func(i int) []byte { return marshal(t.userDTO(accounts[i])) })
}

// checkIntParam answers 400 when the optional int32 query parameter name is
// present and not a number, and nil otherwise.
func checkIntParam(q url.Values, name string) *response {
	if !q.Has(name) {
		return nil
	}
	v := q.Get(name)
	if _, err := strconv.ParseInt(v, 10, 32); err != nil {
		r := errResp(http.StatusBadRequest, "The "+name+" parameter must be a number, got '"+v+"'.", "sd.public.rest.invalid.parameter", name)
		return &r
	}
	return nil
}
