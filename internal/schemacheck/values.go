package schemacheck

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// valueType is a JSON type as a blueprint property declares it.
type valueType int

const (
	typeAny valueType = iota // no type declared: anything goes
	typeNull
	typeString
	typeNumber
	typeBoolean
	typeObject
	typeArray
)

var typeNames = [...]string{typeAny: "any value", typeNull: "null", typeString: "string", typeNumber: "number",
	typeBoolean: "boolean", typeObject: "object", typeArray: "array"}

func (t valueType) String() string { return typeNames[t] }

func typeNamed(name string) valueType {
	for t, n := range typeNames {
		if n == name && valueType(t) != typeAny && valueType(t) != typeNull {
			return valueType(t)
		}
	}
	return typeAny
}

// typeOf reads the type of a canonical JSON value from its first byte.
func typeOf(v entity.JSON) valueType {
	if v == "" {
		return typeNull
	}
	switch v[0] {
	case 'n':
		return typeNull
	case '"':
		return typeString
	case 't', 'f':
		return typeBoolean
	case '{':
		return typeObject
	case '[':
		return typeArray
	}
	return typeNumber
}

// stringValue is the text of a canonical JSON string. Without escapes it is
// a substring of the value, so it costs nothing.
func stringValue(v entity.JSON) string {
	inner := string(v[1 : len(v)-1])
	if !strings.Contains(inner, `\`) {
		return inner
	}
	var d jsonvalue.Decoder
	s, _ := d.Decode(string(v))
	str, _ := s.(string)
	return str
}

func runeCount(v entity.JSON) int { return utf8.RuneCountInString(stringValue(v)) }

func numberValue(v entity.JSON) float64 {
	f, _ := strconv.ParseFloat(string(v), 64)
	return f
}

// arrayItems returns the elements of a canonical JSON array as canonical
// values.
func arrayItems(v entity.JSON) []entity.JSON {
	x, err := v.Value()
	list, ok := x.([]any)
	if err != nil || !ok {
		return nil
	}
	out := make([]entity.JSON, 0, len(list))
	for _, e := range list {
		j, err := entity.Canonical(e)
		if err != nil {
			return nil
		}
		out = append(out, j)
	}
	return out
}
