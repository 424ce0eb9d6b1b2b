package mapping

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// entityFields are the members an entity object of entities_json may have.
var entityFields = []string{"icon", "properties", "relations", "team", "title"}

// ParseEntitiesJSON checks a user-supplied entities_json document and
// returns its entities keyed by identifier. The document must be one JSON
// object keyed by entity identifier; each value an object with only title
// and icon (string or null), team (a string, a list of strings, or null),
// properties (an object of any JSON values, or null) and relations (an
// object whose values are a string, a list of strings, or null). Null or
// missing title, icon and team are left unset; missing properties and
// relations are empty. Errors name the identifier and the field and say
// what to write instead. Values are normalized as Entity documents (a team
// written as a string becomes a one-element list), so MarshalEntities of
// the result is the document's canonical form.
func ParseEntitiesJSON(doc []byte) (map[string]Entity, error) {
	d := decoder{numbers: numbersAsLiterals}
	entities := map[string]Entity{}
	v, isObject, err := d.eachMember(string(doc), func(id string, val any) error {
		if id == "" {
			return fmt.Errorf(`entity "": an identifier must not be empty; key each entity by its Port identifier`)
		}
		if _, dup := entities[id]; dup {
			return fmt.Errorf("entity %q: the identifier appears twice; keep one entry per identifier", id)
		}
		e, err := parseEntity(id, val)
		if err != nil {
			return fmt.Errorf("entity %q: %w", id, err)
		}
		entities[id] = e
		return nil
	})
	if err != nil {
		if syntax := (*SyntaxError)(nil); errors.As(err, &syntax) {
			return nil, fmt.Errorf("entities_json is not valid JSON: %w", err)
		}
		return nil, err
	}
	if !isObject {
		return nil, fmt.Errorf(`entities_json must be a JSON object keyed by entity identifier, like {"10100": {"title": "VPN access", "properties": {"status": "Open"}}}; this document is %s`,
			describeValue(v))
	}
	return entities, nil
}

func parseEntity(id string, val any) (Entity, error) {
	obj, ok := val.(map[string]any)
	if !ok {
		return Entity{}, fmt.Errorf("the value must be an object with title, icon, team, properties and relations; it is %s", describeValue(val))
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if slices.Contains(entityFields, k) {
			continue
		}
		switch k {
		case "identifier":
			return Entity{}, fmt.Errorf(`"identifier": the identifier is the object key; remove this field`)
		case "blueprint":
			return Entity{}, fmt.Errorf(`"blueprint": the blueprint is the resource's blueprint argument; remove this field`)
		}
		return Entity{}, fmt.Errorf("unknown field %q; an entity takes only %s", k, strings.Join(entityFields, ", "))
	}
	e := Entity{Identifier: id, Properties: map[string]any{}, Relations: map[string]any{}}
	var err error
	if e.Title, err = parseOptionalString(obj, "title"); err != nil {
		return Entity{}, err
	}
	if e.Icon, err = parseOptionalString(obj, "icon"); err != nil {
		return Entity{}, err
	}
	team, ok, bad := checkStrings(obj["team"])
	if !ok {
		return Entity{}, fieldError("team", obj["team"], bad, `a string, a list of strings, or null, for example "team": ["platform"]`)
	}
	e.Team = team
	props, err := parseObject(obj, "properties")
	if err != nil {
		return Entity{}, err
	}
	for _, k := range slices.Sorted(maps.Keys(props)) {
		if e.Properties[k], err = jsonValue(props[k]); err != nil {
			return Entity{}, fmt.Errorf("properties.%s: %w", k, err)
		}
	}
	rels, err := parseObject(obj, "relations")
	if err != nil {
		return Entity{}, err
	}
	for _, k := range slices.Sorted(maps.Keys(rels)) {
		switch r := rels[k].(type) {
		case string:
			e.Relations[k] = r
		case nil:
			e.Relations[k] = nil
		default:
			list, ok, bad := checkStrings(r)
			if !ok {
				return Entity{}, fieldError("relations."+k, r, bad, `an identifier (a string), a list of identifiers, or null, for example "serviceDesk": "1"`)
			}
			e.Relations[k] = list
		}
	}
	return e, nil
}

func parseOptionalString(obj map[string]any, name string) (*string, error) {
	s, ok := checkString(obj[name])
	if !ok {
		return nil, fieldError(name, obj[name], -1, fmt.Sprintf(`a string or null, for example "%s": "VPN access"`, name))
	}
	return s, nil
}

var (
	singular = map[string]string{"properties": "property", "relations": "relation"}
	example  = map[string]string{"properties": "status", "relations": "serviceDesk"}
)

func parseObject(obj map[string]any, name string) (map[string]any, error) {
	switch x := obj[name].(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return x, nil
	default:
		return nil, fieldError(name, x, -1, fmt.Sprintf(`an object keyed by %s identifier, for example "%s": {"%s": "1"}`, singular[name], name, example[name]))
	}
}

func fieldError(name string, v any, bad int, want string) error {
	if bad >= 0 {
		return fmt.Errorf("%s: element %d is %s; it must be %s", name, bad, describeValue(v.([]any)[bad]), want)
	}
	return fmt.Errorf("%s: it is %s; it must be %s", name, describeValue(v), want)
}
