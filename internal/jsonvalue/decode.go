package jsonvalue

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxDepth bounds the nesting of arrays and objects, as encoding/json does.
const maxDepth = 10000

// NumberMode says how the Decoder represents JSON numbers.
type NumberMode int

const (
	// NumbersForJQ gives int for integer literals that fit an int and
	// json.Number (the literal) for every other number: the values gojq
	// computes with, without losing the precision of large integers or
	// long decimals.
	NumbersForJQ NumberMode = iota
	// NumbersAsLiterals gives json.Number for every number.
	NumbersAsLiterals
)

// SyntaxError is a JSON document that does not parse.
type SyntaxError struct {
	Offset int    // byte offset of the problem in the document
	Line   int    // line of the problem, from 1
	Column int    // column of the problem in characters, from 1
	Msg    string // what was wrong
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d (line %d, column %d): %s", e.Offset, e.Line, e.Column, e.Msg)
}

// Decoder parses JSON text into the generic values gojq works on:
// nil, bool, string, int, json.Number, []any and map[string]any.
//
// It is a small hand-written parser because decoding dominates the cost of
// mapping: it accepts exactly what encoding/json accepts and gives the same
// values (invalid UTF-8 and lone surrogates become U+FFFD, later duplicate
// keys win), but it reads from a string so that strings without escapes are
// substrings of the document instead of new allocations, and it sizes every
// map and slice exactly. A Decoder is not safe for concurrent use; each
// worker owns one.
type Decoder struct {
	s       string
	i       int
	depth   int
	Numbers NumberMode
	members []member // scratch stack of object members being read
	elems   []any    // scratch stack of array elements being read
}

type member struct {
	key string
	val any
}

// decode parses one whole JSON text. Strings in the result may share memory
// with s.
func (d *Decoder) Decode(s string) (any, error) {
	d.s, d.i, d.depth = s, 0, 0
	v, err := d.value()
	if err == nil {
		d.skipSpace()
		if d.i < len(d.s) {
			err = d.errorf("unexpected %s after the JSON value", d.describe())
		}
	}
	if err != nil {
		d.dropScratch()
		return nil, err
	}
	return v, nil
}

// dropScratch empties the scratch stacks after an error left values on them.
func (d *Decoder) dropScratch() {
	clear(d.members)
	clear(d.elems)
	d.members, d.elems = d.members[:0], d.elems[:0]
}

// DecodePrefix parses the JSON value at the start of s and returns it with
// the number of bytes it took; what follows is not read. enclosing is the
// number of arrays and objects around s in its document, so that the nesting
// limit applies to the whole document. Strings in the result may share
// memory with s.
func (d *Decoder) DecodePrefix(s string, enclosing int) (v any, n int, err error) {
	d.s, d.i, d.depth = s, 0, enclosing
	if v, err = d.value(); err != nil {
		d.dropScratch()
		return nil, 0, err
	}
	return v, d.i, nil
}

func (d *Decoder) errorf(format string, args ...any) error {
	at := min(d.i, len(d.s))
	before := d.s[:at]
	return &SyntaxError{
		Offset: at,
		Line:   1 + strings.Count(before, "\n"),
		Column: 1 + utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]),
		Msg:    fmt.Sprintf(format, args...),
	}
}

// describe names the byte at the current position for an error message.
func (d *Decoder) describe() string {
	if d.i >= len(d.s) {
		return "end of input"
	}
	c := d.s[d.i]
	if c < 0x20 || c >= utf8.RuneSelf {
		return fmt.Sprintf("byte 0x%02x", c)
	}
	return strconv.QuoteRune(rune(c))
}

func (d *Decoder) skipSpace() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *Decoder) value() (any, error) {
	d.skipSpace()
	if d.i >= len(d.s) {
		return nil, d.errorf("unexpected end of input, expected a value")
	}
	switch c := d.s[d.i]; c {
	case '{':
		return d.object()
	case '[':
		return d.array()
	case '"':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		return s, nil
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	default:
		if c == '-' || ('0' <= c && c <= '9') {
			return d.number()
		}
		return nil, d.errorf("unexpected %s, expected a value", d.describe())
	}
}

func (d *Decoder) literal(word string) error {
	if len(d.s)-d.i >= len(word) && d.s[d.i:d.i+len(word)] == word {
		d.i += len(word)
		return nil
	}
	return d.errorf("invalid literal, expected %s", word)
}

func (d *Decoder) enter() error {
	d.depth++
	if d.depth > maxDepth {
		return d.errorf("nesting deeper than %d", maxDepth)
	}
	d.i++
	return nil
}

func (d *Decoder) object() (any, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	base := len(d.members)
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		d.depth--
		return map[string]any{}, nil
	}
	for {
		d.skipSpace()
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return nil, d.errorf("unexpected %s, expected a string key", d.describe())
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return nil, d.errorf("unexpected %s, expected ':' after an object key", d.describe())
		}
		d.i++
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.members = append(d.members, member{k, v})
		d.skipSpace()
		if d.i < len(d.s) {
			switch d.s[d.i] {
			case ',':
				d.i++
				continue
			case '}':
				d.i++
				d.depth--
				m := make(map[string]any, len(d.members)-base)
				for _, kv := range d.members[base:] {
					m[kv.key] = kv.val
				}
				clear(d.members[base:])
				d.members = d.members[:base]
				return m, nil
			}
		}
		return nil, d.errorf("unexpected %s, expected ',' or '}' in an object", d.describe())
	}
}

func (d *Decoder) array() (any, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	base := len(d.elems)
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		d.depth--
		return []any{}, nil
	}
	for {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.elems = append(d.elems, v)
		d.skipSpace()
		if d.i < len(d.s) {
			switch d.s[d.i] {
			case ',':
				d.i++
				continue
			case ']':
				d.i++
				d.depth--
				a := make([]any, len(d.elems)-base)
				copy(a, d.elems[base:])
				clear(d.elems[base:])
				d.elems = d.elems[:base]
				return a, nil
			}
		}
		return nil, d.errorf("unexpected %s, expected ',' or ']' in an array", d.describe())
	}
}

// str reads a string starting at the opening quote. A string without
// escapes, control characters or invalid UTF-8 is returned as a substring.
func (d *Decoder) str() (string, error) {
	start := d.i + 1
	for j := start; j < len(d.s); j++ {
		c := d.s[j]
		switch {
		case c == '"':
			d.i = j + 1
			return d.s[start:j], nil
		case c == '\\' || c < 0x20:
			return d.strSlow(start, j)
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(d.s[j:])
			if r == utf8.RuneError && size == 1 {
				return d.strSlow(start, j)
			}
			j += size - 1
		}
	}
	d.i = len(d.s)
	return "", d.errorf("unexpected end of input in a string")
}

// strSlow finishes a string that needs unescaping from position j on. It
// writes into a builder sized for the string's text once, copying the runs
// between escapes whole, so that a long string (a state's entities_json,
// escaped in the state's JSON) is neither copied as it grows nor copied
// again when it is returned.
func (d *Decoder) strSlow(start, j int) (string, error) {
	var b strings.Builder
	b.Grow(closingQuote(d.s, j) - start)
	b.WriteString(d.s[start:j])
	for j < len(d.s) {
		run := plainRun(d.s, j)
		b.WriteString(d.s[j:run])
		if j = run; j >= len(d.s) {
			break
		}
		switch c := d.s[j]; {
		case c == '"':
			d.i = j + 1
			return b.String(), nil
		case c < 0x20:
			d.i = j
			return "", d.errorf("control character %s in a string", d.describe())
		case c == '\\':
			var err error
			if j, err = d.escape(&b, j); err != nil {
				return "", err
			}
		default: // a byte that is not UTF-8
			b.WriteRune(utf8.RuneError)
			j++
		}
	}
	d.i = len(d.s)
	return "", d.errorf("unexpected end of input in a string")
}

// plainRun is the end of the run from j of valid UTF-8 text that needs no
// unescaping: up to a quote, a backslash, a control character or a byte
// that is not UTF-8.
func plainRun(s string, j int) int {
	for j < len(s) {
		c := s[j]
		switch {
		case c == '"' || c == '\\' || c < 0x20:
			return j
		case c < utf8.RuneSelf:
			j++
		default:
			r, size := utf8.DecodeRuneInString(s[j:])
			if r == utf8.RuneError && size == 1 {
				return j
			}
			j += size
		}
	}
	return j
}

// closingQuote is the position of the quote that ends the string whose
// text goes on at j, or len(s) when it does not end.
func closingQuote(s string, j int) int {
	for j < len(s) {
		switch s[j] {
		case '"':
			return j
		case '\\':
			j += 2
		default:
			j++
		}
	}
	return len(s)
}

// escape writes the character of the escape at j into b and returns the
// position after it.
func (d *Decoder) escape(b *strings.Builder, j int) (int, error) {
	if j+1 >= len(d.s) {
		d.i = len(d.s)
		return 0, d.errorf("unexpected end of input in a string")
	}
	j++
	switch e := d.s[j]; e {
	case '"', '\\', '/':
		b.WriteByte(e)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		r, ok := hex4(d.s, j+1)
		if !ok {
			d.i = j
			return 0, d.errorf("invalid \\u escape in a string")
		}
		j += 4
		if utf16IsSurrogate(r) {
			r = d.lowSurrogate(r, j)
			if r != utf8.RuneError {
				j += 6
			}
		}
		b.WriteRune(r)
	default:
		d.i = j
		return 0, d.errorf("invalid escape %s in a string", d.describe())
	}
	return j + 1, nil
}

// lowSurrogate joins the surrogate hi, whose \u escape ends at j, with a
// low surrogate escaped right after it; without one it gives U+FFFD, as
// encoding/json does.
func (d *Decoder) lowSurrogate(hi rune, j int) rune {
	if j+2 < len(d.s) && d.s[j+1] == '\\' && d.s[j+2] == 'u' {
		if lo, ok := hex4(d.s, j+3); ok {
			return utf16Decode(hi, lo)
		}
	}
	return utf8.RuneError
}

func hex4(s string, at int) (rune, bool) {
	if at < 0 || at+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[at : at+4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func utf16IsSurrogate(r rune) bool { return 0xd800 <= r && r < 0xe000 }

// utf16Decode joins a high and a low surrogate, or returns U+FFFD.
func utf16Decode(hi, lo rune) rune {
	if 0xd800 <= hi && hi < 0xdc00 && 0xdc00 <= lo && lo < 0xe000 {
		return (hi-0xd800)<<10 | (lo - 0xdc00) + 0x10000
	}
	return utf8.RuneError
}

func (d *Decoder) number() (any, error) {
	s, start := d.s, d.i
	j := start
	if s[j] == '-' {
		j++
	}
	switch {
	case j < len(s) && s[j] == '0':
		j++
	case j < len(s) && '1' <= s[j] && s[j] <= '9':
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
	default:
		d.i = j
		return nil, d.errorf("invalid number: expected a digit, got %s", d.describe())
	}
	integer := true
	if j < len(s) && s[j] == '.' {
		integer = false
		j++
		if j >= len(s) || s[j] < '0' || s[j] > '9' {
			d.i = j
			return nil, d.errorf("invalid number: expected a digit after the decimal point, got %s", d.describe())
		}
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		integer = false
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j >= len(s) || s[j] < '0' || s[j] > '9' {
			d.i = j
			return nil, d.errorf("invalid number: expected a digit in the exponent, got %s", d.describe())
		}
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
	}
	d.i = j
	lit := s[start:j]
	if integer && d.Numbers == NumbersForJQ && len(lit) <= 18 {
		n, neg := 0, lit[0] == '-'
		digits := lit
		if neg {
			digits = lit[1:]
		}
		for _, c := range []byte(digits) {
			n = n*10 + int(c-'0')
		}
		if neg {
			n = -n
		}
		return n, nil
	}
	return json.Number(lit), nil
}

// EachMember parses a whole document that must be one JSON object and calls
// fn for each member in document order, duplicates included. It returns
// false without an error when the document is valid JSON but not an
// object; the value is then in v.
func (d *Decoder) EachMember(s string, fn func(key string, val any) error) (v any, isObject bool, err error) {
	d.s, d.i, d.depth = s, 0, 0
	d.skipSpace()
	if d.i >= len(d.s) || d.s[d.i] != '{' {
		v, err = d.Decode(s)
		return v, false, err
	}
	if err := d.enter(); err != nil {
		return nil, true, err
	}
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
	} else {
		for {
			d.skipSpace()
			if d.i >= len(d.s) || d.s[d.i] != '"' {
				return nil, true, d.errorf("unexpected %s, expected a string key", d.describe())
			}
			k, err := d.str()
			if err != nil {
				return nil, true, err
			}
			d.skipSpace()
			if d.i >= len(d.s) || d.s[d.i] != ':' {
				return nil, true, d.errorf("unexpected %s, expected ':' after an object key", d.describe())
			}
			d.i++
			val, err := d.value()
			if err != nil {
				return nil, true, err
			}
			if err := fn(k, val); err != nil {
				return nil, true, err
			}
			d.skipSpace()
			if d.i < len(d.s) && d.s[d.i] == ',' {
				d.i++
				continue
			}
			if d.i < len(d.s) && d.s[d.i] == '}' {
				d.i++
				break
			}
			return nil, true, d.errorf("unexpected %s, expected ',' or '}' in an object", d.describe())
		}
	}
	d.skipSpace()
	if d.i < len(d.s) {
		return nil, true, d.errorf("unexpected %s after the JSON value", d.describe())
	}
	return nil, true, nil
}
