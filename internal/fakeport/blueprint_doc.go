package fakeport

import (
	"slices"
	"unicode/utf8"
)

// metaFields are set by the server; values sent by clients are ignored.
var metaFields = []string{"createdAt", "createdBy", "updatedAt", "updatedBy"}

var (
	relationKeys    = []string{"title", "target", "required", "many", "description", "type"}
	mirrorKeys      = []string{"path", "title"}
	calculationKeys = []string{"title", "description", "icon", "calculation", "type", "format", "spec",
		"specAuthentication", "colorized", "colors", "items"}
	aggregationKeys = []string{"title", "description", "icon", "type", "target", "calculationSpec", "query", "pathFilter"}
)

// normalizeBlueprint validates a blueprint document against the route schema
// of POST/PUT /v1/blueprints and adds Port's defaults: schema.required [],
// empty relations and mirror, calculation and aggregation property maps,
// relation required/many false and aggregation type "number". It returns a
// fresh document and the parsed parts; in is not modified.
func normalizeBlueprint(in map[string]any) (map[string]any, *blueprint, *apiError) {
	doc := copyMap(in)
	for _, k := range metaFields {
		delete(doc, k)
	}
	id, ok := doc["identifier"].(string)
	if !ok {
		return nil, nil, errInvalid("body must have required property 'identifier' of type string")
	}
	if !validBlueprintID(id) {
		return nil, nil, errInvalid("body/identifier %q must match pattern \"^(?!\\.{1,2}$)[\\p{L}0-9@_.+:\\\\/-]+$\" and have at most 100 characters", id)
	}
	title, ok := doc["title"].(string)
	if !ok {
		return nil, nil, errInvalid("body must have required property 'title' of type string")
	}
	if n := utf8.RuneCountInString(title); n < 1 || n > 100 {
		return nil, nil, errInvalid("body/title must have between 1 and 100 characters")
	}
	if err := optionalString(doc, "description", 200); err != nil {
		return nil, nil, err
	}
	if err := optionalString(doc, "icon", 0); err != nil {
		return nil, nil, err
	}
	if err := checkOwnership(doc["ownership"]); err != nil {
		return nil, nil, err
	}
	if err := checkChangelog(doc["changelogDestination"]); err != nil {
		return nil, nil, err
	}
	bp := &blueprint{id: id, required: map[string]bool{}, relations: map[string]relDef{}}
	if err := normalizeSchema(doc, bp); err != nil {
		return nil, nil, err
	}
	if err := normalizeRelations(doc, bp); err != nil {
		return nil, nil, err
	}
	keyed := map[string]map[string]map[string]any{}
	for _, f := range []struct {
		name     string
		allowed  []string
		required []string
	}{
		{"mirrorProperties", mirrorKeys, []string{"path"}},
		{"calculationProperties", calculationKeys, []string{"calculation", "type"}},
		{"aggregationProperties", aggregationKeys, []string{"title", "target", "calculationSpec"}},
	} {
		objs, err := normalizeKeyedObjects(doc, f.name, f.allowed, f.required)
		if err != nil {
			return nil, nil, err
		}
		keyed[f.name] = objs
	}
	for name, m := range keyed["mirrorProperties"] {
		p, _ := m["path"].(string)
		if !mirrorPath.MatchString(p) {
			return nil, nil, errInvalid("body/mirrorProperties/%s/path must be a dot-separated relation path ending with a property", name)
		}
	}
	for name, c := range keyed["calculationProperties"] {
		if t, _ := c["type"].(string); !propertyTypes[t] {
			return nil, nil, errInvalid("body/calculationProperties/%s/type must be one of string, number, boolean, object, array", name)
		}
	}
	for name, a := range keyed["aggregationProperties"] {
		if _, ok := a["type"]; !ok {
			a["type"] = "number"
		}
		if a["type"] != "number" {
			return nil, nil, errInvalid("body/aggregationProperties/%s/type must be equal to \"number\"", name)
		}
	}
	bp.doc = doc
	return doc, bp, nil
}

func optionalString(doc map[string]any, key string, maxLen int) *apiError {
	v, ok := doc[key]
	if !ok {
		return nil
	}
	s, ok := v.(string)
	if !ok {
		return errInvalid("body/%s must be string", key)
	}
	if maxLen > 0 && utf8.RuneCountInString(s) > maxLen {
		return errInvalid("body/%s must NOT have more than %d characters", key, maxLen)
	}
	return nil
}

func checkOwnership(v any) *apiError {
	if v == nil {
		return nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return errInvalid("body/ownership must be object")
	}
	switch o["type"] {
	case "Inherited":
		if _, ok := o["path"].(string); !ok {
			return errInvalid("body/ownership must have required property 'path'")
		}
	case "Direct":
	default:
		return errInvalid("body/ownership/type must be one of Inherited, Direct")
	}
	return nil
}

func checkChangelog(v any) *apiError {
	if v == nil {
		return nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return errInvalid("body/changelogDestination must be object")
	}
	switch o["type"] {
	case "WEBHOOK":
		if _, ok := o["url"].(string); !ok {
			return errInvalid("body/changelogDestination must have required property 'url'")
		}
	case "KAFKA":
	default:
		return errInvalid("body/changelogDestination/type must be one of WEBHOOK, KAFKA")
	}
	return nil
}

func normalizeSchema(doc map[string]any, bp *blueprint) *apiError {
	schema, ok := doc["schema"].(map[string]any)
	if !ok {
		return errInvalid("body must have required property 'schema' of type object")
	}
	for k := range schema {
		if k != "properties" && k != "required" {
			return errInvalid("body/schema must NOT have additional properties (%q)", k)
		}
	}
	props, ok := schema["properties"].(map[string]any)
	if !ok {
		return errInvalid("body/schema must have required property 'properties' of type object")
	}
	bp.props = make(map[string]map[string]any, len(props))
	for name, v := range props {
		if !validKey(name) {
			return errInvalid("body/schema/properties: property name %q must match pattern \"^[A-Za-z0-9@_=\\\\-]+$\"", name)
		}
		def, ok := v.(map[string]any)
		if !ok {
			return errInvalid("body/schema/properties/%s must be object", name)
		}
		if t, _ := def["type"].(string); !propertyTypes[t] {
			return errInvalid("body/schema/properties/%s/type must be one of string, number, boolean, object, array", name)
		}
		if f, ok := def["format"]; ok {
			if s, _ := f.(string); !propertyFormats[s] {
				return errInvalid("body/schema/properties/%s/format %v is not a supported format", name, f)
			}
		}
		if t, ok := def["title"]; ok {
			if s, ok := t.(string); !ok || utf8.RuneCountInString(s) > 100 {
				return errInvalid("body/schema/properties/%s/title must be a string of at most 100 characters", name)
			}
		}
		bp.props[name] = def
	}
	req := []any{}
	if r, ok := schema["required"]; ok {
		list, ok := r.([]any)
		if !ok {
			return errInvalid("body/schema/required must be array")
		}
		for _, x := range list {
			name, ok := x.(string)
			if !ok {
				return errInvalid("body/schema/required must be an array of strings")
			}
			if _, ok := props[name]; !ok {
				return errInvalid("body/schema/required names %q, which is not a property of the blueprint", name)
			}
			bp.required[name] = true
		}
		req = list
	}
	schema["required"] = req
	return nil
}

func normalizeRelations(doc map[string]any, bp *blueprint) *apiError {
	rels, err := keyedObjects(doc, "relations")
	if err != nil {
		return err
	}
	for name, r := range rels {
		for k := range r {
			if !slices.Contains(relationKeys, k) {
				return errInvalid("body/relations/%s must NOT have additional properties (%q)", name, k)
			}
		}
		target, ok := r["target"].(string)
		if !ok {
			return errInvalid("body/relations/%s must have required property 'target' of type string", name)
		}
		def := relDef{target: target}
		for _, flag := range []struct {
			key string
			dst *bool
		}{{"required", &def.required}, {"many", &def.many}} {
			switch b := r[flag.key].(type) {
			case nil:
				r[flag.key] = false
			case bool:
				*flag.dst = b
			default:
				return errInvalid("body/relations/%s/%s must be boolean", name, flag.key)
			}
		}
		if t, ok := r["title"]; ok {
			if s, ok := t.(string); !ok || utf8.RuneCountInString(s) > 100 {
				return errInvalid("body/relations/%s/title must be a string of at most 100 characters", name)
			}
		}
		for _, k := range []string{"description", "type"} {
			if x, ok := r[k]; ok {
				if _, ok := x.(string); !ok {
					return errInvalid("body/relations/%s/%s must be string", name, k)
				}
			}
		}
		bp.relations[name] = def
	}
	return nil
}

// keyedObjects reads an optional map of objects with schema-key names,
// defaulting it to {} in doc. The objects it returns are those of doc, so a
// change to one (a default filled in) is a change to doc.
func keyedObjects(doc map[string]any, field string) (map[string]map[string]any, *apiError) {
	v, ok := doc[field]
	if !ok || v == nil {
		doc[field] = map[string]any{}
		return map[string]map[string]any{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errInvalid("body/%s must be object", field)
	}
	objs := make(map[string]map[string]any, len(m))
	for name, x := range m {
		if !validKey(name) {
			return nil, errInvalid("body/%s: name %q must match pattern \"^[A-Za-z0-9@_=\\\\-]+$\"", field, name)
		}
		o, ok := x.(map[string]any)
		if !ok {
			return nil, errInvalid("body/%s/%s must be object", field, name)
		}
		objs[name] = o
	}
	return objs, nil
}

// normalizeKeyedObjects reads the map of objects at field as keyedObjects
// does and checks each object's keys against allowed and required.
func normalizeKeyedObjects(doc map[string]any, field string, allowed, required []string) (map[string]map[string]any, *apiError) {
	m, err := keyedObjects(doc, field)
	if err != nil {
		return nil, err
	}
	for name, o := range m {
		for k := range o {
			if !slices.Contains(allowed, k) {
				return nil, errInvalid("body/%s/%s must NOT have additional properties (%q)", field, name, k)
			}
		}
		for _, k := range required {
			if _, ok := o[k]; !ok {
				return nil, errInvalid("body/%s/%s must have required property '%s'", field, name, k)
			}
		}
	}
	return m, nil
}
