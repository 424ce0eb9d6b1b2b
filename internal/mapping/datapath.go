package mapping

import (
	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"

	"context"
	"encoding/json"
	"fmt"

	"github.com/itchyny/gojq"
)

// ExtractItems runs a data path over a JSON document and returns the items
// it selects: every output of the expression, with an array output standing
// for its elements. The items are re-encoded by encoding/json (object keys
// sorted); numbers keep the literal text of the document. The evaluation
// is one evaluation within limits (ItemTimeout and MaxMemory, see
// withinConfirmed); reaching one gives an error wrapping a *LimitError.
func ExtractItems(ctx context.Context, body []byte, expr string, limits Limits) ([]json.RawMessage, error) {
	code, err := CompileExpr("data_path", expr)
	if err != nil {
		return nil, err
	}
	var dec jsonvalue.Decoder
	doc, err := dec.Decode(string(body))
	if err != nil {
		return nil, fmt.Errorf("the response is not JSON: %w", err)
	}
	var items []json.RawMessage
	limit := withinConfirmed(ctx, limits, func(ctx context.Context) error {
		items, err = collectOutputs(code.RunWithContext(ctx, doc))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("data_path %q %w", expr, runError(ctx, err, limit))
	}
	return items, nil
}

func collectOutputs(iter gojq.Iter) ([]json.RawMessage, error) {
	var items []json.RawMessage
	for {
		v, ok := iter.Next()
		if !ok {
			return items, nil
		}
		if err, isErr := v.(error); isErr {
			return nil, err
		}
		outputs := []any{v}
		if arr, isArr := v.([]any); isArr {
			outputs = arr
		}
		for _, o := range outputs {
			raw, err := json.Marshal(o)
			if err != nil {
				return nil, fmt.Errorf("produced a value that is not JSON: %w", err)
			}
			items = append(items, raw)
		}
	}
}

// First runs a compiled expression over input within limits (ItemTimeout
// and MaxMemory, see withinConfirmed) and returns its first output, or nil
// when it has none. A limit reached gives a *LimitError, a cancelled ctx an
// error wrapping ctx.Err().
func First(ctx context.Context, code *gojq.Code, input any, limits Limits) (any, error) {
	var v any
	limit := withinConfirmed(ctx, limits, func(ctx context.Context) error {
		v, _ = code.RunWithContext(ctx, input).Next()
		err, _ := v.(error)
		return err
	})
	if err, isErr := v.(error); isErr {
		return nil, runError(ctx, err, limit)
	}
	return v, nil
}

// runError words a failed evaluation after "the JQ expression": the user
// cancelled it, a limit stopped it, or JQ failed.
func runError(ctx context.Context, err error, limit *LimitError) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("was stopped: %w", ctxErr)
	}
	if limit != nil {
		return limit
	}
	return describeRunError(err)
}
