package mapping

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func itemsOf(t *testing.T, docs ...string) []json.RawMessage {
	t.Helper()
	items := make([]json.RawMessage, len(docs))
	for i, d := range docs {
		if !json.Valid([]byte(d)) {
			t.Fatalf("test item %d is not JSON: %s", i, d)
		}
		items[i] = json.RawMessage(d)
	}
	return items
}

func expand(t *testing.T, spec ItemsToParse, docs ...string) *Expansion {
	t.Helper()
	x, err := CompileItemsToParse(spec)
	if err != nil {
		t.Fatal(err)
	}
	out, err := x.Expand(context.Background(), itemsOf(t, docs...), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExpandBindsEachElementWithTheParent(t *testing.T) {
	out := expand(t, ItemsToParse{Expr: ".participants.values"},
		`{"issueId":"101","issueKey":"IT-1","participants":{"size":2,"values":[{"accountId":"a"},{"accountId":"b"}]}}`,
		`{"issueId":"102","issueKey":"IT-2","participants":{"size":0,"values":[]}}`,
		`{"issueId":"103","issueKey":"IT-3"}`,
		`{"issueId":"104","issueKey":"IT-4","participants":{"size":1,"values":[{"accountId":"c","n":12345678901234567890}]}}`,
	)
	want := []string{
		`{"issueId":"101","issueKey":"IT-1","item":{"accountId":"a"},"participants":{"size":2}}`,
		`{"issueId":"101","issueKey":"IT-1","item":{"accountId":"b"},"participants":{"size":2}}`,
		`{"issueId":"104","issueKey":"IT-4","item":{"accountId":"c","n":12345678901234567890},"participants":{"size":1}}`,
	}
	if len(out.Items) != len(want) {
		t.Fatalf("got %d items: %s", len(out.Items), out.Items)
	}
	for i := range want {
		if string(out.Items[i]) != want[i] {
			t.Errorf("item %d:\n got %s\nwant %s", i, out.Items[i], want[i])
		}
	}
}

func TestExpandNameAndKeepParsedArray(t *testing.T) {
	out := expand(t, ItemsToParse{Expr: ".users", Name: "user", KeepParsedArray: true},
		`{"id":"1","users":["x","y"]}`)
	want := []string{`{"id":"1","user":"x","users":["x","y"]}`, `{"id":"1","user":"y","users":["x","y"]}`}
	for i := range want {
		if string(out.Items[i]) != want[i] {
			t.Errorf("item %d: got %s, want %s", i, out.Items[i], want[i])
		}
	}
}

// A computed array has no path to remove: the parent stays whole (Ocean
// would run del(.) and drop the item).
func TestExpandComputedArrayKeepsParent(t *testing.T) {
	out := expand(t, ItemsToParse{Expr: `[range(2)]`}, `{"id":"1"}`)
	if len(out.Items) != 2 || string(out.Items[1]) != `{"id":"1","item":1}` {
		t.Fatalf("got %s", out.Items)
	}
}

func TestDeletionPathFollowsOcean(t *testing.T) {
	for expr, want := range map[string]string{
		".participants.values":              ".participants.values",
		".fields.labels // []":              ".fields.labels",
		". as $root | .users | map(. + {})": ".users",
		"(.a.b[0]) | map(.)":                ".a.b[0]",
		`.["odd key"]`:                      `.["odd key"]`,
		"$__loc__ | .x":                     ".x",
		"[range(2)]":                        "",
		".":                                 "",
	} {
		if got := deletionPath(expr); got != want {
			t.Errorf("deletionPath(%q) = %q, want %q", expr, got, want)
		}
	}
}

func TestExpandErrorsNameTheItem(t *testing.T) {
	for name, c := range map[string]struct {
		spec ItemsToParse
		good string
		doc  string
		want string
	}{
		"not an array": {ItemsToParse{Expr: ".name"}, `{"name":[]}`, `{"name":"x"}`, `item 1: itemsToParse: the JQ expression ".name" returned a string ("x"); itemsToParse must return an array`},
		"jq error":     {ItemsToParse{Expr: `if .a == "" then [] else (.a | error) end`}, `{"a":""}`, `{"a":"boom"}`, `failed: error: boom`},
		"not object":   {ItemsToParse{Expr: ".a"}, `{"a":[]}`, `[1,2]`, "item 1: is an array ([1,2]); itemsToParse needs items that are objects"},
	} {
		t.Run(name, func(t *testing.T) {
			x, err := CompileItemsToParse(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			_, err = x.Expand(context.Background(), itemsOf(t, c.good, c.doc), Limits{})
			var me *Error
			if !errors.As(err, &me) || me.Index != 1 || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an *Error containing %q", err, c.want)
			}
		})
	}
}

func TestCompileItemsToParseErrors(t *testing.T) {
	for expr, want := range map[string]string{
		"":       "the JQ expression is empty",
		".a | (": "does not parse",
	} {
		if _, err := CompileItemsToParse(ItemsToParse{Expr: expr}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", expr, err, want)
		}
	}
}

func TestExpandStopsWhenCancelled(t *testing.T) {
	x, err := CompileItemsToParse(ItemsToParse{Expr: ".a"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := x.Expand(ctx, itemsOf(t, `{"a":[1]}`), Limits{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// Mapping the expanded items: the element is .item, the parent's fields
// are at the top, and errors say which read item and element failed.
func TestMapExpandedItems(t *testing.T) {
	out := expand(t, ItemsToParse{Expr: ".participants.values"},
		`{"issueId":"101","participants":{"values":[{"accountId":"a","displayName":"Ann"},{"accountId":"b","displayName":null}]}}`,
		`{"issueId":"102","participants":{"values":[{"accountId":"a","displayName":"Ann"}]}}`)
	p, err := Compile(Mapping{
		Selector:   `.item.displayName != null`,
		Identifier: `.issueId + "-" + .item.accountId`,
		Title:      `.item.displayName`,
		Properties: map[string]string{"parsedArray": ".participants"},
		Relations:  map[string]string{"request": ".issueId"},
	})
	if err != nil {
		t.Fatal(err)
	}
	set, err := p.Map(context.Background(), out.Items, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	got := set.Encode()
	want := `{"101-a":{"properties":{"parsedArray":{}},"relations":{"request":"101"},"title":"Ann"},` +
		`"102-a":{"properties":{"parsedArray":{}},"relations":{"request":"102"},"title":"Ann"}}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}

	bad, err := Compile(Mapping{Identifier: ".item.displayName"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.Map(context.Background(), out.Items, Limits{})
	if msg := out.Explain(err).Error(); !strings.Contains(msg, "item 1 is element 1 of the itemsToParse array of read item 0") {
		t.Fatalf("got %q", msg)
	}
	dup, err := Compile(Mapping{Identifier: ".item.accountId"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = dup.Map(context.Background(), out.Items, Limits{})
	if msg := out.Explain(err).Error(); !strings.Contains(msg, `"a"`) || !strings.Contains(msg, "element 0 of read item 0 and element 0 of read item 1") {
		t.Fatalf("got %q", msg)
	}
}
