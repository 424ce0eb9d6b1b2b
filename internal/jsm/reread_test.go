package jsm

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// movingList serves a list of ids in its current order, capped at 50 a
// page, and calls beforePage (under its lock) before each page is cut, so a
// test can move items between the pages of a read the way activity on a
// help desk does.
type movingList struct {
	mu         sync.Mutex
	ids        []string
	served     int
	beforePage func(l *movingList, start int)
	tamper     func(start int, values []map[string]any) []map[string]any
}

func newMovingList(n int) *movingList {
	l := &movingList{}
	for i := range n {
		l.ids = append(l.ids, strconv.Itoa(i))
	}
	return l
}

// moveToEnd is an update of the item at position i: it becomes the one with
// the latest activity.
func (l *movingList) moveToEnd(i int) {
	id := l.ids[i]
	l.ids = append(slices.Delete(l.ids, i, i+1), id)
}

func (l *movingList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start, _ := strconv.Atoi(r.URL.Query().Get("start"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	l.mu.Lock()
	l.served++
	if l.beforePage != nil {
		l.beforePage(l, start)
	}
	end := min(start+min(limit, 50), len(l.ids))
	values := []map[string]any{}
	for _, id := range l.ids[min(start, end):end] {
		values = append(values, map[string]any{"id": id})
	}
	last := end >= len(l.ids)
	l.mu.Unlock()
	if l.tamper != nil {
		values = l.tamper(start, values)
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"size": len(values), "start": start, "limit": limit, "isLastPage": last, "values": values})
}

func (l *movingList) requests() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.served
}

func sequential(c *Config) { c.Concurrency = 1 }

func assertHolds(t *testing.T, got []string, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("got %d items, want %d distinct ones: %v", len(got), n, got)
	}
	seen := map[string]bool{}
	for _, id := range got {
		seen[id] = true
	}
	for i := range n {
		if !seen[strconv.Itoa(i)] {
			t.Fatalf("item %d is missing", i)
		}
	}
}

// An update after the first page moves item 10 to the end: the read skips
// item 50 at the boundary and sees 10 twice. The pager must not drop the
// repeat and return 199 items: it reads again and returns the union.
func TestListRereadsWhenAnItemMovesAndReturnsTheUnion(t *testing.T) {
	l := newMovingList(200)
	moveOnce(l, 50, 10)
	listing := readRequests(t, l)
	assertHolds(t, ids(t, listing.Items), 200)
	if listing.Reads != 2 || !listing.Settled {
		t.Fatalf("reads=%d settled=%v, want a second, clean read", listing.Reads, listing.Settled)
	}
	if got := l.requests(); got != 8 {
		t.Fatalf("%d page requests, want two reads of 4 pages", got)
	}
}

// An item moved during every read is recovered from the other reads: each
// read misses another neighbour, and the union holds them all. No read is
// clean, so after MaxReads reads the listing says it did not settle.
func TestListKeepsTheUnionWhenAnItemMovesInEveryRead(t *testing.T) {
	l := newMovingList(200)
	l.beforePage = func(l *movingList, start int) {
		if start == 50 {
			l.moveToEnd(0)
		}
	}
	listing := readRequests(t, l)
	assertHolds(t, ids(t, listing.Items), 200)
	if listing.Reads != DefaultMaxReads || listing.Settled {
		t.Fatalf("reads=%d settled=%v, want %d unsettled reads", listing.Reads, listing.Settled, DefaultMaxReads)
	}
}

// The case the union was built for, with a deletion between the reads
// (page size 2, one page at a time): the first read misses 4 after one move,
// the second misses 3 and 4 after two moves, and 9 is deleted in between.
// The earlier read holds two items the second did not see (3 and 9), as many
// as it repeated, yet 4 existed throughout and no read saw it. Absent items
// cannot tell a miss from a deletion, so only a read that repeats nothing
// settles: after two reads the listing must say it did not settle, and a
// third, clean read finds 4.
func TestListSettlesOnlyOnAReadThatRepeatsNothing(t *testing.T) {
	script := func(l *movingList) {
		reads := 0
		l.beforePage = func(l *movingList, start int) {
			if start == 0 {
				reads++
			}
			switch {
			case reads == 1 && start == 4:
				l.moveToEnd(slices.Index(l.ids, "0"))
			case reads == 2 && start == 0:
				l.ids = slices.DeleteFunc(l.ids, func(id string) bool { return id == "9" })
			case reads == 2 && start == 2:
				l.moveToEnd(slices.Index(l.ids, "1"))
				l.moveToEnd(slices.Index(l.ids, "2"))
			}
		}
	}
	pageOfTwo := func(c *Config) { c.PageSize = 2 }
	read := func(maxReads int) *Listing[json.RawMessage] {
		l := newMovingList(12)
		script(l)
		listing, err := newTestClient(t, l, sequential, pageOfTwo, func(c *Config) { c.MaxReads = maxReads }).List(context.Background(), "/request", ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return listing
	}
	twoReads := read(2)
	if got := ids(t, twoReads.Items); !slices.Contains(got, "4") && twoReads.Settled {
		t.Fatalf("two reads settled without request 4, which existed throughout: %v", got)
	}
	if twoReads.Settled || twoReads.Reads != 2 {
		t.Fatalf("reads=%d settled=%v, want 2 unsettled reads", twoReads.Reads, twoReads.Settled)
	}
	threeReads := read(3)
	if !threeReads.Settled || threeReads.Reads != 3 || !slices.Contains(ids(t, threeReads.Items), "4") {
		t.Fatalf("reads=%d settled=%v items=%v, want a third, clean read that finds 4", threeReads.Reads, threeReads.Settled, ids(t, threeReads.Items))
	}
}

// Requests created at the front of a latest-first list during every read
// repeat items that no earlier read can account for: after MaxReads reads
// the union is returned, and the Listing says it did not settle.
func TestListReturnsTheUnionWhenNoReadSettles(t *testing.T) {
	l := newMovingList(200)
	next := 200
	l.beforePage = func(l *movingList, start int) {
		if start == 50 {
			l.ids = append([]string{strconv.Itoa(next)}, l.ids...)
			next++
		}
	}
	listing, err := newTestClient(t, l, sequential, func(c *Config) { c.MaxReads = 4 }).List(context.Background(), "/request", ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertHolds(t, ids(t, listing.Items), 203) // 203 was created during the last read, after its page
	if listing.Reads != 4 || listing.Settled || len(listing.Repeated) == 0 {
		t.Fatalf("reads=%d settled=%v repeated=%v, want 4 unsettled reads naming the repeats", listing.Reads, listing.Settled, listing.Repeated)
	}
}

// A request created mid-read at the front of a newest-first list shifts
// every later page by one: repeats, no loss, one more read.
func TestListRereadsAfterAnInsertAtTheFront(t *testing.T) {
	l := newMovingList(150)
	inserted := false
	l.beforePage = func(l *movingList, start int) {
		if start == 100 && !inserted {
			inserted = true
			l.ids = append([]string{"150"}, l.ids...)
		}
	}
	listing := readRequests(t, l)
	assertHolds(t, ids(t, listing.Items), 151)
	if listing.Reads != 2 || !listing.Settled {
		t.Fatalf("reads=%d settled=%v", listing.Reads, listing.Settled)
	}
}

func duplicateWithinPage(at int) func(int, []map[string]any) []map[string]any {
	return func(start int, values []map[string]any) []map[string]any {
		if start == at {
			values[3] = values[2]
		}
		return values
	}
}

func repeatEarlierPage(at, earlier int) func(int, []map[string]any) []map[string]any {
	return func(start int, values []map[string]any) []map[string]any {
		if start == at {
			for i := range values {
				values[i] = map[string]any{"id": strconv.Itoa(earlier + i)}
			}
		}
		return values
	}
}

func TestListFailsOnRepeatsNoMoveExplains(t *testing.T) {
	for name, tc := range map[string]struct {
		tamper func(int, []map[string]any) []map[string]any
		want   []string
		pages  []int
		ids    []string
	}{
		"item twice within one page": {
			tamper: duplicateWithinPage(100),
			want:   []string{"page at start=100 holds the same items more than once (ids 102)", "a server or proxy"},
			pages:  []int{100, 100},
			ids:    []string{"102", "102"},
		},
		"page repeating an earlier page": {
			tamper: repeatEarlierPage(150, 50),
			want:   []string{"the page at start=150 repeats the items read at start=50 (ids 50, 51, 52"},
			pages:  []int{150, 150},
		},
	} {
		t.Run(name, func(t *testing.T) {
			l := newMovingList(300)
			l.tamper = tc.tamper
			listing, err := newTestClient(t, l, sequential).List(context.Background(), "/request", ListOptions{})
			var pe *PagingError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v (%v), want a PagingError", err, listing)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q does not contain %q", err, w)
				}
			}
			if !slices.Equal(pe.Pages, tc.pages) || (tc.ids != nil && !slices.Equal(pe.IDs, tc.ids)) {
				t.Fatalf("pages %v ids %v, want %v %v", pe.Pages, pe.IDs, tc.pages, tc.ids)
			}
			// Both reads stop at the broken page: pages 0..start, twice.
			if got, want := l.requests(), 2*(tc.pages[0]/50+1); got != want {
				t.Fatalf("%d page requests, want %d: one fresh read before failing", got, want)
			}
		})
	}
}

// One broken read followed by a clean one is a glitch, not a broken server:
// the clean read is used, the broken one is not.
func TestListUsesTheFreshReadAfterOneBrokenRead(t *testing.T) {
	l := newMovingList(300)
	broken := duplicateWithinPage(100)
	l.tamper = func(start int, values []map[string]any) []map[string]any {
		if l.requests() <= 3 {
			return broken(start, values)
		}
		return values
	}
	listing := readRequests(t, l)
	assertSequence(t, ids(t, listing.Items), 300)
	if listing.Reads != 2 || !listing.Settled {
		t.Fatalf("reads=%d settled=%v", listing.Reads, listing.Settled)
	}
}

// A repeat at the tail of a page that then runs into items seen before is
// what moved items look like, not a broken page: the last page of a list
// whose read items were updated holds only repeats, in update order.
func TestListTakesATailOfMovedItemsForMovesNotBreakage(t *testing.T) {
	l := newMovingList(120)
	l.beforePage = func(l *movingList, start int) {
		if start == 100 && len(l.ids) == 120 && l.ids[119] == "119" {
			for _, i := range []int{30, 5, 70} {
				idx := slices.Index(l.ids, strconv.Itoa(i))
				l.moveToEnd(idx)
			}
		}
	}
	listing := readRequests(t, l)
	assertHolds(t, ids(t, listing.Items), 120)
}

// A decoded listing converts each page as it arrives, with the position
// of its first item, and keeps what the converter returns: across rereads,
// the union holds each item as the latest read converted it.
func TestListDecodedKeepsTheConversionOfTheLatestRead(t *testing.T) {
	l := newMovingList(200)
	moveOnce(l, 50, 10)
	var pages atomic.Int64
	type seen struct {
		id       string
		position int
		page     int64
	}
	listing, err := ListDecoded(context.Background(), newTestClient(t, l, sequential), "/request", ListOptions{},
		func(_ context.Context, first int, items []any) ([]seen, error) {
			page := pages.Add(1)
			out := make([]seen, len(items))
			for i, item := range items {
				out[i] = seen{id: decodedID(item), position: first + i, page: page}
			}
			return out, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(listing.Items))
	for i, s := range listing.Items {
		got[i] = s.id
		if s.page <= 4 {
			t.Fatalf("item %s keeps the first read's conversion; the union must keep the latest", s.id)
		}
	}
	assertHolds(t, got, 200)
	if listing.Reads != 2 || pages.Load() != 8 {
		t.Fatalf("reads=%d, converted pages=%d; want 2 reads of 4 pages", listing.Reads, pages.Load())
	}
	if p := listing.Items[0].position; p != 0 {
		t.Fatalf("the first item's position is %d", p)
	}
}

// A converter sees only the items a listing keeps under MaxItems, and its
// error ends the listing with that error.
func TestListDecodedStopsAtMaxItemsAndOnErrors(t *testing.T) {
	list := &pagedList{n: 500, cap: 50}
	c := newTestClient(t, list)
	var converted atomic.Int64
	count := func(_ context.Context, _ int, items []any) ([]string, error) {
		converted.Add(int64(len(items)))
		out := make([]string, len(items))
		for i, item := range items {
			out[i] = decodedID(item)
		}
		return out, nil
	}
	listing, err := ListDecoded(context.Background(), c, "/servicedesk", ListOptions{MaxItems: 120}, count)
	if err != nil {
		t.Fatal(err)
	}
	assertSequence(t, listing.Items, 120)
	if converted.Load() != 120 {
		t.Fatalf("converted %d items for a listing of 120", converted.Load())
	}
	failure := errors.New("item 130 does not map")
	_, err = ListDecoded(context.Background(), c, "/servicedesk", ListOptions{},
		func(_ context.Context, first int, items []any) ([]any, error) {
			if first <= 130 && 130 < first+len(items) {
				return nil, failure
			}
			return items, nil
		})
	if !errors.Is(err, failure) {
		t.Fatalf("err = %v, want the converter's", err)
	}
}

// decodedID is the id of a decoded item, or "".
func decodedID(item any) string {
	obj, _ := item.(map[string]any)
	id, _ := obj["id"].(string)
	return id
}

// moveOnce moves the item at index to the end of the list just before the
// page at start is served, once: one update during a read.
func moveOnce(l *movingList, start, index int) {
	moved := false
	l.beforePage = func(l *movingList, at int) {
		if at == start && !moved {
			moved = true
			l.moveToEnd(index)
		}
	}
}

// readRequests reads the whole list with one page in flight at a time.
func readRequests(t *testing.T, l *movingList) *Listing[json.RawMessage] {
	t.Helper()
	listing, err := newTestClient(t, l, sequential).List(context.Background(), "/request", ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return listing
}
