package entity

import (
	"reflect"
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
)

func TestParse(t *testing.T) {
	doc := `{
	  "10100": {"title": "VPN access", "icon": "Jira", "team": "platform",
	            "properties": {"status": "Open", "count": 2.50, "tags": ["x"], "none": null},
	            "relations": {"serviceDesk": "1", "watchers": ["a", "b"], "parent": null}},
	  "10101": {"team": ["a", "b"], "title": null, "properties": null},
	  "10102": {}
	}`
	got, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	title, icon := "VPN access", "Jira"
	want := Set{
		"10100": {Identifier: "10100", Title: &title, Icon: &icon, Team: []string{"platform"},
			Properties: Fields{{"count", "2.5"}, {"none", Null}, {"status", `"Open"`}, {"tags", `["x"]`}},
			Relations:  Fields{{"parent", Null}, {"serviceDesk", `"1"`}, {"watchers", `["a","b"]`}}},
		"10101": {Identifier: "10101", Team: []string{"a", "b"}, Properties: Fields{}, Relations: Fields{}},
		"10102": {Identifier: "10102", Properties: Fields{}, Relations: Fields{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
	wantJSON := `{"10100":{"icon":"Jira","properties":{"count":2.5,"none":null,"status":"Open","tags":["x"]},` +
		`"relations":{"parent":null,"serviceDesk":"1","watchers":["a","b"]},"team":["platform"],"title":"VPN access"},` +
		`"10101":{"properties":{},"relations":{},"team":["a","b"]},"10102":{"properties":{},"relations":{}}}`
	if out := got.Encode(); string(out) != wantJSON {
		t.Errorf("Encode\n%s\nwant\n%s", out, wantJSON)
	}
	if !got.Equal(want) || got.Equal(Set{"10102": want["10102"]}) {
		t.Error("Equal does not compare the sets")
	}
	changed := want.Clone()
	e := changed["10100"]
	e.Properties = Fields{{"count", "2.50"}}
	changed.Add(e)
	if got.Equal(changed) {
		t.Error("Equal ignores a changed property")
	}
}

func TestParseErrors(t *testing.T) {
	for doc, want := range map[string]string{
		`[{"identifier": "1"}]`:                       `entities_json must be a JSON object keyed by entity identifier, like {"10100": {`,
		`"x"`:                                         `this document is a string ("x")`,
		`{"1": {"title": "a"},}`:                      `entities_json is not valid JSON: invalid JSON at offset 21 (line 1, column 22)`,
		`{"1": {}, "1": {}}`:                          `entity "1": the identifier appears twice`,
		`{"": {}}`:                                    `entity "": an identifier must not be empty`,
		`{"1": "VPN"}`:                                `entity "1": the value must be an object with title, icon, team, properties and relations; it is a string ("VPN")`,
		`{"1": {"propertes": {}}}`:                    `entity "1": unknown field "propertes"; an entity takes only icon, properties, relations, team, title`,
		`{"1": {"identifier": "1"}}`:                  `entity "1": "identifier": the identifier is the object key; remove this field`,
		`{"1": {"blueprint": "x"}}`:                   `entity "1": "blueprint": the blueprint is the resource's blueprint argument`,
		`{"1": {"title": 5}}`:                         `entity "1": title: it is a number (5); it must be a string or null`,
		`{"1": {"icon": ["x"]}}`:                      `entity "1": icon: it is an array (["x"]); it must be a string or null`,
		`{"1": {"team": [1]}}`:                        `entity "1": team: element 0 is a number (1); it must be a string, a list of strings, or null`,
		`{"1": {"team": {"a": 1}}}`:                   `entity "1": team: it is an object`,
		`{"1": {"properties": []}}`:                   `entity "1": properties: it is an array ([]); it must be an object keyed by property identifier`,
		`{"1": {"relations": "x"}}`:                   `entity "1": relations: it is a string ("x"); it must be an object keyed by relation identifier`,
		`{"1": {"relations": {"desk": 1}}}`:           `entity "1": relations.desk: it is a number (1); it must be an identifier (a string), a list of identifiers, or null`,
		`{"1": {"relations": {"desk": ["1", true]}}}`: `entity "1": relations.desk: element 1 is a boolean (true)`,
		`{"1": {"properties": {"n": 1e5000}}}`:        `entity "1": properties.n: the number 1e5000 is out of range`,
	} {
		if _, err := Parse([]byte(doc)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%s) = %v, want an error containing %q", doc, err, want)
		}
	}
}

// FuzzParse checks that whatever Parse accepts, Encode writes in a form that parses back to the same entities
// and is its own canonical form, and that whatever the canonical path accepts, the general parser reads
// as the same entities.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"1":{"title":"a","team":"t","properties":{"a":[1,{"b":null}]},"relations":{"r":["x"]}}}`, `{}`, `[]`, `{"1":{}}`,
		`{"1":{"icon":"i","properties":{"a":-0,"b":2.50,"c":"\u003c"},"relations":{"r":null,"s":["x"]},"team":[],"title":"t\n"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if fast, ok := parseCanonical(string(doc)); ok {
			general, err := parseAny(string(doc))
			if err != nil || !reflect.DeepEqual(fast, general) {
				t.Fatalf("the canonical path read %#v, the general parser %#v (%v)", fast, general, err)
			}
		}
		entities, err := Parse(doc)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "entit") {
				t.Fatalf("error does not name entities_json or an entity: %v", err)
			}
			return
		}
		out := entities.Encode()
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("Encode output %s does not parse: %v", out, err)
		}
		if !reflect.DeepEqual(back, entities) {
			t.Fatalf("round trip changed %s", out)
		}
		if c, err := jsonvalue.Canonicalize(out); err != nil || string(c) != string(out) {
			t.Fatalf("Encode output is not canonical: %s vs %s (%v)", out, c, err)
		}
	})
}
