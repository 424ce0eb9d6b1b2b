package jsm

import (
	"context"
	"net/url"
	"strings"
)

// Paths of the lists the typed data sources read.
const (
	ServiceDesksPath     = "/servicedesk"
	CustomerRequestsPath = "/request"
)

// RequestFilter holds the filters of GET /request. Empty fields are not sent.
type RequestFilter struct {
	ServiceDeskID    string
	RequestTypeID    string
	RequestStatus    string
	RequestOwnership []string
	ApprovalStatus   string
	OrganizationID   string
	SearchTerm       string
	Expand           []string
}

// Query encodes the filter as the endpoint expects it: requestOwnership
// repeated, expand comma-separated.
func (f RequestFilter) Query() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("serviceDeskId", f.ServiceDeskID)
	set("requestTypeId", f.RequestTypeID)
	set("requestStatus", f.RequestStatus)
	set("approvalStatus", f.ApprovalStatus)
	set("organizationId", f.OrganizationID)
	set("searchTerm", f.SearchTerm)
	for _, o := range f.RequestOwnership {
		q.Add("requestOwnership", o)
	}
	if len(f.Expand) > 0 {
		q.Set("expand", strings.Join(f.Expand, ","))
	}
	return q
}

// OrganizationFilter selects GET /organization, or GET
// /servicedesk/{id}/organization when ServiceDeskID is set.
type OrganizationFilter struct {
	ServiceDeskID string
	AccountID     string
}

// Path is the endpoint the filter reads.
func (f OrganizationFilter) Path() string {
	if f.ServiceDeskID != "" {
		return "/servicedesk/" + url.PathEscape(f.ServiceDeskID) + "/organization"
	}
	return "/organization"
}

// Query holds the filter's query parameters.
func (f OrganizationFilter) Query() url.Values {
	q := url.Values{}
	if f.AccountID != "" {
		q.Set("accountId", f.AccountID)
	}
	return q
}

// Get reads one response of a path that is not paged (or one page of one
// that is) and returns the body verbatim.
func (c *Client) Get(ctx context.Context, path string, query url.Values, experimental bool) ([]byte, error) {
	return c.get(ctx, request{path: path, query: query, experimental: experimental})
}
