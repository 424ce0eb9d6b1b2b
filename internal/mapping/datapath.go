package mapping

import (
	"encoding/json"
	"fmt"
)

// ExtractItems runs a data path over a JSON document and returns the items
// it selects: every output of the expression, with an array output standing
// for its elements. The items are re-encoded by encoding/json (object keys
// sorted); numbers keep the literal text of the document.
func ExtractItems(body []byte, expr string) ([]json.RawMessage, error) {
	code, err := CompileExpr("data_path", expr)
	if err != nil {
		return nil, err
	}
	var dec decoder
	doc, err := dec.decode(string(body))
	if err != nil {
		return nil, fmt.Errorf("the response is not JSON: %w", err)
	}
	var items []json.RawMessage
	iter := code.Run(doc)
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
