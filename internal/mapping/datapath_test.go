package mapping

import (
	"strings"
	"testing"
)

func TestExtractItems(t *testing.T) {
	body := []byte(`{"values":[{"id":"1","n":12345678901234},{"id":"2"}],"one":{"id":"x"}}`)
	for expr, want := range map[string]string{
		".values":           `{"id":"1","n":12345678901234}|{"id":"2"}`,
		".values[]":         `{"id":"1","n":12345678901234}|{"id":"2"}`,
		".one":              `{"id":"x"}`,
		".values[] | .id":   `"1"|"2"`,
		"[.values[].id]":    `"1"|"2"`,
		".missing // empty": ``,
	} {
		items, err := ExtractItems(t.Context(), body, expr, DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		var got []string
		for _, it := range items {
			got = append(got, string(it))
		}
		if strings.Join(got, "|") != want {
			t.Errorf("%s: got %s, want %s", expr, strings.Join(got, "|"), want)
		}
	}
}

func TestExtractItemsHasNoEnvironment(t *testing.T) {
	t.Setenv("JSM_API_TOKEN", "super-secret")
	for _, expr := range []string{"$ENV", "env", "$ENV.JSM_API_TOKEN // \"none\"", "env.JSM_API_TOKEN // \"none\""} {
		items, err := ExtractItems(t.Context(), []byte(`{}`), expr, DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		for _, it := range items {
			if strings.Contains(string(it), "super-secret") {
				t.Fatalf("%s leaked the environment: %s", expr, it)
			}
		}
	}
}

func TestExtractItemsErrors(t *testing.T) {
	if _, err := ExtractItems(t.Context(), []byte(`{}`), ".values[ | x", DefaultLimits); err == nil || !strings.Contains(err.Error(), "does not parse") || !strings.Contains(err.Error(), "offset") {
		t.Fatalf("parse error not reported with position: %v", err)
	}
	if _, err := ExtractItems(t.Context(), []byte(`{"values":1}`), ".values[]", DefaultLimits); err == nil || !strings.Contains(err.Error(), `data_path ".values[]" failed`) {
		t.Fatalf("run-time error not reported: %v", err)
	}
	if _, err := ExtractItems(t.Context(), []byte(`<html>`), ".", DefaultLimits); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Fatalf("non-JSON body not reported: %v", err)
	}
}
