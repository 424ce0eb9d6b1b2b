package jsm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/tidwall/gjson"
)

// ListOptions narrows a list read.
type ListOptions struct {
	// Query holds the endpoint's filters; start and limit are set by the pager.
	Query url.Values
	// MaxItems stops the read after that many items; 0 reads everything.
	MaxItems int
	// Experimental sends X-ExperimentalApi: opt-in, which experimental
	// endpoints such as /servicedesk/{id}/customer require.
	Experimental bool
}

// List reads every page of a paged endpoint and returns the items verbatim,
// in API order, without duplicates.
//
// Page offsets are computable, so after the first page the pager fetches
// ahead: up to Concurrency pages are in flight, the window growing 1, 2, 4...
// so that short lists cost no wasted requests. Pages are consumed strictly in
// order and must chain: each one has to start where the previous one ended.
// A server that caps a page (size < limit, isLastPage false) is followed at
// start+size, and speculative fetches at offsets that no longer fit are
// dropped. Anything that breaks the chain is an error, never an early end.
func (c *Client) List(ctx context.Context, path string, opts ListOptions) ([]json.RawMessage, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := &pager{client: c, path: path, opts: opts, inflight: map[int]*pageFetch{}}
	p.limit = c.cfg.PageSize
	if opts.MaxItems > 0 && opts.MaxItems < p.limit {
		p.limit = opts.MaxItems
	}
	return p.run(ctx)
}

type pager struct {
	client   *Client
	path     string
	opts     ListOptions
	limit    int
	inflight map[int]*pageFetch
}

// pageFetch is one page request running in its own goroutine.
type pageFetch struct {
	start  int
	cancel context.CancelFunc
	done   chan struct{}
	page   *Page
	keys   []string
	err    error
}

func (p *pager) run(ctx context.Context) ([]json.RawMessage, error) {
	defer p.cancelAll()
	var items []json.RawMessage
	seen := map[string]struct{}{}
	next, step, window := 0, p.limit, 1
	for {
		p.schedule(ctx, next, step, window)
		f := p.inflight[next]
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-f.done:
		}
		delete(p.inflight, next)
		if f.err != nil {
			return nil, f.err
		}
		if err := p.checkChain(f, next); err != nil {
			return nil, err
		}
		for i, item := range f.page.Values {
			if key := f.keys[i]; key != "" {
				if _, dup := seen[key]; dup {
					continue
				}
				seen[key] = struct{}{}
			}
			items = append(items, item)
			if p.opts.MaxItems > 0 && len(items) == p.opts.MaxItems {
				return items, nil
			}
		}
		if f.page.IsLastPage {
			return items, nil
		}
		next += f.page.Size
		if f.page.Size != step {
			step = f.page.Size
			p.dropMisaligned(next, step)
		}
		window = min(window*2, p.client.cfg.Concurrency)
	}
}

func (p *pager) checkChain(f *pageFetch, want int) error {
	endpoint := request{path: p.path, query: p.opts.Query}.endpoint()
	switch {
	case f.page.Start != want:
		return &PagingError{Endpoint: endpoint, Start: want, Reason: fmt.Sprintf("the page asked for at start=%d came back with start=%d, repeating an earlier page", want, f.page.Start)}
	case f.page.Size == 0 && !f.page.IsLastPage:
		return &PagingError{Endpoint: endpoint, Start: want, Reason: "JSM sent an empty page that is not marked as the last one (isLastPage=false)"}
	}
	return nil
}

// schedule keeps `window` consecutive pages from `next` in flight.
func (p *pager) schedule(ctx context.Context, next, step, window int) {
	for k := 0; k < window; k++ {
		start := next + k*step
		if p.opts.MaxItems > 0 && start >= p.opts.MaxItems && k > 0 {
			return
		}
		if _, ok := p.inflight[start]; ok {
			continue
		}
		p.inflight[start] = p.launch(ctx, start)
	}
}

func (p *pager) launch(ctx context.Context, start int) *pageFetch {
	ctx, cancel := context.WithCancel(ctx)
	f := &pageFetch{start: start, cancel: cancel, done: make(chan struct{})}
	query := url.Values{}
	for k, v := range p.opts.Query {
		query[k] = v
	}
	query.Set("start", strconv.Itoa(start))
	query.Set("limit", strconv.Itoa(p.limit))
	r := request{path: p.path, query: query, experimental: p.opts.Experimental}
	go func() {
		defer close(f.done)
		f.page, f.keys, f.err = p.client.fetchPage(ctx, r)
	}()
	return f
}

// dropMisaligned cancels speculative fetches that are not on the new grid.
func (p *pager) dropMisaligned(next, step int) {
	for start, f := range p.inflight {
		if start < next || (start-next)%step != 0 {
			f.cancel()
			delete(p.inflight, start)
		}
	}
}

func (p *pager) cancelAll() {
	for start, f := range p.inflight {
		f.cancel()
		delete(p.inflight, start)
	}
}

func (c *Client) fetchPage(ctx context.Context, r request) (*Page, []string, error) {
	body, err := c.get(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	page, err := ParsePage(body)
	if err != nil {
		return nil, nil, fmt.Errorf("JSM answered GET %s with a body that is not a page: %w", r.endpoint(), err)
	}
	keys := make([]string, len(page.Values))
	for i, v := range page.Values {
		keys[i] = itemKey(v)
	}
	return page, keys, nil
}

// itemKey identifies an item for de-duplication: the first of id, issueId
// and accountId that is present. Items without any are never dropped. The
// page was validated when it was decoded, so gjson only has to find the key,
// which sits near the start of every Service Desk object.
func itemKey(raw json.RawMessage) string {
	for _, field := range []string{"id", "issueId", "accountId"} {
		if v := gjson.GetBytes(raw, field); v.Exists() && v.Type != gjson.Null {
			return field + ":" + v.Raw
		}
	}
	return ""
}
