package jsm

import (
	"context"
	"net/url"
	"strings"
)

// ListServiceDesks reads GET /servicedesk.
func (c *Client) ListServiceDesks(ctx context.Context, maxItems int) ([]Record[ServiceDesk], error) {
	items, err := c.List(ctx, "/servicedesk", ListOptions{MaxItems: maxItems})
	if err != nil {
		return nil, err
	}
	return decodeAll[ServiceDesk](items, "service desk")
}

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

// ListCustomerRequests reads GET /request.
func (c *Client) ListCustomerRequests(ctx context.Context, filter RequestFilter, maxItems int) ([]Record[CustomerRequest], error) {
	items, err := c.List(ctx, "/request", ListOptions{Query: filter.Query(), MaxItems: maxItems})
	if err != nil {
		return nil, err
	}
	return decodeAll[CustomerRequest](items, "customer request")
}

// OrganizationFilter selects GET /organization, or GET
// /servicedesk/{id}/organization when ServiceDeskID is set.
type OrganizationFilter struct {
	ServiceDeskID string
	AccountID     string
}

// ListOrganizations reads the organizations of the site or of one desk.
func (c *Client) ListOrganizations(ctx context.Context, filter OrganizationFilter, maxItems int) ([]Record[Organization], error) {
	path := "/organization"
	if filter.ServiceDeskID != "" {
		path = "/servicedesk/" + url.PathEscape(filter.ServiceDeskID) + "/organization"
	}
	q := url.Values{}
	if filter.AccountID != "" {
		q.Set("accountId", filter.AccountID)
	}
	items, err := c.List(ctx, path, ListOptions{Query: q, MaxItems: maxItems})
	if err != nil {
		return nil, err
	}
	return decodeAll[Organization](items, "organization")
}

// Get reads one response of a path that is not paged (or one page of one
// that is) and returns the body verbatim.
func (c *Client) Get(ctx context.Context, path string, query url.Values, experimental bool) ([]byte, error) {
	return c.get(ctx, request{path: path, query: query, experimental: experimental})
}
