package jsm

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/portjsm/terraform-provider-portjsm/internal/jsonvalue"
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
		if _, err := DecodePage([]byte(body)); !errors.Is(err, ErrNotEnvelope) {
			t.Errorf("DecodePage(%q): got %v, want ErrNotEnvelope", body, err)
		}
	}
}

// FuzzParsePage checks that the parser never panics, that whatever it
// accepts is self-consistent (size matches the values, each value is an
// object, and start is not negative), and that DecodePage, the one-pass
// decoder of mapped reads, accepts exactly the same pages with the same
// envelope and the same items.
func FuzzParsePage(f *testing.F) {
	f.Add([]byte(`{"size":1,"start":0,"limit":50,"isLastPage":true,"values":[{"id":"1"}]}`))
	f.Add([]byte(`{"size":2,"start":50,"isLastPage":false,"values":[{"issueId":10100,"n":[1.5,null]},{"accountId":"a\u00e9"}],"_links":{"next":"x"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := ParsePage(body)
		decoded, decodedErr := DecodePage(body)
		if (err == nil) != (decodedErr == nil) {
			t.Fatalf("ParsePage error %v, DecodePage error %v", err, decodedErr)
		}
		if err != nil {
			if !errors.Is(err, ErrNotEnvelope) || !errors.Is(decodedErr, ErrNotEnvelope) {
				t.Fatalf("errors %v and %v do not wrap ErrNotEnvelope", err, decodedErr)
			}
			return
		}
		want := page.Envelope
		want.Links = PageLinks{}
		if decoded.Envelope != want || len(decoded.Values) != len(page.Values) {
			t.Fatalf("DecodePage read %+v, ParsePage %+v", decoded.Envelope, page.Envelope)
		}
		for i, v := range page.Values {
			want, _ := jsonvalue.Canonicalize(v)
			got, err := jsonvalue.Append(nil, decoded.Values[i])
			if err != nil || string(got) != string(want) || decodedKey(decoded.Values[i]) != itemKeyCanonical(t, v) {
				t.Fatalf("item %d: DecodePage %s (%v), ParsePage %s", i, got, err, want)
			}
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

// itemKeyCanonical is itemKey with the key's value in canonical form, as
// decodedKey writes it.
func itemKeyCanonical(t *testing.T, raw json.RawMessage) string {
	field, value, ok := strings.Cut(itemKey(raw), ":")
	if !ok {
		return ""
	}
	canonical, err := jsonvalue.Canonicalize([]byte(value))
	if err != nil {
		t.Fatal(err)
	}
	return field + ":" + string(canonical)
}
