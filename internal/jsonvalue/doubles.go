package jsonvalue

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
)

// Port's backend is JavaScript: it keeps every number as the nearest IEEE
// double. 9007199254740993 reads back as 9007199254740992, and
// 0.1000000000000000055511151231257827 as 0.1.

// exactDigits is how many significant decimal digits every double holds
// exactly: a literal with no more, well inside the range of doubles
// (shorter than normalText), is its own nearest double's shortest form.
const (
	exactDigits = 15
	normalText  = 300
)

// AsDouble returns the canonical form of the number literal lit as Port
// holds it, and whether that differs from lit's own canonical form (the
// number loses digits in Port). A number out of the range of doubles is
// held as ±Infinity, which JSON cannot write: it gives "Infinity".
func AsDouble(lit string) (held string, rounds bool) {
	exact, err := canonicalNumber(lit)
	if err != nil {
		return lit, false
	}
	if significantDigits(exact) <= exactDigits && len(exact) < normalText {
		return exact, false
	}
	f, err := strconv.ParseFloat(exact, 64)
	if err != nil || math.IsInf(f, 0) {
		return "Infinity", true
	}
	held = strconv.FormatFloat(f, 'f', -1, 64)
	return held, held != exact
}

// significantDigits counts the digits of a canonical literal without its
// sign, point and leading or trailing zeros.
func significantDigits(canonical string) int {
	first, last := -1, -1
	for i := 0; i < len(canonical); i++ {
		if c := canonical[i]; c >= '1' && c <= '9' {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return 0
	}
	n := last - first + 1
	for i := first; i <= last; i++ {
		if canonical[i] == '.' {
			n--
		}
	}
	return n
}

// SameAsDoubles reports whether two JSON texts hold the same value once each
// number is the double Port would hold: what was written and what Port reads
// back then compare equal.
func SameAsDoubles(a, b string) bool {
	d := Decoder{Numbers: NumbersAsLiterals}
	va, err := d.Decode(a)
	if err != nil {
		return false
	}
	vb, err := d.Decode(b)
	if err != nil {
		return false
	}
	return sameAsDoubles(va, vb)
}

func sameAsDoubles(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		hx, _ := AsDouble(string(x))
		hy, _ := AsDouble(string(y))
		return hx == hy
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameAsDoubles(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, vx := range x {
			vy, ok := y[k]
			if !ok || !sameAsDoubles(vx, vy) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

// FirstRoundedNumber returns the first number in a JSON text that Port
// would hold with fewer digits, and what Port would hold; ok is false when
// every number is held exactly.
func FirstRoundedNumber(text string) (lit, held string, ok bool) {
	if !mayRound(text) {
		return "", "", false
	}
	d := Decoder{Numbers: NumbersAsLiterals}
	v, err := d.Decode(text)
	if err != nil {
		return "", "", false
	}
	return firstRounded(v)
}

// mayRound is a quick test that rules out most texts: a number that rounds
// has more than exactDigits digits.
func mayRound(text string) bool {
	run := 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c >= '0' && c <= '9':
			run++
			if run > exactDigits {
				return true
			}
		case c == '.':
		default:
			run = 0
		}
	}
	return false
}

func firstRounded(v any) (lit, held string, ok bool) {
	switch x := v.(type) {
	case json.Number:
		if h, rounds := AsDouble(string(x)); rounds {
			return string(x), h, true
		}
	case []any:
		for _, e := range x {
			if lit, held, ok = firstRounded(e); ok {
				return lit, held, ok
			}
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if lit, held, ok = firstRounded(x[k]); ok {
				return lit, held, ok
			}
		}
	}
	return "", "", false
}
