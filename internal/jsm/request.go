package jsm

import (
	"context"
	"net/http"
	"net/url"

	"github.com/portjsm/terraform-provider-portjsm/internal/httpbase"
)

// maxBodyBytes bounds one response body; a Service Desk page is far smaller.
const maxBodyBytes = 64 << 20

// request describes one GET against the API.
type request struct {
	path         string
	query        url.Values
	experimental bool
	// observe, when not nil, sees every answer (see httpbase.Request).
	observe func(status int, h http.Header)
}

// endpoint is the request as errors and logs show it: path and query,
// relative to the base URL, never credentials.
func (r request) endpoint() string {
	if len(r.query) == 0 {
		return r.path
	}
	return r.path + "?" + r.query.Encode()
}

// get runs the request with retries (see httpbase.Client.Do) and returns
// the body of a 2xx answer.
func (c *Client) get(ctx context.Context, r request) ([]byte, error) {
	u, err := c.endpointURL(r.path, r.query)
	if err != nil {
		return nil, err
	}
	req := httpbase.Request{Method: http.MethodGet, URL: u.String(), Endpoint: r.endpoint(), Idempotent: true, Auth: c.auth,
		Lane: laneOf(r.path), Observe: r.observe}
	if r.experimental {
		req.Header = http.Header{}
		req.Header.Set("X-ExperimentalApi", "opt-in")
	}
	return c.core.Do(ctx, req)
}

// staticAuth is the Authorization header of basic or bearer auth. JSM's
// credentials do not expire within a run, so a 401 is final.
type staticAuth string

func (a staticAuth) Authorization(context.Context) (string, error) { return string(a), nil }
func (staticAuth) Refused(string) bool                             { return false }
