package jsm

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestParsePageAcceptsTheEnvelope(t *testing.T) {
	body := `{"_expands":[],"size":2,"start":0,"limit":2,"isLastPage":false,"_links":{"next":"https://x/y?start=2"},"values":[{"id":"1"},{"id":"2","nested":{"a":[1,2]}}]}`
	page, err := ParsePage([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if page.Size != 2 || page.Limit != 2 || page.IsLastPage || page.Links.Next == "" || string(page.Values[1]) != `{"id":"2","nested":{"a":[1,2]}}` {
		t.Fatalf("decoded %+v", page)
	}
}

func TestParsePageRejectsWhatIsNotAnEnvelope(t *testing.T) {
	for _, body := range []string{
		``, `null`, `[]`, `"x"`, `{}`, `{"errorMessage":"nope"}`,
		`{"size":1,"start":0,"isLastPage":true,"values":[{"id":"1"}`,
		`{"size":2,"start":0,"isLastPage":true,"values":[{"id":"1"}]}`,
		`{"size":1,"start":-1,"isLastPage":true,"values":[{"id":"1"}]}`,
		`{"size":1,"start":0,"isLastPage":true,"values":[1]}`,
		`{"size":0,"start":0,"isLastPage":"yes","values":[]}`,
	} {
		if _, err := ParsePage([]byte(body)); !errors.Is(err, ErrNotEnvelope) {
			t.Errorf("%q: got %v, want ErrNotEnvelope", body, err)
		}
	}
}

// FuzzParsePage checks that the parser never panics and that whatever it
// accepts is self-consistent: size matches the values, each value is an
// object, and start is not negative.
func FuzzParsePage(f *testing.F) {
	f.Add([]byte(`{"size":1,"start":0,"limit":50,"isLastPage":true,"values":[{"id":"1"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := ParsePage(body)
		if err != nil {
			if !errors.Is(err, ErrNotEnvelope) {
				t.Fatalf("error %v does not wrap ErrNotEnvelope", err)
			}
			return
		}
		if page.Size != len(page.Values) || page.Start < 0 {
			t.Fatalf("accepted an inconsistent page %+v", page)
		}
		for _, v := range page.Values {
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(v, &obj); err != nil {
				t.Fatalf("accepted a value that is not an object: %s", v)
			}
		}
	})
}
