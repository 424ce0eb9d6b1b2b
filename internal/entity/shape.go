package entity

import (
	"encoding/json"
	"slices"

	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// EncodeLike encodes set as entities_json in the shape of a prior document
// that held the entities prior: an entity equal to its prior value keeps the
// prior's bytes, and a changed one keeps the prior's fields (a missing
// relations object stays missing, an explicit null stays null, a team
// written as a string stays a string) with only the changed values
// replaced. So a drift in one entity is a diff of that entity alone,
// whatever shape the configuration's JSON has. When nothing changed, the
// prior document itself is returned.
func EncodeLike(set, prior Set, priorDoc []byte) []byte {
	if set.Equal(prior) {
		return priorDoc
	}
	var raws map[string]json.RawMessage
	if err := json.Unmarshal(priorDoc, &raws); err != nil {
		raws = nil // no usable shape: encode canonically
	}
	b := []byte{'{'}
	for i, id := range set.Identifiers() {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonvalue.AppendString(b, id)
		b = append(b, ':')
		e := set[id]
		raw, hadShape := raws[id]
		if p, known := prior[id]; known && hadShape && e.Equal(&p) {
			b = append(b, raw...)
			continue
		}
		b = appendEntityLike(b, &e, raw)
	}
	return append(b, '}')
}

// appendEntityLike encodes e with the fields of raw, its prior encoding;
// without one, canonically.
func appendEntityLike(b []byte, e *Entity, raw json.RawMessage) []byte {
	var fields map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &fields) != nil {
		return AppendEntity(b, e)
	}
	out := make(map[string]json.RawMessage, len(fields))
	for k, v := range fields {
		switch k {
		case "title":
			out[k] = keepIfEqual(v, optionalString(e.Title))
		case "icon":
			out[k] = keepIfEqual(v, optionalString(e.Icon))
		case "team":
			out[k] = teamLike(v, e.Team)
		case "properties":
			out[k] = fieldsLike(e.Properties, v)
		case "relations":
			out[k] = fieldsLike(e.Relations, v)
		default:
			out[k] = v
		}
	}
	enc, err := json.Marshal(out)
	if err != nil {
		return AppendEntity(b, e) // the prior shape held invalid JSON
	}
	return append(b, enc...)
}

// fieldsLike encodes the managed keys of a properties or relations object,
// keeping the prior bytes of each unchanged value.
func fieldsLike(fields Fields, raw json.RawMessage) json.RawMessage {
	var prior map[string]json.RawMessage
	if err := json.Unmarshal(raw, &prior); err != nil {
		prior = nil // not an object before: encode the values canonically
	}
	if len(fields) == 0 && len(prior) == 0 && len(raw) > 0 {
		return raw
	}
	out := make(map[string]json.RawMessage, len(fields))
	for _, f := range fields {
		out[f.Key] = keepIfEqual(prior[f.Key], f.Value)
	}
	enc, err := json.Marshal(out)
	if err != nil {
		return AppendFields(nil, fields)
	}
	return enc
}

// keepIfEqual returns raw when it encodes value, or value.
func keepIfEqual(raw json.RawMessage, value JSON) json.RawMessage {
	if len(raw) > 0 {
		if have, err := jsonvalue.Canonicalize(raw); err == nil && string(have) == string(value) {
			return raw
		}
	}
	return json.RawMessage(value)
}

// teamLike keeps the prior bytes of a team that did not change, also when
// they wrote it as one string.
func teamLike(raw json.RawMessage, team []string) json.RawMessage {
	if prior, err := JSON(raw).Value(); err == nil {
		if list, ok, _ := StringList(prior); ok && (list == nil) == (team == nil) && slices.Equal(list, team) {
			return raw
		}
	}
	if team == nil {
		return json.RawMessage(Null)
	}
	return json.RawMessage(Strings(team))
}

func optionalString(s *string) JSON {
	if s == nil {
		return Null
	}
	return String(*s)
}
