package reconcile

import (
	"bytes"
	"encoding/json"

	"github.com/portjsm/terraform-provider-portjsm/internal/mapping"
)

// EncodeLike encodes set as entities_json in the shape of a prior document
// that held the entities prior: an entity equal to its prior value keeps the
// prior's bytes, and a changed one keeps the prior's fields (a missing
// relations object stays missing, an explicit null stays null, a team
// written as a string stays a string) with only the changed values
// replaced. So a drift in one entity is a diff of that entity alone,
// whatever shape the configuration's JSON has. When nothing changed, the
// prior document itself is returned.
func EncodeLike(set, prior Set, priorDoc []byte) ([]byte, error) {
	if sameEntities(set, prior) {
		return priorDoc, nil
	}
	var raws map[string]json.RawMessage
	if err := json.Unmarshal(priorDoc, &raws); err != nil {
		raws = nil // no usable shape: encode canonically
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, id := range set.Identifiers() {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := mapping.MarshalValue(id)
		b.Write(key)
		b.WriteByte(':')
		e := set[id]
		raw, hadShape := raws[id]
		if p, known := prior[id]; known && hadShape && Equal(e, p) {
			b.Write(raw)
			continue
		}
		enc, err := encodeEntityLike(e, raw)
		if err != nil {
			return nil, err
		}
		b.Write(enc)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func sameEntities(set, prior Set) bool {
	if len(set) != len(prior) {
		return false
	}
	for id, e := range set {
		p, ok := prior[id]
		if !ok || !Equal(e, p) {
			return false
		}
	}
	return true
}

// encodeEntityLike encodes e with the fields of raw, its prior encoding;
// without one, canonically.
func encodeEntityLike(e mapping.Entity, raw json.RawMessage) ([]byte, error) {
	var fields map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &fields) != nil {
		return canonicalEntity(e)
	}
	out := make(map[string]json.RawMessage, len(fields))
	for k, v := range fields {
		var value any
		switch k {
		case "title":
			value = stringValue(e.Title)
		case "icon":
			value = stringValue(e.Icon)
		case "team":
			value = teamValue(e.Team)
		case "properties":
			enc, err := encodeObjectLike(e.Properties, v)
			if err != nil {
				return nil, err
			}
			out[k] = enc
			continue
		case "relations":
			enc, err := encodeObjectLike(e.Relations, v)
			if err != nil {
				return nil, err
			}
			out[k] = enc
			continue
		default:
			out[k] = v
			continue
		}
		enc, err := keepIfEqual(v, value)
		if err != nil {
			return nil, err
		}
		out[k] = enc
	}
	return json.Marshal(out)
}

// encodeObjectLike encodes the managed keys of a properties or relations
// object, keeping the prior bytes of each unchanged value.
func encodeObjectLike(values map[string]any, raw json.RawMessage) (json.RawMessage, error) {
	var prior map[string]json.RawMessage
	if err := json.Unmarshal(raw, &prior); err != nil {
		prior = nil // not an object before: encode the values canonically
	}
	if len(values) == 0 && len(prior) == 0 && len(raw) > 0 {
		return raw, nil
	}
	out := make(map[string]json.RawMessage, len(values))
	for k, v := range values {
		enc, err := keepIfEqual(prior[k], v)
		if err != nil {
			return nil, err
		}
		out[k] = enc
	}
	return json.Marshal(out)
}

// keepIfEqual returns raw when it encodes value, or value's canonical
// encoding.
func keepIfEqual(raw json.RawMessage, value any) (json.RawMessage, error) {
	want, err := mapping.MarshalValue(value)
	if err != nil {
		return nil, err
	}
	if len(raw) > 0 {
		if have, err := mapping.Canonicalize(raw); err == nil && bytes.Equal(have, want) {
			return raw, nil
		}
	}
	return want, nil
}

func stringValue(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func teamValue(team []string) any {
	if team == nil {
		return nil
	}
	return team
}

func canonicalEntity(e mapping.Entity) ([]byte, error) {
	doc, err := mapping.MarshalEntities(map[string]mapping.Entity{"": e})
	if err != nil {
		return nil, err
	}
	// {"":{...}} -> {...}
	return doc[len(`{"":`) : len(doc)-1], nil
}
