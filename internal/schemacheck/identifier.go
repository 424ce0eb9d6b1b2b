package schemacheck

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// validIdentifier is Port's entity identifier rule:
// ^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]+$, at most 1000 characters.
func validIdentifier(id string) bool {
	if id == "" || id == "." || id == ".." || len(id) > 1000 && utf8.RuneCountInString(id) > 1000 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r < utf8.RuneSelf && strings.ContainsRune(`@_.+:\/=-`, r):
		case r >= utf8.RuneSelf && unicode.IsLetter(r):
		default:
			return false
		}
	}
	return true
}
