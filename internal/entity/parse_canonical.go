package entity

import (
	"slices"
	"unicode/utf8"

	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

// parseCanonical reads a document already in the canonical form Encode
// writes (and Terraform's jsonencode of the same value), which is what
// entities_json holds whenever a data source's mapping or a refresh wrote
// it. Strings, integers, true, false and null are kept as the text they are
// in the document, without decoding and encoding them again; other property
// values (objects, arrays, decimals) are made canonical one by one. ok is
// false for anything outside that form (whitespace, keys out of order, an
// escape other than the canonical one, a null title, an error of any kind):
// the caller then parses the document with parseAny, which accepts every
// form and names every error.
// For a document it accepts, it returns exactly what parseAny returns.
func parseCanonical(doc string) (set Set, ok bool) {
	p := canonicalParser{s: doc, keys: Keys{}}
	set = Set{}
	if !p.byte('{') {
		return nil, false
	}
	if p.byte('}') {
		return set, p.i == len(p.s)
	}
	previous := ""
	for {
		id, ok := p.plainString()
		if !ok || id == "" || (len(set) > 0 && id <= previous) || !p.byte(':') {
			return nil, false
		}
		e, ok := p.entity(id)
		if !ok {
			return nil, false
		}
		set[id] = e
		previous = id
		if p.byte(',') {
			continue
		}
		return set, p.byte('}') && p.i == len(p.s)
	}
}

// canonicalParser scans a canonical document. It does not copy s: every
// string it returns without escapes is a substring of the document.
type canonicalParser struct {
	s       string
	i       int
	keys    Keys
	scratch Fields // the fields of one object, while they are read
}

func (p *canonicalParser) byte(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *canonicalParser) literal(word string) bool {
	if len(p.s)-p.i >= len(word) && p.s[p.i:p.i+len(word)] == word {
		p.i += len(word)
		return true
	}
	return false
}

// entity reads {"icon":...,"properties":{...},"relations":{...},"team":[...],"title":...}
// with icon, team and title optional, in that order.
func (p *canonicalParser) entity(id string) (Entity, bool) {
	e := Entity{Identifier: id}
	if !p.byte('{') {
		return e, false
	}
	if p.literal(`"icon":`) {
		icon, ok := p.plainString()
		if !ok || !p.byte(',') {
			return e, false
		}
		e.Icon = &icon
	}
	var ok bool
	if !p.literal(`"properties":`) {
		return e, false
	}
	if e.Properties, ok = p.fields(p.propertyValue); !ok || !p.literal(`,"relations":`) {
		return e, false
	}
	if e.Relations, ok = p.fields(p.relationValue); !ok {
		return e, false
	}
	if p.literal(`,"team":`) {
		if e.Team, ok = p.stringList(); !ok {
			return e, false
		}
	}
	if p.literal(`,"title":`) {
		title, ok := p.plainString()
		if !ok {
			return e, false
		}
		e.Title = &title
	}
	return e, p.byte('}')
}

// fields reads an object whose keys are in strictly increasing order.
func (p *canonicalParser) fields(value func() (JSON, bool)) (Fields, bool) {
	if !p.byte('{') {
		return nil, false
	}
	if p.byte('}') {
		return Fields{}, true
	}
	fields := p.scratch[:0]
	for {
		key, ok := p.plainString()
		if !ok || (len(fields) > 0 && key <= fields[len(fields)-1].Key) || !p.byte(':') {
			return nil, false
		}
		v, ok := value()
		if !ok {
			return nil, false
		}
		fields = append(fields, Field{p.keys.Intern(key), v})
		if p.byte(',') {
			continue
		}
		p.scratch = fields
		return slices.Clone(fields), p.byte('}')
	}
}

// valueDepth is the number of objects around a property's value: the
// document, the entity and its properties.
const valueDepth = 3

// propertyValue keeps a string, an integer, true, false or null as its
// text, and makes any other value canonical as parseAny does.
func (p *canonicalParser) propertyValue() (JSON, bool) {
	start := p.i
	if p.i >= len(p.s) {
		return "", false
	}
	switch c := p.s[p.i]; {
	case c == '"':
		if _, ok := p.plainString(); ok {
			return JSON(p.s[start:p.i]), true
		}
		return "", false
	case c == 'n' && p.literal("null"), c == 't' && p.literal("true"), c == 'f' && p.literal("false"):
		return JSON(p.s[start:p.i]), true
	case p.plainInteger():
		return JSON(p.s[start:p.i]), true
	}
	d := jsonvalue.Decoder{Numbers: jsonvalue.NumbersAsLiterals}
	v, end, err := d.DecodePrefix(p.s[start:], valueDepth)
	if err != nil {
		return "", false
	}
	p.i = start + end
	j, err := Canonical(v)
	return j, err == nil
}

// relationValue reads a relation as parseAny keeps it: a string, a list of
// strings, or null.
func (p *canonicalParser) relationValue() (JSON, bool) {
	start := p.i
	if p.literal("null") {
		return Null, true
	}
	if p.i < len(p.s) && p.s[p.i] == '[' {
		_, ok := p.stringList()
		return JSON(p.s[start:p.i]), ok
	}
	_, ok := p.plainString()
	return JSON(p.s[start:p.i]), ok
}

// stringList reads a list of plain strings, [] included.
func (p *canonicalParser) stringList() ([]string, bool) {
	if !p.byte('[') {
		return nil, false
	}
	list := []string{}
	if p.byte(']') {
		return list, true
	}
	for {
		s, ok := p.plainString()
		if !ok {
			return nil, false
		}
		list = append(list, s)
		if p.byte(',') {
			continue
		}
		return list, p.byte(']')
	}
}

// plainString reads a string written as its canonical encoding (as
// jsonvalue.AppendString writes it) and returns its characters. A string
// without escapes is a substring of the document; one with escapes is
// decoded, and must encode back to the same text.
func (p *canonicalParser) plainString() (string, bool) {
	if !p.byte('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"':
				p.i++
				return p.s[start : p.i-1], true
			case c == '\\':
				return p.escapedString(start - 1)
			case c < ' ' || c == '<' || c == '>' || c == '&':
				return "", false
			}
			p.i++
			continue
		}
		r, size := utf8.DecodeRuneInString(p.s[p.i:])
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			return "", false
		}
		p.i += size
	}
	return "", false
}

// escapedString reads the string whose opening quote is at start.
func (p *canonicalParser) escapedString(start int) (string, bool) {
	d := jsonvalue.Decoder{}
	v, n, err := d.DecodePrefix(p.s[start:], 0)
	text := p.s[start : start+n]
	s, isString := v.(string)
	if err != nil || !isString || string(jsonvalue.AppendString(nil, s)) != text {
		return "", false
	}
	p.i = start + n
	return s, true
}

// plainInteger reads an integer literal that is already canonical:
// -?(0|[1-9][0-9]*), not followed by a fraction or an exponent.
func (p *canonicalParser) plainInteger() bool {
	j := p.i
	if j < len(p.s) && p.s[j] == '-' {
		j++
	}
	digits := j
	for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
		j++
	}
	if j == digits || (j-digits > 1 && p.s[digits] == '0') {
		return false
	}
	if j < len(p.s) && (p.s[j] == '.' || p.s[j] == 'e' || p.s[j] == 'E') {
		return false
	}
	p.i = j
	return true
}
