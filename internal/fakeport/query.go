package fakeport

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// predicate tells whether an entity matches a search query.
type predicate func(e *entity) bool

func matchAll(*entity) bool { return true }

// compileQuery turns a Port search query ({combinator, rules}) into a
// predicate. Unsupported rules are errors, never silently ignored.
func compileQuery(q map[string]any, bp *blueprint, where string) (predicate, error) {
	comb, _ := q["combinator"].(string)
	if comb != "and" && comb != "or" {
		return nil, fmt.Errorf("%s/combinator must be equal to one of the allowed values: and, or", where)
	}
	rules, ok := q["rules"].([]any)
	if !ok {
		return nil, fmt.Errorf("%s must have required property 'rules' of type array", where)
	}
	for k := range q {
		if k != "combinator" && k != "rules" {
			return nil, fmt.Errorf("%s must NOT have additional properties (%q)", where, k)
		}
	}
	preds := make([]predicate, 0, len(rules))
	for i, r := range rules {
		rm, ok := r.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s/rules/%d must be object", where, i)
		}
		var p predicate
		var err error
		if _, group := rm["combinator"]; group {
			p, err = compileQuery(rm, bp, fmt.Sprintf("%s/rules/%d", where, i))
		} else {
			p, err = compileRule(rm, bp, fmt.Sprintf("%s/rules/%d", where, i))
		}
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	if len(preds) == 0 {
		return matchAll, nil
	}
	if comb == "and" {
		return func(e *entity) bool {
			for _, p := range preds {
				if !p(e) {
					return false
				}
			}
			return true
		}, nil
	}
	return func(e *entity) bool {
		for _, p := range preds {
			if p(e) {
				return true
			}
		}
		return false
	}, nil
}

func compileRule(r map[string]any, bp *blueprint, where string) (predicate, error) {
	op, ok := r["operator"].(string)
	if !ok {
		return nil, fmt.Errorf("%s must have required property 'operator'", where)
	}
	var get func(e *entity) (any, bool)
	switch {
	case r["relation"] != nil:
		rel, _ := r["relation"].(string)
		if tp, ok := r["targetProperty"]; ok && tp != "$identifier" {
			return nil, fmt.Errorf("%s: targetProperty %v is not supported by the fake Port API (only $identifier)", where, tp)
		}
		get = func(e *entity) (any, bool) { v, ok := e.rels[rel]; return v, ok }
	default:
		name, ok := r["property"].(string)
		if !ok {
			return nil, fmt.Errorf("%s: only rules on a property (string) or a relation are supported by the fake Port API", where)
		}
		get = propertyGetter(name, bp)
	}
	value := r["value"]
	test, err := operatorTest(op, value, where)
	if err != nil {
		return nil, err
	}
	return func(e *entity) bool {
		v, _ := get(e)
		return test(v)
	}, nil
}

// propertyGetter resolves meta-properties ($identifier, $title, ...),
// properties and relations by name.
func propertyGetter(name string, bp *blueprint) func(e *entity) (any, bool) {
	switch name {
	case "$identifier":
		return func(e *entity) (any, bool) { return e.id, true }
	case "$title":
		return func(e *entity) (any, bool) { return strPtr(e.title), e.title != nil }
	case "$icon":
		return func(e *entity) (any, bool) { return strPtr(e.icon), e.icon != nil }
	case "$blueprint":
		return func(e *entity) (any, bool) { return e.bp, true }
	case "$team":
		return func(e *entity) (any, bool) { return deepCopy(e.team), true }
	case "$createdAt":
		return func(e *entity) (any, bool) { return e.createdAt, true }
	case "$updatedAt":
		return func(e *entity) (any, bool) { return e.updatedAt, true }
	case "$createdBy":
		return func(e *entity) (any, bool) { return e.createdBy, true }
	case "$updatedBy":
		return func(e *entity) (any, bool) { return e.updatedBy, true }
	}
	if _, isRel := bp.relations[name]; isRel {
		if _, isProp := bp.props[name]; !isProp {
			return func(e *entity) (any, bool) { v, ok := e.rels[name]; return v, ok }
		}
	}
	return func(e *entity) (any, bool) { v, ok := e.props[name]; return v, ok }
}

func strPtr(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// operatorTest compiles the test an operator applies to a property value.
func operatorTest(op string, value any, where string) (func(v any) bool, error) {
	negate := func(f func(any) bool) func(any) bool { return func(v any) bool { return !f(v) } }
	switch op {
	case "=", "!=":
		if _, isObj := value.(map[string]any); isObj {
			return nil, fmt.Errorf("%s: date presets and context values are not supported by the fake Port API", where)
		}
		f := func(v any) bool { return anyElement(v, func(x any) bool { return jsonEqual(x, value) }) }
		if op == "!=" {
			return negate(f), nil
		}
		return f, nil
	case "in", "notIn", "containsAny":
		list, ok := value.([]any)
		if !ok {
			return nil, fmt.Errorf("%s/value must be array for operator %q", where, op)
		}
		f := func(v any) bool {
			return anyElement(v, func(x any) bool {
				return slices.ContainsFunc(list, func(w any) bool {
					if op == "containsAny" {
						xs, ok1 := x.(string)
						ws, ok2 := w.(string)
						if ok1 && ok2 {
							return strings.Contains(xs, ws)
						}
					}
					return jsonEqual(x, w)
				})
			})
		}
		if op == "notIn" {
			return negate(f), nil
		}
		return f, nil
	case "contains", "doesNotContains", "beginsWith", "doesNotBeginsWith", "endsWith", "doesNotEndsWith":
		s, ok := value.(string)
		if !ok {
			return nil, fmt.Errorf("%s/value must be string for operator %q", where, op)
		}
		cmp := stringOps[op]
		f := func(v any) bool {
			return anyElement(v, func(x any) bool { xs, ok := x.(string); return ok && cmp(xs, s) })
		}
		if strings.HasPrefix(op, "doesNot") {
			return negate(f), nil
		}
		return f, nil
	case ">", ">=", "<", "<=":
		return orderTest(op, value, where)
	case "isEmpty", "isNotEmpty":
		if op == "isNotEmpty" {
			return negate(isEmpty), nil
		}
		return isEmpty, nil
	case "between", "notBetween":
		rng, _ := value.(map[string]any)
		from, err1 := parseTime(rng["from"])
		to, err2 := parseTime(rng["to"])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s/value must be a date range {from, to} of date-time strings (presets are not supported by the fake Port API)", where)
		}
		f := func(v any) bool {
			t, err := parseTime(v)
			return err == nil && !t.Before(from) && !t.After(to)
		}
		if op == "notBetween" {
			return negate(f), nil
		}
		return f, nil
	}
	return nil, fmt.Errorf("%s: operator %q is not supported by the fake Port API", where, op)
}

func orderTest(op string, value any, where string) (func(v any) bool, error) {
	cmpResult := func(c int) bool {
		switch op {
		case ">":
			return c > 0
		case ">=":
			return c >= 0
		case "<":
			return c < 0
		}
		return c <= 0
	}
	if n, ok := value.(float64); ok {
		return func(v any) bool {
			x, ok := v.(float64)
			return ok && cmpResult(compareFloat(x, n))
		}, nil
	}
	t, err := parseTime(value)
	if err != nil {
		return nil, fmt.Errorf("%s/value must be a number or a date-time for operator %q", where, op)
	}
	return func(v any) bool {
		x, err := parseTime(v)
		return err == nil && cmpResult(x.Compare(t))
	}, nil
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func parseTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("not a string")
	}
	return time.Parse(time.RFC3339Nano, s)
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// anyElement applies f to v, or to each element if v is an array.
func anyElement(v any, f func(any) bool) bool {
	if list, ok := v.([]any); ok {
		return slices.ContainsFunc(list, f)
	}
	return f(v)
}

// jsonEqual compares decoded JSON values.
func jsonEqual(a, b any) bool {
	switch a.(type) {
	case map[string]any, []any:
		return reflect.DeepEqual(a, b)
	}
	return a == b
}

var stringOps = map[string]func(s, sub string) bool{
	"contains": strings.Contains, "doesNotContains": strings.Contains,
	"beginsWith": strings.HasPrefix, "doesNotBeginsWith": strings.HasPrefix,
	"endsWith": strings.HasSuffix, "doesNotEndsWith": strings.HasSuffix,
}
