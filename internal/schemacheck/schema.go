package schemacheck

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// Schema is what Port checks each entity of one blueprint against.
type Schema struct {
	blueprint string
	props     map[string]*property
	required  []string // property names, sorted
	relations map[string]*relation
	relNames  []string // sorted
}

// property is one compiled property definition (or the items definition of
// an array property).
type property struct {
	name     string
	typ      valueType
	format   string
	enum     []entity.JSON
	enumRule string
	limits   []limit
	items    *property
}

type relation struct {
	name          string
	target        string
	required      bool
	many          bool
	missingTarget bool
}

// limit is one length, range, pattern or item-count keyword.
type limit struct {
	rule string // as Port words it: "must NOT have more than 5 characters"
	ok   func(v entity.JSON, t valueType) bool
}

// Compile reads a blueprint document as Port returns it (or as a
// configuration describes it): identifier, schema.properties,
// schema.required and relations. Keys it does not know are ignored.
func Compile(doc map[string]any) (*Schema, error) {
	id, _ := doc["identifier"].(string)
	s := &Schema{blueprint: id, props: map[string]*property{}, relations: map[string]*relation{}}
	schema, _ := doc["schema"].(map[string]any)
	props, _ := schema["properties"].(map[string]any)
	for name, v := range props {
		def, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("schema.properties.%s is not an object", name)
		}
		p, err := compileProperty(name, def)
		if err != nil {
			return nil, err
		}
		s.props[name] = p
	}
	if list, ok := schema["required"].([]any); ok {
		for _, x := range list {
			if name, ok := x.(string); ok {
				s.required = append(s.required, name)
			}
		}
		slices.Sort(s.required)
		s.required = slices.Compact(s.required)
	}
	rels, _ := doc["relations"].(map[string]any)
	for name, v := range rels {
		def, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("relations.%s is not an object", name)
		}
		target, _ := def["target"].(string)
		required, _ := def["required"].(bool)
		many, _ := def["many"].(bool)
		s.relations[name] = &relation{name: name, target: target, required: required, many: many}
		s.relNames = append(s.relNames, name)
	}
	slices.Sort(s.relNames)
	return s, nil
}

// Blueprint is the identifier of the blueprint the schema belongs to.
func (s *Schema) Blueprint() string { return s.blueprint }

// Targets returns the blueprints the relations target, by relation name.
func (s *Schema) Targets() map[string]string {
	out := make(map[string]string, len(s.relations))
	for name, r := range s.relations {
		out[name] = r.target
	}
	return out
}

// MarkMissingBlueprint records that a target blueprint does not exist, so
// that entities that set a relation to it are refused.
func (s *Schema) MarkMissingBlueprint(target string) {
	for _, r := range s.relations {
		if r.target == target {
			r.missingTarget = true
		}
	}
}

func compileProperty(name string, def map[string]any) (*property, error) {
	p := &property{name: name}
	typ, _ := def["type"].(string)
	p.typ = typeNamed(typ)
	p.format, _ = def["format"].(string)
	if enum, ok := def["enum"].([]any); ok {
		texts := make([]string, 0, len(enum))
		for _, e := range enum {
			b, err := jsonvalue.Append(nil, e)
			if err != nil {
				return nil, fmt.Errorf("schema.properties.%s.enum: %w", name, err)
			}
			p.enum = append(p.enum, entity.JSON(b))
			texts = append(texts, string(b))
		}
		p.enumRule = "must be one of " + strings.Join(texts, ", ")
	}
	p.limits = compileLimits(def)
	if p.typ == typeArray {
		if items, ok := def["items"].(map[string]any); ok {
			var err error
			if p.items, err = compileProperty(name, items); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

func compileLimits(def map[string]any) []limit {
	var out []limit
	if m, ok := number(def["minLength"]); ok {
		out = append(out, limit{fmt.Sprintf("must NOT have fewer than %v characters", m), func(v entity.JSON, t valueType) bool {
			return t != typeString || float64(runeCount(v)) >= m
		}})
	}
	if m, ok := number(def["maxLength"]); ok {
		out = append(out, limit{fmt.Sprintf("must NOT have more than %v characters", m), func(v entity.JSON, t valueType) bool {
			return t != typeString || float64(runeCount(v)) <= m
		}})
	}
	if p, ok := def["pattern"].(string); ok {
		re, err := regexp.Compile(p)
		if err == nil { // Port's patterns are ECMAScript; one Go cannot read is left to Port
			out = append(out, limit{fmt.Sprintf("must match pattern %q", p), func(v entity.JSON, t valueType) bool {
				return t != typeString || re.MatchString(stringValue(v))
			}})
		}
	}
	if m, ok := number(def["minimum"]); ok {
		out = append(out, limit{fmt.Sprintf("must be >= %v", m), func(v entity.JSON, t valueType) bool {
			return t != typeNumber || numberValue(v) >= m
		}})
	}
	if m, ok := number(def["maximum"]); ok {
		out = append(out, limit{fmt.Sprintf("must be <= %v", m), func(v entity.JSON, t valueType) bool {
			return t != typeNumber || numberValue(v) <= m
		}})
	}
	if m, ok := number(def["minItems"]); ok {
		out = append(out, limit{fmt.Sprintf("must NOT have fewer than %v items", m), func(v entity.JSON, t valueType) bool {
			return t != typeArray || float64(len(arrayItems(v))) >= m
		}})
	}
	if m, ok := number(def["maxItems"]); ok {
		out = append(out, limit{fmt.Sprintf("must NOT have more than %v items", m), func(v entity.JSON, t valueType) bool {
			return t != typeArray || float64(len(arrayItems(v))) <= m
		}})
	}
	return out
}

// number reads a JSON number as Port's client (float64) or a Terraform
// configuration (json.Number) gives it.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case int:
		return float64(x), true
	}
	return 0, false
}
