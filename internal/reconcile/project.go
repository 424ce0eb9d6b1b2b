package reconcile

import (
	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// Project returns the managed view of what Port holds: for every managed
// entity Port still has, Port's values of exactly the fields it manages.
// Entities Port lost are left out (a sync creates them again); fields and
// entities the set does not manage are ignored, so what Port or its UI adds
// is never drift.
func Project(managed entity.Set, held []entity.Entity) entity.Set {
	p := NewProjection(managed)
	p.Add(held)
	return p.Set()
}

// Projection is Project over what Port holds, page by page, so that a
// refresh never holds every entity Port returned: an entity that did not
// drift is kept as the managed value itself, and only the managed set and
// the projection stay in memory.
type Projection struct {
	managed, out entity.Set
}

// NewProjection starts projecting onto managed.
func NewProjection(managed entity.Set) *Projection {
	return &Projection{managed: managed, out: make(entity.Set, len(managed))}
}

// Set returns the projection of every page added.
func (p *Projection) Set() entity.Set { return p.out }

// Add projects a page of the entities Port holds.
func (p *Projection) Add(held []entity.Entity) {
	for _, pe := range held {
		m, ok := p.managed[pe.Identifier]
		if !ok {
			continue
		}
		p.out.Add(project(m, pe))
	}
}

// project is one managed entity m as Port holds it (pe).
func project(m, pe entity.Entity) entity.Entity {
	e := entity.Entity{Identifier: pe.Identifier}
	if m.Title != nil {
		// Port reads back a title written as "" as null or "".
		title := ""
		if pe.Title != nil {
			title = *pe.Title
		}
		e.Title = &title
	}
	if m.Icon != nil {
		e.Icon = pe.Icon
	}
	if m.Team != nil {
		e.Team = append([]string{}, pe.Team...)
	}
	e.Properties = pickAsDoubles(m.Properties, pick(m.Properties, pe.Properties))
	e.Relations = pickRelations(m.Relations, pe.Relations)
	if e.Equal(&m) {
		return m // no drift: share the managed value
	}
	return e
}

// Adopt takes every entity Port holds as managed, for an import: all
// non-null properties and relations, and the title, icon and team it has.
func Adopt(held []entity.Entity) entity.Set {
	out := make(entity.Set, len(held))
	for _, pe := range held {
		e := entity.Entity{Identifier: pe.Identifier, Icon: pe.Icon,
			Properties: nonNull(pe.Properties), Relations: nonNull(pe.Relations)}
		if pe.Title != nil && *pe.Title != "" {
			e.Title = pe.Title
		}
		if len(pe.Team) > 0 {
			e.Team = pe.Team
		}
		out.Add(e)
	}
	return out
}

// pick returns, for every managed key, the value from holds (null when it
// has none).
func pick(managed, from entity.Fields) entity.Fields {
	out := make(entity.Fields, len(managed))
	for i, f := range managed {
		v, ok := from.Get(f.Key)
		if !ok {
			v = entity.Null
		}
		out[i] = entity.Field{Key: f.Key, Value: v}
	}
	return out
}

// pickAsDoubles keeps the managed value of a property Port holds as the
// nearest doubles of its numbers (Port's backend is JavaScript): a number
// Port cannot hold exactly is no drift, or every plan would write it again.
func pickAsDoubles(managed, held entity.Fields) entity.Fields {
	for i := range held {
		if m := managed[i].Value; held[i].Value != m && jsonvalue.SameAsDoubles(string(m), string(held[i].Value)) {
			held[i].Value = m
		}
	}
	return held
}

// pickRelations is pick for relations, where an empty many relation and no
// relation are the same thing: Port may answer either for what was written.
func pickRelations(managed, from entity.Fields) entity.Fields {
	out := pick(managed, from)
	for i := range out {
		if out[i].Value.IsEmptyRelation() && managed[i].Value.IsEmptyRelation() {
			out[i].Value = managed[i].Value
		}
	}
	return out
}

func nonNull(fields entity.Fields) entity.Fields {
	out := make(entity.Fields, 0, len(fields))
	for _, f := range fields {
		if f.Value != entity.Null {
			out = append(out, f)
		}
	}
	return out
}

// Confirm settles writes whose outcome is unknown to an identifier the sync
// did not own: projected is the read back of what Port holds, written the
// values those writes sent. Port holding an entity of such an identifier
// proves nothing, as another writer may have made it; only Port holding
// exactly what was written makes it the sync's. Confirm returns projected
// without the written identifiers Port holds otherwise, or not at all.
func Confirm(projected, written entity.Set) entity.Set {
	out := projected.Clone()
	for id, w := range written {
		if held, ok := out[id]; ok && !held.Equal(&w) {
			delete(out, id)
		}
	}
	return out
}
