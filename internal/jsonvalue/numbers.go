package jsonvalue

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxPointShift bounds how far a number's decimal exponent may move the
// decimal point: 1e1000 is written with 1,000 zeros, 1e1001 is an error.
const maxPointShift = 1000

// canonicalNumber returns the text Terraform's jsonencode writes for the
// JSON number literal lit: plain decimal notation, no exponent, no leading
// or trailing zeros, no "." for a whole number ("1.50" -> "1.5",
// "1e3" -> "1000", "1.5e-7" -> "0.00000015", "-0.0" -> "-0"). The value is
// kept exactly, digit for digit, as Terraform's 512-bit numbers keep it for
// up to about 150 significant digits.
func canonicalNumber(lit string) (string, error) {
	if isPlainInteger(lit) {
		return lit, nil
	}
	if !isJSONNumber(lit) {
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return "", fmt.Errorf("%q is not a JSON number", lit)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	}
	neg := strings.HasPrefix(lit, "-")
	mant := strings.TrimPrefix(lit, "-")
	exp := 0
	if i := strings.IndexAny(mant, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(mant[i+1:], "+"))
		if err != nil || e > maxPointShift*2 || e < -maxPointShift*2 {
			return "", fmt.Errorf("the number %s is out of range: write it without an exponent of more than %d", lit, maxPointShift)
		}
		exp, mant = e, mant[:i]
	}
	intPart, fracPart, _ := strings.Cut(mant, ".")
	digits := intPart + fracPart
	point := len(intPart) + exp
	trimmed := strings.TrimLeft(digits, "0")
	point -= len(digits) - len(trimmed)
	digits = strings.TrimRight(trimmed, "0")
	sign := ""
	if neg {
		sign = "-"
	}
	if digits == "" {
		return sign + "0", nil
	}
	if point > maxPointShift || point < -maxPointShift {
		return "", fmt.Errorf("the number %s is out of range: numbers are written without an exponent, and this one would need more than %d digits", lit, maxPointShift)
	}
	switch {
	case point <= 0:
		return sign + "0." + strings.Repeat("0", -point) + digits, nil
	case point >= len(digits):
		return sign + digits + strings.Repeat("0", point-len(digits)), nil
	default:
		return sign + digits[:point] + "." + digits[point:], nil
	}
}

// isPlainInteger reports whether lit is a JSON integer literal, which is
// already canonical.
func isPlainInteger(lit string) bool {
	digits := strings.TrimPrefix(lit, "-")
	if digits == "" || (digits[0] == '0' && len(digits) > 1) {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}

// isJSONNumber reports whether lit follows the JSON number grammar.
func isJSONNumber(lit string) bool {
	if lit == "" {
		return false
	}
	var d Decoder
	d.Numbers = NumbersAsLiterals
	d.s = lit
	_, err := d.number()
	return err == nil && d.i == len(lit)
}

// canonicalFloat writes a float64 the way canonicalNumber writes its
// shortest decimal literal. NaN has no JSON form and gives null, and the
// infinities give ±math.MaxFloat64, as jq prints them.
func canonicalFloat(f float64) any {
	switch {
	case math.IsNaN(f):
		return nil
	case math.IsInf(f, 0):
		f = math.Copysign(math.MaxFloat64, f)
	}
	return json.Number(strconv.FormatFloat(f, 'f', -1, 64))
}
