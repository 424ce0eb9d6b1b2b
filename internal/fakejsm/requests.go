package fakejsm

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Values of the /request filters.
const (
	OwnershipOwned        = "OWNED_REQUESTS"
	OwnershipParticipated = "PARTICIPATED_REQUESTS"
	OwnershipOrganization = "ORGANIZATION"
	OwnershipAllOrgs      = "ALL_ORGANIZATIONS"
	OwnershipApprover     = "APPROVER"
	OwnershipAll          = "ALL_REQUESTS"
	StatusOpen            = "OPEN_REQUESTS"
	StatusClosed          = "CLOSED_REQUESTS"
	StatusAll             = "ALL_REQUESTS"
	ApprovalStatusPending = "MY_PENDING_APPROVAL"
	ApprovalStatusHistory = "MY_HISTORY_APPROVAL"
)

const maxFilterCacheEntries = 64

// requestFilter is the parsed query of GET /request.
type requestFilter struct {
	deskID, typeID, orgID string
	status                string   // OPEN_REQUESTS, CLOSED_REQUESTS or ALL_REQUESTS
	ownership             []string // sorted, de-duplicated
	approval              string
	terms                 []string // lower-case search terms
}

func badParam(msg, key string, params ...string) *response {
	r := errResp(http.StatusBadRequest, msg, key, params...)
	return &r
}

// parseRequestFilter validates the filters of GET /request like the API:
// numbers must be numbers, enums must be known, requestTypeId needs
// serviceDeskId, organizationId goes with requestOwnership=ORGANIZATION and
// approvalStatus with requestOwnership=APPROVER.
func parseRequestFilter(q url.Values) (*requestFilter, *response) {
	f := &requestFilter{status: StatusAll}
	for _, name := range []string{"serviceDeskId", "requestTypeId", "organizationId"} {
		if bad := checkIntParam(q, name); bad != nil {
			return nil, bad
		}
	}
	f.deskID, f.typeID, f.orgID = q.Get("serviceDeskId"), q.Get("requestTypeId"), q.Get("organizationId")
	if f.typeID != "" && f.deskID == "" {
		return nil, badParam("The serviceDeskId must be specified when filtering by requestTypeId.", "sd.request.error.servicedesk.id.required")
	}
	if q.Has("requestStatus") {
		f.status = q.Get("requestStatus")
		switch f.status {
		case StatusOpen, StatusClosed, StatusAll:
		default:
			return nil, badParam(fmt.Sprintf("Invalid requestStatus '%s'. Valid values are %s, %s and %s.", f.status, StatusOpen, StatusClosed, StatusAll),
				"sd.request.error.invalid.request.status", f.status)
		}
	}
	for _, v := range q["requestOwnership"] {
		for _, o := range strings.Split(v, ",") {
			switch o {
			case OwnershipOwned, OwnershipParticipated, OwnershipOrganization, OwnershipAllOrgs, OwnershipApprover, OwnershipAll:
				if !slices.Contains(f.ownership, o) {
					f.ownership = append(f.ownership, o)
				}
			default:
				return nil, badParam(fmt.Sprintf("Invalid requestOwnership '%s'. Valid values are %s, %s, %s, %s, %s and %s.", o,
					OwnershipOwned, OwnershipParticipated, OwnershipOrganization, OwnershipAllOrgs, OwnershipApprover, OwnershipAll),
					"sd.request.error.invalid.request.ownership", o)
			}
		}
	}
	if len(f.ownership) == 0 {
		f.ownership = []string{OwnershipOwned, OwnershipParticipated, OwnershipAllOrgs}
	}
	slices.Sort(f.ownership)
	hasOrg := slices.Contains(f.ownership, OwnershipOrganization)
	switch {
	case hasOrg && f.orgID == "":
		return nil, badParam("The organizationId must be specified when requestOwnership is ORGANIZATION.", "sd.request.error.organization.id.required")
	case !hasOrg && f.orgID != "":
		return nil, badParam("The organizationId filter is valid only with requestOwnership=ORGANIZATION.", "sd.request.error.organization.id.without.ownership")
	}
	if q.Has("approvalStatus") {
		f.approval = q.Get("approvalStatus")
		if f.approval != ApprovalStatusPending && f.approval != ApprovalStatusHistory {
			return nil, badParam(fmt.Sprintf("Invalid approvalStatus '%s'. Valid values are %s and %s.", f.approval, ApprovalStatusPending, ApprovalStatusHistory),
				"sd.request.error.invalid.approval.status", f.approval)
		}
		if !slices.Contains(f.ownership, OwnershipApprover) {
			return nil, badParam("The approvalStatus filter is valid only with requestOwnership=APPROVER.", "sd.request.error.approval.status.without.approver")
		}
	}
	for _, term := range strings.Fields(strings.ToLower(q.Get("searchTerm"))) {
		if term = strings.Trim(term, "*?"); term != "" {
			f.terms = append(f.terms, term)
		}
	}
	return f, nil
}

func (f *requestFilter) key() string {
	return strings.Join([]string{f.deskID, f.typeID, f.orgID, f.status, strings.Join(f.ownership, ","), f.approval, strings.Join(f.terms, " ")}, "\x00")
}

// matches reports whether the current user sees r under f. Ownership values
// combine as a union; the other filters narrow it. Requests of the restricted
// desk are never listed. The caller holds the read lock.
func (t *Tenant) matches(r *request, f *requestFilter) bool {
	if f.deskID != "" && r.deskID != f.deskID || f.typeID != "" && r.typeID != f.typeID {
		return false
	}
	if d := t.deskByID[r.deskID]; d == nil || d.restricted {
		return false
	}
	done := r.current().category == CategoryDone
	if f.status == StatusOpen && done || f.status == StatusClosed && !done {
		return false
	}
	for _, term := range f.terms {
		if !strings.Contains(r.summaryLower, term) {
			return false
		}
	}
	return slices.ContainsFunc(f.ownership, func(o string) bool { return t.owns(r, o, f) })
}

func (t *Tenant) owns(r *request, ownership string, f *requestFilter) bool {
	cur := t.CurrentAccountID
	switch ownership {
	case OwnershipAll:
		return true
	case OwnershipOwned:
		return r.reporter == cur
	case OwnershipParticipated:
		return r.hasParticipant(cur)
	case OwnershipOrganization:
		o := t.orgByID[f.orgID]
		return o != nil && o.members[cur] && r.hasOrg(f.orgID)
	case OwnershipAllOrgs:
		return slices.ContainsFunc(r.orgs, func(id string) bool { o := t.orgByID[id]; return o != nil && o.members[cur] })
	case OwnershipApprover:
		switch f.approval {
		case ApprovalStatusPending:
			return r.approval == ApprovalPending
		case ApprovalStatusHistory:
			return r.approval == ApprovalDecided
		}
		return r.approval != NoApproval
	}
	return false
}

// filterCache keeps the requests recent filters select, in activity order,
// for one tenant version, so that paging through a large tenant stays
// linear. Activity (a transition, a creation, a deletion) updates the
// entries in place instead of starting a new version, so that a busy desk
// does not cost a full scan per page.
type filterCache struct {
	version uint64
	entries map[string]*cachedMatch
}

type cachedMatch struct {
	filter *requestFilter
	reqs   []*request
}

// matching returns the requests f selects, in ascending latest activity.
// The caller holds the read lock.
func (t *Tenant) matching(f *requestFilter) []*request {
	key := f.key()
	t.cacheMu.Lock()
	if t.cache.version == t.version {
		if m, ok := t.cache.entries[key]; ok {
			t.cacheMu.Unlock()
			return m.reqs
		}
	}
	t.cacheMu.Unlock()
	reqs := []*request{}
	for _, r := range t.requests {
		if t.matches(r, f) {
			reqs = append(reqs, r)
		}
	}
	t.cacheMu.Lock()
	defer t.cacheMu.Unlock()
	if t.cache.version != t.version || len(t.cache.entries) >= maxFilterCacheEntries {
		t.cache = filterCache{version: t.version, entries: map[string]*cachedMatch{}}
	}
	t.cache.entries[key] = &cachedMatch{filter: f, reqs: reqs}
	return reqs
}

// recache moves r to the latest-activity end of every cached selection
// that (still) selects it, or removes it (gone: it was deleted). The caller
// holds the write lock.
func (t *Tenant) recache(r *request, gone bool) {
	t.cacheMu.Lock()
	defer t.cacheMu.Unlock()
	if t.cache.version != t.version {
		return
	}
	for _, m := range t.cache.entries {
		if i := slices.Index(m.reqs, r); i >= 0 {
			m.reqs = slices.Delete(m.reqs, i, i+1)
		}
		if !gone && t.matches(r, m.filter) {
			m.reqs = append(m.reqs, r)
		}
	}
}

// GET /request.
func (s *Server) requests(c *call) response {
	p, bad := parsePage(c.query)
	if bad != nil {
		return *bad
	}
	f, bad := parseRequestFilter(c.query)
	if bad != nil {
		return *bad
	}
	if c.customer {
		f.ownership = customerOwnership(f.ownership)
	}
	s.stirBeforePage()
	t := s.tenant
	t.mu.RLock()
	defer t.mu.RUnlock()
	if f.deskID != "" {
		d := t.deskByID[f.deskID]
		if d == nil || d.restricted {
			return errResp(http.StatusNotFound, "The service desk with id "+f.deskID+" does not exist or you do not have permission to access it.",
				"sd.request.error.servicedesk.not.found", f.deskID)
		}
		if f.typeID != "" && !slices.ContainsFunc(d.requestTypes, func(rt *requestType) bool { return rt.id == f.typeID }) {
			return errResp(http.StatusNotFound, "The request type with id "+f.typeID+" does not exist in service desk "+f.deskID+".",
				"sd.request.error.requesttype.not.found", f.typeID, f.deskID)
		}
	}
	reqs := t.matching(f)
	ex := parseExpand(c.query["expand"])
	return s.page(c, p, len(reqs), requestExpands, func(i int) []byte {
		return t.requestJSONExpanded(reqs[t.requestAt(i, len(reqs))], ex)
	})
}

// GET /request/{issueIdOrKey}.
func (s *Server) request(c *call) response {
	t := s.tenant
	t.mu.RLock()
	defer t.mu.RUnlock()
	ident := c.params[0]
	r := t.findRequest(ident)
	if r != nil && t.deskByID[r.deskID].restricted {
		return errResp(http.StatusForbidden, "You do not have permission to view request "+r.key+".", "sd.request.error.no.permission", r.key)
	}
	if r == nil {
		return errResp(http.StatusNotFound, "Request "+ident+" does not exist.", "sd.request.error.not.found", ident)
	}
	return response{status: http.StatusOK, body: t.requestJSONExpanded(r, parseExpand(c.query["expand"])), objects: 1}
}
