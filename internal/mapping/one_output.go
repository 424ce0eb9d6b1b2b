package mapping

import (
	"strconv"

	"github.com/itchyny/gojq"
)

// oneOutputFuncs are builtins (name/arity) that yield exactly one output, or
// an error, when each of their arguments does.
var oneOutputFuncs = map[string]bool{
	"tostring/0": true, "tonumber/0": true, "tojson/0": true, "fromjson/0": true,
	"length/0": true, "utf8bytelength/0": true, "not/0": true, "type/0": true,
	"keys/0": true, "keys_unsorted/0": true, "to_entries/0": true, "from_entries/0": true,
	"add/0": true, "any/0": true, "all/0": true, "flatten/0": true, "flatten/1": true,
	"reverse/0": true, "sort/0": true, "unique/0": true, "min/0": true, "max/0": true,
	"ascii_downcase/0": true, "ascii_upcase/0": true, "explode/0": true, "implode/0": true,
	"trim/0": true, "ltrim/0": true, "rtrim/0": true, "floor/0": true, "ceil/0": true,
	"round/0": true, "sqrt/0": true, "fabs/0": true, "abs/0": true, "first/0": true,
	"last/0": true, "nth/1": true, "error/0": true, "error/1": true, "env/0": true,
	"now/0": true, "todate/0": true, "fromdate/0": true, "todateiso8601/0": true,
	"fromdateiso8601/0": true, "mktime/0": true, "gmtime/0": true, "localtime/0": true,
	"strftime/1": true, "strptime/1": true, "getpath/1": true, "has/1": true, "in/1": true,
	"inside/1": true, "contains/1": true, "startswith/1": true, "endswith/1": true,
	"ltrimstr/1": true, "rtrimstr/1": true, "trimstr/1": true, "split/1": true,
	"split/2": true, "join/1": true, "test/1": true, "test/2": true, "index/1": true,
	"rindex/1": true, "indices/1": true, "sub/2": true, "sub/3": true, "gsub/2": true,
	"gsub/3": true, "ascii/0": true, "toarray/0": true,
	"isnan/0": true, "isinfinite/0": true, "isnormal/0": true, "infinite/0": true,
	"nan/0": true, "walk/1": true,
}

// alwaysOneFuncs are builtins that yield exactly one output, or an error,
// whatever their arguments yield.
var alwaysOneFuncs = map[string]bool{
	"map/1": true, "map_values/1": true, "with_entries/1": true, "add/1": true,
	"any/1": true, "all/1": true, "any/2": true, "all/2": true, "isempty/1": true,
	"del/1": true, "sort_by/1": true, "group_by/1": true, "unique_by/1": true,
	"min_by/1": true, "max_by/1": true,
}

// exactlyOne reports whether q is known to yield exactly one output (or an
// error) for every input. It is conservative: false only means "not known".
// A wrong true would cost time, never correctness, because Map falls back to
// field-by-field evaluation whenever the combined program yields nothing.
func exactlyOne(q *gojq.Query) bool {
	if q == nil {
		return true
	}
	if len(q.FuncDefs) > 0 || len(q.Imports) > 0 {
		return false // local definitions may shadow the builtins below
	}
	if q.Term != nil {
		return termExactlyOne(q.Term)
	}
	switch q.Op {
	case gojq.OpPipe:
		return len(q.Patterns) <= 1 && exactlyOne(q.Left) && exactlyOne(q.Right)
	case gojq.OpAlt, gojq.OpAnd, gojq.OpOr,
		gojq.OpEq, gojq.OpNe, gojq.OpGt, gojq.OpLt, gojq.OpGe, gojq.OpLe,
		gojq.OpAdd, gojq.OpSub, gojq.OpMul, gojq.OpDiv, gojq.OpMod:
		return exactlyOne(q.Left) && exactlyOne(q.Right)
	default:
		return false // comma, assignments and updates
	}
}

func termExactlyOne(t *gojq.Term) bool {
	for _, s := range t.SuffixList {
		if s.Iter || s.Optional || (s.Index != nil && !indexExactlyOne(s.Index)) {
			return false
		}
	}
	switch t.Type {
	case gojq.TermTypeIdentity, gojq.TermTypeNull, gojq.TermTypeTrue, gojq.TermTypeFalse,
		gojq.TermTypeNumber, gojq.TermTypeArray:
		return true
	case gojq.TermTypeIndex:
		return indexExactlyOne(t.Index)
	case gojq.TermTypeString, gojq.TermTypeFormat:
		return t.Str == nil || stringExactlyOne(t.Str)
	case gojq.TermTypeUnary:
		return termExactlyOne(t.Unary.Term)
	case gojq.TermTypeQuery:
		return exactlyOne(t.Query)
	case gojq.TermTypeObject:
		for _, kv := range t.Object.KeyVals {
			if (kv.KeyString != nil && !stringExactlyOne(kv.KeyString)) || !exactlyOne(kv.KeyQuery) || !exactlyOne(kv.Val) {
				return false
			}
		}
		return true
	case gojq.TermTypeIf:
		ok := exactlyOne(t.If.Cond) && exactlyOne(t.If.Then) && exactlyOne(t.If.Else)
		for _, e := range t.If.Elif {
			ok = ok && exactlyOne(e.Cond) && exactlyOne(e.Then)
		}
		return ok
	case gojq.TermTypeTry:
		return t.Try.Catch != nil && exactlyOne(t.Try.Body) && exactlyOne(t.Try.Catch)
	case gojq.TermTypeFunc:
		return funcExactlyOne(t.Func)
	default:
		return false // recursion, reduce, foreach, label, break
	}
}

func funcExactlyOne(f *gojq.Func) bool {
	if len(f.Name) > 0 && f.Name[0] == '$' {
		return true // a variable
	}
	key := f.Name + "/" + strconv.Itoa(len(f.Args))
	if alwaysOneFuncs[key] {
		return true
	}
	if !oneOutputFuncs[key] {
		return false
	}
	for _, a := range f.Args {
		if !exactlyOne(a) {
			return false
		}
	}
	return true
}

func indexExactlyOne(x *gojq.Index) bool {
	return (x.Str == nil || stringExactlyOne(x.Str)) && exactlyOne(x.Start) && exactlyOne(x.End)
}

func stringExactlyOne(s *gojq.String) bool {
	for _, q := range s.Queries {
		if !exactlyOne(q) {
			return false
		}
	}
	return true
}
