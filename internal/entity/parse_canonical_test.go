package entity

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestParseCanonicalMatchesParseAny checks, over many seeded random sets,
// that every document Encode writes is read by the canonical path, with
// exactly the entities the general parser reads; and that the same
// documents rewritten out of canonical form (spaces, keys out of order,
// escapes, other number forms) parse to the same entities through Parse,
// and through the canonical path whenever it accepts them (it makes nested
// property values canonical itself).
func TestParseCanonicalMatchesParseAny(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 7))
		doc := randomSet(rng).Encode()
		want, err := parseAny(string(doc))
		if err != nil {
			t.Fatalf("seed %d: Encode wrote a document the general parser refuses: %v\n%s", seed, err, doc)
		}
		got, ok := parseCanonical(string(doc))
		if !ok {
			t.Fatalf("seed %d: the canonical path refused Encode's output\n%s", seed, doc)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: the canonical path read\n%#v\nthe general parser\n%#v\nfrom %s", seed, got, want, doc)
		}
		for name, other := range rewrites(doc) {
			if fast, ok := parseCanonical(other); ok && !reflect.DeepEqual(fast, want) {
				t.Fatalf("seed %d: the canonical path read the document %s as %#v, want %#v\n%s", seed, name, fast, want, other)
			}
			back, err := Parse([]byte(other))
			if err != nil || !reflect.DeepEqual(back, want) {
				t.Fatalf("seed %d: the document %s parses to %#v (%v), want %#v\n%s", seed, name, back, err, want, other)
			}
		}
	}
}

// TestParseCanonicalLeavesErrorsToParseAny checks that documents close to
// the canonical form but wrong are refused by the canonical path, so that
// the general parser names the error.
func TestParseCanonicalLeavesErrorsToParseAny(t *testing.T) {
	for _, doc := range []string{
		`{"1":{"properties":{},"relations":{}},"1":{"properties":{},"relations":{}}}`,
		`{"2":{"properties":{},"relations":{}},"1":{"properties":{},"relations":{}}}`,
		`{"":{"properties":{},"relations":{}}}`,
		`{"1":{"properties":{"a":1,"a":2},"relations":{}}}`,
		`{"1":{"properties":{"a":01},"relations":{}}}`,
		`{"1":{"properties":{"a":1e5000},"relations":{}}}`,
		`{"1":{"properties":{"a":[1,]},"relations":{}}}`,
		`{"1":{"properties":{},"relations":{"r":1}}}`,
		`{"1":{"properties":{},"relations":{"r":["x",true]}}}`,
		`{"1":{"properties":{},"relations":{},"team":[1]}}`,
		`{"1":{"properties":{},"relations":{},"title":5}}`,
		`{"1":{"properties":{},"relations":{},"title":null}}`,
		`{"1":{"identifier":"1","properties":{},"relations":{}}}`,
		`{"1":{"properties":{},"relations":{}}}x`,
		`{"1":{"properties":{},"relations":{}}`,
		"{\"1\":{\"properties\":{\"a\":\"\xff\"},\"relations\":{}}}",
		"{\"1\":{\"properties\":{\"a\":\"\u2028\"},\"relations\":{}}}",
		`{"1":{"properties":{"a":"<b>"},"relations":{}}}`,
		`[]`,
	} {
		if set, ok := parseCanonical(doc); ok {
			t.Errorf("the canonical path accepted %s as %#v", doc, set)
		}
	}
}

// rewrites returns the document written in other, equivalent ways that are
// not canonical.
func rewrites(doc []byte) map[string]string {
	s := string(doc)
	out := map[string]string{
		"with spaces":            strings.ReplaceAll(strings.ReplaceAll(s, ":", ": "), ",", " ,\n"),
		"with the keys reversed": reverseEntities(s),
	}
	if strings.Contains(s, `"a`) {
		out["with an escaped letter"] = strings.Replace(s, `"a`, `"\u0061`, 1)
	}
	if i := strings.Index(s, `:7`); i >= 0 {
		out["with a decimal fraction of zeros"] = s[:i] + `:7.000` + s[i+2:]
	}
	return out
}

// reverseEntities writes the top-level members of a canonical document in
// reverse order, using Encode of each entity alone.
func reverseEntities(s string) string {
	set, err := parseAny(s)
	if err != nil || len(set) < 2 {
		return s + " "
	}
	ids := set.Identifiers()
	parts := make([]string, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		e := set[ids[i]]
		parts = append(parts, fmt.Sprintf("%s:%s", String(ids[i]), AppendEntity(nil, &e)))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// randomSet returns up to 20 entities with values of every kind entities_json
// takes, strings with characters that need escapes included.
func randomSet(rng *rand.Rand) Set {
	set := Set{}
	for range rng.IntN(20) {
		e := Entity{Identifier: randomString(rng, 1), Properties: Fields{}, Relations: Fields{}}
		if rng.IntN(2) == 0 {
			title := randomString(rng, 0)
			e.Title = &title
		}
		if rng.IntN(4) == 0 {
			icon := randomString(rng, 0)
			e.Icon = &icon
		}
		if rng.IntN(4) == 0 {
			e.Team = []string{}
			for range rng.IntN(3) {
				e.Team = append(e.Team, randomString(rng, 0))
			}
		}
		props := map[string]JSON{}
		for range rng.IntN(6) {
			props[randomString(rng, 0)] = randomValue(rng, 0)
		}
		rels := map[string]JSON{}
		for range rng.IntN(3) {
			rels[randomString(rng, 0)] = randomRelation(rng)
		}
		e.Properties, e.Relations = FieldsOf(props), FieldsOf(rels)
		set.Add(e)
	}
	return set
}

var stringPieces = []string{"a", "b", "IT-1", "7", " ", "é", "漢", "\"", "\\", "\n", "<", ">", "&", "\u2028", "\x01", "😀", "/"}

func randomString(rng *rand.Rand, least int) string {
	var b strings.Builder
	for range least + rng.IntN(4) {
		b.WriteString(stringPieces[rng.IntN(len(stringPieces))])
	}
	return b.String()
}

func randomValue(rng *rand.Rand, depth int) JSON {
	var v any
	switch rng.IntN(9) {
	case 0:
		v = nil
	case 1:
		v = rng.IntN(2) == 0
	case 2:
		v = randomString(rng, 0)
	case 3:
		v = []any{7, -3, 0}[rng.IntN(3)]
	case 4:
		v = json.Number([]string{"2.5", "-0.125", "123456789012345678901234567890", "-0", "1e3"}[rng.IntN(5)])
	case 5, 6:
		if depth < 3 {
			list := []any{}
			for range rng.IntN(3) {
				x, _ := randomValue(rng, depth+1).Value()
				list = append(list, x)
			}
			v = list
		}
	default:
		if depth < 3 {
			obj := map[string]any{}
			for range rng.IntN(3) {
				x, _ := randomValue(rng, depth+1).Value()
				obj[randomString(rng, 0)] = x
			}
			v = obj
		}
	}
	j, err := Canonical(v)
	if err != nil {
		panic(err)
	}
	return j
}

func randomRelation(rng *rand.Rand) JSON {
	switch rng.IntN(3) {
	case 0:
		return Null
	case 1:
		return String(randomString(rng, 1))
	}
	list := []string{}
	for range rng.IntN(3) {
		list = append(list, randomString(rng, 1))
	}
	return Strings(list)
}
