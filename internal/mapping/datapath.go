// Package mapping runs JQ with gojq: data paths that pick items out of a
// response, and (later) Ocean-style entity mappings. JQ never sees the
// process environment, so a configuration cannot read secrets through it.
package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/itchyny/gojq"
)

// noEnviron makes `env` and `$ENV` empty in every compiled program.
func noEnviron() []string { return nil }

// Compile parses and compiles a JQ expression without environment access.
// field names the setting the expression came from, for error messages.
func Compile(field, expr string) (*gojq.Code, error) {
	query, err := gojq.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("%s: the JQ expression %q does not parse: %w", field, expr, describeParseError(expr, err))
	}
	code, err := gojq.Compile(query, gojq.WithEnvironLoader(noEnviron))
	if err != nil {
		return nil, fmt.Errorf("%s: the JQ expression %q does not compile: %w", field, expr, err)
	}
	return code, nil
}

// describeParseError adds the position gojq reports to the message.
func describeParseError(expr string, err error) error {
	var pe *gojq.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%w at offset %d (near %q)", err, pe.Offset, near(expr, pe.Offset))
	}
	return err
}

func near(expr string, offset int) string {
	start, end := max(0, offset-10), min(len(expr), offset+10)
	if start > end {
		return ""
	}
	return expr[start:end]
}

// ExtractItems runs a data path over a JSON document and returns the items
// it selects: every output of the expression, with an array output standing
// for its elements. The items are re-encoded by encoding/json.
func ExtractItems(body []byte, expr string) ([]json.RawMessage, error) {
	code, err := Compile("data_path", expr)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("the response is not JSON: %w", err)
	}
	var items []json.RawMessage
	iter := code.Run(normalizeNumbers(doc))
	for {
		v, ok := iter.Next()
		if !ok {
			return items, nil
		}
		if err, isErr := v.(error); isErr {
			return nil, fmt.Errorf("data_path %q failed: %w", expr, err)
		}
		outputs := []any{v}
		if arr, isArr := v.([]any); isArr {
			outputs = arr
		}
		for _, o := range outputs {
			raw, err := json.Marshal(o)
			if err != nil {
				return nil, fmt.Errorf("data_path %q produced a value that is not JSON: %w", expr, err)
			}
			items = append(items, raw)
		}
	}
}

// normalizeNumbers turns json.Number into int or float64, the number types
// gojq computes with, keeping integers exact where they fit.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return int(i)
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = normalizeNumbers(x[i])
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = normalizeNumbers(x[k])
		}
		return x
	}
	return v
}
