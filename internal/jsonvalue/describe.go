package jsonvalue

// Describe names a value's JSON type and shows it, shortened, for error
// messages: `a number (10100)`, `a string ("IT-1")`, `null`.
func Describe(v any) string {
	if v == nil {
		return "null"
	}
	var kind string
	switch v.(type) {
	case bool:
		kind = "a boolean"
	case string:
		kind = "a string"
	case []any, []string:
		kind = "an array"
	case map[string]any:
		kind = "an object"
	default:
		kind = "a number"
	}
	text, err := Append(nil, v)
	if err != nil {
		return kind
	}
	const limit = 60
	if len(text) > limit {
		cut := limit
		for cut > 0 && text[cut]&0xc0 == 0x80 {
			cut--
		}
		text = append(text[:cut:cut], "..."...)
	}
	return kind + " (" + string(text) + ")"
}
