package entity

import "strings"

// OptionalString accepts a title or icon: a string, or null (nil).
func OptionalString(v any) (*string, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		s := strings.Clone(x)
		return &s, true
	}
	return nil, false
}

// StringList accepts a team: a string, a list of strings, or null (nil).
// When a list holds something else, bad is its index; otherwise -1.
func StringList(v any) (list []string, ok bool, bad int) {
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

// RelationValue accepts a relation: an identifier (a string, kept as one),
// a list of identifiers (kept as a list, even of one), or null. When a list
// holds something else, bad is its index; otherwise -1.
func RelationValue(v any) (value JSON, ok bool, bad int) {
	switch x := v.(type) {
	case nil:
		return Null, true, -1
	case string:
		return String(x), true, -1
	}
	list, ok, bad := StringList(v)
	if !ok {
		return "", false, bad
	}
	return Strings(list), true, -1
}

// FieldsFromValues returns the fields of an object of generic JSON values.
func FieldsFromValues(values map[string]any) (Fields, error) {
	if values == nil {
		return nil, nil
	}
	texts := make(map[string]JSON, len(values))
	for k, v := range values {
		j, err := Canonical(v)
		if err != nil {
			return nil, err
		}
		texts[k] = j
	}
	return FieldsOf(texts), nil
}

// Values returns the fields as an object of generic JSON values (numbers
// as json.Number); nil fields give nil.
func (f Fields) Values() (map[string]any, error) {
	if f == nil {
		return nil, nil
	}
	out := make(map[string]any, len(f))
	for _, field := range f {
		v, err := field.Value.Value()
		if err != nil {
			return nil, err
		}
		out[field.Key] = v
	}
	return out, nil
}
