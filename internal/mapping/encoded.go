package mapping

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// Encoded is one mapped item of a list as its member of entities_json
// (`"identifier":{...}`). The members of a page share one buffer, so a long
// list of them holds one pointer per item, where entities hold a string or
// a slice for each field: while a list of 100,000 requests is read, the
// collector marks the list again at every cycle (see MapPageEncoded and
// Join).
type Encoded struct {
	text  []byte // the identifier, then the member; nil for an item the selector left out
	idLen int
}

func (e *Encoded) kept() bool { return e.text != nil }

func (e *Encoded) identifier() []byte { return e.text[:e.idLen] }

func (e *Encoded) member() []byte { return e.text[e.idLen:] }

// MapPageEncoded maps a page as MapPage does and encodes each entity as
// its member of entities_json.
func (r *ListRun) MapPageEncoded(ctx context.Context, first int, items []any) ([]Encoded, error) {
	mapped, err := r.MapPage(ctx, first, items)
	if err != nil {
		return nil, err
	}
	return encodePage(mapped), nil
}

// encodePage encodes the kept entities of a page into one buffer.
func encodePage(mapped []Mapped) []Encoded {
	size := 0
	for i := range mapped {
		if mapped[i].Kept {
			size += len(mapped[i].Entity.Identifier) + entity.MemberSize(&mapped[i].Entity)
		}
	}
	buf := make([]byte, 0, size)
	out := make([]Encoded, len(mapped))
	for i := range mapped {
		if !mapped[i].Kept {
			continue
		}
		e := &mapped[i].Entity
		start := len(buf)
		buf = append(buf, e.Identifier...)
		buf = entity.AppendMember(buf, e)
		out[i] = Encoded{text: buf[start:len(buf):len(buf)], idLen: len(e.Identifier)}
	}
	return out
}

// Join is the entities_json of the kept items, the document
// Collect(...).Encode() gives for the same items, and how many entities it
// holds. As Collect, it fails with a *DuplicateError when two kept items
// have the same identifier, naming the same two positions.
func Join(items []Encoded) (string, int, error) {
	order := make([]int, 0, len(items))
	size := 2
	for i := range items {
		if items[i].kept() {
			order = append(order, i)
			size += len(items[i].member()) + 1
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := bytes.Compare(items[a].identifier(), items[b].identifier()); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	if err := firstDuplicate(items, order); err != nil {
		return "", 0, err
	}
	var doc strings.Builder
	doc.Grow(size)
	doc.WriteByte('{')
	for k, i := range order {
		if k > 0 {
			doc.WriteByte(',')
		}
		doc.Write(items[i].member())
	}
	doc.WriteByte('}')
	return doc.String(), len(order), nil
}

// firstDuplicate is the error Collect gives for the kept items, sorted by
// identifier and then position in order: the earliest position whose
// identifier an earlier item has, with the first item that has it.
func firstDuplicate(items []Encoded, order []int) error {
	var dup *DuplicateError
	for k := 1; k < len(order); k++ {
		prev, cur := order[k-1], order[k]
		if !bytes.Equal(items[prev].identifier(), items[cur].identifier()) {
			continue
		}
		// cur is the second of its run exactly when prev is the first.
		if k > 1 && bytes.Equal(items[order[k-2]].identifier(), items[cur].identifier()) {
			continue
		}
		if dup == nil || cur < dup.Second {
			dup = &DuplicateError{Identifier: string(items[cur].identifier()), First: prev, Second: cur}
		}
	}
	if dup == nil {
		return nil
	}
	return dup
}

// NullForEveryEncoded is NullForEvery for the entities of a list mapped
// by MapPageEncoded. It reads entities back from their members only until
// every field has been seen with a value, which is after a few in the
// usual case.
func (p *Program) NullForEveryEncoded(items []Encoded) []NullField {
	kept := 0
	for i := range items {
		if items[i].kept() {
			kept++
		}
	}
	if kept < NullFieldMinEntities {
		return nil
	}
	candidates := p.nullCandidates()
	for i := range items {
		if !items[i].kept() {
			continue
		}
		e, ok := decodeMember(items[i].member())
		if !ok {
			return nil
		}
		if candidates = withoutSetFields(candidates, &e); len(candidates) == 0 {
			return nil
		}
	}
	return namedFields(candidates)
}

// decodeMember reads back the entity of one member of entities_json.
func decodeMember(member []byte) (entity.Entity, bool) {
	doc := make([]byte, 0, len(member)+2)
	doc = append(append(append(doc, '{'), member...), '}')
	set, err := entity.Parse(doc)
	if err != nil || len(set) != 1 {
		return entity.Entity{}, false
	}
	for _, e := range set {
		return e, true
	}
	return entity.Entity{}, false
}
