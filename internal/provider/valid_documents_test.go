package provider

import (
	"context"
	"fmt"
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
