package fakejsm

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SiteURL is the Jira site that links point at before a server binds the
// tenant, and always in gateway mode (see WithGateway).
const SiteURL = "https://example.atlassian.net"

// Tenant is the state of one Jira Service Management site. It is safe for
// concurrent use: tests may mutate it while a Server serves it.
//
// API order, which every listing and every *JSON accessor follows, is
// ascending numeric id for service desks, organizations, request types and
// queues. Customer requests are ordered, as Atlassian's document says,
// "chronologically by the latest activity on each request": the fake's
// activity is the latest status transition (currentStatus.statusDate), ties
// broken by issueId. The document does not say which end comes first, so
// SetActivityOrder chooses; the default is oldest activity first. A request
// created or transitioned becomes the one with the latest activity, so on a
// busy desk the list moves while a client pages through it (see
// Server.SetActivity).
//
// Links inside the JSON objects are absolute and start with the link base:
// SiteURL until New binds the tenant to a server, then that server's address
// (or SiteURL in gateway mode). The accessors render with the current link
// base, so they return the objects exactly as the server serves them.
type Tenant struct {
	// CurrentAccountID is the accountId of the authenticated user, the one
	// every accepted credential logs in as.
	CurrentAccountID string
	// RestrictedServiceDeskID is the id of the generated desk the current user
	// may not access: it is not listed and answers 403.
	RestrictedServiceDeskID string

	mu          sync.RWMutex
	linkBase    string
	users       map[string]*user
	desks       []*desk
	deskByID    map[string]*desk
	types       map[string]*requestType
	orgs        []*organization
	orgByID     map[string]*organization
	requests    []*request
	reqByID     map[int64]*request
	nextIssueID int64
	version     uint64
	order       ActivityOrder

	cacheMu sync.Mutex
	cache   filterCache
}

func newTenant() *Tenant {
	return &Tenant{
		linkBase:    SiteURL,
		users:       map[string]*user{},
		deskByID:    map[string]*desk{},
		types:       map[string]*requestType{},
		orgByID:     map[string]*organization{},
		reqByID:     map[int64]*request{},
		nextIssueID: firstIssueID,
	}
}

func (t *Tenant) addDesk(d *desk) {
	t.desks = append(t.desks, d)
	t.deskByID[d.id] = d
}

func (t *Tenant) addOrganization(o *organization) {
	t.orgs = append(t.orgs, o)
	t.orgByID[o.id] = o
}

func (d *desk) addOrg(id string) {
	if slices.Contains(d.orgs, id) {
		return
	}
	d.orgs = append(d.orgs, id)
	slices.SortFunc(d.orgs, func(a, b string) int { return compareNumeric(a, b) })
}

func compareNumeric(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// insertRequest gives r the next issue id and key and appends it. The caller
// holds the write lock or owns the tenant exclusively.
func (t *Tenant) insertRequest(r *request) {
	r.issueID = t.nextIssueID
	t.nextIssueID++
	d := t.deskByID[r.deskID]
	d.nextIssueNum++
	r.key = d.projectKey + "-" + strconv.Itoa(d.nextIssueNum)
	r.summaryLower = strings.ToLower(r.summary)
	t.requests = append(t.requests, r)
	t.reqByID[r.issueID] = r
	t.recache(r, false)
}

// ActivityOrder is the direction GET /request lists requests in.
type ActivityOrder int

const (
	// OldestActivityFirst lists the request with the oldest latest activity
	// first: an updated request jumps to the end of the list.
	OldestActivityFirst ActivityOrder = iota
	// LatestActivityFirst lists the most recently active request first: an
	// updated request jumps to the front.
	LatestActivityFirst
)

// SetActivityOrder sets the direction of GET /request and of the accessors
// that follow API order (RequestIDs, RequestsJSON).
func (t *Tenant) SetActivityOrder(o ActivityOrder) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.order = o
	t.version++
}

// requestAt maps a position in API order to a position in t.requests, which
// holds the requests by ascending latest activity. The caller holds the lock.
func (t *Tenant) requestAt(i, n int) int {
	if t.order == LatestActivityFirst {
		return n - 1 - i
	}
	return i
}

func (r *request) activity() time.Time { return r.current().at }

// sortByActivity puts t.requests in ascending latest activity, ties by
// issueId. The caller holds the write lock or owns the tenant exclusively.
func (t *Tenant) sortByActivity() {
	slices.SortStableFunc(t.requests, func(a, b *request) int {
		if c := a.activity().Compare(b.activity()); c != 0 {
			return c
		}
		return cmp.Compare(a.issueID, b.issueID)
	})
	t.version++
}

// nextActivity is the time of a new activity on the site: a minute after the
// latest one. The caller holds the lock.
func (t *Tenant) nextActivity() time.Time {
	if n := len(t.requests); n > 0 {
		return t.requests[n-1].activity().Add(time.Minute)
	}
	return epoch
}

// touch moves r to the latest-activity end. The caller holds the write lock.
func (t *Tenant) touch(r *request) {
	i := slices.Index(t.requests, r)
	t.requests = append(slices.Delete(t.requests, i, i+1), r)
	r.raw.Store(nil)
	t.recache(r, false)
}

// bind sets the link base; New calls it.
func (t *Tenant) bind(base string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.linkBase != base {
		t.linkBase = base
		t.version++
	}
}

// LinkBase returns the scheme and host that links in served objects start with.
func (t *Tenant) LinkBase() string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.linkBase
}

// findDesk resolves a service desk identifier the way the API does: the
// numeric id, a project key ("IT"), "projectKey:IT" or "projectId:10001".
func (t *Tenant) findDesk(ident string) *desk {
	if key, ok := strings.CutPrefix(ident, "projectKey:"); ok {
		return t.deskByKey(key)
	}
	if pid, ok := strings.CutPrefix(ident, "projectId:"); ok {
		for _, d := range t.desks {
			if d.projectID == pid {
				return d
			}
		}
		return nil
	}
	if d, ok := t.deskByID[ident]; ok {
		return d
	}
	return t.deskByKey(ident)
}

func (t *Tenant) deskByKey(key string) *desk {
	for _, d := range t.desks {
		if d.projectKey == key {
			return d
		}
	}
	return nil
}

func (t *Tenant) findRequest(idOrKey string) *request {
	if id, err := strconv.ParseInt(idOrKey, 10, 64); err == nil {
		return t.reqByID[id]
	}
	for _, r := range t.requests {
		if r.key == idOrKey {
			return r
		}
	}
	return nil
}

// ServiceDesksJSON returns the service desks exactly as GET
// /rest/servicedeskapi/servicedesk lists them (the restricted desk is not
// listed), in API order.
func (t *Tenant) ServiceDesksJSON() []json.RawMessage {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []json.RawMessage
	for _, d := range t.visibleDesks() {
		out = append(out, marshal(t.deskDTO(d)))
	}
	return out
}

// RequestsJSON returns every customer request, unexpanded and in API order,
// exactly as GET /rest/servicedeskapi/request serves them.
func (t *Tenant) RequestsJSON() []json.RawMessage {
	t.mu.RLock()
	defer t.mu.RUnlock()
	n := len(t.requests)
	out := make([]json.RawMessage, 0, n)
	for i := range n {
		out = append(out, t.requestJSON(t.requests[t.requestAt(i, n)]))
	}
	return out
}

// RequestJSON returns one request, unexpanded, by issue id or key.
func (t *Tenant) RequestJSON(issueIDOrKey string) (json.RawMessage, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	r := t.findRequest(issueIDOrKey)
	if r == nil {
		return nil, false
	}
	return t.requestJSON(r), true
}

// OrganizationsJSON returns every organization exactly as GET
// /rest/servicedeskapi/organization lists them, in API order.
func (t *Tenant) OrganizationsJSON() []json.RawMessage {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []json.RawMessage
	for _, o := range t.orgs {
		out = append(out, marshal(t.orgDTO(o)))
	}
	return out
}

// ServiceDeskIDs returns the ids of the listed (not restricted) service desks
// in API order.
func (t *Tenant) ServiceDeskIDs() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []string
	for _, d := range t.visibleDesks() {
		out = append(out, d.id)
	}
	return out
}

// RequestIDs returns the issue ids of all requests in API order.
func (t *Tenant) RequestIDs() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	n := len(t.requests)
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, strconv.FormatInt(t.requests[t.requestAt(i, n)].issueID, 10))
	}
	return out
}

// OrganizationIDs returns the ids of all organizations in API order.
func (t *Tenant) OrganizationIDs() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []string
	for _, o := range t.orgs {
		out = append(out, o.id)
	}
	return out
}

// RequestTypeIDs returns the ids of a desk's request types in API order, or
// nil if the desk does not exist.
func (t *Tenant) RequestTypeIDs(serviceDeskID string) []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	d := t.findDesk(serviceDeskID)
	if d == nil {
		return nil
	}
	var out []string
	for _, rt := range d.requestTypes {
		out = append(out, rt.id)
	}
	return out
}

func (t *Tenant) visibleDesks() []*desk {
	var out []*desk
	for _, d := range t.desks {
		if !d.restricted {
			out = append(out, d)
		}
	}
	return out
}

// NewRequest describes a customer request for AddRequest. Zero fields take
// the documented defaults. Like every request, it appears in the default
// /request listing only if the current user reported it, participates in it
// or is a member of one of its organizations.
type NewRequest struct {
	ServiceDeskID         string        // id or project key; default: the first listed desk
	RequestTypeID         string        // default: the desk's first request type
	Summary               string        // default "New request"
	Description           string        // default: a short generated text
	ReporterAccountID     string        // default: the current user
	Status                string        // default "Waiting for support"
	StatusCategory        string        // default NEW
	OrganizationIDs       []string      // default none
	ParticipantAccountIDs []string      // default none
	Approval              ApprovalState // the current user's approval, default none
	Priority              string        // a priority name (Highest..Lowest), default none
}

// AddRequest creates a customer request. It gets the next issue id and a
// createdDate one minute after the latest activity on the site, so it is
// the request with the latest activity. It returns the new issue id and the object as the server serves it.
func (t *Tenant) AddRequest(nr NewRequest) (string, json.RawMessage, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var d *desk
	if nr.ServiceDeskID == "" {
		if v := t.visibleDesks(); len(v) > 0 {
			d = v[0]
		}
	} else {
		d = t.findDesk(nr.ServiceDeskID)
	}
	if d == nil {
		return "", nil, fmt.Errorf("fakejsm: no service desk %q", nr.ServiceDeskID)
	}
	var rt *requestType
	for _, x := range d.requestTypes {
		if nr.RequestTypeID == "" || x.id == nr.RequestTypeID {
			rt = x
			break
		}
	}
	if rt == nil {
		return "", nil, fmt.Errorf("fakejsm: service desk %s has no request type %q", d.id, nr.RequestTypeID)
	}
	reporter := orDefault(nr.ReporterAccountID, t.CurrentAccountID)
	for _, acc := range append([]string{reporter}, nr.ParticipantAccountIDs...) {
		if t.users[acc] == nil {
			return "", nil, fmt.Errorf("fakejsm: no user with accountId %q", acc)
		}
	}
	for _, o := range nr.OrganizationIDs {
		if t.orgByID[o] == nil {
			return "", nil, fmt.Errorf("fakejsm: no organization %q", o)
		}
	}
	category := orDefault(nr.StatusCategory, CategoryNew)
	if !validCategory(category) {
		return "", nil, fmt.Errorf("fakejsm: invalid status category %q", category)
	}
	created := t.nextActivity()
	r := &request{
		deskID:       d.id,
		typeID:       rt.id,
		created:      created,
		reporter:     reporter,
		summary:      orDefault(nr.Summary, "New request"),
		orgs:         slices.Clone(nr.OrganizationIDs),
		participants: slices.Clone(nr.ParticipantAccountIDs),
		approval:     nr.Approval,
		extrasSeed:   uint64(t.nextIssueID) * 0x9e3779b97f4a7c15,
		history:      []statusChange{{orDefault(nr.Status, statusInitial), category, created}},
	}
	r.description = orDefault(nr.Description, describe(r.summary, t.users[reporter].displayName))
	if nr.Priority != "" {
		for _, p := range priorities {
			if p.name == nr.Priority {
				r.priority = &p
			}
		}
		if r.priority == nil {
			return "", nil, fmt.Errorf("fakejsm: unknown priority %q", nr.Priority)
		}
	}
	t.insertRequest(r)
	return strconv.FormatInt(r.issueID, 10), t.requestJSON(r), nil
}

// ErrNotFound is returned by tenant mutations that name a missing object.
var ErrNotFound = errors.New("fakejsm: not found")

// RemoveRequest deletes a request by issue id or key.
func (t *Tenant) RemoveRequest(issueID string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.findRequest(issueID)
	if r == nil {
		return fmt.Errorf("request %s: %w", issueID, ErrNotFound)
	}
	t.deleteRequest(r)
	return nil
}

// deleteRequest removes r. The caller holds the write lock.
func (t *Tenant) deleteRequest(r *request) {
	t.requests = slices.DeleteFunc(t.requests, func(x *request) bool { return x == r })
	delete(t.reqByID, r.issueID)
	t.recache(r, true)
}

// SetRequestStatus moves a request (by issue id or key) to a new status with
// the given category (NEW, INDETERMINATE, DONE or UNDEFINED). The status date
// is one hour after the previous transition, or a minute after the latest
// activity on the site if that is later: the request becomes the one with
// the latest activity.
func (t *Tenant) SetRequestStatus(issueID, status, category string) error {
	if !validCategory(category) {
		return fmt.Errorf("fakejsm: invalid status category %q", category)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.findRequest(issueID)
	if r == nil {
		return fmt.Errorf("request %s: %w", issueID, ErrNotFound)
	}
	t.transition(r, status, category)
	return nil
}

// transition appends a status change, which is the request's latest activity.
// The caller holds the write lock.
func (t *Tenant) transition(r *request, status, category string) {
	at := r.current().at.Add(time.Hour)
	if next := t.nextActivity(); next.After(at) {
		at = next
	}
	r.history = append(r.history, statusChange{status, category, at})
	t.touch(r)
}

// SetOrganizationMembership makes the current user a member of an
// organization or not, which the ORGANIZATION and ALL_ORGANIZATIONS filters
// follow.
func (t *Tenant) SetOrganizationMembership(orgID string, member bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	o := t.orgByID[orgID]
	if o == nil {
		return fmt.Errorf("organization %s: %w", orgID, ErrNotFound)
	}
	if member {
		o.members[t.CurrentAccountID] = true
	} else {
		delete(o.members, t.CurrentAccountID)
	}
	t.version++
	return nil
}

func validCategory(c string) bool {
	switch c {
	case CategoryUndefined, CategoryNew, CategoryIndeterminate, CategoryDone:
		return true
	}
	return false
}

// orDefault returns v, or def if v is empty.
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
