package schemacheck

import (
	"slices"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// CheckWrites checks the entities of desired that a sync writes: those
// missing from managed (created) and those that differ from it (updated).
// Entities the sync leaves alone are not sent, so Port cannot refuse them.
// It returns how many entities it checked.
func (s *Schema) CheckWrites(r *Report, desired, managed entity.Set) int {
	checked := 0
	for id, want := range desired {
		have, exists := managed[id]
		if exists && want.Equal(&have) {
			continue
		}
		s.check(r, &want, previous{exists: exists, properties: have.Properties, relations: have.Relations})
		checked++
	}
	return checked
}

// Check adds to r every rule of the schema that e breaks. prior is the
// entity as it was last written, nil when this write creates it: Port's
// merge keeps a required value that a write leaves out only when the
// entity exists and its previous write did not set it (a key the previous
// write set and this one leaves out is cleared).
func (s *Schema) Check(r *Report, e, prior *entity.Entity) {
	p := previous{}
	if prior != nil {
		p = previous{exists: true, properties: prior.Properties, relations: prior.Relations}
	}
	s.check(r, e, p)
}

// previous is what the last write of an entity set, when it exists.
type previous struct {
	exists                bool
	properties, relations entity.Fields
}

func (s *Schema) check(r *Report, e *entity.Entity, prior previous) {
	if !validIdentifier(e.Identifier) {
		r.add(Cause{Kind: InvalidIdentifier}, e.Identifier, entity.String(e.Identifier))
	}
	for _, f := range e.Properties {
		p, declared := s.props[f.Key]
		if !declared {
			r.add(Cause{Kind: UndeclaredProperty, Field: f.Key}, e.Identifier, f.Value)
			continue
		}
		p.check(r, e.Identifier, f.Value, "")
	}
	for _, name := range s.required {
		if missing(e.Properties, prior.exists, prior.properties, name, isNull) {
			r.add(Cause{Kind: MissingProperty, Field: name}, e.Identifier, "")
		}
	}
	for _, f := range e.Relations {
		s.checkRelation(r, e.Identifier, f)
	}
	for _, name := range s.relNames {
		rel := s.relations[name]
		if rel.required && missing(e.Relations, prior.exists, prior.relations, name, entity.JSON.IsEmptyRelation) {
			r.add(Cause{Kind: MissingRelation, Field: name}, e.Identifier, "")
		}
	}
}

func isNull(v entity.JSON) bool { return typeOf(v) == typeNull }

// missing reports whether a required field ends up empty in Port after the
// write of fields.
func missing(fields entity.Fields, exists bool, before entity.Fields, name string, empty func(entity.JSON) bool) bool {
	if v, set := fields.Get(name); set {
		return empty(v)
	}
	return !exists || before.Has(name)
}

func (s *Schema) checkRelation(r *Report, id string, f entity.Field) {
	rel, declared := s.relations[f.Key]
	if !declared {
		r.add(Cause{Kind: UndeclaredRelation, Field: f.Key}, id, f.Value)
		return
	}
	switch typeOf(f.Value) {
	case typeString:
		if rel.many {
			r.add(Cause{Kind: RelationShape, Field: f.Key, Rule: "is a many relation and takes a list of identifiers"}, id, f.Value)
		}
	case typeArray:
		if !rel.many {
			r.add(Cause{Kind: RelationShape, Field: f.Key, Rule: "is a single relation and takes one identifier"}, id, f.Value)
		}
	}
	if rel.missingTarget && !f.Value.IsEmptyRelation() {
		r.add(Cause{Kind: MissingTargetBlueprint, Field: f.Key, Rule: rel.target}, id, f.Value)
	}
}

// check applies the property's rules to one value; item is "" for the
// value itself and " items" for the elements of an array.
func (p *property) check(r *Report, id string, v entity.JSON, item string) {
	t := typeOf(v)
	if t == typeNull {
		return
	}
	field := p.name + item
	if p.typ != typeAny && t != p.typ {
		r.add(Cause{Kind: WrongType, Field: field, Rule: "must be " + article(p.typ)}, id, v)
		return
	}
	if p.enum != nil && !slices.Contains(p.enum, v) {
		r.add(Cause{Kind: NotAllowed, Field: field, Rule: p.enumRule}, id, v)
		return
	}
	if t == typeString && p.format != "" && !validFormat(p.format, stringValue(v)) {
		r.add(Cause{Kind: WrongFormat, Field: field, Rule: formatRules[p.format]}, id, v)
		return
	}
	for _, l := range p.limits {
		if !l.ok(v, t) {
			r.add(Cause{Kind: OutOfLimits, Field: field, Rule: l.rule}, id, v)
			return
		}
	}
	if p.items != nil && t == typeArray {
		for _, x := range arrayItems(v) {
			p.items.check(r, id, x, " items")
		}
	}
}

func article(t valueType) string {
	if t == typeArray || t == typeObject {
		return "an " + t.String()
	}
	return "a " + t.String()
}
