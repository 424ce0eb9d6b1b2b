package fakejsm

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPagingDefaults(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 1})
	env := getPage(t, s, "/rest/servicedeskapi/servicedesk")
	if env.Start != 0 || env.Limit != 50 || env.Size != 3 || !env.IsLastPage || len(env.Values) != 3 {
		t.Errorf("envelope %+v", env)
	}
	if env.Expands == nil || len(env.Expands) != 0 {
		t.Errorf("_expands %v", env.Expands)
	}
	if env.Links.Self != s.URL()+"/rest/servicedeskapi/servicedesk" || env.Links.Base != s.URL()+"/rest/servicedeskapi" {
		t.Errorf("links %+v", env.Links)
	}
	if env.Links.Next != "" || env.Links.Prev != "" {
		t.Errorf("next/prev on a single page: %+v", env.Links)
	}
	for i, v := range env.Values {
		if !bytes.Equal(v, s.Tenant().ServiceDesksJSON()[i]) {
			t.Errorf("value %d differs from ServiceDesksJSON", i)
		}
	}
}

func TestPagingLinksAndPrev(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 1, ServiceDesks: 7})
	env := getPage(t, s, "/rest/servicedeskapi/servicedesk?start=2&limit=2")
	if env.Start != 2 || env.Size != 2 || env.Limit != 2 || env.IsLastPage {
		t.Errorf("envelope %+v", env)
	}
	if field[string](t, env.Values[0], "id") != "3" {
		t.Errorf("first value %s", env.Values[0])
	}
	base := s.URL() + "/rest/servicedeskapi/servicedesk"
	if env.Links.Next != base+"?limit=2&start=4" || env.Links.Prev != base+"?limit=2&start=0" {
		t.Errorf("links %+v", env.Links)
	}
	last := getPage(t, s, "/rest/servicedeskapi/servicedesk?start=6&limit=2")
	if last.Size != 1 || !last.IsLastPage || last.Links.Next != "" || last.Links.Prev == "" {
		t.Errorf("last page %+v", last)
	}
	beyond := getPage(t, s, "/rest/servicedeskapi/servicedesk?start=100")
	if beyond.Size != 0 || !beyond.IsLastPage || len(beyond.Values) != 0 || beyond.Values == nil {
		t.Errorf("page beyond the end %+v", beyond)
	}
}

func TestPagingCapEchoesLimit(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 2, Requests: 250})
	q := "requestStatus=ALL_REQUESTS&limit=500"
	env := getPage(t, s, "/rest/servicedeskapi/request?"+q)
	if env.Size != 100 || env.Limit != 500 || env.IsLastPage || len(env.Values) != 100 {
		t.Fatalf("capped page: size %d limit %d last %v", env.Size, env.Limit, env.IsLastPage)
	}
	next, err := url.Parse(env.Links.Next)
	if err != nil {
		t.Fatal(err)
	}
	nq := next.Query()
	if nq.Get("start") != "100" || nq.Get("limit") != "500" || nq.Get("requestStatus") != "ALL_REQUESTS" {
		t.Errorf("next %s", env.Links.Next)
	}
	if got := collect(t, s, "/rest/servicedeskapi/request", url.Values{"limit": {"500"}}); len(got) != 250 {
		t.Errorf("collected %d of 250", len(got))
	}

	// Other endpoints cap at 50 by default.
	s2 := newServer(t, TenantOptions{Seed: 2, Organizations: 120})
	env = getPage(t, s2, "/rest/servicedeskapi/organization?limit=100")
	if env.Size != 50 || env.Limit != 100 || env.IsLastPage {
		t.Errorf("organization page: size %d limit %d last %v", env.Size, env.Limit, env.IsLastPage)
	}
}

func TestSetPageCap(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 3})
	s.SetPageCap("/servicedesk", 2)
	env := getPage(t, s, "/rest/servicedeskapi/servicedesk")
	if env.Size != 2 || env.Limit != 50 || env.IsLastPage {
		t.Errorf("capped: %+v", env)
	}
	if !strings.Contains(env.Links.Next, "start=2") {
		t.Errorf("next %s", env.Links.Next)
	}
	if got := collect(t, s, "/rest/servicedeskapi/servicedesk", nil); len(got) != 3 {
		t.Errorf("collected %d desks", len(got))
	}
	s.SetPageCap("/servicedesk", 0)
	if env := getPage(t, s, "/rest/servicedeskapi/servicedesk"); env.Size != 3 {
		t.Errorf("cap not restored: %+v", env)
	}

	// Every spelling of a pattern works.
	s.SetPageCap("GET /rest/servicedeskapi/servicedesk/{id}/queue", 1)
	if env := getPage(t, s, "/rest/servicedeskapi/servicedesk/IT/queue"); env.Size != 1 || env.IsLastPage {
		t.Errorf("queue cap: %+v", env)
	}
	s.SetPageCap("/rest/servicedeskapi/request", 7)
	all := collect(t, s, "/rest/servicedeskapi/request", nil)
	want := s.Tenant().RequestsJSON()
	if len(all) != len(want) {
		t.Fatalf("collected %d of %d", len(all), len(want))
	}
	for i := range all {
		if !bytes.Equal(all[i], want[i]) {
			t.Fatalf("request %d differs from RequestsJSON", i)
		}
	}
}

func TestPagingRejectsInvalidStartAndLimit(t *testing.T) {
	s := newServer(t, TenantOptions{Seed: 4})
	for _, q := range []string{"start=-1", "start=abc", "start=", "limit=0", "limit=-5", "limit=x", "limit=1.5"} {
		for _, p := range []string{"/rest/servicedeskapi/servicedesk", "/rest/servicedeskapi/request", "/rest/servicedeskapi/organization", "/rest/servicedeskapi/servicedesk/1/queue"} {
			e := getError(t, s, p+"?"+q, http.StatusBadRequest)
			if !strings.Contains(e.ErrorMessage, "start") && !strings.Contains(e.ErrorMessage, "limit") {
				t.Errorf("%s?%s: message %q", p, q, e.ErrorMessage)
			}
		}
	}
}
