package fakeport

import (
	"sort"
	"sync"
	"time"
)

// entKey names an entity across blueprints.
type entKey struct{ bp, id string }

// blueprint is a stored blueprint: its normalized JSON document plus the
// parts of it that entity validation needs. doc is never modified in place
// once stored, so it can be marshaled after the store lock is released.
type blueprint struct {
	id        string
	seq       uint64
	doc       map[string]any
	props     map[string]map[string]any
	required  map[string]bool
	relations map[string]relDef
}

type relDef struct {
	target   string
	required bool
	many     bool
}

// entity is a stored entity. Its maps are never modified in place: updates
// install new maps, so a JSON view built under the lock stays valid after it.
type entity struct {
	seq       uint64
	bp        string
	id        string
	title     *string
	icon      *string
	team      []string
	props     map[string]any
	rels      map[string]any
	createdAt string
	createdBy string
	updatedAt string
	updatedBy string
	targets   []entKey
	dead      bool
}

// entitySet holds the entities of one blueprint: a map for lookups and a
// slice in creation order (ascending seq) for listing and cursor pagination.
// Deleted entities stay in the slice, marked dead, until compaction.
type entitySet struct {
	byID  map[string]*entity
	order []*entity
	dead  int
}

type store struct {
	mu   sync.RWMutex
	seq  uint64
	bps  map[string]*blueprint
	sets map[string]*entitySet
	// refs maps a relation target to the entities whose relations name it.
	refs map[entKey]map[entKey]struct{}
}

func newStore() *store {
	return &store{
		bps:  map[string]*blueprint{},
		sets: map[string]*entitySet{},
		refs: map[entKey]map[entKey]struct{}{},
	}
}

func (st *store) nextSeq() uint64 {
	st.seq++
	return st.seq
}

func timestamp() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }

// blueprintsInOrder returns the blueprints in creation order.
func (st *store) blueprintsInOrder() []*blueprint {
	out := make([]*blueprint, 0, len(st.bps))
	for _, b := range st.bps {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

func (st *store) set(bp string) *entitySet {
	s := st.sets[bp]
	if s == nil {
		s = &entitySet{byID: map[string]*entity{}}
		st.sets[bp] = s
	}
	return s
}

func (st *store) entity(bp, id string) *entity {
	if s := st.sets[bp]; s != nil {
		return s.byID[id]
	}
	return nil
}

func (st *store) count(bp string) int {
	if s := st.sets[bp]; s != nil {
		return len(s.byID)
	}
	return 0
}

// live returns the live entities of a blueprint in creation order.
func (st *store) live(bp string) []*entity {
	s := st.sets[bp]
	if s == nil {
		return nil
	}
	out := make([]*entity, 0, len(s.byID))
	for _, e := range s.order {
		if !e.dead {
			out = append(out, e)
		}
	}
	return out
}

// put stores e, replacing the entity with the same identifier in place (it
// keeps its position) or appending a new one, and maintains the relation index.
func (st *store) put(e *entity) {
	s := st.set(e.bp)
	if old := s.byID[e.id]; old != nil {
		st.unindex(old)
		e.seq = old.seq
		*old = *e
		st.index(old)
		return
	}
	e.seq = st.nextSeq()
	s.byID[e.id] = e
	s.order = append(s.order, e)
	st.index(e)
}

// remove deletes one entity; relations that point at it are the caller's job.
func (st *store) remove(e *entity) {
	s := st.sets[e.bp]
	if s == nil || s.byID[e.id] != e {
		return
	}
	st.unindex(e)
	delete(s.byID, e.id)
	e.dead = true
	s.dead++
	if s.dead > 64 && s.dead*2 > len(s.order) {
		kept := make([]*entity, 0, len(s.byID))
		for _, x := range s.order {
			if !x.dead {
				kept = append(kept, x)
			}
		}
		s.order, s.dead = kept, 0
	}
}

func (st *store) index(e *entity) {
	src := entKey{e.bp, e.id}
	for _, t := range e.targets {
		m := st.refs[t]
		if m == nil {
			m = map[entKey]struct{}{}
			st.refs[t] = m
		}
		m[src] = struct{}{}
	}
}

func (st *store) unindex(e *entity) {
	src := entKey{e.bp, e.id}
	for _, t := range e.targets {
		if m := st.refs[t]; m != nil {
			delete(m, src)
			if len(m) == 0 {
				delete(st.refs, t)
			}
		}
	}
}

// after returns the live entities of bp with seq > cursor, in order, starting
// with a binary search.
func (s *entitySet) after(cursor uint64) []*entity {
	i := sort.Search(len(s.order), func(i int) bool { return s.order[i].seq > cursor })
	return s.order[i:]
}
