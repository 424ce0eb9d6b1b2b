package mapping

import "github.com/portjsm/terraform-provider-portjsm/internal/entity"

// NullFieldMinEntities is the fewest entities for which NullForEvery
// reports a field: a field that is null now and then is null for all of a
// handful of items by chance, but a misspelled path is null for every item
// of a larger read.
const NullFieldMinEntities = 10

// NullField is a field of a mapping whose expression gave null for every
// entity.
type NullField struct {
	Name       string // as in errors: "title", "properties.status"
	Expression string
}

// NullForEvery returns, in the mapping's order, the title, icon, team,
// property and relation fields whose expression gave null for every entity
// of set, which is what a misspelled path such as .currentStatuss.status
// gives. It returns nothing for sets of fewer than NullFieldMinEntities
// entities.
func (p *Program) NullForEvery(set entity.Set) []NullField {
	if len(set) < NullFieldMinEntities {
		return nil
	}
	candidates := p.nullCandidates()
	for _, e := range set {
		candidates = withoutSetFields(candidates, &e)
		if len(candidates) == 0 {
			return nil
		}
	}
	return namedFields(candidates)
}

// nullCandidates are the fields that may be null for every entity: all but
// the selector and the identifier.
func (p *Program) nullCandidates() []*field {
	candidates := make([]*field, 0, len(p.fields))
	for i := range p.fields {
		if k := p.fields[i].kind; k != kindSelector && k != kindIdentifier {
			candidates = append(candidates, &p.fields[i])
		}
	}
	return candidates
}

func namedFields(fields []*field) []NullField {
	out := make([]NullField, len(fields))
	for i, f := range fields {
		out[i] = NullField{Name: f.name, Expression: f.expr}
	}
	return out
}

// withoutSetFields drops the fields that e sets to something other than null.
func withoutSetFields(fields []*field, e *entity.Entity) []*field {
	kept := fields[:0]
	for _, f := range fields {
		if isNullIn(f, e) {
			kept = append(kept, f)
		}
	}
	return kept
}

func isNullIn(f *field, e *entity.Entity) bool {
	switch f.kind {
	case kindTitle:
		return e.Title == nil
	case kindIcon:
		return e.Icon == nil
	case kindTeam:
		return e.Team == nil
	case kindProperty:
		v, ok := e.Properties.Get(f.key)
		return !ok || v == entity.Null
	case kindRelation:
		v, ok := e.Relations.Get(f.key)
		return !ok || v == entity.Null
	}
	return false
}
