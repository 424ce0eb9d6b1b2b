package mapping

import (
	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"strings"

	"github.com/itchyny/gojq"
)

// DefaultItemsToParseName is the key Ocean binds each parsed element to
// when itemsToParseName is not given.
const DefaultItemsToParseName = "item"

// ItemsToParse is Ocean's `port.itemsToParse`: a JQ expression giving, for
// each item, an array whose elements become items of their own. Each new
// item is a copy of its parent object with the element under Name, so a
// mapping reads the element as `.item` and the parent's fields as usual
// (`.issueKey`). As in Ocean (itemsToParseTopLevelTransform, on by
// default), the parsed array itself is removed from the parent copies
// unless KeepParsedArray is set.
type ItemsToParse struct {
	Expr            string // JQ returning an array (or null: no elements)
	Name            string // the key each element is bound to; "" means DefaultItemsToParseName
	KeepParsedArray bool   // itemsToParseTopLevelTransform: false
}

// Expander is a compiled ItemsToParse. It is safe for concurrent use.
type Expander struct {
	name  string
	expr  string
	list  *gojq.Code
	strip *gojq.Code // del(<path>) of the parsed array, or nil to keep the parent whole
}

// Expansion is the items an Expander made, with where each came from.
type Expansion struct {
	Items   []json.RawMessage
	origins []origin
}

type origin struct{ parent, element int }

// CompileItemsToParse checks and compiles an ItemsToParse.
func CompileItemsToParse(spec ItemsToParse) (*Expander, error) {
	if strings.TrimSpace(spec.Expr) == "" {
		return nil, errors.New("itemsToParse: the JQ expression is empty; give the array to parse, for example `.participants.values`")
	}
	name := spec.Name
	if name == "" {
		name = DefaultItemsToParseName
	}
	list, err := CompileExpr("itemsToParse", spec.Expr)
	if err != nil {
		return nil, err
	}
	x := &Expander{name: name, expr: spec.Expr, list: list}
	if path := deletionPath(spec.Expr); path != "" && !spec.KeepParsedArray {
		if x.strip, err = CompileExpr("itemsToParse", "del("+path+")"); err != nil {
			return nil, fmt.Errorf("itemsToParse: the parsed array %s cannot be removed from its parent (%w); set itemsToParseTopLevelTransform to false", path, err)
		}
	}
	return x, nil
}

// Expand turns every item into one item per element of its parsed array,
// in order. A parsed value of null gives no items, as in Ocean. Unlike
// Ocean, which logs and skips such items, a run-time JQ error, a parsed
// value that is not an array, or an item that is not an object is an
// *Error naming the item: skipping it would delete its entities.
func (x *Expander) Expand(ctx context.Context, items []json.RawMessage, limits Limits) (*Expansion, error) {
	out := &Expansion{Items: make([]json.RawMessage, 0, len(items))}
	var dec jsonvalue.Decoder
	for index, raw := range items {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("parsing the items of %d items stopped: %w", len(items), err)
		}
		doc, err := dec.Decode(string(raw))
		if err != nil {
			return nil, &Error{Index: index, Err: fmt.Errorf("the item is not valid JSON: %w", err)}
		}
		elements, parent, err := x.split(ctx, index, doc, limits)
		if err != nil {
			return nil, err
		}
		for e, element := range elements {
			merged := maps.Clone(parent)
			merged[x.name] = element
			text, err := json.Marshal(merged)
			if err != nil {
				return nil, &Error{Index: index, Field: "itemsToParse", Expr: x.expr, Err: fmt.Errorf("gave element %d that is not JSON: %w", e, err)}
			}
			out.Items = append(out.Items, text)
			out.origins = append(out.origins, origin{parent: index, element: e})
		}
	}
	return out, nil
}

// split returns the parsed elements of one item and the parent object they
// are merged into.
func (x *Expander) split(ctx context.Context, index int, doc any, limits Limits) ([]any, map[string]any, error) {
	fail := func(err error) ([]any, map[string]any, error) {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, nil, ctxErr
		}
		return nil, nil, &Error{Index: index, Field: "itemsToParse", Expr: x.expr, Err: err}
	}
	parent, isObject := doc.(map[string]any)
	if !isObject {
		return nil, nil, &Error{Index: index, Err: fmt.Errorf("is %s; itemsToParse needs items that are objects, to bind each element into", jsonvalue.Describe(doc))}
	}
	v, err := First(ctx, x.list, doc, limits)
	if err != nil {
		return fail(err)
	}
	if v == nil {
		return nil, parent, nil
	}
	elements, isArray := v.([]any)
	if !isArray {
		return fail(fmt.Errorf("returned %s; itemsToParse must return an array (or null for none)", jsonvalue.Describe(v)))
	}
	if x.strip != nil {
		stripped, err := First(ctx, x.strip, doc, limits)
		if err != nil {
			return fail(fmt.Errorf("could not remove the parsed array from the item (%w); set itemsToParseTopLevelTransform to false", err))
		}
		if parent, isObject = stripped.(map[string]any); !isObject {
			return fail(fmt.Errorf("left %s after removing the parsed array; set itemsToParseTopLevelTransform to false", jsonvalue.Describe(stripped)))
		}
	}
	return elements, parent, nil
}

// Explain adds to a mapping error of the expanded items which read item
// and which element of its parsed array the failing item is.
func (e *Expansion) Explain(err error) error {
	var me *Error
	if errors.As(err, &me) && me.Index >= 0 && me.Index < len(e.origins) {
		o := e.origins[me.Index]
		return fmt.Errorf("%w (item %d is element %d of the itemsToParse array of read item %d)", err, me.Index, o.element, o.parent)
	}
	var de *DuplicateError
	if errors.As(err, &de) && de.Second < len(e.origins) {
		a, b := e.origins[de.First], e.origins[de.Second]
		return fmt.Errorf("%w (element %d of read item %d and element %d of read item %d)", err, a.element, a.parent, b.element, b.parent)
	}
	return err
}

// The patterns of Ocean's extract_jq_deletion_path_revised.
var (
	deletionParen    = regexp.MustCompile(`(?s)^\((.*?)\)`)
	deletionBinding  = regexp.MustCompile(`^\.\s+as\s+\$\w+`)
	deletionPathExpr = regexp.MustCompile(`^(\.\w+|\.\[[^\]]+\])(\.\w+|\[[^\]]+\]|\.\[[^\]]+\])*`)
)

// deletionPath is the path Ocean removes from the parent of parsed items:
// the first plain path (`.a.b`, `.a[0]`) of the pipe segments of the
// expression (of its first parenthesised group, if it starts with one),
// skipping `. as $x`, `.` and variables. "" when there is none; Ocean then
// runs `del(.)`, which drops every item, so here the parent is kept whole.
func deletionPath(expr string) string {
	chain := strings.TrimSpace(expr)
	if strings.HasPrefix(chain, "(") {
		m := deletionParen.FindStringSubmatch(chain)
		if m == nil {
			return ""
		}
		chain = strings.TrimSpace(m[1])
	}
	for _, segment := range strings.Split(chain, "|") {
		segment = strings.TrimSpace(segment)
		if deletionBinding.MatchString(segment) || segment == "." || strings.HasPrefix(segment, "$") {
			continue
		}
		if path := deletionPathExpr.FindString(segment); path != "" {
			return path
		}
	}
	return ""
}
