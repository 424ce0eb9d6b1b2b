package schemacheck

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

// requestBlueprint is a blueprint document as Port returns it (numbers as
// float64).
func requestBlueprint() map[string]any {
	return map[string]any{
		"identifier": "request",
		"schema": map[string]any{
			"properties": map[string]any{
				"issueKey":  map[string]any{"type": "string", "pattern": "^[A-Z]+-[0-9]+$"},
				"status":    map[string]any{"type": "string", "enum": []any{"Open", "Closed"}},
				"createdAt": map[string]any{"type": "string", "format": "date-time"},
				"link":      map[string]any{"type": "string", "format": "url"},
				"email":     map[string]any{"type": "string", "format": "email"},
				"size":      map[string]any{"type": "number", "minimum": float64(0), "maximum": float64(10)},
				"priority":  map[string]any{"type": "number", "enum": []any{float64(1), float64(2)}},
				"public":    map[string]any{"type": "boolean"},
				"labels":    map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "maxItems": float64(2)},
				"extra":     map[string]any{"type": "object"},
				"summary":   map[string]any{"type": "string", "maxLength": float64(5)},
			},
			"required": []any{"issueKey"},
		},
		"relations": map[string]any{
			"desk":     map[string]any{"target": "desk", "required": true, "many": false},
			"watchers": map[string]any{"target": "user", "required": false, "many": true},
		},
	}
}

func compile(t *testing.T, doc map[string]any) *Schema {
	t.Helper()
	s, err := Compile(doc)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// request is a valid entity with the given properties and relations
// written over it, as JSON.
func request(t *testing.T, id string, props, rels map[string]any) entity.Entity {
	t.Helper()
	p := map[string]any{"issueKey": "IT-1", "status": "Open", "createdAt": "2024-01-08T09:00:00Z"}
	for k, v := range props {
		if v == "<absent>" {
			delete(p, k)
			continue
		}
		p[k] = v
	}
	r := map[string]any{"desk": "D1"}
	for k, v := range rels {
		if v == "<absent>" {
			delete(r, k)
			continue
		}
		r[k] = v
	}
	doc, err := json.Marshal(map[string]any{id: map[string]any{"title": id, "properties": p, "relations": r}})
	if err != nil {
		t.Fatal(err)
	}
	set, err := entity.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	return set[id]
}

func findings(s *Schema, e, prior *entity.Entity) []Finding {
	var r Report
	s.Check(&r, e, prior)
	return r.Findings()
}

func TestValidEntityPasses(t *testing.T) {
	s := compile(t, requestBlueprint())
	e := request(t, "R1", map[string]any{
		"link": "https://example.com/x", "email": "ann@example.com", "size": 10, "priority": 2, "public": false,
		"labels": []any{"a", "b"}, "extra": map[string]any{"k": 1}, "summary": "short", "status": nil,
		"createdAt": "2024-01-08T09:00:00.123+01:00",
	}, map[string]any{"watchers": []any{"U1"}})
	if got := findings(s, &e, nil); len(got) != 0 {
		t.Fatalf("a valid entity breaks %+v", got)
	}
}

func TestEachRule(t *testing.T) {
	cases := []struct {
		name        string
		props, rels map[string]any
		want        Cause
		detail      string
	}{
		{"undeclared property", map[string]any{"statuss": "Open"}, nil, Cause{Kind: UndeclaredProperty, Field: "statuss"},
			`property "statuss" is not declared in the blueprint's schema`},
		{"string for number", map[string]any{"size": "3"}, nil, Cause{Kind: WrongType, Field: "size", Rule: "must be a number"},
			`property "size" must be a number`},
		{"number for string", map[string]any{"issueKey": 42}, nil, Cause{Kind: WrongType, Field: "issueKey", Rule: "must be a string"}, "R1 (42)"},
		{"object for array", map[string]any{"labels": map[string]any{}}, nil, Cause{Kind: WrongType, Field: "labels", Rule: "must be an array"}, ""},
		{"string for boolean", map[string]any{"public": "true"}, nil, Cause{Kind: WrongType, Field: "public", Rule: "must be a boolean"}, ""},
		{"date-time not RFC 3339", map[string]any{"createdAt": "2024-01-08T09:00:00+0000"}, nil,
			Cause{Kind: WrongFormat, Field: "createdAt", Rule: formatRules["date-time"]}, `R1 ("2024-01-08T09:00:00+0000")`},
		{"relative url", map[string]any{"link": "/x"}, nil, Cause{Kind: WrongFormat, Field: "link", Rule: formatRules["url"]}, ""},
		{"bad email", map[string]any{"email": "Ann <ann@example.com>"}, nil, Cause{Kind: WrongFormat, Field: "email", Rule: formatRules["email"]}, ""},
		{"string not in enum", map[string]any{"status": "Waiting"}, nil,
			Cause{Kind: NotAllowed, Field: "status", Rule: `must be one of "Open", "Closed"`}, `must be one of "Open", "Closed"`},
		{"number not in enum", map[string]any{"priority": 3}, nil, Cause{Kind: NotAllowed, Field: "priority", Rule: "must be one of 1, 2"}, ""},
		{"pattern", map[string]any{"issueKey": "it-1"}, nil, Cause{Kind: OutOfLimits, Field: "issueKey", Rule: `must match pattern "^[A-Z]+-[0-9]+$"`}, ""},
		{"maximum", map[string]any{"size": 10.5}, nil, Cause{Kind: OutOfLimits, Field: "size", Rule: "must be <= 10"}, ""},
		{"maxLength", map[string]any{"summary": "toolong"}, nil, Cause{Kind: OutOfLimits, Field: "summary", Rule: "must NOT have more than 5 characters"}, ""},
		{"maxItems", map[string]any{"labels": []any{"a", "b", "c"}}, nil, Cause{Kind: OutOfLimits, Field: "labels", Rule: "must NOT have more than 2 items"}, ""},
		{"item type", map[string]any{"labels": []any{"a", 1}}, nil, Cause{Kind: WrongType, Field: "labels items", Rule: "must be a string"}, ""},
		{"required property absent", map[string]any{"issueKey": "<absent>"}, nil, Cause{Kind: MissingProperty, Field: "issueKey"},
			`required property "issueKey" is missing or null`},
		{"required property null", map[string]any{"issueKey": nil}, nil, Cause{Kind: MissingProperty, Field: "issueKey"}, ""},
		{"undeclared relation", nil, map[string]any{"owner": "U1"}, Cause{Kind: UndeclaredRelation, Field: "owner"},
			`relation "owner" is not declared in the blueprint`},
		{"list for single relation", nil, map[string]any{"desk": []any{"D1"}}, Cause{Kind: RelationShape, Field: "desk",
			Rule: "is a single relation and takes one identifier"}, ""},
		{"one for many relation", nil, map[string]any{"watchers": "U1"}, Cause{Kind: RelationShape, Field: "watchers",
			Rule: "is a many relation and takes a list of identifiers"}, ""},
		{"required relation absent", nil, map[string]any{"desk": "<absent>"}, Cause{Kind: MissingRelation, Field: "desk"}, ""},
		{"required relation null", nil, map[string]any{"desk": nil}, Cause{Kind: MissingRelation, Field: "desk"}, ""},
	}
	s := compile(t, requestBlueprint())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := request(t, "R1", tc.props, tc.rels)
			got := findings(s, &e, nil)
			if len(got) != 1 || got[0].Cause != tc.want {
				t.Fatalf("got %+v, want one finding of %+v", got, tc.want)
			}
			if !strings.Contains(got[0].Detail("request"), tc.detail) {
				t.Fatalf("detail %q does not say %q", got[0].Detail("request"), tc.detail)
			}
		})
	}
}

func TestInvalidIdentifier(t *testing.T) {
	s := compile(t, requestBlueprint())
	for id, valid := range map[string]bool{"IT-1": true, "a/b:c=d@e_f+g.h": true, "Ünïcödé": true, "has space": false, "..": false, "a#b": false,
		strings.Repeat("x", 1000): true, strings.Repeat("x", 1001): false} {
		e := request(t, id, nil, nil)
		got := findings(s, &e, nil)
		if valid != (len(got) == 0) {
			t.Errorf("identifier %.20q: findings %+v", id, got)
		}
	}
}

func TestRequiredKeptByMerge(t *testing.T) {
	s := compile(t, requestBlueprint())
	e := request(t, "R1", map[string]any{"issueKey": "<absent>"}, map[string]any{"desk": "<absent>"})
	unmanaged := request(t, "R1", map[string]any{"issueKey": "<absent>"}, map[string]any{"desk": "<absent>"})
	if got := findings(s, &e, &unmanaged); len(got) != 0 {
		t.Fatalf("an update that leaves out a required value the previous write did not set is refused: %+v", got)
	}
	managed := request(t, "R1", nil, nil)
	got := findings(s, &e, &managed)
	if len(got) != 2 || got[0].Kind != MissingProperty || got[1].Kind != MissingRelation {
		t.Fatalf("an update that drops a required value it set (clearing it) gives %+v", got)
	}
}

func TestMissingTargetBlueprint(t *testing.T) {
	s := compile(t, requestBlueprint())
	s.MarkMissingBlueprint("user")
	ok := request(t, "R1", nil, map[string]any{"watchers": []any{}})
	if got := findings(s, &ok, nil); len(got) != 0 {
		t.Fatalf("an empty relation to a missing blueprint is refused: %+v", got)
	}
	bad := request(t, "R2", nil, map[string]any{"watchers": []any{"U1"}})
	got := findings(s, &bad, nil)
	if len(got) != 1 || got[0].Cause != (Cause{Kind: MissingTargetBlueprint, Field: "watchers", Rule: "user"}) ||
		!strings.Contains(got[0].Detail("request"), "Create blueprint user first") {
		t.Fatalf("got %+v", got)
	}
}

func TestConfigurationNumbers(t *testing.T) {
	doc := map[string]any{"identifier": "x", "schema": map[string]any{"properties": map[string]any{
		"n": map[string]any{"type": "number", "enum": []any{json.Number("1.50"), json.Number("2")}, "minimum": json.Number("1")},
	}}}
	s := compile(t, doc)
	for v, ok := range map[string]bool{"1.5": true, "2": true, "3": false, "0.5": false} {
		e := entity.Entity{Identifier: "e", Properties: entity.Fields{{Key: "n", Value: entity.JSON(v)}}}
		if got := findings(s, &e, nil); ok != (len(got) == 0) {
			t.Errorf("n = %s: findings %+v", v, got)
		}
	}
}

func TestReportGroupsByCauseAndNamesTheFirstFew(t *testing.T) {
	s := compile(t, requestBlueprint())
	desired := entity.Set{}
	for i := range 300 {
		id := fmt.Sprint(10100 + i)
		desired[id] = request(t, id, map[string]any{"createdAt": "2024-01-08T09:00:00+0000", "statuss": "Open"}, nil)
	}
	var r Report
	if n := s.CheckWrites(&r, desired, nil); n != 300 {
		t.Fatalf("checked %d of 300 new entities", n)
	}
	got := r.Findings()
	if len(got) != 2 || got[0].Kind != UndeclaredProperty || got[1].Kind != WrongFormat {
		t.Fatalf("findings %+v, want one per cause", got)
	}
	want := `Port would refuse 300 entities of blueprint request: property "createdAt" must be a date-time in RFC 3339 ` +
		`(such as "2024-01-08T09:00:00Z" or "2024-01-08T09:00:00+00:00"). Entities: 10100 ("2024-01-08T09:00:00+0000"), ` +
		`10101 ("2024-01-08T09:00:00+0000"), 10102 ("2024-01-08T09:00:00+0000") and 297 more. Convert the value in the mapping ` +
		`to that format, or change the property's format in the blueprint.`
	if d := got[1].Detail("request"); d != want {
		t.Fatalf("detail\n%s\nwant\n%s", d, want)
	}
}

func TestCheckWritesSkipsUnchanged(t *testing.T) {
	s := compile(t, requestBlueprint())
	bad := request(t, "R1", map[string]any{"statuss": "x"}, nil)
	managed := entity.Set{"R1": bad}
	var r Report
	if n := s.CheckWrites(&r, entity.Set{"R1": bad}, managed); n != 0 || !r.Empty() {
		t.Fatalf("an entity the sync does not write was checked (%d) or reported: %+v", n, r.Findings())
	}
}

func TestOneEntityCountsOnce(t *testing.T) {
	s := compile(t, requestBlueprint())
	e := request(t, "R1", map[string]any{"labels": []any{1, 2}}, nil)
	got := findings(s, &e, nil)
	if len(got) != 1 || got[0].Count != 1 || !strings.HasPrefix(got[0].Detail("request"), "Port would refuse 1 entity of") {
		t.Fatalf("two bad items of one entity: %+v", got)
	}
}
