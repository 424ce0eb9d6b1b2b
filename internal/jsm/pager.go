package jsm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/tidwall/gjson"
	"golang.org/x/sync/semaphore"

	"github.com/portjsm/terraform-provider-portjsm/internal/phases"
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

// Listing is the result of List and ListDecoded.
type Listing[T any] struct {
	// Items are the items (verbatim, or as converted), one per distinct id:
	// the union of every read, in the order of the first read with items
	// that only later reads saw appended, each as the latest read that saw
	// it sent it.
	Items []T
	// Reads is how many times the list was drained, a discarded broken read
	// included.
	Reads int
	// Settled says the last read repeated nothing, so the items hold every
	// item that existed throughout the reads (deletions during a read aside,
	// see List). When it is false, the union may lack an item that moved at
	// the wrong moment in every read.
	Settled bool
	// Repeated names a few ids the last read saw twice.
	Repeated []string
	// Quota is what the reads spent of the hourly points quota of OAuth
	// 2.0 apps; nil when no answer stated the quota.
	Quota *QuotaUse
}

// List reads every page of a paged endpoint and returns the items verbatim,
// in API order, without duplicates.
//
// Page offsets are computable, so after the first page the pager fetches
// ahead: up to Concurrency requests are in flight, the window growing 1, 2,
// 4... so that short lists cost no wasted requests. Once it is whole, a page
// whose answer is being decoded and converted leaves its slot to the next
// request, up to Concurrency-1 such pages and two for each core; as many
// pages are decoded and converted at once as there are cores, the others
// wait as bodies. Pages are consumed strictly in
// order and must chain: each one has to start where the previous one ended.
// A server that caps a page (size < limit, isLastPage false) is followed at
// start+size, and speculative fetches at offsets that no longer fit are
// dropped. Anything that breaks the chain is an error, never an early end.
//
// A read proves itself. Lists such as GET /request are ordered by latest
// activity, so items move while a read pages through them, and a move that
// skips an item over a page boundary shows as another item read twice. So a
// read that repeats an id is followed by another read, and the result is the
// union of the reads (an item any read saw exists or existed during this
// run). A read of a list whose items only move or are added misses at most
// as many items as it repeats, so the reads stop once the last one repeats
// nothing: then the union holds every item that existed throughout. Earlier
// reads holding items the last one did not see prove nothing: an item
// deleted between the reads looks exactly like one the last read missed, so
// counting such items could settle while an item that existed throughout is
// missing. After MaxReads reads the union is returned and the Listing says it
// did not settle. An item deleted during a read can hide a neighbour without
// any repeat; offset paging cannot see that, and the next run reads the
// neighbour again.
//
// Repeats that no move explains, an id twice within one page or a page that
// repeats an earlier run of items, mean a broken server or proxy: such a
// read is discarded and the list read once more, and if a second read is
// broken too, List fails with a PagingError naming the pages and ids.
func (c *Client) List(ctx context.Context, path string, opts ListOptions) (*Listing[json.RawMessage], error) {
	keep := func(_ context.Context, _ int, items []json.RawMessage) ([]json.RawMessage, error) { return items, nil }
	return list(ctx, c, path, opts, pageReader[json.RawMessage, json.RawMessage]{parse: ParsePage, key: itemKey, convert: keep})
}

// Converter turns the items of one page into what a listing keeps, one for
// each item, in order. first is the position of the page's first item in
// the list. It runs as each page arrives, several pages at once, so that a
// listing need not keep the items of a whole list; an error ends the
// listing with that error.
type Converter[V, T any] func(ctx context.Context, first int, items []V) ([]T, error)

// ListDecoded reads a list as List does, but decodes each page once into
// the values gojq computes with (see DecodePage) and keeps each item as
// convert turns it: an item is read once on its way to a mapping, and the
// raw list is never held.
func ListDecoded[T any](ctx context.Context, c *Client, path string, opts ListOptions, convert Converter[any, T]) (*Listing[T], error) {
	return list(ctx, c, path, opts, pageReader[any, T]{parse: DecodePage, key: decodedKey, convert: convert})
}

// pageReader reads the pages of one list: parse checks a page body and
// splits it into items of type V, key identifies an item for the proof of
// the read, and convert turns items into what the listing keeps.
type pageReader[V, T any] struct {
	parse   func(body []byte) (*PageOf[V], error)
	key     func(V) string
	convert Converter[V, T]
}

func list[V, T any](ctx context.Context, c *Client, path string, opts ListOptions, reader pageReader[V, T]) (*Listing[T], error) {
	quota := &quotaTracker{}
	listing, err := readList(ctx, c, path, opts, reader, quota)
	if err != nil {
		return nil, err
	}
	listing.Quota = quota.use()
	return listing, nil
}

func readList[V, T any](ctx context.Context, c *Client, path string, opts ListOptions, reader pageReader[V, T], quota *quotaTracker) (*Listing[T], error) {
	endpoint := request{path: path, query: opts.Query}.endpoint()
	var merged *union[T]
	var broken *brokenPage
	for made, used := 1, 1; ; made++ {
		d, err := drain(ctx, c, path, opts, reader, quota)
		if err != nil {
			return nil, err
		}
		if d.broken != nil {
			if broken != nil {
				return nil, brokenPagingError(endpoint, broken, d.broken)
			}
			broken = d.broken
			c.logger.Debug(ctx, "JSM sent a page that repeats items; reading the list again", map[string]any{
				"endpoint": endpoint, "start": d.broken.start, "reason": d.broken.reason,
			})
			continue
		}
		if merged == nil && len(d.repeated) == 0 {
			return &Listing[T]{Items: d.items, Reads: made, Settled: true}, nil
		}
		if merged == nil {
			merged = newUnion[T](len(d.items))
		}
		merged.add(d)
		settled := len(d.repeated) == 0
		if settled || used >= c.cfg.MaxReads {
			return merged.listing(made, settled, d, opts.MaxItems), nil
		}
		used++
		c.logger.Debug(ctx, "a JSM read repeated items, which moved while it paged; reading the list again", map[string]any{
			"endpoint": endpoint, "read": made, "repeated": len(d.repeated), "items": len(d.items),
		})
	}
}

// drainResult is one read of a list from start to end.
type drainResult[T any] struct {
	items []T
	keys  []string
	// firstAt is where each key was first read.
	firstAt map[string]int
	// repeated holds the keys this read saw at more than one position.
	repeated []string
	broken   *brokenPage
}

// brokenPage is a page whose repeats no move of the list explains.
type brokenPage struct {
	start  int
	reason string
	keys   []string
}

func drain[V, T any](ctx context.Context, c *Client, path string, opts ListOptions, reader pageReader[V, T], quota *quotaTracker) (*drainResult[T], error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cores := runtime.GOMAXPROCS(0)
	p := &pager[V, T]{client: c, path: path, opts: opts, reader: reader, quota: quota, inflight: map[int]*pageFetch[T]{},
		answered: make(chan struct{}, 1), ahead: min(c.cfg.Concurrency-1, 2*cores), decoding: semaphore.NewWeighted(int64(cores))}
	p.limit = c.cfg.PageSize
	if opts.MaxItems > 0 && opts.MaxItems < p.limit {
		p.limit = opts.MaxItems
	}
	return p.run(ctx)
}

type pager[V, T any] struct {
	client   *Client
	path     string
	opts     ListOptions
	reader   pageReader[V, T]
	quota    *quotaTracker
	limit    int
	inflight map[int]*pageFetch[T]
	// requesting counts the pages whose request has not been answered
	// yet; answered wakes the run loop when one is.
	requesting atomic.Int64
	answered   chan struct{}
	// ahead is how many answered pages may be held beyond the requests
	// once the window is whole (see schedule).
	ahead int
	// decoding bounds the answered pages decoded and converted at once to
	// the cores, so that the others wait as bodies, not as decoded items.
	decoding *semaphore.Weighted
}

// pageFetch is one page request running in its own goroutine.
type pageFetch[T any] struct {
	start  int
	cancel context.CancelFunc
	done   chan struct{}
	page   Envelope
	items  []T // the page's items as converted, up to MaxItems
	keys   []string
	err    error
}

func (p *pager[V, T]) run(ctx context.Context) (*drainResult[T], error) {
	defer p.cancelAll()
	firstAt := map[string]int{}
	d := &drainResult[T]{firstAt: firstAt}
	next, step, window := 0, p.limit, 1
	for {
		p.schedule(ctx, next, step, window)
		f := p.inflight[next]
		if err := p.await(ctx, f, next, step, window); err != nil {
			return nil, err
		}
		delete(p.inflight, next)
		if f.err != nil {
			return nil, f.err
		}
		if err := p.checkChain(f, next); err != nil {
			return nil, err
		}
		if d.broken = checkRepeats(f, d.keys, firstAt); d.broken != nil {
			return d, nil
		}
		for i, item := range f.items {
			if p.opts.MaxItems > 0 && len(d.items) == p.opts.MaxItems {
				return d, nil
			}
			key := f.keys[i]
			if key != "" {
				if _, dup := firstAt[key]; dup {
					d.repeated = append(d.repeated, key)
				} else {
					firstAt[key] = len(d.items)
				}
			}
			d.items = append(d.items, item)
			d.keys = append(d.keys, key)
		}
		if f.page.IsLastPage || (p.opts.MaxItems > 0 && len(d.items) == p.opts.MaxItems) {
			return d, nil
		}
		next += f.page.Size
		if f.page.Size != step {
			step = f.page.Size
			p.dropMisaligned(next, step)
		}
		window = min(window*2, p.client.cfg.Concurrency)
	}
}

// checkRepeats finds the repeats that no move of the list explains. One
// page is one snapshot of the list, so it cannot hold an item twice. And a
// page of two or more items that are, in the same order, a run the read has
// already seen is a page served again (a cache or proxy answering the wrong
// offset under a correct envelope); items that really moved reach the end of
// the list in the order of their updates, which matches an earlier run only
// under a bulk update, and the fresh read that follows tells the two apart.
func checkRepeats[T any](f *pageFetch[T], seen []string, firstAt map[string]int) *brokenPage {
	inPage := make(map[string]struct{}, len(f.keys))
	var dups []string
	for _, key := range f.keys {
		if key == "" {
			continue
		}
		if _, dup := inPage[key]; dup {
			dups = append(dups, key)
		}
		inPage[key] = struct{}{}
	}
	if len(dups) > 0 {
		return &brokenPage{start: f.start, reason: "holds the same items more than once", keys: dups}
	}
	if len(f.keys) < 2 || f.keys[0] == "" {
		return nil
	}
	at, ok := firstAt[f.keys[0]]
	if !ok || at+len(f.keys) > len(seen) || !slices.Equal(seen[at:at+len(f.keys)], f.keys) {
		return nil
	}
	return &brokenPage{start: f.start, reason: fmt.Sprintf("repeats the items read at start=%d", at), keys: f.keys}
}

// union merges reads by id: the order of the first read, items only later
// reads saw appended, each item as the latest read sent it.
type union[T any] struct {
	items []T
	at    map[string]int
}

func newUnion[T any](capacity int) *union[T] {
	return &union[T]{items: make([]T, 0, capacity), at: make(map[string]int, capacity)}
}

func (u *union[T]) add(d *drainResult[T]) {
	first := len(u.items) == 0
	for i, item := range d.items {
		key := d.keys[i]
		if key == "" {
			if first {
				u.items = append(u.items, item)
			}
			continue
		}
		if at, ok := u.at[key]; ok {
			u.items[at] = item
			continue
		}
		u.at[key] = len(u.items)
		u.items = append(u.items, item)
	}
}

const maxNamedIDs = 10

func (u *union[T]) listing(reads int, settled bool, last *drainResult[T], maxItems int) *Listing[T] {
	items := u.items
	if maxItems > 0 && len(items) > maxItems {
		items = items[:maxItems]
	}
	return &Listing[T]{Items: items, Reads: reads, Settled: settled, Repeated: idsOf(last.repeated)}
}

// idsOf turns item keys into the ids they carry, at most maxNamedIDs.
func idsOf(keys []string) []string {
	n := maxNamedIDs
	out := make([]string, 0, min(len(keys), n))
	for _, k := range keys[:min(len(keys), n)] {
		_, id, _ := strings.Cut(k, ":")
		out = append(out, strings.Trim(id, `"`))
	}
	return out
}

func brokenPagingError(endpoint string, first, second *brokenPage) *PagingError {
	return &PagingError{
		Endpoint: endpoint,
		Start:    second.start,
		Pages:    []int{first.start, second.start},
		IDs:      idsOf(slices.Concat(first.keys, second.keys)),
		Reason: fmt.Sprintf("in two reads a page repeated items that no change of the list explains: first the page at start=%d %s (ids %s), "+
			"then the page at start=%d %s (ids %s); a server or proxy between the provider and JSM is serving wrong pages",
			first.start, first.reason, strings.Join(idsOf(first.keys), ", "),
			second.start, second.reason, strings.Join(idsOf(second.keys), ", ")),
	}
}

func (p *pager[V, T]) checkChain(f *pageFetch[T], want int) error {
	endpoint := request{path: p.path, query: p.opts.Query}.endpoint()
	switch {
	case f.page.Start != want:
		return &PagingError{Endpoint: endpoint, Start: want, Reason: fmt.Sprintf("the page asked for at start=%d came back with start=%d, repeating an earlier page", want, f.page.Start)}
	case f.page.Size == 0 && !f.page.IsLastPage:
		return &PagingError{Endpoint: endpoint, Start: want, Reason: "JSM sent an empty page that is not marked as the last one (isLastPage=false)"}
	}
	return nil
}

// await waits until page f is decoded and converted, starting the requests
// of later pages as earlier ones are answered.
func (p *pager[V, T]) await(ctx context.Context, f *pageFetch[T], next, step, window int) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-f.done:
			return nil
		case <-p.answered:
			p.schedule(ctx, next, step, window)
		}
	}
}

// schedule keeps up to `window` requests for the consecutive pages from
// `next` unanswered. Once the window is whole, answered pages that are
// still being decoded and mapped (or wait for an earlier page) no longer
// hold a request slot: up to Concurrency-1 more pages are held, and no more
// than two for each core, so that the requests go on while the CPU works on
// the pages already read (and a Concurrency of 1 still reads one page at a
// time).
func (p *pager[V, T]) schedule(ctx context.Context, next, step, window int) {
	pages := window
	if window == p.client.cfg.Concurrency {
		pages += p.ahead
	}
	for k := 0; k < pages && p.requesting.Load() < int64(window); k++ {
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

func (p *pager[V, T]) launch(ctx context.Context, start int) *pageFetch[T] {
	ctx, cancel := context.WithCancel(ctx)
	f := &pageFetch[T]{start: start, cancel: cancel, done: make(chan struct{})}
	query := url.Values{}
	for k, v := range p.opts.Query {
		query[k] = v
	}
	query.Set("start", strconv.Itoa(start))
	query.Set("limit", strconv.Itoa(p.limit))
	r := request{path: p.path, query: query, experimental: p.opts.Experimental, observe: p.quota.answered}
	p.requesting.Add(1)
	go func() {
		defer close(f.done)
		body, err := p.client.get(ctx, r)
		p.freeSlot()
		if err != nil {
			f.err = err
			return
		}
		if err := p.decoding.Acquire(ctx, 1); err != nil {
			f.err = err
			return
		}
		defer p.decoding.Release(1)
		page, err := parsePage(ctx, r, body, p.reader.parse)
		if err != nil {
			f.err = err
			return
		}
		p.quota.returned(len(page.Values))
		f.page = page.Envelope
		f.keys = make([]string, len(page.Values))
		for i, v := range page.Values {
			f.keys[i] = p.reader.key(v)
		}
		values := page.Values
		if p.opts.MaxItems > 0 {
			values = values[:max(0, min(len(values), p.opts.MaxItems-start))]
		}
		mapping := phases.Start(ctx, phases.JQ)
		f.items, f.err = p.reader.convert(ctx, start, values)
		mapping()
	}()
	return f
}

// dropMisaligned cancels speculative fetches that are not on the new grid.
func (p *pager[V, T]) dropMisaligned(next, step int) {
	for start, f := range p.inflight {
		if start < next || (start-next)%step != 0 {
			f.cancel()
			delete(p.inflight, start)
		}
	}
}

func (p *pager[V, T]) cancelAll() {
	for start, f := range p.inflight {
		f.cancel()
		delete(p.inflight, start)
	}
}

// freeSlot records that a page's request was answered.
func (p *pager[V, T]) freeSlot() {
	p.requesting.Add(-1)
	select {
	case p.answered <- struct{}{}:
	default:
	}
}

// parsePage parses the body of the answer to r.
func parsePage[V any](ctx context.Context, r request, body []byte, parse func([]byte) (*PageOf[V], error)) (*PageOf[V], error) {
	decoding := phases.Start(ctx, phases.JSMDecode)
	page, err := parse(body)
	decoding()
	if err != nil {
		return nil, fmt.Errorf("JSM answered GET %s with a body that is not a page: %w", r.endpoint(), err)
	}
	return page, nil
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
