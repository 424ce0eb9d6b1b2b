package fakejsm

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
)

// Default page sizes: the API's default limit, and the most items the fake
// puts on one page whatever the limit asked for.
const (
	DefaultLimit      = 50
	DefaultPageCap    = 50
	DefaultRequestCap = 100
)

type pageParams struct {
	start, limit int
}

// parsePage reads start (default 0) and limit (default 50). Negative,
// non-numeric or zero limits are rejected with 400.
func parsePage(q url.Values) (pageParams, *response) {
	p := pageParams{start: 0, limit: DefaultLimit}
	if v := q.Get("start"); v != "" || q.Has("start") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			r := errResp(http.StatusBadRequest, "The start parameter must be a non-negative integer, got '"+v+"'.", "sd.public.rest.pagination.invalid.start", v)
			return p, &r
		}
		p.start = n
	}
	if v := q.Get("limit"); v != "" || q.Has("limit") {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			r := errResp(http.StatusBadRequest, "The limit parameter must be a positive integer, got '"+v+"'.", "sd.public.rest.pagination.invalid.limit", v)
			return p, &r
		}
		p.limit = n
	}
	return p, nil
}

// SetPageCap sets the most items one page of an endpoint holds. pathPattern
// names the endpoint in any of the forms "/request",
// "/rest/servicedeskapi/request" or "GET /rest/servicedeskapi/request";
// placeholders may have any name ("/servicedesk/{id}/queue"). n <= 0 restores
// the default (100 for /request, 50 elsewhere).
func (s *Server) SetPageCap(pathPattern string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := normalizePattern(pathPattern)
	if n <= 0 {
		delete(s.caps, key)
		return
	}
	s.caps[key] = n
}

func (s *Server) pageCap(pattern string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n, ok := s.caps[normalizePattern(pattern)]; ok {
		return n
	}
	if pattern == "/request" {
		return DefaultRequestCap
	}
	return DefaultPageCap
}

// page builds the PagedDTO envelope for items [start, start+size) of total.
// The page holds at most the endpoint's cap; limit is echoed as asked. Links
// are absolute; next is left out on the last page and prev at start 0.
func (s *Server) page(c *call, p pageParams, total int, expands []string, item func(i int) []byte) response {
	size := min(p.limit, s.pageCap(c.pattern))
	end := min(p.start+size, total)
	empty := s.emptyPageAt(c.rel, p.start)
	if empty || end < p.start {
		end = p.start
	}
	n := end - p.start
	last := !empty && p.start+n >= total
	env := pagedDTO{
		Expands:    expands,
		Size:       n,
		Start:      p.start,
		Limit:      p.limit,
		IsLastPage: last,
		Links: pagedLinksDTO{
			Self:    s.selfURL(c, p),
			Base:    s.linkBase + apiPath,
			Context: "",
		},
	}
	if !last {
		next := p.start + n
		if n == 0 {
			next = p.start + size
		}
		env.Links.Next = s.pageURL(c, next, p.limit)
	}
	if p.start > 0 {
		env.Links.Prev = s.pageURL(c, max(0, p.start-p.limit), p.limit)
	}
	// The items are compact JSON already: splice them in rather than have
	// encoding/json re-validate every byte. values is the last field.
	head := bytes.TrimSuffix(marshal(env), []byte("null}"))
	body := make([]byte, 0, len(head)+n*2048+3)
	body = append(append(body, head...), '[')
	source := s.repeatedSource(c.rel, p.start, n, total)
	for i := p.start; i < end; i++ {
		if i > p.start {
			body = append(body, ',')
		}
		if source != nil {
			body = append(body, item(source(i))...)
			continue
		}
		body = append(body, item(i)...)
	}
	body = append(body, "]}"...)
	return response{status: http.StatusOK, body: body, objects: n}
}

func (s *Server) selfURL(c *call, p pageParams) string {
	if s.gateway {
		return s.pageURL(c, p.start, p.limit)
	}
	u := s.linkBase + apiPath + c.rel
	if len(c.query) > 0 {
		u += "?" + c.query.Encode()
	}
	return u
}

// pageURL is the link to another page. Directly against the site it keeps
// every query parameter; through the gateway it keeps only start and limit.
func (s *Server) pageURL(c *call, start, limit int) string {
	q := url.Values{}
	if !s.gateway {
		for k, v := range c.query {
			q[k] = v
		}
	}
	q.Set("start", strconv.Itoa(start))
	q.Set("limit", strconv.Itoa(limit))
	return s.linkBase + apiPath + c.rel + "?" + q.Encode()
}
