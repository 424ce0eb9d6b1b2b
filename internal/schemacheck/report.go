package schemacheck

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// Kind is a kind of rule an entity breaks.
type Kind int

// The kinds, in the order a report lists them.
const (
	InvalidIdentifier Kind = iota
	UndeclaredProperty
	WrongType
	WrongFormat
	NotAllowed
	OutOfLimits
	MissingProperty
	UndeclaredRelation
	RelationShape
	MissingRelation
	MissingTargetBlueprint
)

// Cause is one rule broken: entities that break the same rule on the same
// field share a cause.
type Cause struct {
	Kind  Kind
	Field string // the property or relation; "" for the identifier
	Rule  string // what the field must be; for MissingTargetBlueprint the target
}

// Example is an entity that breaks a rule, with the value that breaks it
// ("" when the value is missing).
type Example struct {
	Identifier string
	Value      entity.JSON
}

// Finding is a cause with the entities that break it.
type Finding struct {
	Cause
	Count    int       // how many entities break it
	Examples []Example // the first few, by identifier
}

// maxExamples is how many entities a finding names.
const maxExamples = 3

// Report collects findings. The zero value is empty and ready to use.
type Report struct {
	findings map[Cause]*finding
}

type finding struct {
	Finding
	last string // the identifier counted last, so that one entity counts once
}

func (r *Report) add(c Cause, id string, v entity.JSON) {
	if r.findings == nil {
		r.findings = map[Cause]*finding{}
	}
	f := r.findings[c]
	if f == nil {
		f = &finding{Finding: Finding{Cause: c}}
		r.findings[c] = f
	} else if f.last == id {
		return
	}
	f.last = id
	f.Count++
	i, _ := slices.BinarySearchFunc(f.Examples, id, func(e Example, id string) int { return strings.Compare(e.Identifier, id) })
	if i < maxExamples {
		f.Examples = slices.Insert(f.Examples, i, Example{Identifier: id, Value: v})
		f.Examples = f.Examples[:min(len(f.Examples), maxExamples)]
	}
}

// Empty reports whether no entity broke a rule.
func (r *Report) Empty() bool { return len(r.findings) == 0 }

// Findings returns one finding per cause, in a stable order.
func (r *Report) Findings() []Finding {
	out := make([]Finding, 0, len(r.findings))
	for _, f := range r.findings {
		out = append(out, f.Finding)
	}
	slices.SortFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), strings.Compare(a.Field, b.Field), strings.Compare(a.Rule, b.Rule))
	})
	return out
}

// Detail says, in full sentences, what is wrong, which entities break it,
// and what to do.
func (f Finding) Detail(blueprint string) string {
	noun := "entities"
	if f.Count == 1 {
		noun = "entity"
	}
	return fmt.Sprintf("Port would refuse %d %s of blueprint %s: %s. %s: %s. %s",
		f.Count, noun, blueprint, f.problem(), capitalize(noun), f.examples(), f.advice())
}

func (f Finding) problem() string {
	switch f.Kind {
	case InvalidIdentifier:
		return `the identifier is not one Port accepts (letters, digits and @ _ . + : \ / = - only, at most 1000 characters, not "." or "..")`
	case UndeclaredProperty:
		return fmt.Sprintf("property %q is not declared in the blueprint's schema", f.Field)
	case MissingProperty:
		return fmt.Sprintf("required property %q is missing or null", f.Field)
	case UndeclaredRelation:
		return fmt.Sprintf("relation %q is not declared in the blueprint", f.Field)
	case RelationShape:
		return fmt.Sprintf("relation %q %s", f.Field, f.Rule)
	case MissingRelation:
		return fmt.Sprintf("required relation %q is missing or empty", f.Field)
	case MissingTargetBlueprint:
		return fmt.Sprintf("relation %q targets blueprint %s, which is neither in Port nor planned by a portjsm_blueprint of this configuration", f.Field, f.Rule)
	}
	return fmt.Sprintf("property %q %s", f.Field, f.Rule)
}

func (f Finding) advice() string {
	switch f.Kind {
	case InvalidIdentifier:
		return "Change the identifier expression of the mapping (for example replace spaces with `gsub(\" \"; \"-\")`)."
	case UndeclaredProperty:
		return "Add the property to the blueprint's schema, or remove it from the mapping (a misspelled name?)."
	case WrongType:
		return "Convert the value in the mapping (for example with `tostring` or `tonumber`), or change the property's type in the blueprint."
	case WrongFormat:
		return "Convert the value in the mapping to that format, or change the property's format in the blueprint."
	case NotAllowed:
		return "Map the values onto the allowed ones in the mapping, or add them to the property's enum in the blueprint."
	case OutOfLimits:
		return "Fix the values in the mapping, or relax the limit in the blueprint's schema."
	case MissingProperty:
		return "Map a value for every entity (for example with a default: `.field // \"unknown\"`), or make the property optional in the blueprint."
	case UndeclaredRelation:
		return "Add the relation to the blueprint, or remove it from the mapping (a misspelled name?)."
	case RelationShape:
		return "Map a list of identifiers for a many relation and one identifier for a single one, or change the relation's many in the blueprint."
	case MissingRelation:
		return "Map the relation for every entity, or make it optional in the blueprint."
	case MissingTargetBlueprint:
		return fmt.Sprintf("Create blueprint %s first: declare it with portjsm_blueprint and reference it, so that Terraform creates it before. If another provider creates it in this same apply, apply that resource first with -target.", f.Rule)
	}
	return ""
}

func (f Finding) examples() string {
	parts := make([]string, 0, len(f.Examples)+1)
	for _, e := range f.Examples {
		if e.Value == "" || f.Kind == InvalidIdentifier {
			parts = append(parts, quoteIdentifier(e.Identifier))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", quoteIdentifier(e.Identifier), shorten(string(e.Value))))
	}
	if more := f.Count - len(f.Examples); more > 0 {
		return strings.Join(parts, ", ") + fmt.Sprintf(" and %d more", more)
	}
	if len(parts) > 1 {
		return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	return strings.Join(parts, "")
}

// quoteIdentifier quotes an identifier only when it would not read as one.
func quoteIdentifier(id string) string {
	if validIdentifier(id) {
		return id
	}
	return fmt.Sprintf("%q", id)
}

// shorten keeps a value readable in a message.
func shorten(s string) string {
	const most = 60
	if utf8.RuneCountInString(s) <= most {
		return s
	}
	return string([]rune(s)[:most]) + "…"
}

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
