package mapping

import (
	"fmt"
	"strings"

	"github.com/itchyny/gojq"
)

// Entity is one mapped Port entity.
//
// Values in Properties are JSON values in a normal form: nil, bool, string,
// json.Number (holding the canonical decimal text, see Canonicalize),
// []any and map[string]any. Values in Relations are a string, a []string
// or nil.
type Entity struct {
	Identifier string
	Title      *string        // nil: not set
	Icon       *string        // nil: not set
	Team       []string       // nil: not set
	Properties map[string]any // never nil; a null property is kept as nil
	Relations  map[string]any // never nil; a null relation is kept as nil
}

// EntitySet is the result of mapping a list of items: the entities of the
// items the selector kept, in input order, with unique identifiers.
type EntitySet struct {
	entities []Entity
}

// Len returns the number of entities.
func (s *EntitySet) Len() int { return len(s.entities) }

// Entities returns the entities in input order. The slice is the set's
// own: do not modify it.
func (s *EntitySet) Entities() []Entity { return s.entities }

// MarshalCanonical returns the set as entities_json in canonical form (see
// MarshalEntities).
func (s *EntitySet) MarshalCanonical() ([]byte, error) {
	return appendEntities(nil, s.entities)
}

// Error is a mapping failure for one item.
type Error struct {
	Index int    // the item's position in the input, from 0
	Field string // "selector", "identifier", "properties.status"...; "" when the item itself is at fault
	Expr  string // the field's JQ expression
	Err   error  // what happened, worded to follow the expression
}

func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("item %d: %v", e.Index, e.Err)
	}
	return fmt.Sprintf("item %d: %s: the JQ expression %q %v", e.Index, e.Field, e.Expr, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// DuplicateError reports two items that map to the same identifier.
type DuplicateError struct {
	Identifier    string
	First, Second int // the items' positions in the input
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("items %d and %d both map to the identifier %q; an entity set holds each identifier once: "+
		"make the identifier expression unique (for example by including a key of the parent), or leave one of them out with the selector",
		e.First, e.Second, e.Identifier)
}

// describeValue names a JQ value's type and shows it, shortened:
// `a number (10100)`, `null`.
func describeValue(v any) string {
	if v == nil {
		return "null"
	}
	var kind string
	switch v.(type) {
	case bool:
		kind = "a boolean"
	case string:
		kind = "a string"
	case []any:
		kind = "an array"
	case map[string]any:
		kind = "an object"
	default:
		kind = "a number"
	}
	text, err := gojq.Marshal(v)
	if err != nil {
		return kind
	}
	const limit = 60
	if len(text) > limit {
		cut := limit
		for cut > 0 && text[cut]&0xc0 == 0x80 {
			cut--
		}
		text = append(text[:cut:cut], "..."...)
	}
	return kind + " (" + string(text) + ")"
}

// checkString accepts a string or null (nil result).
func checkString(v any) (*string, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		s := strings.Clone(x)
		return &s, true
	}
	return nil, false
}

// checkStrings accepts a string, a list of strings, or null. It returns
// the index of an element that is not a string, or -1.
func checkStrings(v any) (list []string, ok bool, bad int) {
	switch x := v.(type) {
	case nil:
		return nil, true, -1
	case string:
		return []string{strings.Clone(x)}, true, -1
	case []any:
		list = make([]string, len(x))
		for i, e := range x {
			s, isString := e.(string)
			if !isString {
				return nil, false, i
			}
			list[i] = strings.Clone(s)
		}
		return list, true, -1
	}
	return nil, false, -1
}
