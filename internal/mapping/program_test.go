package mapping

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/entity"
)

func TestSeedMappings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mapping Mapping
		items   []json.RawMessage
		want    string
	}{{
		name:    "service desks",
		mapping: serviceDeskMapping,
		items:   raws(serviceDeskJSON, serviceDeskNoNameJSON),
		want: `{"1":{"properties":{"projectId":"10000","projectKey":"IT","projectName":"IT Help Desk"},"relations":{},"title":"IT Help Desk"},` +
			`"2":{"properties":{"projectId":"10001","projectKey":"HR","projectName":null},"relations":{},"title":"HR"}}`,
	}, {
		// CustomerRequestDTO has no top-level summary: Ocean's seed
		// mapping gives a null summary and falls back to the key.
		name:    "customer requests, faithful to the seed",
		mapping: customerRequestMapping,
		items:   []json.RawMessage{json.RawMessage(requestJSON)},
		want: `{"10100":{"properties":{"createdAt":"2024-01-08T09:00:00+0000","issueKey":"IT-1","status":"Closed","summary":null},` +
			`"relations":{"serviceDesk":"1"},"title":"IT-1"}}`,
	}, {
		name: "customer requests, summary read from the request field values",
		mapping: Mapping{
			Identifier: ".issueId | tostring",
			Title:      `first(.requestFieldValues[] | select(.fieldId == "summary") | .value) // .issueKey`,
			Properties: map[string]string{
				"summary":     `.requestFieldValues[] | select(.fieldId == "summary") | .value`,
				"description": `.requestFieldValues[] | select(.fieldId == "description") | .value`,
				"priority":    `.requestFieldValues[] | select(.fieldId == "priority") | .value.name`,
				"created":     ".createdDate.epochMillis",
				"reporter":    ".reporter | {accountId, displayName}",
			},
			Relations: map[string]string{"serviceDesk": ".serviceDeskId"},
		},
		items: []json.RawMessage{json.RawMessage(requestJSON)},
		want: `{"10100":{"properties":{"created":1704704400000,` +
			`"description":"Hi team,\n\nGitHub \u003corganization\u003e invite \u0026 more.\n\nThanks, Fatima",` +
			`"priority":"Low","reporter":{"accountId":"5b10ac8d82e05b22cc7d4ef5","displayName":"Fatima Murphy"},` +
			`"summary":"GitHub organization invite"},"relations":{"serviceDesk":"1"},"title":"GitHub organization invite"}}`,
	}, {
		name:    "organizations",
		mapping: organizationMapping,
		items:   raws(organizationJSON),
		want:    `{"7":{"properties":{"name":"Acme Corp","scimManaged":false},"relations":{},"title":"Acme Corp"}}`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustCanonical(t, mustMap(t, tc.mapping, tc.items))
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestEntityValues(t *testing.T) {
	set := mustMap(t, Mapping{
		Identifier: ".issueKey",
		Title:      ".missing",
		Icon:       `"Jira"`,
		Team:       `"platform"`,
		Properties: map[string]string{"n": ".createdDate.epochMillis", "none": ".missing", "obj": ".createdDate | {epochMillis}"},
		Relations:  map[string]string{"one": ".serviceDeskId", "many": "[.serviceDeskId, .requestTypeId]", "none": "null"},
	}, []json.RawMessage{json.RawMessage(requestJSON)})
	if len(set) != 1 {
		t.Fatalf("Len = %d", len(set))
	}
	icon := "Jira"
	want := entity.Entity{
		Identifier: "IT-1",
		Icon:       &icon,
		Team:       []string{"platform"},
		Properties: entity.Fields{
			{Key: "n", Value: "1704704400000"},
			{Key: "none", Value: entity.Null},
			{Key: "obj", Value: `{"epochMillis":1704704400000}`},
		},
		Relations: entity.Fields{{Key: "many", Value: `["1","3"]`}, {Key: "none", Value: entity.Null}, {Key: "one", Value: `"1"`}},
	}
	if got := set["IT-1"]; !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestSelector(t *testing.T) {
	items := []json.RawMessage{
		request(t, `"issueId":"1","serviceDeskId":"1"`),
		request(t, `"issueId":"2","serviceDeskId":"2"`),
		request(t, `"issueId":"3","serviceDeskId":"1"`),
	}
	m := customerRequestMapping
	for sel, want := range map[string][]string{
		"":                      {"1", "2", "3"},
		"true":                  {"1", "2", "3"},
		"false":                 nil,
		`.serviceDeskId == "1"`: {"1", "3"},
		`.serviceDeskId != "1"`: {"2"},
		`(false, true)`:         nil, // the first output decides
		`.currentStatus.status | test("^clo"; "i")`: {"1", "2", "3"},
	} {
		m.Selector = sel
		set := mustMap(t, m, items)
		var got []string
		if len(set) > 0 {
			got = set.Identifiers()
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("selector %q: got %v, want %v", sel, got, want)
		}
	}

	for sel, typ := range map[string]string{
		"null":                 "null",
		`"true"`:               `a string ("true")`,
		"1":                    "a number (1)",
		".currentStatus":       `an object ({"status":"Closed"`,
		"empty":                "null",
		".serviceDeskId | not": "", // a boolean: no error
	} {
		m.Selector = sel
		_, err := mustCompile(t, m).Map(t.Context(), items, DefaultLimits)
		if typ == "" {
			if err != nil {
				t.Errorf("selector %q: %v", sel, err)
			}
			continue
		}
		errorContains(t, err, "item 0: selector: the JQ expression "+quote(sel)+" returned "+typ, "must return true or false")
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
}

func TestIdentifierErrors(t *testing.T) {
	items := []json.RawMessage{
		request(t),
		request(t, `"issueId":"10101","issueKey":null,"serviceDeskId":12,"currentStatus":{"status":"Open"},"createdDate":{}`),
	}
	for expr, typ := range map[string]string{
		".issueKey":         "null",
		".serviceDeskId":    "a number (12)",
		".currentStatus":    `an object ({"status":"Closed","statusCategory":"DONE","statusDate":{"ep...)`,
		".missing":          "null",
		`.issueKey // ""`:   `a string ("")`,
		".issueKey | empty": "null",
	} {
		m := customerRequestMapping
		m.Identifier = expr
		_, err := mustCompile(t, m).Map(t.Context(), items, DefaultLimits)
		item := "item 1: "
		if expr == ".missing" || expr == ".issueKey | empty" || expr == ".currentStatus" {
			item = "item 0: "
		}
		errorContains(t, err, item+"identifier: the JQ expression "+quote(expr)+" returned "+typ, "must be a non-empty string")
		var me *Error
		if !errors.As(err, &me) || me.Field != "identifier" || me.Expr != expr {
			t.Errorf("%s: error is not an *Error for the identifier: %#v", expr, err)
		}
	}
	if _, err := Compile(Mapping{Title: ".name"}); err == nil || !strings.Contains(err.Error(), "identifier: a JQ expression is required") {
		t.Errorf("missing identifier: %v", err)
	}
}

func TestFieldTypeErrors(t *testing.T) {
	items := []json.RawMessage{request(t)}
	for _, tc := range []struct {
		m    Mapping
		want []string
	}{
		{Mapping{Identifier: ".issueId", Title: ".createdDate.epochMillis"},
			[]string{`item 0: title: the JQ expression ".createdDate.epochMillis" returned a number (1704704400000); title must be a string or null`}},
		{Mapping{Identifier: ".issueId", Icon: "true"},
			[]string{`item 0: icon: the JQ expression "true" returned a boolean (true); icon must be a string or null`}},
		{Mapping{Identifier: ".issueId", Team: "1"},
			[]string{`item 0: team: the JQ expression "1" returned a number (1); team must be a string, a list of strings, or null`}},
		{Mapping{Identifier: ".issueId", Team: `["a", 2]`},
			[]string{`item 0: team: the JQ expression "[\"a\", 2]" returned a list whose element 1 is a number (2)`}},
		{Mapping{Identifier: ".issueId", Relations: map[string]string{"desk": ".createdDate"}},
			[]string{`item 0: relations.desk: the JQ expression ".createdDate" returned an object (`, "a relation must be an identifier"}},
		{Mapping{Identifier: ".issueId", Relations: map[string]string{"desk": "[1]"}},
			[]string{`item 0: relations.desk: the JQ expression "[1]" returned a list whose element 0 is a number (1)`}},
	} {
		_, err := mustCompile(t, tc.m).Map(t.Context(), items, DefaultLimits)
		errorContains(t, err, tc.want...)
	}
}

func TestTeamAndRelationForms(t *testing.T) {
	items := []json.RawMessage{request(t)}
	for expr, want := range map[string]string{
		`"platform"`:        `"team":["platform"]`,
		`["a", "b"]`:        `"team":["a","b"]`,
		`[]`:                `"team":[]`,
		`null`:              `"relations":{}}`, // team left out
		`.missing`:          `"relations":{}}`,
		`.reporter.missing`: `"relations":{}}`,
	} {
		got := mustCanonical(t, mustMap(t, Mapping{Identifier: ".issueId", Team: expr}, items))
		if !strings.Contains(got, want) || (strings.HasSuffix(want, "}}") && strings.Contains(got, "team")) {
			t.Errorf("team %s: got %s, want it to contain %s", expr, got, want)
		}
	}
	for expr, want := range map[string]string{
		`.serviceDeskId`:                   `"relations":{"r":"1"}`,
		`[.serviceDeskId, .requestTypeId]`: `"relations":{"r":["1","3"]}`,
		`[]`:                               `"relations":{"r":[]}`,
		`null`:                             `"relations":{"r":null}`,
		`.missing`:                         `"relations":{"r":null}`,
		`empty`:                            `"relations":{"r":null}`,
	} {
		got := mustCanonical(t, mustMap(t, Mapping{Identifier: ".issueId", Relations: map[string]string{"r": expr}}, items))
		if !strings.Contains(got, want) {
			t.Errorf("relation %s: got %s, want it to contain %s", expr, got, want)
		}
	}
}

// TestFirstOutput pins Ocean's rule: a field takes the first output of its
// expression, and no output is null.
func TestFirstOutput(t *testing.T) {
	items := []json.RawMessage{request(t)}
	for expr, want := range map[string]string{
		`.requestFieldValues[].fieldId`: `"summary"`,
		`(1, 2, 3)`:                     `1`,
		`empty`:                         `null`,
		`(1, error("never reached"))`:   `1`,
		`range(1; infinite)`:            `1`,
		`.requestFieldValues[] | select(.fieldId == "nope")`: `null`,
		`def f: ., f; [limit(2; f)] | length`:                `2`,
	} {
		set := mustMap(t, Mapping{Identifier: ".issueId", Properties: map[string]string{"p": expr}}, items)
		got := mustCanonical(t, set)
		if !strings.Contains(got, `"properties":{"p":`+want+`}`) {
			t.Errorf("%s: got %s, want p = %s", expr, got, want)
		}
	}
}

func TestRunTimeError(t *testing.T) {
	items := []json.RawMessage{request(t), request(t, `"issueId":"10101","currentStatus":"Open"`)}
	m := customerRequestMapping
	_, err := mustCompile(t, m).Map(t.Context(), items, DefaultLimits)
	errorContains(t, err, `item 1: properties.status: the JQ expression ".currentStatus.status" failed: expected an object but got: string ("Open")`)
	var me *Error
	if !errors.As(err, &me) || me.Index != 1 || me.Field != "properties.status" || me.Expr != ".currentStatus.status" {
		t.Errorf("not an *Error for item 1, properties.status: %#v", err)
	}

	m.Properties = map[string]string{"x": `error("custom failure")`}
	_, err = mustCompile(t, m).Map(t.Context(), items, DefaultLimits)
	errorContains(t, err, `item 0: properties.x: the JQ expression "error(\"custom failure\")" failed: error: custom failure`)

	m.Properties = map[string]string{"x": `halt_error`}
	_, err = mustCompile(t, m).Map(t.Context(), items, DefaultLimits)
	errorContains(t, err, `item 0: properties.x: the JQ expression "halt_error" stopped the program`)

	// A field is not evaluated for an item the selector leaves out.
	m.Selector = `.currentStatus | type == "object"`
	m.Properties = map[string]string{"status": ".currentStatus.status"}
	if set := mustMap(t, m, items); len(set) != 1 {
		t.Errorf("Len = %d, want 1", len(set))
	}

	_, err = mustCompile(t, customerRequestMapping).Map(t.Context(), raws(requestJSON, `{"issueId": "1",}`), DefaultLimits)
	errorContains(t, err, "item 1: the item is not valid JSON: invalid JSON at offset 16 (line 1, column 17): unexpected '}', expected a string key")
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		m    Mapping
		want []string
	}{
		{Mapping{Identifier: ".issueId | | tostring"},
			[]string{`identifier: the JQ expression ".issueId | | tostring" does not parse: unexpected token "|" at offset 11 (line 1, column 12), near ".issueId | | tostring"`}},
		{Mapping{Identifier: ".id", Properties: map[string]string{"status": ".currentStatus.status | ascii_downcase |\n  {x: }"}},
			[]string{`properties.status: the JQ expression`, `does not parse: unexpected token "}" at offset 47 (line 2, column 7), near "wncase |\n  {x: }"`}},
		{Mapping{Identifier: ".id", Relations: map[string]string{"desk": ".serviceDeskId["}},
			[]string{`relations.desk: the JQ expression ".serviceDeskId[" does not parse: unexpected EOF at offset 15`}},
		{Mapping{Identifier: ".id", Selector: "not_a_function(1)"},
			[]string{`selector: the JQ expression "not_a_function(1)" does not compile: function not defined: not_a_function/1`}},
		{Mapping{Identifier: ".id", Title: "$undefined"},
			[]string{`title: the JQ expression "$undefined" does not compile: variable not defined: $undefined`}},
		{Mapping{Identifier: ".id", Properties: map[string]string{"x": "input"}},
			[]string{`properties.x: the JQ expression "input" does not compile`}},
		{Mapping{Identifier: ".id", Properties: map[string]string{"x": `import "a" as a; .`}},
			[]string{`properties.x: the JQ expression`}},
		{Mapping{Identifier: ".id", Properties: map[string]string{"x": " "}},
			[]string{`properties.x: the JQ expression is empty`}},
		{Mapping{Identifier: ".id", Properties: map[string]string{"": ".x"}},
			[]string{`properties: an empty identifier is not allowed`}},
	} {
		_, err := Compile(tc.m)
		errorContains(t, err, tc.want...)
	}
}

func TestDuplicateIdentifiers(t *testing.T) {
	items := []json.RawMessage{
		request(t, `"issueId":"1"`),
		request(t, `"issueId":"2"`),
		request(t, `"issueId":"3"`),
		request(t, `"issueId":"2"`),
		request(t, `"issueId":"1"`),
	}
	_, err := mustCompile(t, customerRequestMapping).Map(t.Context(), items, DefaultLimits)
	errorContains(t, err, `items 1 and 3 both map to the identifier "2"`)
	var de *DuplicateError
	if !errors.As(err, &de) || de.First != 1 || de.Second != 3 || de.Identifier != "2" {
		t.Errorf("not a *DuplicateError for items 1 and 3: %#v", err)
	}
	// Items the selector leaves out do not count.
	m := customerRequestMapping
	m.Selector = `.issueId != "2"`
	if _, err := mustCompile(t, m).Map(t.Context(), items[:4], DefaultLimits); err != nil {
		t.Errorf("selected items are unique: %v", err)
	}
}

func TestNoEnvironment(t *testing.T) {
	t.Setenv("JSM_API_TOKEN", "super-secret")
	t.Setenv("PORT_CLIENT_SECRET", "super-secret")
	set := mustMap(t, Mapping{
		Selector:   `$ENV == {} and env == {}`,
		Identifier: `.issueId`,
		Title:      `$ENV.JSM_API_TOKEN // "none"`,
		Properties: map[string]string{
			"env":  "env",
			"ENV":  "$ENV",
			"port": `env.PORT_CLIENT_SECRET`,
			"keys": `$ENV | keys`,
		},
	}, []json.RawMessage{request(t)})
	got := mustCanonical(t, set)
	if strings.Contains(got, "super-secret") {
		t.Fatalf("the environment leaked: %s", got)
	}
	want := `{"10100":{"properties":{"ENV":{},"env":{},"keys":[],"port":null},"relations":{},"title":"none"}}`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestCombinedMatchesFieldByField checks that the one-program evaluation
// gives what evaluating each field on its own gives (the reference), for
// expressions with zero, one and many outputs, local definitions that
// shadow builtins, and errors.
func TestCombinedMatchesFieldByField(t *testing.T) {
	exprs := []string{
		".issueId", ".issueKey | ascii_downcase", ".summary // .issueKey", ".requestFieldValues[].fieldId",
		"empty", "(1, 2)", ".requestFieldValues | map(.fieldId)", `.requestFieldValues[] | select(.fieldId == "x")`,
		"def tostring: 42; tostring", "def empty: 1; empty", "(def first(f): 7; first(1)), 2", `.issueId as $x | $x + "!"`,
		`.. | numbers`, `[.. | strings] | length`, `reduce .requestFieldValues[] as $f (0; . + 1)`,
		`try error("x") catch .`, `.issueKey?`, `label $out | 1, break $out`, `if .x then 1 elif .y then 2 end`,
		`{a: (1, 2)}`, `"\(.issueKey)-\(.serviceDeskId)"`, `@base64 "\(.issueKey)"`, `.createdDate | to_entries[0].key`,
		`.requestFieldValues | first(.[] | .label)`, `[limit(3; repeat(1))]`, `.currentStatus.statusDate.epochMillis / 1000 | floor`,
	}
	items := []json.RawMessage{request(t), request(t, `"issueId":"2","requestFieldValues":[]`), request(t, `"issueId":"3","x":true`)}
	for _, expr := range exprs {
		m := Mapping{Identifier: ".issueId", Title: ".issueKey", Properties: map[string]string{"a": expr, "b": ".serviceDeskId", "c": expr + " | tostring"}}
		p := mustCompile(t, m)
		for i, raw := range items {
			w := &worker{p: p, ctx: t.Context()}
			doc, err := w.dec.Decode(string(raw))
			if err != nil {
				t.Fatal(err)
			}
			want, wantErr := w.evaluateEach(i, doc)
			got, gotErr := w.evaluate(i, doc)
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotErr, wantErr) {
				t.Errorf("%s, item %d: combined %#v (%v), field by field %#v (%v)", expr, i, got, gotErr, want, wantErr)
			}
		}
	}
}

func TestExactlyOne(t *testing.T) {
	for expr, want := range map[string]bool{
		".a": true, ".a.b[0]": true, ".a | tostring": true, ".a // .b": true, "[.a[]]": true, "{a: .a, b: .b}": true,
		`"x\(.a)"`: true, "map(select(.x))": true, "if .a then 1 else 2 end": true, "if .a then 1 end": true,
		"$__loc__": true, "try .a catch 1": true, ".a as $x | $x": true, "-.a": true, "(.a)": true,
		".a[]": false, ".a?": false, "empty": false, "select(.a)": false, "(1, 2)": false, "try .a": false,
		"def f: 1; f": false, "..": false, "reduce .[] as $x (0; .)": false, `{a: (1, 2)}`: false,
		`"x\(.a[])"`: false, "first(.a[])": false, ".a |= 1": false, "tostring(.a; .b)": false,
	} {
		q, err := parseExpr("test", expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := exactlyOne(q); got != want {
			t.Errorf("exactlyOne(%s) = %v, want %v", expr, got, want)
		}
	}
}

// TestNumbers checks that numbers keep their precision from the item to
// entities_json, and that JQ computes with them.
func TestNumbers(t *testing.T) {
	items := raws(`{"id": 12345678901234567890123, "n": 1704704400000, "f": 1.50, "e": 1e-7, "x": 2.5e3, "neg": -0.0}`)
	set := mustMap(t, Mapping{
		Identifier: ".id | tostring",
		Properties: map[string]string{
			"id": ".id", "n": ".n", "f": ".f", "e": ".e", "x": ".x", "neg": ".neg",
			"sum": ".f + 1", "div": ".n / 1000", "cmp": ".f > 1.4 and .x == 2500", "third": "1 / 3",
		},
	}, items)
	want := `{"12345678901234567890123":{"properties":{"cmp":true,"div":1704704400,"e":0.0000001,"f":1.5,` +
		`"id":12345678901234567890123,"n":1704704400000,"neg":-0,"sum":2.5,"third":0.3333333333333333,"x":2500},"relations":{}}}`
	if got := mustCanonical(t, set); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestCanonicalMatchesEncodingJSON checks the encoded entities of a mapping
// against encoding/json on the equivalent nested map.
func TestCanonicalMatchesEncodingJSON(t *testing.T) {
	set := mustMap(t, Mapping{
		Identifier: ".issueId",
		Title:      `.issueKey + " <&> \u2028\u2029 \t\u0001 é 😀 \"q\" \\ / \u007f"`,
		Icon:       `"Jira"`,
		Team:       `["b-team", "a-team"]`,
		Properties: map[string]string{
			"Zeta": "1.5", "alpha": "-3", "big": "12345678901234567890", "float": "0.1 + 0.2", "whole": "3.0",
			"nested": `{z: [1, {"y": null, "x": true}], "a<b": "c&d"}`, "null": "null", "é": `"ü"`, "_": "false",
			"desc": `.requestFieldValues[] | select(.fieldId == "description") | .value`,
		},
		Relations: map[string]string{"serviceDesk": ".serviceDeskId", "many": `["2", "1"]`, "none": "null"},
	}, []json.RawMessage{request(t), request(t, `"issueId":"10099","issueKey":"IT-0"`), request(t, `"issueId":"10101","issueKey":"IT-2"`)})
	got := mustCanonical(t, set)

	want := map[string]any{}
	for _, e := range set {
		obj := map[string]any{"properties": fieldValues(t, e.Properties), "relations": fieldValues(t, e.Relations)}
		if e.Title != nil {
			obj["title"] = *e.Title
		}
		if e.Icon != nil {
			obj["icon"] = *e.Icon
		}
		if e.Team != nil {
			obj["team"] = e.Team
		}
		want[e.Identifier] = obj
	}
	wantJSON, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(wantJSON) {
		t.Errorf("Encode\n%s\nencoding/json\n%s", got, wantJSON)
	}
	for _, part := range []string{
		`{"10099":{"icon":"Jira","properties":{"Zeta":1.5,"_":false,"alpha":-3,"big":12345678901234567890,`,
		`"nested":{"a\u003cb":"c\u0026d","z":[1,{"x":true,"y":null}]},"null":null,"whole":3,"é":"ü"},`,
		`"float":0.30000000000000004,`,
		`"relations":{"many":["2","1"],"none":null,"serviceDesk":"1"},"team":["b-team","a-team"],`,
		`"title":"IT-0 \u003c\u0026\u003e \u2028\u2029 \t\u0001 é 😀 \"q\" \\ / ` + "\x7f" + `"}`,
	} {
		if !strings.Contains(got, part) {
			t.Errorf("canonical output lacks %s:\n%s", part, got)
		}
	}
}

// fieldValues decodes fields into the map encoding/json would encode.
func fieldValues(t *testing.T, fields entity.Fields) map[string]any {
	t.Helper()
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		v, err := f.Value.Value()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Key] = v
	}
	return out
}
