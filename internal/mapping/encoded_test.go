package mapping

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// Mapping a list into members of entities_json and joining them gives the
// document, the duplicate error and the null fields that mapping it into
// entities and collecting them gives, over seeded random lists: items left
// out by the selector, identifiers that repeat, that are prefixes of one
// another or sort differently once escaped, and fields that are null for
// every item or only for some.
func TestJoinMatchesCollect(t *testing.T) {
	duplicates, joined := 0, 0
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 7))
		items := randomListItems(rng)
		m := Mapping{
			Selector:   []string{"", "true", ".keep"}[rng.IntN(3)],
			Identifier: ".id",
			Title:      []string{"", ".title", ".missing"}[rng.IntN(3)],
			Team:       []string{"", ".team"}[rng.IntN(2)],
			Properties: map[string]string{"n": ".n", "sometimes": ".sometimes", "never": ".nothing.here"},
			Relations:  map[string]string{"parent": ".parent"},
		}
		run := mustCompile(t, m).StartList(DefaultLimits)
		var mapped []Mapped
		var encoded []Encoded
		docs := decoded(t, items)
		for first := 0; first < len(docs); first += 7 {
			page := docs[first:min(first+7, len(docs))]
			a, errA := run.MapPage(t.Context(), first, page)
			b, errB := run.MapPageEncoded(t.Context(), first, page)
			if errA != nil || errB != nil {
				t.Fatalf("seed %d: %v, %v", seed, errA, errB)
			}
			mapped, encoded = append(mapped, a...), append(encoded, b...)
		}
		set, errCollect := Collect(mapped)
		doc, count, errJoin := Join(encoded)
		if fmt.Sprint(errCollect) != fmt.Sprint(errJoin) {
			t.Fatalf("seed %d: Collect gave %v, Join %v", seed, errCollect, errJoin)
		}
		var dup *DuplicateError
		if errors.As(errCollect, &dup) {
			var got *DuplicateError
			if !errors.As(errJoin, &got) || *got != *dup {
				t.Fatalf("seed %d: Join gave %#v, want %#v", seed, errJoin, dup)
			}
			duplicates++
			continue
		}
		joined++
		if want := set.Encode(); doc != string(want) || count != len(set) {
			t.Fatalf("seed %d: Join gave %d entities\n%s\nwant %d\n%s", seed, count, doc, len(set), want)
		}
		program := mustCompile(t, m)
		if got, want := program.NullForEveryEncoded(encoded), program.NullForEvery(set); !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: null fields %v, want %v", seed, got, want)
		}
	}
	if duplicates < 30 || joined < 150 {
		t.Fatalf("%d lists with duplicates and %d without: the generator no longer covers both", duplicates, joined)
	}
}

// randomListItems are up to 53 items with identifiers from a small pool,
// unique in two lists of three and drawn with repeats in the third, with
// escapes and non-ASCII text that order differently escaped and raw.
func randomListItems(rng *rand.Rand) []json.RawMessage {
	ids := []string{"a", "ab", "a\"b", "a\\b", "a\u0001", "a\u007f", "é", "日本", "a b", "Z", "10", "9", "a\u2028"}
	if rng.IntN(2) == 0 {
		for i := range 40 {
			ids = append(ids, fmt.Sprintf("id-%03d", i))
		}
	}
	unique := rng.IntN(3) > 0
	if unique {
		rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	}
	items := make([]json.RawMessage, rng.IntN(len(ids)+1))
	for i := range items {
		id := ids[i]
		if !unique {
			id = ids[rng.IntN(len(ids))]
		}
		item := map[string]any{
			"id":    id,
			"keep":  rng.IntN(5) > 0,
			"title": ids[rng.IntN(len(ids))],
			"n":     rng.IntN(1000),
			"team":  []string{"t" + fmt.Sprint(rng.IntN(3))},
		}
		if rng.IntN(4) == 0 {
			item["sometimes"] = map[string]any{"deep": []any{1, "x", nil}}
		}
		if rng.IntN(3) == 0 {
			item["parent"] = ids[rng.IntN(len(ids))]
		}
		raw, err := json.Marshal(item)
		if err != nil {
			panic(err)
		}
		items[i] = raw
	}
	return items
}
