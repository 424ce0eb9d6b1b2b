package provider

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestDocumentSetKnowsOnlyTheDocumentsAdded(t *testing.T) {
	s := newDocumentSet(3)
	s.add(`{"a":{}}`)
	if !s.has(`{"a":{}}`) {
		t.Fatal("a document added is not known")
	}
	for _, other := range []string{`{"b":{}}`, `{"a":{} }`, `{"a":{}`} {
		if s.has(other) {
			t.Errorf("%s is known, but only {\"a\":{}} was added", other)
		}
	}
	for i := range 3 {
		s.add(fmt.Sprintf(`{"e%d":{}}`, i))
	}
	if s.has(`{"a":{}}`) || len(s.seen) > 3 {
		t.Errorf("the set holds %d documents, more than its bound of 3", len(s.seen))
	}
}

// TestValidatorSkipsOnlyDocumentsKnownValid: a document the provider built
// passes without a parse, and a broken one is still refused, however often
// it is validated.
func TestValidatorSkipsOnlyDocumentsKnownValid(t *testing.T) {
	validate := func(doc string) bool {
		var resp validator.StringResponse
		entitiesJSONValidator{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("entities_json"), ConfigValue: types.StringValue(doc),
		}, &resp)
		return !resp.Diagnostics.HasError()
	}
	broken := `{"x":{"properties":7}}`
	for range 2 {
		if validate(broken) {
			t.Fatalf("%s passed validation", broken)
		}
	}
	good := `{"x":{"properties":{"n":1}}}`
	if !validate(good) || !validDocuments.has(good) {
		t.Fatal("a valid document is not remembered after its validation")
	}
	if validDocuments.has(broken) {
		t.Error("a broken document is remembered as valid")
	}
}

// TestParsePlannedParsesEachDocumentOnce: validating, planning and applying
// the same document parse it once; another document is parsed anew, and a
// broken one is never remembered.
func TestParsePlannedParsesEachDocumentOnce(t *testing.T) {
	doc := `{"x":{"title":"X","properties":{"n":1}}}`
	first, err := parsePlanned(doc)
	if err != nil {
		t.Fatal(err)
	}
	again, err := parsePlanned(doc)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.ValueOf(first).Pointer() != reflect.ValueOf(again).Pointer() {
		t.Error("the same document was parsed twice")
	}
	other, err := parsePlanned(`{"y":{}}`)
	if err != nil || len(other) != 1 || other["y"].Identifier != "y" {
		t.Fatalf("another document gave %v, %v", other, err)
	}
	if _, err := parsePlanned(`{"y":{"team":7}}`); err == nil {
		t.Fatal("a broken document parsed")
	}
	if set, err := parsePlanned(`{"y":{}}`); err != nil || reflect.ValueOf(set).Pointer() != reflect.ValueOf(other).Pointer() {
		t.Error("a broken document replaced the last one parsed")
	}
}
