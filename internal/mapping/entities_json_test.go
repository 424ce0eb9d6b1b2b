package mapping

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestParseEntitiesJSON(t *testing.T) {
	doc := `{
	  "10100": {"title": "VPN access", "icon": "Jira", "team": "platform",
	            "properties": {"status": "Open", "count": 2.50, "tags": ["x"], "none": null},
	            "relations": {"serviceDesk": "1", "watchers": ["a", "b"], "parent": null}},
	  "10101": {"team": ["a", "b"], "title": null, "properties": null},
	  "10102": {}
	}`
	got, err := ParseEntitiesJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	title, icon := "VPN access", "Jira"
	want := map[string]Entity{
		"10100": {Identifier: "10100", Title: &title, Icon: &icon, Team: []string{"platform"},
			Properties: map[string]any{"status": "Open", "count": json.Number("2.5"), "tags": []any{"x"}, "none": nil},
			Relations:  map[string]any{"serviceDesk": "1", "watchers": []string{"a", "b"}, "parent": nil}},
		"10101": {Identifier: "10101", Team: []string{"a", "b"}, Properties: map[string]any{}, Relations: map[string]any{}},
		"10102": {Identifier: "10102", Properties: map[string]any{}, Relations: map[string]any{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
	out, err := MarshalEntities(got)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"10100":{"icon":"Jira","properties":{"count":2.5,"none":null,"status":"Open","tags":["x"]},` +
		`"relations":{"parent":null,"serviceDesk":"1","watchers":["a","b"]},"team":["platform"],"title":"VPN access"},` +
		`"10101":{"properties":{},"relations":{},"team":["a","b"]},"10102":{"properties":{},"relations":{}}}`
	if string(out) != wantJSON {
		t.Errorf("MarshalEntities\n%s\nwant\n%s", out, wantJSON)
	}

	// A mapped set and its canonical JSON parse back to the same entities.
	set := mustMap(t, customerRequestMapping, []json.RawMessage{request(t), request(t, `"issueId":"2"`)})
	canonical := mustCanonical(t, set)
	back, err := ParseEntitiesJSON([]byte(canonical))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range set.Entities() {
		if !reflect.DeepEqual(back[e.Identifier], e) {
			t.Errorf("round trip of %s: got %#v, want %#v", e.Identifier, back[e.Identifier], e)
		}
	}
	if again, _ := MarshalEntities(back); string(again) != canonical {
		t.Errorf("MarshalEntities(ParseEntitiesJSON(x)) != x:\n%s\n%s", again, canonical)
	}
}

func TestParseEntitiesJSONErrors(t *testing.T) {
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
		_, err := ParseEntitiesJSON([]byte(doc))
		errorContains(t, err, want)
	}
}

// FuzzParseEntitiesJSON checks that whatever ParseEntitiesJSON accepts,
// MarshalEntities writes in a form that parses back to the same entities
// and is its own canonical form.
func FuzzParseEntitiesJSON(f *testing.F) {
	for _, s := range []string{`{"1":{"title":"a","team":"t","properties":{"a":[1,{"b":null}]},"relations":{"r":["x"]}}}`, `{}`, `[]`, `{"1":{}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		entities, err := ParseEntitiesJSON(doc)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "entit") {
				t.Fatalf("error does not name entities_json or an entity: %v", err)
			}
			return
		}
		out, err := MarshalEntities(entities)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseEntitiesJSON(out)
		if err != nil {
			t.Fatalf("MarshalEntities output %s does not parse: %v", out, err)
		}
		if !reflect.DeepEqual(back, entities) {
			t.Fatalf("round trip changed %s", out)
		}
		if c, err := Canonicalize(out); err != nil || string(c) != string(out) {
			t.Fatalf("MarshalEntities output is not canonical: %s vs %s (%v)", out, c, err)
		}
	})
}
