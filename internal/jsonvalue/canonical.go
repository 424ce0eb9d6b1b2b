package jsonvalue

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Canonicalize re-encodes a JSON document in the canonical form of
// entities_json, the form Terraform's jsonencode produces: object keys
// sorted (byte order), no whitespace, strings escaped as Go's encoding/json
// escapes them by default (", \, control characters, <, >, &, U+2028 and
// U+2029; invalid UTF-8 becomes U+FFFD), numbers in plain decimal notation
// without exponent ("1.50" -> "1.5", "1e3" -> "1000", "1e-7" ->
// "0.0000001"). Two documents that Canonicalize maps to the same bytes hold
// the same JSON value. Later duplicate object keys win, as in
// encoding/json.
func Canonicalize(doc []byte) ([]byte, error) {
	d := Decoder{Numbers: NumbersAsLiterals}
	v, err := d.Decode(string(doc))
	if err != nil {
		return nil, err
	}
	return Append(make([]byte, 0, len(doc)), v)
}

// Append writes a JSON value in canonical form. It accepts the values
// the Decoder and gojq produce (nil, bool, string, int, float64, *big.Int,
// json.Number, []any, map[string]any) and []string.
func Append(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case string:
		return AppendString(b, x), nil
	case json.Number:
		n, err := canonicalNumber(string(x))
		return append(b, n...), err
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case float64:
		return Append(b, canonicalFloat(x))
	case *big.Int:
		return x.Append(b, 10), nil
	case []string:
		return appendStrings(b, x), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = Append(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		return appendObject(b, x)
	default:
		return nil, fmt.Errorf("a %T is not a JSON value", v)
	}
}

func appendObject(b []byte, m map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, k)
		b = append(b, ':')
		var err error
		if b, err = Append(b, m[k]); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendStrings(b []byte, list []string) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, s)
	}
	return append(b, ']')
}

// safeASCII marks the ASCII bytes encoding/json writes unescaped by
// default (with HTML escaping): printable characters except ", \, <, > and &.
var safeASCII = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// AppendString writes s as a JSON string exactly as encoding/json.Marshal
// does.
func AppendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safeASCII[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
