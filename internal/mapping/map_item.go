package mapping

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/itchyny/gojq"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// worker maps items on one goroutine; it owns its decoder.
type worker struct {
	p   *Program
	ctx context.Context // the current item's evaluation context
	dec jsonvalue.Decoder
}

// itemSource gives the mapping each item as a decoded document.
type itemSource interface {
	len() int
	// doc returns item index decoded; its error is an *Error.
	doc(index int, dec *jsonvalue.Decoder) (any, *Error)
}

// rawItems are items as JSON text, decoded as they are mapped.
type rawItems []json.RawMessage

func (r rawItems) len() int { return len(r) }

func (r rawItems) doc(index int, dec *jsonvalue.Decoder) (any, *Error) {
	// One copy of the item's text; the decoded strings are substrings of
	// it, and the entity's values are encoded out of it.
	doc, err := dec.Decode(string(r[index]))
	if err != nil {
		return nil, &Error{Index: index, Err: fmt.Errorf("the item is not valid JSON: %w", err)}
	}
	return doc, nil
}

// decodedItems are items decoded already.
type decodedItems []any

func (d decodedItems) len() int { return len(d) }

func (d decodedItems) doc(index int, _ *jsonvalue.Decoder) (any, *Error) { return d[index], nil }

// mapItem maps one item. keep is false when the selector left it out.
func (w *worker) mapItem(index int, items itemSource) (e entity.Entity, keep bool, err error) {
	doc, docErr := items.doc(index, &w.dec)
	if docErr != nil {
		return entity.Entity{}, false, docErr
	}
	vals, err := w.evaluate(index, doc)
	if err != nil {
		return entity.Entity{}, false, err
	}
	return w.p.entity(index, vals)
}

// mapAlone maps one item field by field, each field within limits: the
// recheck of an item that reached a per-item limit while mapped with the
// others (see watch). A field that reaches a limit on its own fails the
// item, named.
func (w *worker) mapAlone(index int, items itemSource, limits Limits, clock *jqClock) (e entity.Entity, keep bool, err error) {
	doc, docErr := items.doc(index, &w.dec)
	if docErr != nil {
		return entity.Entity{}, false, docErr
	}
	vals := make([]any, 0, len(w.p.fields))
	for i := range w.p.fields {
		f := &w.p.fields[i]
		var v any
		limit := within(w.ctx, limits, clock, index, func(ctx context.Context) error {
			var ok bool
			if v, ok = f.code.RunWithContext(ctx, doc).Next(); !ok {
				v = nil // no output reads as null
			}
			runErr, _ := v.(error)
			return runErr
		})
		if runErr, isErr := v.(error); isErr {
			switch {
			case limit != nil && limit.Kind == LimitTotalTimeout:
				return entity.Entity{}, false, &Error{Index: index, Err: fmt.Errorf("the mapping %w", limit)}
			case limit != nil:
				return entity.Entity{}, false, &Error{Index: index, Field: f.name, Expr: f.expr, Err: limit}
			case w.ctx.Err() != nil:
				return entity.Entity{}, false, w.ctx.Err()
			}
			return entity.Entity{}, false, &Error{Index: index, Field: f.name, Expr: f.expr, Err: describeRunError(runErr)}
		}
		vals = append(vals, v)
		if i == 0 && v != true {
			break
		}
	}
	return w.p.entity(index, vals)
}

// evaluate returns the first output (or null) of every field for one
// item, stopping after the selector when it is not true.
func (w *worker) evaluate(index int, doc any) ([]any, error) {
	out, ok := w.p.combined.RunWithContext(w.ctx, doc).Next()
	if ok {
		if vals, isArray := out.([]any); isArray && (len(vals) == len(w.p.fields) || (len(vals) == 1 && vals[0] != true)) {
			return vals, nil
		}
	}
	return w.evaluateEach(index, doc)
}

// evaluateEach runs the fields one by one: the reference behaviour, and
// the way an error is attributed to its field.
func (w *worker) evaluateEach(index int, doc any) ([]any, error) {
	vals := make([]any, 0, len(w.p.fields))
	for i := range w.p.fields {
		f := &w.p.fields[i]
		v, ok := f.code.RunWithContext(w.ctx, doc).Next()
		if !ok {
			v = nil // no output reads as null
		}
		if err, isErr := v.(error); isErr {
			if ctxErr := w.ctx.Err(); ctxErr != nil {
				return nil, ctxErr
			}
			return nil, &Error{Index: index, Field: f.name, Expr: f.expr, Err: describeRunError(err)}
		}
		vals = append(vals, v)
		if i == 0 && v != true {
			break
		}
	}
	return vals, nil
}

func describeRunError(err error) error {
	var halt *gojq.HaltError
	if errors.As(err, &halt) {
		return fmt.Errorf("stopped the program with halt or halt_error (%w); a mapping must return a value", err)
	}
	return fmt.Errorf("failed: %w", err)
}

// entity checks the field values of one item and builds its entity.
func (p *Program) entity(index int, vals []any) (entity.Entity, bool, error) {
	sel := &p.fields[0]
	keep, isBool := vals[0].(bool)
	if !isBool {
		return entity.Entity{}, false, &Error{Index: index, Field: sel.name, Expr: sel.expr,
			Err: fmt.Errorf("returned %s; a selector must return true or false", jsonvalue.Describe(vals[0]))}
	}
	if !keep {
		return entity.Entity{}, false, nil
	}
	e := entity.Entity{
		Properties: make(entity.Fields, 0, p.properties),
		Relations:  make(entity.Fields, 0, p.relations),
	}
	for i := 1; i < len(p.fields); i++ {
		if err := p.fields[i].set(&e, vals[i]); err != nil {
			f := &p.fields[i]
			return entity.Entity{}, false, &Error{Index: index, Field: f.name, Expr: f.expr, Err: err}
		}
	}
	return e, true, nil
}

// set checks a field's value and stores it in e. Properties and relations
// come in key order (see Compile), so the fields stay sorted. The error
// follows `the JQ expression "..."`.
func (f *field) set(e *entity.Entity, v any) error {
	switch f.kind {
	case kindIdentifier:
		id, ok := v.(string)
		if !ok || id == "" {
			return fmt.Errorf("returned %s; an identifier must be a non-empty string (convert numbers with tostring, for example `.id | tostring`)", jsonvalue.Describe(v))
		}
		e.Identifier = strings.Clone(id)
	case kindTitle, kindIcon:
		s, ok := entity.OptionalString(v)
		if !ok {
			return fmt.Errorf("returned %s; %s must be a string or null (convert with tostring)", jsonvalue.Describe(v), f.name)
		}
		if f.kind == kindTitle {
			e.Title = s
		} else {
			e.Icon = s
		}
	case kindTeam:
		list, ok, bad := entity.StringList(v)
		if !ok {
			return badStrings(v, bad, "team must be a string, a list of strings, or null")
		}
		e.Team = list
	case kindProperty:
		c, err := entity.Canonical(v)
		if err != nil {
			return fmt.Errorf("returned a value that cannot be stored: %w", err)
		}
		e.Properties = append(e.Properties, entity.Field{Key: f.key, Value: c})
	case kindRelation:
		rel, ok, bad := entity.RelationValue(v)
		if !ok {
			return badStrings(v, bad, "a relation must be an identifier (a string), a list of identifiers, or null")
		}
		e.Relations = append(e.Relations, entity.Field{Key: f.key, Value: rel})
	}
	return nil
}

func badStrings(v any, bad int, rule string) error {
	if list, isList := v.([]any); isList && bad >= 0 && bad < len(list) {
		return fmt.Errorf("returned a list whose element %d is %s; %s (convert with map(tostring))", bad, jsonvalue.Describe(list[bad]), rule)
	}
	return fmt.Errorf("returned %s; %s", jsonvalue.Describe(v), rule)
}
