package entity

import "testing"

// A refresh that finds one entity changed rewrites only that entity, in the
// shape the prior document gave it; one that finds nothing changed returns
// the prior document itself.
func TestEncodeLikeKeepsThePriorShape(t *testing.T) {
	prior := []byte(`{ "b": {"title": "B", "team": "ops", "properties": {"n": 1.50, "s": "x"}},
		"a": {"title": "A", "relations": {"r": null}} }`)
	managed, err := Parse(prior)
	if err != nil {
		t.Fatal(err)
	}
	if got := EncodeLike(managed.Clone(), managed, prior); string(got) != string(prior) {
		t.Fatalf("nothing changed, but the document did:\n%s", got)
	}
	drifted := managed.Clone()
	b := drifted["b"]
	b.Properties = Fields{{Key: "n", Value: "1.5"}, {Key: "s", Value: `"y"`}}
	drifted.Add(b)
	want := `{"a":{"title": "A", "relations": {"r": null}},"b":{"properties":{"n":1.50,"s":"y"},"team":"ops","title":"B"}}`
	if got := EncodeLike(drifted, managed, prior); string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	back, err := Parse([]byte(want))
	if err != nil || !back.Equal(drifted) {
		t.Fatalf("the document does not hold the drifted entities: %v", err)
	}
	gone := managed.Clone()
	delete(gone, "a")
	if got := EncodeLike(gone, managed, []byte("not JSON")); string(got) != string(gone.Encode()) {
		t.Fatalf("without a usable prior document the set is not encoded canonically: %s", got)
	}
}
