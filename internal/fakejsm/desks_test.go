package fakejsm

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestServiceDeskIdentifierForms(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 21})
	want := s.Tenant().ServiceDesksJSON()[0]
	for _, ident := range []string{"1", "IT", "projectKey:IT", "projectId:10001"} {
		status, _, body := get(t, s, "/rest/servicedeskapi/servicedesk/"+ident)
		if status != http.StatusOK || !bytes.Equal(body, want) {
			t.Errorf("servicedesk/%s: %d %s", ident, status, body)
		}
		if env := getPage(t, s, "/rest/servicedeskapi/servicedesk/"+ident+"/queue"); env.Size == 0 {
			t.Errorf("servicedesk/%s/queue is empty", ident)
		}
	}
	for _, ident := range []string{"999", "NOPE", "projectKey:NOPE", "projectId:1", "projectKey:"} {
		e := getError(t, s, "/rest/servicedeskapi/servicedesk/"+url.PathEscape(ident), http.StatusNotFound)
		if !strings.Contains(e.ErrorMessage, ident) || !strings.Contains(e.ErrorMessage, "does not exist") {
			t.Errorf("servicedesk/%s: message %q", ident, e.ErrorMessage)
		}
	}
	restricted := s.Tenant().RestrictedServiceDeskID
	for _, ident := range []string{restricted, "SEC", "projectKey:SEC"} {
		for _, sub := range []string{"", "/queue", "/organization", "/requesttype"} {
			getError(t, s, "/rest/servicedeskapi/servicedesk/"+ident+sub, http.StatusForbidden)
		}
		getError(t, s, "/rest/servicedeskapi/servicedesk/"+ident+"/customer", http.StatusForbidden, withHeader(ExperimentalHeader, "opt-in"))
	}
	for _, d := range getPage(t, s, "/rest/servicedeskapi/servicedesk").Values {
		if field[string](t, d, "id") == restricted {
			t.Error("restricted desk is listed")
		}
	}
}

func TestDeskSubResources(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 22, Requests: 120})
	tn := s.Tenant()

	t.Run("queues", func(t *testing.T) {
		env := getPage(t, s, "/rest/servicedeskapi/servicedesk/1/queue")
		if env.Size != 5 {
			t.Fatalf("%d queues", env.Size)
		}
		for _, q := range env.Values {
			if hasField(t, q, "issueCount") {
				t.Error("issueCount without includeCount")
			}
		}
		counted := getPage(t, s, "/rest/servicedeskapi/servicedesk/1/queue?includeCount=true")
		open := getPage(t, s, "/rest/servicedeskapi/request?serviceDeskId=1&requestStatus=OPEN_REQUESTS&limit=100").Size
		if n := field[int](t, counted.Values[0], "issueCount"); n != open {
			t.Errorf("All open queue counts %d, open requests %d", n, open)
		}
		getError(t, s, "/rest/servicedeskapi/servicedesk/1/queue?includeCount=maybe", http.StatusBadRequest)
		// Queue ids are unique across desks.
		other := getPage(t, s, "/rest/servicedeskapi/servicedesk/2/queue")
		if field[string](t, other.Values[0], "id") == field[string](t, env.Values[0], "id") {
			t.Error("queue ids repeat across desks")
		}
	})

	t.Run("request types", func(t *testing.T) {
		env := getPage(t, s, "/rest/servicedeskapi/servicedesk/IT/requesttype")
		var ids []string
		for _, v := range env.Values {
			ids = append(ids, field[string](t, v, "id"))
			if field[string](t, v, "serviceDeskId") != "1" || field[string](t, v, "portalId") != "1" {
				t.Errorf("request type %s", v)
			}
		}
		if !slices.Equal(ids, tn.RequestTypeIDs("1")) {
			t.Errorf("ids %v", ids)
		}
		group := field[[]string](t, env.Values[0], "groupIds")[0]
		byGroup := getPage(t, s, "/rest/servicedeskapi/servicedesk/1/requesttype?groupId="+group)
		if byGroup.Size == 0 || byGroup.Size == env.Size {
			t.Errorf("groupId selects %d of %d", byGroup.Size, env.Size)
		}
		search := getPage(t, s, "/rest/servicedeskapi/servicedesk/1/requesttype?searchQuery=HARDWARE")
		if search.Size != 1 || !strings.Contains(field[string](t, search.Values[0], "name"), "hardware") {
			t.Errorf("searchQuery: %+v", search)
		}
		getError(t, s, "/rest/servicedeskapi/servicedesk/1/requesttype?groupId=x", http.StatusBadRequest)
	})

	t.Run("customers need the experimental header", func(t *testing.T) {
		e := getError(t, s, "/rest/servicedeskapi/servicedesk/1/customer", http.StatusPreconditionFailed)
		if !strings.Contains(e.ErrorMessage, "X-ExperimentalApi: opt-in") {
			t.Errorf("412 message %q", e.ErrorMessage)
		}
		opt := withHeader(ExperimentalHeader, "opt-in")
		env := getPage(t, s, "/rest/servicedeskapi/servicedesk/1/customer", opt)
		if env.Size == 0 {
			t.Fatal("no customers")
		}
		name := field[string](t, env.Values[0], "displayName")
		first, _, _ := strings.Cut(name, " ")
		q := getPage(t, s, "/rest/servicedeskapi/servicedesk/1/customer?query="+url.QueryEscape(strings.ToUpper(first)), opt)
		if q.Size == 0 || q.Size > env.Size {
			t.Errorf("query=%s found %d", first, q.Size)
		}
		getError(t, s, "/rest/servicedeskapi/servicedesk/999/customer", http.StatusNotFound, opt)
	})

	t.Run("desk organizations", func(t *testing.T) {
		env := getPage(t, s, "/rest/servicedeskapi/servicedesk/1/organization")
		if env.Size == 0 {
			t.Fatal("desk 1 has no organizations")
		}
		all := map[string][]byte{}
		for _, o := range tn.OrganizationsJSON() {
			all[field[string](t, o, "id")] = o
		}
		for _, o := range env.Values {
			if !bytes.Equal(o, all[field[string](t, o, "id")]) {
				t.Errorf("desk organization %s differs from OrganizationsJSON", o)
			}
		}
		mine := getPage(t, s, "/rest/servicedeskapi/servicedesk/1/organization?accountId="+url.QueryEscape(tn.CurrentAccountID))
		if mine.Size != env.Size {
			t.Errorf("current user is in %d of the desk's %d organizations", mine.Size, env.Size)
		}
	})
}

func TestOrganizations(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 23, Organizations: 12, Customers: 60})
	tn := s.Tenant()
	got := collect(t, s, "/rest/servicedeskapi/organization", url.Values{"limit": {"5"}})
	want := tn.OrganizationsJSON()
	if len(got) != len(want) {
		t.Fatalf("%d of %d organizations", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("organization %d differs", i)
		}
	}
	mine := collect(t, s, "/rest/servicedeskapi/organization", url.Values{"accountId": {tn.CurrentAccountID}})
	if len(mine) != len(want) {
		t.Errorf("current user is in %d of %d organizations", len(mine), len(want))
	}
	// A customer belongs to fewer organizations.
	customers := getPage(t, s, "/rest/servicedeskapi/servicedesk/1/customer?limit=50", withHeader(ExperimentalHeader, "opt-in"))
	smaller := false
	for _, c := range customers.Values {
		acc := field[string](t, c, "accountId")
		if n := len(collect(t, s, "/rest/servicedeskapi/organization", url.Values{"accountId": {acc}})); n < len(want) {
			smaller = true
		}
	}
	if !smaller {
		t.Error("accountId filter never narrows the list")
	}
	getError(t, s, "/rest/servicedeskapi/organization?accountId=nobody", http.StatusNotFound)

	status, _, body := get(t, s, "/rest/servicedeskapi/organization/3")
	if status != http.StatusOK || !bytes.Equal(body, want[2]) {
		t.Errorf("organization/3: %d %s", status, body)
	}
	getError(t, s, "/rest/servicedeskapi/organization/999", http.StatusNotFound)
}
