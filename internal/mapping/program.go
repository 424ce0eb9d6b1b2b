package mapping

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/itchyny/gojq"
)

// Mapping is one Ocean `port.entity.mappings` block plus its selector.
// Every value is a JQ expression evaluated against one item.
type Mapping struct {
	Selector   string            // JQ returning a boolean; "" means "true"
	Identifier string            // required: JQ returning a non-empty string
	Title      string            // optional ("" = not mapped): a string or null
	Icon       string            // optional ("" = not mapped): a string or null
	Team       string            // optional: a string, a list of strings, or null
	Properties map[string]string // property identifier -> JQ returning any JSON value
	Relations  map[string]string // relation identifier -> JQ returning a string, a list of strings, or null
}

// fieldKind says how a field's value is checked and stored.
type fieldKind int

const (
	kindSelector fieldKind = iota
	kindIdentifier
	kindTitle
	kindIcon
	kindTeam
	kindProperty
	kindRelation
)

// field is one compiled expression of a mapping.
type field struct {
	name string // as in error messages: "identifier", "properties.status"
	key  string // the property or relation identifier
	kind fieldKind
	expr string
	code *gojq.Code
}

// Program is a compiled Mapping. It is safe for concurrent use.
//
// Every expression is parsed and compiled once. Besides one gojq program
// per field (used to attribute errors), Compile builds one combined gojq
// program that evaluates the selector and then every field for an item in a
// single run:
//
//	(SEL) as $s | if $s == true then (F1) as $v1 | ... | [$s, $v1, ...] else [$s] end
//
// Each expression is embedded as its own parsed syntax tree in its own
// scope, so no expression can see another's definitions. Taking only the
// first output of the combined program takes the first output of every
// field, lazily. An expression that might yield no output is written
// (F, null), so that "no output" reads as null without backtracking into
// earlier fields. One run instead of one per field halves the allocations
// of the JQ step (BenchmarkEvaluateRequest measures both).
// Whenever the combined run does not give exactly the
// expected array (a JQ error, a cancelled context), the item is evaluated
// again field by field, which is the reference behaviour and names the
// failing field.
type Program struct {
	fields     []field // fields[0] is the selector, fields[1] the identifier
	combined   *gojq.Code
	properties int // how many properties the mapping sets
	relations  int // how many relations the mapping sets
}

// Compile checks and compiles a mapping. Errors name the field, and for an
// expression that does not parse the offset, line and column of the problem
// and the text around it.
func Compile(m Mapping) (*Program, error) {
	var specs []field
	add := func(name, key string, kind fieldKind, expr string) {
		specs = append(specs, field{name: name, key: key, kind: kind, expr: expr})
	}
	selector := m.Selector
	if strings.TrimSpace(selector) == "" {
		selector = "true"
	}
	add("selector", "", kindSelector, selector)
	if strings.TrimSpace(m.Identifier) == "" {
		return nil, errors.New("identifier: a JQ expression is required, for example `.id | tostring`")
	}
	add("identifier", "", kindIdentifier, m.Identifier)
	for _, opt := range []struct {
		name string
		kind fieldKind
		expr string
	}{{"title", kindTitle, m.Title}, {"icon", kindIcon, m.Icon}, {"team", kindTeam, m.Team}} {
		if strings.TrimSpace(opt.expr) != "" {
			add(opt.name, "", opt.kind, opt.expr)
		}
	}
	for _, group := range []struct {
		name  string
		kind  fieldKind
		exprs map[string]string
	}{{"properties", kindProperty, m.Properties}, {"relations", kindRelation, m.Relations}} {
		for _, key := range slices.Sorted(maps.Keys(group.exprs)) {
			name := group.name + "." + key
			if key == "" {
				return nil, fmt.Errorf("%s: an empty identifier is not allowed; name each entry after the blueprint's %s", group.name, group.name)
			}
			if strings.TrimSpace(group.exprs[key]) == "" {
				return nil, fmt.Errorf("%s: the JQ expression is empty; write one, for example `.%s`, or remove the entry", name, key)
			}
			add(name, key, group.kind, group.exprs[key])
		}
	}

	p := &Program{fields: specs, properties: len(m.Properties), relations: len(m.Relations)}
	trees := make([]*gojq.Query, len(specs))
	for i := range p.fields {
		f := &p.fields[i]
		q, err := parseExpr(f.name, f.expr)
		if err != nil {
			return nil, err
		}
		if f.code, err = compileQuery(f.name, f.expr, q); err != nil {
			return nil, err
		}
		// The combined program gets a tree of its own, so that nothing
		// the compiler might do to a tree is shared between programs.
		if trees[i], err = gojq.Parse(f.expr); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	combined, err := gojq.Compile(combine(trees), compileOptions()...)
	if err != nil {
		return nil, fmt.Errorf("combining the mapping's expressions into one program failed: %w", err)
	}
	p.combined = combined
	return p, nil
}

// combine builds the combined program described on Program from the
// parsed fields (selector first).
func combine(trees []*gojq.Query) *gojq.Query {
	vars := make([]string, len(trees))
	for i := range vars {
		vars[i] = fmt.Sprintf("$__portjsm_%d", i)
	}
	list := make([]*gojq.Query, len(vars))
	for i, v := range vars {
		list[i] = variable(v)
	}
	body := array(list...)
	for i := len(trees) - 1; i >= 1; i-- {
		body = bind(operand(trees[i]), vars[i], body)
	}
	test := &gojq.Query{Left: variable(vars[0]), Op: gojq.OpEq, Right: term(&gojq.Term{Type: gojq.TermTypeTrue})}
	branch := term(&gojq.Term{Type: gojq.TermTypeIf, If: &gojq.If{Cond: test, Then: body, Else: array(variable(vars[0]))}})
	return bind(operand(trees[0]), vars[0], branch)
}

// operand wraps an expression in its own scope, and makes one that might
// yield no output yield null instead: (F) or ((F), null).
func operand(q *gojq.Query) *gojq.Query {
	q = paren(q)
	if exactlyOne(q) {
		return q
	}
	return paren(&gojq.Query{Left: q, Op: gojq.OpComma, Right: term(&gojq.Term{Type: gojq.TermTypeNull})})
}

func term(t *gojq.Term) *gojq.Query { return &gojq.Query{Term: t} }

func paren(q *gojq.Query) *gojq.Query { return term(&gojq.Term{Type: gojq.TermTypeQuery, Query: q}) }

func variable(name string) *gojq.Query {
	return term(&gojq.Term{Type: gojq.TermTypeFunc, Func: &gojq.Func{Name: name}})
}

// bind is `l as $name | r`.
func bind(l *gojq.Query, name string, r *gojq.Query) *gojq.Query {
	return &gojq.Query{Left: l, Op: gojq.OpPipe, Right: r, Patterns: []*gojq.Pattern{{Name: name}}}
}

// array is `[q1, q2, ...]`.
func array(qs ...*gojq.Query) *gojq.Query {
	body := qs[0]
	for _, q := range qs[1:] {
		body = &gojq.Query{Left: body, Op: gojq.OpComma, Right: q}
	}
	return term(&gojq.Term{Type: gojq.TermTypeArray, Array: &gojq.Array{Query: body}})
}
