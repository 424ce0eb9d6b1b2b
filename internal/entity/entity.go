// Package entity is the domain of the sync: a Port entity as a sync manages
// it, in one normal form, and the entity set that entities_json holds.
//
// The mapping produces entities, the reconciler diffs them, the Port client
// writes and reads them (converting to and from Port's wire form in one
// place) and the provider passes them through. Every value is kept as its
// canonical JSON text (the text Terraform's jsonencode writes), so two
// entities hold the same values exactly when their fields are equal, and
// encoding a set is copying text.
package entity

import (
	"slices"
	"strings"

	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// JSON is one JSON value as canonical text: object keys sorted, no
// whitespace, numbers in plain decimal notation, strings escaped as
// encoding/json escapes them.
type JSON string

// Null is the JSON null.
const Null JSON = "null"

// Canonical returns the canonical text of a JSON value as the decoder or
// gojq produce it (nil, bool, string, numbers, []any, map[string]any).
func Canonical(v any) (JSON, error) {
	b, err := jsonvalue.Append(nil, v)
	return JSON(b), err
}

// String returns the canonical text of a JSON string.
func String(s string) JSON { return JSON(jsonvalue.AppendString(nil, s)) }

// Strings returns the canonical text of a JSON array of strings.
func Strings(list []string) JSON {
	b := []byte{'['}
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonvalue.AppendString(b, s)
	}
	return JSON(append(b, ']'))
}

// Value decodes the text into a generic value (numbers as json.Number).
func (j JSON) Value() (any, error) {
	d := jsonvalue.Decoder{Numbers: jsonvalue.NumbersAsLiterals}
	return d.Decode(string(j))
}

// Targets returns the identifiers a relation value names: one for a
// string, the elements of a list of strings, none for null. ok is false for
// any other value.
func (j JSON) Targets() (ids []string, ok bool) {
	v, err := j.Value()
	if err != nil {
		return nil, false
	}
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		return []string{x}, true
	case []any:
		ids = make([]string, len(x))
		for i, e := range x {
			s, isString := e.(string)
			if !isString {
				return nil, false
			}
			ids[i] = s
		}
		return ids, true
	}
	return nil, false
}

// IsEmptyRelation reports whether a relation value names no entity: null
// or an empty list, which Port reads back interchangeably.
func (j JSON) IsEmptyRelation() bool { return j == Null || j == "[]" }

// Field is one property or relation.
type Field struct {
	Key   string
	Value JSON
}

// Fields are the properties or relations of an entity, sorted by key, each
// key once.
type Fields []Field

// FieldsOf returns the fields of a map, sorted.
func FieldsOf(m map[string]JSON) Fields {
	f := make(Fields, 0, len(m))
	for k, v := range m {
		f = append(f, Field{k, v})
	}
	f.sort()
	return f
}

// SortedFields sorts fields appended in any order, each key once, and
// returns them.
func SortedFields(f Fields) Fields {
	f.sort()
	return f
}

func (f Fields) sort() {
	slices.SortFunc(f, func(a, b Field) int { return strings.Compare(a.Key, b.Key) })
}

// Get returns the value of key.
func (f Fields) Get(key string) (JSON, bool) {
	i, found := slices.BinarySearchFunc(f, key, func(e Field, k string) int { return strings.Compare(e.Key, k) })
	if !found {
		return "", false
	}
	return f[i].Value, true
}

// Has reports whether key is one of the fields.
func (f Fields) Has(key string) bool {
	_, ok := f.Get(key)
	return ok
}

// Entity is one Port entity as a sync manages it. A nil Title, Icon or Team
// is not managed (Port's value is kept); Properties and Relations hold the
// managed keys only, a null value clearing the key in Port.
type Entity struct {
	Identifier string
	Title      *string
	Icon       *string
	Team       []string
	Properties Fields
	Relations  Fields // each value a string, a list of strings, or null
}

// Equal reports whether two entities hold the same managed values. The
// identifiers are not compared: callers compare entities of one identifier.
func (e *Entity) Equal(o *Entity) bool {
	return equalString(e.Title, o.Title) && equalString(e.Icon, o.Icon) &&
		(e.Team == nil) == (o.Team == nil) && slices.Equal(e.Team, o.Team) &&
		slices.Equal(e.Properties, o.Properties) && slices.Equal(e.Relations, o.Relations)
}

func equalString(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Keys interns property and relation keys: the entities of a set share a
// few keys, and one copy of each is enough.
type Keys map[string]string

// Intern returns the one copy of key.
func (k Keys) Intern(key string) string {
	if s, ok := k[key]; ok {
		return s
	}
	s := strings.Clone(key)
	k[s] = s
	return s
}
