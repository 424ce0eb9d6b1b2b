package entity

import "github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"

// Encode returns the set as entities_json in canonical form: one object
// keyed by identifier whose values are
// {"icon":...,"properties":{...},"relations":{...},"team":[...],"title":...},
// leaving out icon, team and title when they are not managed. The output is
// byte for byte what Terraform's jsonencode gives for the same value.
func (s Set) Encode() []byte {
	ids := s.Identifiers()
	size := 2
	for _, id := range ids {
		size += encodedSize(s[id])
	}
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		e := s[id]
		b = jsonvalue.AppendString(b, id)
		b = append(b, ':')
		b = AppendEntity(b, &e)
	}
	return append(b, '}')
}

// AppendMember appends e as its member of entities_json,
// `"identifier":{...}`, canonically.
func AppendMember(b []byte, e *Entity) []byte {
	b = jsonvalue.AppendString(b, e.Identifier)
	b = append(b, ':')
	return AppendEntity(b, e)
}

// MemberSize is about the size of e's member of entities_json: room to
// reserve, not a bound.
func MemberSize(e *Entity) int { return encodedSize(*e) }

// AppendEntity appends one entity's value in entities_json, canonically.
func AppendEntity(b []byte, e *Entity) []byte {
	b = append(b, '{')
	if e.Icon != nil {
		b = append(b, `"icon":`...)
		b = jsonvalue.AppendString(b, *e.Icon)
		b = append(b, ',')
	}
	b = append(b, `"properties":`...)
	b = AppendFields(b, e.Properties)
	b = append(b, `,"relations":`...)
	b = AppendFields(b, e.Relations)
	if e.Team != nil {
		b = append(b, `,"team":`...)
		b = append(b, Strings(e.Team)...)
	}
	if e.Title != nil {
		b = append(b, `,"title":`...)
		b = jsonvalue.AppendString(b, *e.Title)
	}
	return append(b, '}')
}

// AppendFields appends fields as a JSON object, canonically.
func AppendFields(b []byte, f Fields) []byte {
	b = append(b, '{')
	for i, field := range f {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonvalue.AppendString(b, field.Key)
		b = append(b, ':')
		b = append(b, field.Value...)
	}
	return append(b, '}')
}

// encodedSize estimates an entity's encoded length, to size the buffer once.
func encodedSize(e Entity) int {
	n := len(e.Identifier) + 48
	for _, f := range e.Properties {
		n += len(f.Key) + len(f.Value) + 4
	}
	for _, f := range e.Relations {
		n += len(f.Key) + len(f.Value) + 4
	}
	for _, t := range e.Team {
		n += len(t) + 3
	}
	if e.Title != nil {
		n += len(*e.Title) + 12
	}
	if e.Icon != nil {
		n += len(*e.Icon) + 10
	}
	return n
}
