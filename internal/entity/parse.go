package entity

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// fieldNames are the members an entity object of entities_json may have.
var fieldNames = []string{"icon", "properties", "relations", "team", "title"}

// Parse reads a user-supplied entities_json document. The document must be
// one JSON object keyed by entity identifier; each value an object with
// only title and icon (string or null), team (a string, a list of strings,
// or null), properties (an object of any JSON values, or null) and
// relations (an object whose values are a string, a list of strings, or
// null). Null or missing title, icon and team are not managed; missing
// properties and relations are empty. Errors name the identifier and the
// field and say what to write instead. Values are normalized (a team
// written as a string becomes a one-element list), so Encode of the result
// is the document's canonical form.
//
// A document in canonical form, as every entities_json the provider writes
// is, is read without decoding its values (parseCanonical); any other goes
// through the general parser.
func Parse(doc []byte) (Set, error) {
	text := string(doc)
	if set, ok := parseCanonical(text); ok {
		return set, nil
	}
	return parseAny(text)
}

// parseAny is Parse for a document in any form: every value is decoded and
// checked, and every error named.
func parseAny(doc string) (Set, error) {
	d := jsonvalue.Decoder{Numbers: jsonvalue.NumbersAsLiterals}
	set := Set{}
	keys := Keys{}
	v, isObject, err := d.EachMember(doc, func(id string, val any) error {
		if id == "" {
			return fmt.Errorf(`entity "": an identifier must not be empty; key each entity by its Port identifier`)
		}
		if _, dup := set[id]; dup {
			return fmt.Errorf("entity %q: the identifier appears twice; keep one entry per identifier", id)
		}
		e, err := parseEntity(strings.Clone(id), val, keys)
		if err != nil {
			return fmt.Errorf("entity %q: %w", id, err)
		}
		set[e.Identifier] = e
		return nil
	})
	if err != nil {
		if syntax := (*jsonvalue.SyntaxError)(nil); errors.As(err, &syntax) {
			return nil, fmt.Errorf("entities_json is not valid JSON: %w", err)
		}
		return nil, err
	}
	if !isObject {
		return nil, fmt.Errorf(`entities_json must be a JSON object keyed by entity identifier, like {"10100": {"title": "VPN access", "properties": {"status": "Open"}}}; this document is %s`,
			jsonvalue.Describe(v))
	}
	return set, nil
}

func parseEntity(id string, val any, keys Keys) (Entity, error) {
	obj, ok := val.(map[string]any)
	if !ok {
		return Entity{}, fmt.Errorf("the value must be an object with title, icon, team, properties and relations; it is %s", jsonvalue.Describe(val))
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if slices.Contains(fieldNames, k) {
			continue
		}
		switch k {
		case "identifier":
			return Entity{}, fmt.Errorf(`"identifier": the identifier is the object key; remove this field`)
		case "blueprint":
			return Entity{}, fmt.Errorf(`"blueprint": the blueprint is the resource's blueprint argument; remove this field`)
		}
		return Entity{}, fmt.Errorf("unknown field %q; an entity takes only %s", k, strings.Join(fieldNames, ", "))
	}
	e := Entity{Identifier: id}
	var err error
	if e.Title, err = parseOptionalString(obj, "title"); err != nil {
		return Entity{}, err
	}
	if e.Icon, err = parseOptionalString(obj, "icon"); err != nil {
		return Entity{}, err
	}
	team, ok, bad := StringList(obj["team"])
	if !ok {
		return Entity{}, fieldError("team", obj["team"], bad, `a string, a list of strings, or null, for example "team": ["platform"]`)
	}
	e.Team = team
	if e.Properties, err = parseFields(obj, "properties", keys, parseProperty); err != nil {
		return Entity{}, err
	}
	if e.Relations, err = parseFields(obj, "relations", keys, parseRelation); err != nil {
		return Entity{}, err
	}
	return e, nil
}

func parseProperty(name string, v any) (JSON, error) {
	j, err := Canonical(v)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return j, nil
}

func parseRelation(name string, v any) (JSON, error) {
	j, ok, bad := RelationValue(v)
	if !ok {
		return "", fieldError(name, v, bad, `an identifier (a string), a list of identifiers, or null, for example "serviceDesk": "1"`)
	}
	return j, nil
}

func parseOptionalString(obj map[string]any, name string) (*string, error) {
	s, ok := OptionalString(obj[name])
	if !ok {
		return nil, fieldError(name, obj[name], -1, fmt.Sprintf(`a string or null, for example "%s": "VPN access"`, name))
	}
	return s, nil
}

var (
	singular = map[string]string{"properties": "property", "relations": "relation"}
	example  = map[string]string{"properties": "status", "relations": "serviceDesk"}
)

// parseFields reads the properties or relations object (missing or null:
// none), each value through value.
func parseFields(obj map[string]any, name string, keys Keys, value func(name string, v any) (JSON, error)) (Fields, error) {
	var members map[string]any
	switch x := obj[name].(type) {
	case nil:
		return Fields{}, nil
	case map[string]any:
		members = x
	default:
		return nil, fieldError(name, x, -1, fmt.Sprintf(`an object keyed by %s identifier, for example "%s": {"%s": "1"}`, singular[name], name, example[name]))
	}
	fields := make(Fields, 0, len(members))
	for _, k := range slices.Sorted(maps.Keys(members)) {
		j, err := value(name+"."+k, members[k])
		if err != nil {
			return nil, err
		}
		fields = append(fields, Field{keys.Intern(k), j})
	}
	return fields, nil
}

func fieldError(name string, v any, bad int, want string) error {
	if list, isList := v.([]any); isList && bad >= 0 && bad < len(list) {
		return fmt.Errorf("%s: element %d is %s; it must be %s", name, bad, jsonvalue.Describe(list[bad]), want)
	}
	return fmt.Errorf("%s: it is %s; it must be %s", name, jsonvalue.Describe(v), want)
}
