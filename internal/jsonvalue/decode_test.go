package jsonvalue

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// stdDecode is the reference: encoding/json with UseNumber.
func stdDecode(doc []byte) (any, error) {
	if !json.Valid(doc) {
		return nil, &SyntaxError{Msg: "invalid"}
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// asNumbers turns ints into json.Number, to compare NumbersForJQ output
// with the reference.
func asNumbers(v any) any {
	switch x := v.(type) {
	case int:
		n, _ := json.Marshal(x)
		return json.Number(n)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = asNumbers(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = asNumbers(e)
		}
		return out
	}
	return v
}

func TestDecode(t *testing.T) {
	for doc, want := range map[string]any{
		`{"a":[1,-2,3.5,1e2,null,true,false,"x"],"b":{}}`: map[string]any{"a": []any{1, -2, json.Number("3.5"), json.Number("1e2"), nil, true, false, "x"}, "b": map[string]any{}},
		` [ ] `:                            []any{},
		`"a\"b\\c\/d\n\u00e9\ud83d\ude00"`: "a\"b\\c/d\né😀",
		`"\ud800x"`:                        "\ufffdx",
		`"\udc00\ud800\udc00"`:             "\ufffd\U00010000",
		"\"\xff\"":                         "\ufffd",
		`{"a":1,"a":2}`:                    map[string]any{"a": 2},
		`123456789012345678`:               123456789012345678,
		`1234567890123456789`:              json.Number("1234567890123456789"),
		`-0`:                               0,
	} {
		var d Decoder
		got, err := d.Decode(doc)
		if err != nil {
			t.Errorf("decode(%s): %v", doc, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("decode(%s) = %#v, want %#v", doc, got, want)
		}
	}
	for doc, msg := range map[string]string{
		``:                              "offset 0 (line 1, column 1): unexpected end of input, expected a value",
		`{"a" 1}`:                       "offset 5 (line 1, column 6): unexpected '1', expected ':' after an object key",
		"[1,\n 2,\n x]":                 "offset 9 (line 3, column 2): unexpected 'x', expected a value",
		`[1 2]`:                         "expected ',' or ']' in an array",
		`{"a":1,}`:                      "expected a string key",
		`01`:                            "unexpected '1' after the JSON value",
		`1.`:                            "expected a digit after the decimal point",
		`1e+`:                           "expected a digit in the exponent",
		`-`:                             "expected a digit",
		`tru`:                           "invalid literal, expected true",
		`"abc`:                          "unexpected end of input in a string",
		"\"a\tb\"":                      "control character",
		`"\q"`:                          "invalid escape 'q'",
		`"\u12"`:                        "invalid \\u escape",
		strings.Repeat("[", maxDepth+1): "nesting deeper than 10000",
	} {
		var d Decoder
		_, err := d.Decode(doc)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("Decode(%q) = %v, want an error containing %q", doc, err, msg)
		}
		if _, stdErr := stdDecode([]byte(doc)); stdErr == nil {
			t.Errorf("encoding/json accepts %q", doc)
		}
	}
}

// FuzzDecode checks the Decoder against encoding/json: the same documents
// are accepted and give the same values.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"issueId":"10100","currentStatus":{"status":"Open"},"n":[1,2.5e3,null,true]}`, `{"a":[1,2.5,-0,1e400]}`, `"\ud83d\ude00\udc00"`, "\"\xed\xa0\x80\"", ` null `, `[[[]]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		want, stdErr := stdDecode(doc)
		d := Decoder{Numbers: NumbersAsLiterals}
		got, err := d.Decode(string(doc))
		if (err == nil) != (stdErr == nil) {
			t.Fatalf("%q: Decoder error %v, encoding/json error %v", doc, err, stdErr)
		}
		if err != nil {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: Decoder %#v, encoding/json %#v", doc, got, want)
		}
		var jq Decoder
		forJQ, err := jq.Decode(string(doc))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(asNumbers(forJQ), asNumbers(got)) && !strings.Contains(string(doc), "-0") {
			t.Fatalf("%q: NumbersForJQ %#v differs from %#v", doc, forJQ, got)
		}
	})
}

func TestDecodePrefix(t *testing.T) {
	var d Decoder
	v, n, err := d.DecodePrefix(` {"a":[1,"x"]},"next":2}`, 0)
	if err != nil || n != len(` {"a":[1,"x"]}`) || !reflect.DeepEqual(v, map[string]any{"a": []any{1, "x"}}) {
		t.Errorf("DecodePrefix = %#v, %d, %v", v, n, err)
	}
	deep := strings.Repeat("[", maxDepth-3) + strings.Repeat("]", maxDepth-3)
	if _, _, err := d.DecodePrefix(deep, 3); err != nil {
		t.Errorf("%d arrays inside 3 enclosing ones: %v", maxDepth-3, err)
	}
	if _, _, err := d.DecodePrefix("["+deep+"]", 3); err == nil || !strings.Contains(err.Error(), "nesting deeper than 10000") {
		t.Errorf("%d arrays inside 3 enclosing ones: %v, want the nesting limit", maxDepth-2, err)
	}
	if _, _, err := d.DecodePrefix(`{"a":}`, 0); err == nil {
		t.Error("an invalid value decoded")
	}
}
