package jsm

import (
	"context"
	"net/url"
)

// SeesServiceDesks reports whether the account sees at least one service
// desk, with one request of one item. JSM answers an account without an
// agent licence with a customer's view instead of refusing it: no desk
// listed, and only the requests the account created or participates in.
func (c *Client) SeesServiceDesks(ctx context.Context) (bool, error) {
	body, err := c.get(ctx, request{path: ServiceDesksPath, query: url.Values{"start": {"0"}, "limit": {"1"}}})
	if err != nil {
		return false, err
	}
	page, err := ParsePage(body)
	if err != nil {
		return false, err
	}
	return page.Size > 0, nil
}
