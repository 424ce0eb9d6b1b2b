package port

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Entity is a Port entity.
//
// Zero values are left out when an entity is sent: an empty Identifier (Port
// then generates one), an empty Title, a nil Icon, a nil Team, nil
// Properties and nil Relations. A non-nil empty Team, Properties or Relations
// is sent as [] or {}.
//
// How a field is cleared depends on the write. A write without Merge (the
// default, and what PUT does) replaces the whole entity, so whatever is left
// out is cleared. With Merge, fields left out keep their value in Port; a
// property or relation is cleared by setting it to nil in Properties or
// Relations (sent as null, which Port's schema allows). Port's create and
// bulk schemas do not accept null for title, icon or team, so this client
// never sends it: clear those with a write without Merge.
type Entity struct {
	Identifier string
	Title      string
	// ClearTitle sends an empty Title as "" instead of leaving it out, so
	// that a merge replaces the title Port holds with an empty one.
	ClearTitle bool
	Icon       *string
	Team       []string
	// Properties maps property identifiers to JSON values (as encoding/json
	// decodes them: numbers are float64).
	Properties map[string]any
	// Relations maps relation identifiers to a related identifier (string),
	// a list of them ([]any or []string), or nil.
	Relations map[string]any
	// Blueprint is the entity's blueprint identifier. It is filled in on
	// entities read from Port and never sent: the blueprint is in the path.
	Blueprint string
	// Extra holds the other fields Port returns, such as createdAt, createdBy,
	// updatedAt and updatedBy. It is never sent to Port.
	Extra map[string]any
}

// entityWrite is the JSON Port's entity create and bulk endpoints take.
type entityWrite struct {
	Identifier string         `json:"identifier,omitempty"`
	Title      *string        `json:"title,omitzero"`
	Icon       *string        `json:"icon,omitzero"`
	Team       []string       `json:"team,omitzero"`
	Properties map[string]any `json:"properties,omitzero"`
	Relations  map[string]any `json:"relations,omitzero"`
}

// entityRead adds the field Port returns beyond the writable ones.
type entityRead struct {
	entityWrite
	Blueprint string `json:"blueprint,omitempty"`
}

func (e *Entity) wire() entityWrite {
	w := entityWrite{Identifier: e.Identifier, Icon: e.Icon, Team: e.Team, Properties: e.Properties, Relations: e.Relations}
	if e.Title != "" || e.ClearTitle {
		w.Title = &e.Title
	}
	return w
}

// writeJSON is the entity as a write request sends it.
func (e *Entity) writeJSON() ([]byte, error) { return encodeJSON(e.wire()) }

// MarshalJSON encodes the entity as Port returns it: the typed fields, the
// blueprint and Extra. UnmarshalJSON reads that form back unchanged.
func (e Entity) MarshalJSON() ([]byte, error) {
	read := entityRead{entityWrite: e.wire(), Blueprint: e.Blueprint}
	if len(e.Extra) == 0 {
		return encodeJSON(read)
	}
	typed, err := encodeJSON(read)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(typed, &m); err != nil {
		return nil, err
	}
	for k, v := range e.Extra {
		if !typedEntityFields[k] {
			m[k] = v
		}
	}
	return encodeJSON(m)
}

var typedEntityFields = map[string]bool{
	"identifier": true, "title": true, "icon": true, "team": true,
	"properties": true, "relations": true, "blueprint": true,
}

// UnmarshalJSON reads an entity as Port returns it. A team given as one
// string becomes a one-element Team; null fields stay zero.
func (e *Entity) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	out := Entity{}
	for k, raw := range m {
		if err := out.setField(k, raw); err != nil {
			return fmt.Errorf("entity field %q: %w", k, err)
		}
	}
	*e = out
	return nil
}

func (e *Entity) setField(k string, raw json.RawMessage) error {
	if string(raw) == "null" && typedEntityFields[k] {
		return nil
	}
	switch k {
	case "identifier":
		return json.Unmarshal(raw, &e.Identifier)
	case "title":
		return json.Unmarshal(raw, &e.Title)
	case "blueprint":
		return json.Unmarshal(raw, &e.Blueprint)
	case "icon":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return err
		}
		e.Icon = &s
		return nil
	case "team":
		var one string
		if json.Unmarshal(raw, &one) == nil {
			e.Team = []string{one}
			return nil
		}
		return json.Unmarshal(raw, &e.Team)
	case "properties":
		return json.Unmarshal(raw, &e.Properties)
	case "relations":
		return json.Unmarshal(raw, &e.Relations)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	if e.Extra == nil {
		e.Extra = map[string]any{}
	}
	e.Extra[k] = v
	return nil
}

// checkIdentifiers reports the identifier or relation value Port's request
// schema would refuse. Port refuses a whole bulk request for one of them, so
// they are caught before sending.
func checkIdentifiers(e *Entity) string {
	if e.Identifier != "" && !validIdentifier(e.Identifier) {
		return fmt.Sprintf("the identifier %q is not valid: %s", e.Identifier, identifierRule)
	}
	for name, v := range e.Relations {
		var ids []string
		switch x := v.(type) {
		case string:
			ids = []string{x}
		case []string:
			ids = x
		case []any:
			for _, item := range x {
				s, ok := item.(string)
				if !ok {
					return fmt.Sprintf("relation %q must be an identifier or a list of identifiers", name)
				}
				ids = append(ids, s)
			}
		}
		for _, id := range ids {
			if !validIdentifier(id) {
				return fmt.Sprintf("relation %q names %q, which is not a valid identifier: %s", name, id, identifierRule)
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
