package reconcile

import (
	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
	"github.com/portjsm/terraform-provider-portjsm/internal/port"
)

// Project returns the managed view of what Port holds: for every managed
// entity Port still has, Port's values of exactly the fields it manages.
// Entities Port lost are left out (a sync creates them again); fields and
// entities the set does not manage are ignored, so what Port or its UI adds
// is never drift.
func Project(managed Set, held []port.Entity) Set {
	out := make(Set, len(managed))
	for _, pe := range held {
		m, ok := managed[pe.Identifier]
		if !ok {
			continue
		}
		e := mapping.Entity{Identifier: pe.Identifier}
		if m.Title != nil {
			// Port reads back a title written as "" as null or "".
			title := pe.Title
			e.Title = &title
		}
		if m.Icon != nil {
			e.Icon = pe.Icon
		}
		if m.Team != nil {
			e.Team = append([]string{}, pe.Team...)
		}
		e.Properties = pick(m.Properties, pe.Properties)
		e.Relations = pickRelations(m.Relations, pe.Relations)
		out[pe.Identifier] = e
	}
	return out
}

// Adopt takes every entity Port holds as managed, for an import: all
// non-null properties and relations, and the title, icon and team it has.
func Adopt(held []port.Entity) Set {
	out := make(Set, len(held))
	for _, pe := range held {
		e := mapping.Entity{Identifier: pe.Identifier, Title: stringOrNil(pe.Title), Icon: pe.Icon,
			Properties: nonNull(pe.Properties), Relations: nonNull(pe.Relations)}
		if len(pe.Team) > 0 {
			e.Team = pe.Team
		}
		out[pe.Identifier] = e
	}
	return out
}

func pick(keys, from map[string]any) map[string]any {
	out := make(map[string]any, len(keys))
	for k := range keys {
		out[k] = from[k]
	}
	return out
}

// pickRelations is pick for relations, where an empty many relation and no
// relation are the same thing: Port may answer either for what was written.
func pickRelations(keys, from map[string]any) map[string]any {
	out := pick(keys, from)
	for k, v := range out {
		if isEmptyRelation(v) && isEmptyRelation(keys[k]) {
			out[k] = keys[k]
		}
	}
	return out
}

func isEmptyRelation(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []string:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

func nonNull(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if v != nil {
			out[k] = v
		}
	}
	return out
}

func stringOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
