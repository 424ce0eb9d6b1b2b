package fakejsm

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// requestFixture is a server with 200 requests plus, aligned by index, every
// request fully expanded and its internal state.
type requestFixture struct {
	s        *Server
	expanded []json.RawMessage
	internal []*request
}

func newRequestFixture(t *testing.T) *requestFixture {
	t.Helper()
	s := newServer(t, TenantOptions{Seed: 11, Requests: 200})
	f := &requestFixture{s: s}
	f.expanded = collect(t, s, "/rest/servicedeskapi/request", url.Values{
		"requestOwnership": {OwnershipAll}, "expand": {"participant"}, "limit": {"100"},
	})
	s.tenant.mu.RLock()
	f.internal = slices.Clone(s.tenant.requests)
	s.tenant.mu.RUnlock()
	if len(f.expanded) != 200 || len(f.internal) != 200 {
		t.Fatalf("fixture: %d expanded, %d internal", len(f.expanded), len(f.internal))
	}
	return f
}

// check lists /request with q (paging by 13) and compares it with the
// requests pred selects, which must be a real, non-empty subset.
func (f *requestFixture) check(t *testing.T, q url.Values, pred func(raw json.RawMessage, r *request) bool) {
	t.Helper()
	var want []string
	for i, raw := range f.expanded {
		if pred(raw, f.internal[i]) {
			want = append(want, field[string](t, raw, "issueId"))
		}
	}
	qq := url.Values{"limit": {"13"}}
	for k, v := range q {
		qq[k] = v
	}
	got := issueIDs(t, collect(t, f.s, "/rest/servicedeskapi/request", qq))
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %d requests %v, want %d %v", q.Encode(), len(got), got, len(want), want)
	}
	if len(want) == 0 || len(want) == len(f.expanded) {
		t.Errorf("%s selects %d of %d requests; want a real subset", q.Encode(), len(want), len(f.expanded))
	}
}

func participantsOf(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var out []string
	for _, u := range pagedValues(t, raw, "participants") {
		out = append(out, as[string](t, as[map[string]any](t, u)["accountId"]))
	}
	return out
}

func TestDefaultListingReturnsEveryRequest(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 11, Requests: 200})
	got := collect(t, s, "/rest/servicedeskapi/request", nil)
	want := s.Tenant().RequestsJSON()
	if len(got) != len(want) {
		t.Fatalf("default listing has %d of %d requests", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("request %d differs from RequestsJSON", i)
		}
	}
	env := getPage(t, s, "/rest/servicedeskapi/request")
	if !slices.Equal(env.Expands, requestExpands) {
		t.Errorf("envelope _expands %v", env.Expands)
	}
}

func TestRequestFilters(t *testing.T) {
	f := newRequestFixture(t)
	cur := f.s.Tenant().CurrentAccountID
	category := func(raw json.RawMessage) string {
		return field[requestStatusDTO](t, raw, "currentStatus").StatusCategory
	}
	reporter := func(raw json.RawMessage) string {
		return field[struct {
			AccountID string `json:"accountId"`
		}](t, raw, "reporter").AccountID
	}

	t.Run("owned", func(t *testing.T) {
		f.check(t, url.Values{"requestOwnership": {OwnershipOwned}}, func(raw json.RawMessage, _ *request) bool {
			return reporter(raw) == cur
		})
	})
	t.Run("participated", func(t *testing.T) {
		f.check(t, url.Values{"requestOwnership": {OwnershipParticipated}}, func(raw json.RawMessage, _ *request) bool {
			return slices.Contains(participantsOf(t, raw), cur)
		})
	})
	t.Run("owned or participated, repeated parameter", func(t *testing.T) {
		f.check(t, url.Values{"requestOwnership": {OwnershipOwned, OwnershipParticipated}}, func(raw json.RawMessage, _ *request) bool {
			return reporter(raw) == cur || slices.Contains(participantsOf(t, raw), cur)
		})
	})
	t.Run("all organizations", func(t *testing.T) {
		f.check(t, url.Values{"requestOwnership": {OwnershipAllOrgs}}, func(_ json.RawMessage, r *request) bool {
			return len(r.orgs) > 0
		})
	})
	t.Run("one organization", func(t *testing.T) {
		f.check(t, url.Values{"requestOwnership": {OwnershipOrganization}, "organizationId": {"2"}}, func(_ json.RawMessage, r *request) bool {
			return slices.Contains(r.orgs, "2")
		})
	})
	t.Run("approver", func(t *testing.T) {
		f.check(t, url.Values{"requestOwnership": {OwnershipApprover}}, func(_ json.RawMessage, r *request) bool {
			return r.approval != NoApproval
		})
	})
	t.Run("pending approval", func(t *testing.T) {
		f.check(t, url.Values{"requestOwnership": {OwnershipApprover}, "approvalStatus": {ApprovalStatusPending}}, func(_ json.RawMessage, r *request) bool {
			return r.approval == ApprovalPending
		})
	})
	t.Run("approval history", func(t *testing.T) {
		f.check(t, url.Values{"requestOwnership": {OwnershipApprover}, "approvalStatus": {ApprovalStatusHistory}}, func(_ json.RawMessage, r *request) bool {
			return r.approval == ApprovalDecided
		})
	})
	t.Run("open", func(t *testing.T) {
		f.check(t, url.Values{"requestStatus": {StatusOpen}}, func(raw json.RawMessage, _ *request) bool {
			return category(raw) != CategoryDone
		})
	})
	t.Run("closed", func(t *testing.T) {
		f.check(t, url.Values{"requestStatus": {StatusClosed}}, func(raw json.RawMessage, _ *request) bool {
			return category(raw) == CategoryDone
		})
	})
	t.Run("service desk", func(t *testing.T) {
		f.check(t, url.Values{"serviceDeskId": {"2"}}, func(raw json.RawMessage, _ *request) bool {
			return field[string](t, raw, "serviceDeskId") == "2"
		})
	})
	t.Run("request type", func(t *testing.T) {
		rt := f.s.Tenant().RequestTypeIDs("1")[1]
		f.check(t, url.Values{"serviceDeskId": {"1"}, "requestTypeId": {rt}}, func(raw json.RawMessage, _ *request) bool {
			return field[string](t, raw, "requestTypeId") == rt
		})
	})
	t.Run("search term is case-insensitive", func(t *testing.T) {
		word := "ACCESS"
		f.check(t, url.Values{"searchTerm": {word}}, func(raw json.RawMessage, _ *request) bool {
			return strings.Contains(strings.ToLower(summaryOf(t, raw)), strings.ToLower(word))
		})
	})
	t.Run("combined", func(t *testing.T) {
		f.check(t, url.Values{"serviceDeskId": {"1"}, "requestStatus": {StatusOpen}, "requestOwnership": {OwnershipAllOrgs}},
			func(raw json.RawMessage, r *request) bool {
				return r.deskID == "1" && category(raw) != CategoryDone && len(r.orgs) > 0
			})
	})
	t.Run("explicit all requests", func(t *testing.T) {
		got := collect(t, f.s, "/rest/servicedeskapi/request", url.Values{"requestOwnership": {OwnershipAll}, "requestStatus": {StatusAll}})
		if len(got) != len(f.expanded) {
			t.Errorf("ALL_REQUESTS gave %d", len(got))
		}
	})
}

func TestRequestFilterErrors(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 12})
	rt := s.Tenant().RequestTypeIDs("1")[0]
	for q, status := range map[string]int{
		"requestTypeId=" + rt:                                   http.StatusBadRequest,
		"serviceDeskId=abc":                                     http.StatusBadRequest,
		"serviceDeskId=1&requestTypeId=x":                       http.StatusBadRequest,
		"organizationId=one&requestOwnership=ORGANIZATION":      http.StatusBadRequest,
		"requestStatus=SOME_REQUESTS":                           http.StatusBadRequest,
		"requestOwnership=MINE":                                 http.StatusBadRequest,
		"requestOwnership=OWNED_REQUESTS&requestOwnership=nope": http.StatusBadRequest,
		"requestOwnership=ORGANIZATION":                         http.StatusBadRequest,
		"organizationId=1":                                      http.StatusBadRequest,
		"approvalStatus=MY_PENDING_APPROVAL":                    http.StatusBadRequest,
		"requestOwnership=APPROVER&approvalStatus=ALL":          http.StatusBadRequest,
		"serviceDeskId=999":                                     http.StatusNotFound,
		"serviceDeskId=" + s.Tenant().RestrictedServiceDeskID:   http.StatusNotFound,
		"serviceDeskId=2&requestTypeId=" + rt:                   http.StatusNotFound,
	} {
		getError(t, s, "/rest/servicedeskapi/request?"+q, status)
	}
	e := getError(t, s, "/rest/servicedeskapi/request?requestTypeId="+rt, http.StatusBadRequest)
	if !strings.Contains(e.ErrorMessage, "serviceDeskId") {
		t.Errorf("message %q", e.ErrorMessage)
	}
}

func TestOrganizationMembershipDrivesFilters(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 13})
	q := "/rest/servicedeskapi/request?requestOwnership=ORGANIZATION&organizationId=1"
	if env := getPage(t, s, q); env.Size == 0 {
		t.Fatal("organization 1 has no requests")
	}
	if err := s.Tenant().SetOrganizationMembership("1", false); err != nil {
		t.Fatal(err)
	}
	if env := getPage(t, s, q); env.Size != 0 || !env.IsLastPage {
		t.Errorf("non-member still sees organization requests: %+v", env)
	}
}

func TestRequestExpand(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 14})
	base := "/rest/servicedeskapi/request?limit=20"
	// values returns the values of a page; the envelope's self link differs.
	values := func(q string) []byte {
		_, _, body := get(t, s, base+q)
		return body[bytes.Index(body, []byte(`"values"`)):]
	}
	if !bytes.Equal(values(""), values("&expand=bogus,alsoBogus")) {
		t.Error("unknown expand values changed the response")
	}
	if !bytes.Equal(values("&expand=participant,status"), values("&expand=participant&expand=status")) {
		t.Error("expand=a,b and expand=a&expand=b differ")
	}
	if bytes.Equal(values(""), values("&expand=participant")) {
		t.Error("expand=participant changed nothing")
	}

	all := "serviceDesk,requestType,participant,status,sla,attachment,action,comment,comment.attachment,comment.renderedBody"
	env := getPage(t, s, base+"&expand="+url.QueryEscape(all))
	desks := map[string]json.RawMessage{}
	for _, d := range s.Tenant().ServiceDesksJSON() {
		desks[field[string](t, d, "id")] = d
	}
	sawComment := false
	for _, v := range env.Values {
		for _, name := range []string{"serviceDesk", "requestType", "participants", "status", "sla", "attachments", "actions", "comments"} {
			if !hasField(t, v, name) {
				t.Errorf("%s missing with expand=%s", name, all)
			}
		}
		if sd := field[json.RawMessage](t, v, "serviceDesk"); !bytes.Equal(sd, desks[field[string](t, v, "serviceDeskId")]) {
			t.Errorf("expanded serviceDesk %s", sd)
		}
		if rt := field[requestTypeDTO](t, v, "requestType"); rt.ID != field[string](t, v, "requestTypeId") {
			t.Errorf("expanded requestType %s", rt.ID)
		}
		history := pagedValues(t, v, "status")
		last := as[map[string]any](t, history[len(history)-1])
		if last["status"] != field[requestStatusDTO](t, v, "currentStatus").Status {
			t.Error("status history does not end at the current status")
		}
		if len(pagedValues(t, v, "sla")) != 2 {
			t.Error("want two SLAs")
		}
		for _, c := range pagedValues(t, v, "comments") {
			sawComment = true
			cm := as[map[string]any](t, c)
			if cm["renderedBody"] == nil || cm["attachments"] == nil {
				t.Errorf("comment without renderedBody/attachments: %v", cm)
			}
		}
	}
	if !sawComment {
		t.Error("no comments in 20 requests")
	}

	onlyComment := getPage(t, s, base+"&expand=comment")
	for _, v := range onlyComment.Values {
		if hasField(t, v, "sla") || hasField(t, v, "participants") {
			t.Error("unrequested expansion present")
		}
		for _, c := range pagedValues(t, v, "comments") {
			if cm := as[map[string]any](t, c); cm["renderedBody"] != nil || cm["attachments"] != nil {
				t.Error("comment sub-expansions present without being asked for")
			}
		}
	}
}

func TestSingleRequest(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 15})
	tn := s.Tenant()
	first := tn.RequestsJSON()[0]
	id, key := field[string](t, first, "issueId"), field[string](t, first, "issueKey")
	for _, ident := range []string{id, key} {
		status, _, body := get(t, s, "/rest/servicedeskapi/request/"+ident)
		if status != http.StatusOK || !bytes.Equal(body, first) {
			t.Errorf("GET request/%s: %d %s", ident, status, body)
		}
	}
	_, _, body := get(t, s, "/rest/servicedeskapi/request/"+id+"?expand=sla")
	if !hasField(t, body, "sla") {
		t.Error("expand on a single request")
	}
	getError(t, s, "/rest/servicedeskapi/request/99999", http.StatusNotFound)

	hidden, _, err := tn.AddRequest(NewRequest{ServiceDeskID: tn.RestrictedServiceDeskID})
	if err != nil {
		t.Fatal(err)
	}
	getError(t, s, "/rest/servicedeskapi/request/"+hidden, http.StatusForbidden)
	if slices.Contains(issueIDs(t, collect(t, s, "/rest/servicedeskapi/request", url.Values{"requestOwnership": {OwnershipAll}})), hidden) {
		t.Error("request of the restricted desk is listed")
	}
}

func TestTenantChangesShowImmediately(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 16})
	tn := s.Tenant()
	before := getPage(t, s, "/rest/servicedeskapi/request?requestStatus=OPEN_REQUESTS").Size
	id := tn.RequestIDs()[0]
	raw, _ := tn.RequestJSON(id)
	open := field[requestStatusDTO](t, raw, "currentStatus").StatusCategory != CategoryDone
	newCat := CategoryDone
	if !open {
		newCat = CategoryIndeterminate
	}
	if err := tn.SetRequestStatus(id, "Changed", newCat); err != nil {
		t.Fatal(err)
	}
	after := getPage(t, s, "/rest/servicedeskapi/request?requestStatus=OPEN_REQUESTS").Size
	if open && after != before-1 || !open && after != before+1 {
		t.Errorf("open requests %d -> %d", before, after)
	}
	_, _, body := get(t, s, "/rest/servicedeskapi/request/"+id)
	if st := field[requestStatusDTO](t, body, "currentStatus"); st.Status != "Changed" {
		t.Errorf("served status %+v", st)
	}
	n := len(tn.RequestIDs())
	if _, _, err := tn.AddRequest(NewRequest{Summary: "Fresh"}); err != nil {
		t.Fatal(err)
	}
	if got := getPage(t, s, "/rest/servicedeskapi/request?limit=100"); got.Size != n+1 {
		t.Errorf("listing has %d after add, want %d", got.Size, n+1)
	}
}
