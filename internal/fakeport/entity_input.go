package fakeport

import (
	"fmt"
)

// inputMode selects the request schema an entity body is checked against.
type inputMode int

const (
	inputCreate inputMode = iota // POST .../entities and each bulk item: extra fields allowed
	inputPut                     // PUT .../entities/{entity}: extra fields allowed
	inputPatch                   // PATCH .../entities/{entity}: no extra fields, title/icon/team nullable
)

// entityInput is a parsed entity request body. The has* flags tell which
// fields were sent, which matters for merges and PATCH.
type entityInput struct {
	id       string
	title    *string
	icon     *string
	team     []string
	props    map[string]any
	rels     map[string]any
	hasTitle bool
	hasIcon  bool
	hasTeam  bool
	hasProps bool
	hasRels  bool
}

var patchKeys = map[string]bool{"identifier": true, "title": true, "icon": true, "team": true, "properties": true, "relations": true}

// parseEntityInput checks an entity body against the route's schema. Errors
// are 422 invalid_request; where names the body in messages ("body",
// "body/entities/3").
func parseEntityInput(body map[string]any, mode inputMode, where string) (*entityInput, *apiError) {
	in := &entityInput{}
	if mode == inputPatch {
		for k := range body {
			if !patchKeys[k] {
				return nil, errInvalid("%s must NOT have additional properties (%q)", where, k)
			}
		}
	}
	if v, ok := body["identifier"]; ok {
		switch id := v.(type) {
		case string:
			if !validEntityID(id) {
				return nil, errInvalid("%s/identifier %q must match pattern \"^(?!\\.{1,2}$)[\\p{L}0-9@_.+:\\\\/=-]+$\" and have at most 1000 characters", where, id)
			}
			in.id = id
		case map[string]any:
			return nil, errInvalid("%s/identifier: search-query identifiers are not supported by the fake Port API", where)
		default:
			return nil, errInvalid("%s/identifier must be string", where)
		}
	}
	var err *apiError
	if in.title, in.hasTitle, err = nullableString(body, "title", mode == inputPatch, where); err != nil {
		return nil, err
	}
	if in.icon, in.hasIcon, err = nullableString(body, "icon", mode == inputPatch, where); err != nil {
		return nil, err
	}
	if v, ok := body["team"]; ok {
		in.hasTeam = true
		switch t := v.(type) {
		case nil:
			if mode != inputPatch {
				return nil, errInvalid("%s/team must be string or array", where)
			}
			in.team = []string{}
		case string:
			in.team = []string{t}
		case []any:
			in.team = make([]string, 0, len(t))
			for _, x := range t {
				s, ok := x.(string)
				if !ok {
					return nil, errInvalid("%s/team must be an array of strings", where)
				}
				in.team = append(in.team, s)
			}
		case map[string]any:
			return nil, errInvalid("%s/team: team queries are not supported by the fake Port API", where)
		default:
			return nil, errInvalid("%s/team must be string or array", where)
		}
	}
	if v, ok := body["properties"]; ok {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, errInvalid("%s/properties must be object", where)
		}
		in.props, in.hasProps = m, true
	}
	if v, ok := body["relations"]; ok {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, errInvalid("%s/relations must be object", where)
		}
		for name, rv := range m {
			if err := checkRelationValue(rv); err != nil {
				return nil, errInvalid("%s/relations/%s %v", where, name, err)
			}
		}
		in.rels, in.hasRels = m, true
	}
	return in, nil
}

func nullableString(body map[string]any, key string, nullable bool, where string) (*string, bool, *apiError) {
	v, ok := body[key]
	if !ok {
		return nil, false, nil
	}
	switch s := v.(type) {
	case string:
		return &s, true, nil
	case nil:
		if nullable {
			return nil, true, nil
		}
	}
	return nil, false, errInvalid("%s/%s must be string", where, key)
}

func checkRelationValue(v any) error {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if !validEntityID(x) {
			return fmt.Errorf("%q is not a valid entity identifier", x)
		}
		return nil
	case []any:
		for _, e := range x {
			s, ok := e.(string)
			if !ok || !validEntityID(s) {
				return fmt.Errorf("must be an array of entity identifiers")
			}
		}
		return nil
	case map[string]any:
		return fmt.Errorf("relation search queries are not supported by the fake Port API")
	}
	return fmt.Errorf("must be string, array of strings or null")
}
