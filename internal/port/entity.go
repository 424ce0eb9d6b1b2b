package port

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// This file is the one place where entities cross between the normal form of
// package entity and Port's wire form.
//
// A write sends what the entity manages: the identifier (when not empty:
// Port then generates one), title, icon and team when not nil, and the
// properties and relations objects. How a field is cleared depends on the
// write. A write without Merge (the default, and what PUT does) replaces
// the whole entity, so whatever is left out is cleared. With Merge, fields
// left out keep their value in Port; a property or relation is cleared by a
// null value. Port's create and bulk schemas do not accept null for title,
// icon or team, so this client never sends it: clear those with a write
// without Merge.

// wireJSON is the JSON of e as Port's entity create and bulk endpoints
// take it.
func wireJSON(e *entity.Entity) []byte {
	b := make([]byte, 0, 64+len(e.Identifier))
	b = append(b, '{')
	if e.Identifier != "" {
		b = append(b, `"identifier":`...)
		b = jsonvalue.AppendString(b, e.Identifier)
		b = append(b, ',')
	}
	if e.Title != nil {
		b = append(b, `"title":`...)
		b = jsonvalue.AppendString(b, *e.Title)
		b = append(b, ',')
	}
	if e.Icon != nil {
		b = append(b, `"icon":`...)
		b = jsonvalue.AppendString(b, *e.Icon)
		b = append(b, ',')
	}
	if e.Team != nil {
		b = append(b, `"team":`...)
		b = append(b, entity.Strings(e.Team)...)
		b = append(b, ',')
	}
	b = append(b, `"properties":`...)
	b = entity.AppendFields(b, e.Properties)
	b = append(b, `,"relations":`...)
	b = entity.AppendFields(b, e.Relations)
	return append(b, '}')
}

// decodeAnswer decodes a JSON answer of Port into generic values, numbers
// as their literal text (json.Number), so that values are kept digit for
// digit until they are made canonical.
func decodeAnswer(body []byte) (any, error) {
	d := jsonvalue.Decoder{Numbers: jsonvalue.NumbersAsLiterals}
	return d.Decode(string(body))
}

// entityFromWire converts an entity as Port returns it, decoded by
// decodeAnswer, into the normal form: values in canonical JSON, a team given
// as one string as a one-element team, and null title, icon and team as
// nil. Other fields (blueprint, createdAt...) are not read. Strings are
// copied, so the entity does not keep the answer's text alive.
func entityFromWire(v any, keys entity.Keys) (entity.Entity, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return entity.Entity{}, fmt.Errorf("an entity is %s, not an object", jsonvalue.Describe(v))
	}
	id, ok := obj["identifier"].(string)
	if !ok && obj["identifier"] != nil {
		return entity.Entity{}, fmt.Errorf("an entity's identifier is %s, not a string", jsonvalue.Describe(obj["identifier"]))
	}
	e := entity.Entity{Identifier: strings.Clone(id)}
	for _, f := range []struct {
		name string
		to   **string
	}{{"title", &e.Title}, {"icon", &e.Icon}} {
		if *f.to, ok = entity.OptionalString(obj[f.name]); !ok {
			return entity.Entity{}, fmt.Errorf("entity %q: %s is %s, not a string or null", id, f.name, jsonvalue.Describe(obj[f.name]))
		}
	}
	if e.Team, ok, _ = entity.StringList(obj["team"]); !ok {
		return entity.Entity{}, fmt.Errorf("entity %q: team is %s, not a string, a list of strings or null", id, jsonvalue.Describe(obj["team"]))
	}
	var err error
	if e.Properties, err = normalFields(obj["properties"], keys); err != nil {
		return entity.Entity{}, fmt.Errorf("entity %q: properties%w", id, err)
	}
	if e.Relations, err = normalFields(obj["relations"], keys); err != nil {
		return entity.Entity{}, fmt.Errorf("entity %q: relations%w", id, err)
	}
	return e, nil
}

// normalFields converts the properties or relations object of an entity
// (null or missing: none) into fields with canonical values.
func normalFields(v any, keys entity.Keys) (entity.Fields, error) {
	if v == nil {
		return entity.Fields{}, nil
	}
	members, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf(" is %s, not an object", jsonvalue.Describe(v))
	}
	fields := make(entity.Fields, 0, len(members))
	for k, member := range members {
		c, err := entity.Canonical(member)
		if err != nil {
			return nil, fmt.Errorf(".%s: %w", k, err)
		}
		fields = append(fields, entity.Field{Key: keys.Intern(k), Value: c})
	}
	return entity.SortedFields(fields), nil
}

// checkIdentifiers reports the identifier or relation value Port's request
// schema would refuse. Port refuses a whole bulk request for one of them, so
// they are caught before sending.
func checkIdentifiers(e *entity.Entity) string {
	if e.Identifier != "" && !validIdentifier(e.Identifier) {
		return fmt.Sprintf("the identifier %q is not valid: %s", e.Identifier, identifierRule)
	}
	for _, f := range e.Relations {
		ids, ok := f.Value.Targets()
		if !ok {
			return fmt.Sprintf("relation %q must be an identifier or a list of identifiers", f.Key)
		}
		for _, id := range ids {
			if !validIdentifier(id) {
				return fmt.Sprintf("relation %q names %q, which is not a valid identifier: %s", f.Key, id, identifierRule)
			}
		}
	}
	return ""
}

const identifierRule = "Port identifiers are 1 to 1000 letters, digits and @_.+:\\/=- characters, and not \".\" or \"..\""

// validIdentifier follows the pattern of Port's schema,
// ^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]+$ with at most 1000 characters.
func validIdentifier(s string) bool {
	if s == "" || s == "." || s == ".." || utf8.RuneCountInString(s) > 1000 {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && (r < '0' || r > '9') && !strings.ContainsRune(`@_.+:\/=-`, r) {
			return false
		}
	}
	return true
}
