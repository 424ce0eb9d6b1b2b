package fakeport

import (
	"encoding/json"
	"fmt"
)

// deepCopy copies a decoded JSON value so the copy shares no maps or slices
// with the original.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return copyObject(x)
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = deepCopy(e)
		}
		return s
	case []string:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = e
		}
		return s
	}
	return v
}

// copyObject deep-copies a JSON object; a nil one gives an empty object.
func copyObject(x map[string]any) map[string]any {
	m := make(map[string]any, len(x))
	for k, e := range x {
		m[k] = deepCopy(e)
	}
	return m
}

// copyMap deep-copies m, keeping nil as nil.
func copyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	return copyObject(m)
}

// normalizeJSON turns a value built by Go code (typed slices, ints, structs)
// into the generic form encoding/json decodes to, so it validates like a
// request body.
func normalizeJSON(v map[string]any) (map[string]any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("fakeport: value is not JSON: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("fakeport: value is not a JSON object: %w", err)
	}
	return out, nil
}
