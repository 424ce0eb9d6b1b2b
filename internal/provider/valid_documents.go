package provider

import (
	"hash/maphash"
	"sync"
)

// validDocuments remembers the entities_json documents this provider process
// built or already validated, so that Terraform's validation of a
// configuration whose entities_json is a data source's (in every plan, after
// the data source is read) does not parse 100,000 entities again.
var validDocuments = newDocumentSet(64)

// documentSet is a bounded set of documents, kept as a hash and a length: a
// provider process lives for one Terraform command, and a document built by
// the provider's own encoder is valid by construction.
type documentSet struct {
	mu   sync.Mutex
	seed maphash.Seed
	max  int
	seen map[documentKey]struct{}
}

type documentKey struct {
	hash   uint64
	length int
}

func newDocumentSet(maxDocuments int) *documentSet {
	return &documentSet{seed: maphash.MakeSeed(), max: maxDocuments, seen: map[documentKey]struct{}{}}
}

func (s *documentSet) key(doc string) documentKey {
	return documentKey{hash: maphash.String(s.seed, doc), length: len(doc)}
}

// add remembers doc; the set starts over when it is full.
func (s *documentSet) add(doc string) {
	k := s.key(doc)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.seen) >= s.max {
		clear(s.seen)
	}
	s.seen[k] = struct{}{}
}

func (s *documentSet) has(doc string) bool {
	k := s.key(doc)
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.seen[k]
	return ok
}
