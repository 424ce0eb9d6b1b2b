package fakejsm

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func dump(t *testing.T, tn *Tenant) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, list := range [][]json.RawMessage{tn.ServiceDesksJSON(), tn.RequestsJSON(), tn.OrganizationsJSON()} {
		for _, raw := range list {
			b.Write(raw)
			b.WriteByte('\n')
		}
	}
	b.WriteString(tn.CurrentAccountID + tn.RestrictedServiceDeskID)
	return b.Bytes()
}

func TestGenerateTenantIsDeterministic(t *testing.T) {
	a := dump(t, GenerateTenant(TenantOptions{Seed: 42}))
	b := dump(t, GenerateTenant(TenantOptions{Seed: 42}))
	if !bytes.Equal(a, b) {
		t.Fatal("same seed gave different tenants")
	}
	if c := dump(t, GenerateTenant(TenantOptions{Seed: 43})); bytes.Equal(a, c) {
		t.Fatal("different seeds gave the same tenant")
	}
	// The served form is the same too, apart from the link base.
	s1 := newServer(t, TenantOptions{Seed: 42})
	s2 := newServer(t, TenantOptions{Seed: 42})
	r1 := bytes.ReplaceAll(dump(t, s1.Tenant()), []byte(s1.URL()), []byte("BASE"))
	r2 := bytes.ReplaceAll(dump(t, s2.Tenant()), []byte(s2.URL()), []byte("BASE"))
	if !bytes.Equal(r1, r2) {
		t.Fatal("same seed served differently")
	}
}

var (
	iso8601Re = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$`)
	jiraRe    = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$`)
	digitsRe  = regexp.MustCompile(`^\d+$`)
	keyRe     = regexp.MustCompile(`^[A-Z][A-Z0-9]+-\d+$`)
)

func TestGenerateTenantDefaults(t *testing.T) {
	tn := GenerateTenant(TenantOptions{Seed: 7})
	if got := tn.ServiceDeskIDs(); !slices.Equal(got, []string{"1", "2", "3"}) {
		t.Errorf("desk ids %v", got)
	}
	if tn.RestrictedServiceDeskID != "4" {
		t.Errorf("restricted desk %q", tn.RestrictedServiceDeskID)
	}
	desks := tn.ServiceDesksJSON()
	wantKeys := []string{"IT", "HR", "FAC"}
	for i, d := range desks {
		if k := field[string](t, d, "projectKey"); k != wantKeys[i] {
			t.Errorf("desk %d key %q", i, k)
		}
		if p := field[string](t, d, "projectId"); p != strconv.Itoa(10001+i) {
			t.Errorf("desk %d projectId %q", i, p)
		}
	}
	if n := field[string](t, desks[0], "projectName"); n != "IT Help Desk" {
		t.Errorf("projectName %q", n)
	}
	if n := len(tn.RequestTypeIDs("1")); n != 4 {
		t.Errorf("%d request types", n)
	}
	if n := len(tn.OrganizationIDs()); n != 5 {
		t.Errorf("%d organizations", n)
	}

	reqs := tn.RequestsJSON()
	if len(reqs) != 50 {
		t.Fatalf("%d requests", len(reqs))
	}
	var lastActivity int64
	lastID := 0
	issueIDs := map[string]bool{}
	hiddenEmail, withPriority := 0, 0
	for i, r := range reqs {
		id := field[string](t, r, "issueId")
		issueIDs[id] = true
		if k := field[string](t, r, "issueKey"); !keyRe.MatchString(k) {
			t.Errorf("issueKey %q", k)
		}
		for _, name := range []string{"requestTypeId", "serviceDeskId"} {
			if v := field[string](t, r, name); !digitsRe.MatchString(v) {
				t.Errorf("%s %q", name, v)
			}
		}
		if hasField(t, r, "summary") {
			t.Error("CustomerRequestDTO has no top-level summary")
		}
		if summaryOf(t, r) == "" {
			t.Error("no summary field value")
		}
		created := field[dateDTO](t, r, "createdDate")
		if !iso8601Re.MatchString(created.ISO8601) || !jiraRe.MatchString(created.Jira) || created.Friendly == "" {
			t.Errorf("createdDate %+v", created)
		}
		activity := field[requestStatusDTO](t, r, "currentStatus").StatusDate.EpochMillis
		n, _ := strconv.Atoi(id)
		if activity < lastActivity || activity == lastActivity && n < lastID {
			t.Errorf("request %d (%s) not in ascending latest-activity order", i, id)
		}
		if activity < created.EpochMillis {
			t.Errorf("request %s: latest activity before creation", id)
		}
		lastActivity, lastID = activity, n
		reporter := field[json.RawMessage](t, r, "reporter")
		if !hasField(t, reporter, "emailAddress") {
			hiddenEmail++
		}
		if strings.Contains(string(r), `"fieldId":"priority"`) {
			withPriority++
		}
		st := field[requestStatusDTO](t, r, "currentStatus")
		if !validCategory(st.StatusCategory) || st.Status == "" || !iso8601Re.MatchString(st.StatusDate.ISO8601) {
			t.Errorf("currentStatus %+v", st)
		}
		links := field[requestLinksDTO](t, r, "_links")
		if links.JiraRest == "" || links.Web == "" || links.Self == "" || links.Agent == "" {
			t.Errorf("_links %+v", links)
		}
	}
	for i := range reqs {
		if !issueIDs[strconv.Itoa(firstIssueID+i)] {
			t.Errorf("issueId %d missing: ids are not %d upward", firstIssueID+i, firstIssueID)
		}
	}
	if hiddenEmail == 0 || hiddenEmail == len(reqs) {
		t.Errorf("%d of %d reporters hide their email; want some", hiddenEmail, len(reqs))
	}
	if withPriority == 0 || withPriority == len(reqs) {
		t.Errorf("%d of %d requests have a priority; want some", withPriority, len(reqs))
	}

	noCreated, noSCIM := 0, 0
	for _, o := range GenerateTenant(TenantOptions{Seed: 7, Organizations: 40}).OrganizationsJSON() {
		if !hasField(t, o, "created") {
			noCreated++
		}
		if !hasField(t, o, "scimManaged") {
			noSCIM++
		}
	}
	if noCreated == 0 || noCreated == 40 || noSCIM == 0 || noSCIM == 40 {
		t.Errorf("created absent %d/40, scimManaged absent %d/40; want some of each", noCreated, noSCIM)
	}
}

func TestGenerateTenantBeyondFixedLists(t *testing.T) {
	tn := GenerateTenant(TenantOptions{Seed: 1, ServiceDesks: 14, Organizations: 30, Customers: 1000, Requests: 3000, RequestTypesPerDesk: 9})
	keys := map[string]bool{}
	for _, d := range tn.ServiceDesksJSON() {
		k := field[string](t, d, "projectKey")
		if keys[k] {
			t.Errorf("duplicate project key %s", k)
		}
		keys[k] = true
	}
	if len(keys) != 14 || !keys["SD11"] || !keys["SD14"] || keys["SEC"] {
		t.Errorf("project keys %v", keys)
	}
	names := map[string]bool{}
	for _, o := range tn.OrganizationsJSON() {
		names[field[string](t, o, "name")] = true
	}
	if len(names) != 30 {
		t.Errorf("%d distinct organization names, want 30", len(names))
	}
	if n := len(tn.RequestsJSON()); n != 3000 {
		t.Errorf("%d requests", n)
	}
	if n := len(tn.RequestTypeIDs("2")); n != 9 {
		t.Errorf("%d request types", n)
	}
}

func TestGenerateTenantEmpty(t *testing.T) {
	tn := GenerateTenant(TenantOptions{ServiceDesks: -1, Organizations: -1, Customers: -1})
	if len(tn.ServiceDeskIDs()) != 0 || len(tn.RequestsJSON()) != 0 || len(tn.OrganizationsJSON()) != 0 {
		t.Fatal("negative sizes should give an empty tenant")
	}
	for _, o := range []TenantOptions{
		{Organizations: -1, Customers: -1, Requests: 30},
		{Organizations: -1, Requests: 30},
		{Customers: -1, Requests: 30},
		{ServiceDesks: 1, Organizations: 1, Customers: 1, Requests: 30},
	} {
		s := newServer(t, o)
		if got := collect(t, s, "/rest/servicedeskapi/request", nil); len(got) != 30 {
			t.Errorf("%+v: default listing has %d of 30 requests", o, len(got))
		}
	}
}

func TestTenantMutations(t *testing.T) {
	tn := GenerateTenant(TenantOptions{Seed: 3})
	before := len(tn.RequestsJSON())
	last := tn.RequestsJSON()[before-1]

	id, raw, err := tn.AddRequest(NewRequest{ServiceDeskID: "HR", Summary: "Laptop for new hire", OrganizationIDs: []string{"2"}, Priority: "High"})
	if err != nil {
		t.Fatal(err)
	}
	if id != strconv.Itoa(firstIssueID+before) || field[string](t, raw, "issueId") != id {
		t.Errorf("new id %s, raw %s", id, raw)
	}
	if field[string](t, raw, "serviceDeskId") != "2" || !strings.HasPrefix(field[string](t, raw, "issueKey"), "HR-") || summaryOf(t, raw) != "Laptop for new hire" {
		t.Errorf("raw %s", raw)
	}
	if field[dateDTO](t, raw, "createdDate").EpochMillis <= field[dateDTO](t, last, "createdDate").EpochMillis {
		t.Error("new request is not the newest")
	}
	all := tn.RequestsJSON()
	if len(all) != before+1 || !bytes.Equal(all[before], raw) {
		t.Fatal("added request is not last in API order")
	}
	if got, ok := tn.RequestJSON(field[string](t, raw, "issueKey")); !ok || !bytes.Equal(got, raw) {
		t.Error("RequestJSON by key")
	}

	if err := tn.SetRequestStatus(id, "Resolved", CategoryDone); err != nil {
		t.Fatal(err)
	}
	got, _ := tn.RequestJSON(id)
	if st := field[requestStatusDTO](t, got, "currentStatus"); st.Status != "Resolved" || st.StatusCategory != CategoryDone {
		t.Errorf("status %+v", st)
	}
	if err := tn.SetRequestStatus(id, "Odd", "WEIRD"); err == nil {
		t.Error("invalid category accepted")
	}
	if err := tn.RemoveRequest(id); err != nil {
		t.Fatal(err)
	}
	if _, ok := tn.RequestJSON(id); ok || len(tn.RequestsJSON()) != before {
		t.Error("request not removed")
	}
	if err := tn.RemoveRequest(id); !errors.Is(err, ErrNotFound) {
		t.Errorf("second remove: %v", err)
	}
	if err := tn.SetRequestStatus("99999999", "x", CategoryNew); !errors.Is(err, ErrNotFound) {
		t.Errorf("status of missing request: %v", err)
	}
	if err := tn.SetOrganizationMembership("999", true); !errors.Is(err, ErrNotFound) {
		t.Errorf("membership of missing org: %v", err)
	}

	for _, bad := range []NewRequest{
		{ServiceDeskID: "999"},
		{ServiceDeskID: "1", RequestTypeID: "999"},
		{ReporterAccountID: "nobody"},
		{ParticipantAccountIDs: []string{"nobody"}},
		{OrganizationIDs: []string{"999"}},
		{StatusCategory: "WEIRD"},
		{Priority: "Urgent-ish"},
	} {
		if _, _, err := tn.AddRequest(bad); err == nil {
			t.Errorf("AddRequest(%+v) accepted", bad)
		}
	}
}
