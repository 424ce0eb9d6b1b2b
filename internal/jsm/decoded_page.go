package jsm

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// DecodePage decodes and checks a page body in one pass, as ParsePage does,
// into the values gojq computes with (jsonvalue.NumbersForJQ): each item a
// map[string]any, ready for a mapping without being read again. It accepts
// exactly the bodies ParsePage accepts, matching the envelope's fields as
// encoding/json does (case-insensitively, the last occurrence winning), and
// gives the same envelope, except that it does not keep the links, which
// are informational only.
func DecodePage(body []byte) (*PageOf[any], error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: the body is not a JSON object (%s)", ErrNotEnvelope, preview(trimmed))
	}
	var w decodedEnvelope
	var d jsonvalue.Decoder
	if _, _, err := d.EachMember(string(trimmed), w.member); err != nil {
		if syntax := (*jsonvalue.SyntaxError)(nil); errors.As(err, &syntax) {
			return nil, fmt.Errorf("%w: %w (%s)", ErrNotEnvelope, err, preview(trimmed))
		}
		return nil, err
	}
	if err := missingEnvelopeField(w.values != nil, w.isLastPage != nil, w.start != nil, w.size != nil); err != nil {
		return nil, err
	}
	env := Envelope{Size: *w.size, Start: *w.start, Limit: w.limit, IsLastPage: *w.isLastPage}
	if err := env.check(len(w.values)); err != nil {
		return nil, err
	}
	for i, v := range w.values {
		if _, ok := v.(map[string]any); !ok {
			return nil, notObject(i)
		}
	}
	return &PageOf[any]{Envelope: env, Values: w.values}, nil
}

// decodedEnvelope collects the envelope's members; nil is missing.
type decodedEnvelope struct {
	size, start *int
	limit       int
	isLastPage  *bool
	values      []any
}

func (w *decodedEnvelope) member(key string, v any) error {
	var ok bool
	switch {
	case strings.EqualFold(key, "values"):
		w.values, ok = v.([]any)
	case strings.EqualFold(key, "isLastPage"):
		w.isLastPage, ok = typed[bool](v)
	case strings.EqualFold(key, "start"):
		w.start, ok = typed[int](v)
	case strings.EqualFold(key, "size"):
		w.size, ok = typed[int](v)
	case strings.EqualFold(key, "limit"):
		var limit *int
		if limit, ok = typed[int](v); limit != nil {
			w.limit = *limit
		}
	case strings.EqualFold(key, "_links"):
		ok = validLinks(v)
	default:
		return nil
	}
	if !ok && v != nil {
		return fmt.Errorf("%w: the field %q has the wrong type", ErrNotEnvelope, key)
	}
	return nil
}

// typed returns v as a *T; a null gives nil.
func typed[T any](v any) (*T, bool) {
	t, ok := v.(T)
	if !ok {
		return nil, false
	}
	return &t, true
}

// validLinks checks the links as encoding/json would decode them into
// PageLinks: each link a string or null.
func validLinks(v any) bool {
	obj, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for key, link := range obj {
		for _, name := range []string{"self", "base", "context", "next", "prev"} {
			if _, isString := link.(string); strings.EqualFold(key, name) && !isString && link != nil {
				return false
			}
		}
	}
	return true
}

// decodedKey is itemKey for a decoded item.
func decodedKey(item any) string {
	obj, _ := item.(map[string]any)
	for _, field := range []string{"id", "issueId", "accountId"} {
		if v, ok := obj[field]; ok && v != nil {
			text, err := jsonvalue.Append(nil, v)
			if err == nil {
				return field + ":" + string(text)
			}
		}
	}
	return ""
}
