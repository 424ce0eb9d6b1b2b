package provider

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/portjsm/terraform-provider-portjsm/internal/fakejsm"
	"github.com/portjsm/terraform-provider-portjsm/internal/fakeport"
)

// testAccProtoV6ProviderFactories serves the provider in-process to the
// Terraform CLI that terraform-plugin-testing drives.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"portjsm": func() (tfprotov6.ProviderServer, error) { return NewServer(New("test"))(), nil },
}

// accTest runs an acceptance test case against the provider served
// in-process.
func accTest(t *testing.T, c resource.TestCase) {
	t.Helper()
	resource.Test(t, withProvider(c))
}

// accParallelTest is accTest in parallel with the other parallel tests.
func accParallelTest(t *testing.T, c resource.TestCase) {
	t.Helper()
	resource.ParallelTest(t, withProvider(c))
}

// withProvider gives every step of c the provider. It goes on the steps, not
// the case: terraform-plugin-testing counts the provider block of a step's
// configuration file as providers of the step, and refuses providers on both
// levels.
func withProvider(c resource.TestCase) resource.TestCase {
	steps := make([]resource.TestStep, len(c.Steps))
	for i, step := range c.Steps {
		step.ProtoV6ProviderFactories = testAccProtoV6ProviderFactories
		steps[i] = step
	}
	c.Steps = steps
	return c
}

// startJSM starts a fake JSM for one test.
func startJSM(t *testing.T, opts fakejsm.TenantOptions, serverOpts ...fakejsm.Option) *fakejsm.Server {
	t.Helper()
	srv := fakejsm.New(fakejsm.GenerateTenant(opts), serverOpts...)
	t.Cleanup(srv.Close)
	return srv
}

// jsmVariables are the variables every testdata configuration declares to
// reach a fake JSM.
func jsmVariables(srv *fakejsm.Server) config.Variables {
	return config.Variables{
		"jsm_base_url":  config.StringVariable(srv.URL()),
		"jsm_api_token": config.StringVariable(fakejsm.DefaultAPIToken),
	}
}

// servedItems pages an endpoint of the fake directly, without the product's
// client, and returns the items as the fake served them, joined into one JSON
// array: the value items_json must equal.
func servedItems(t *testing.T, srv *fakejsm.Server, path string, query url.Values) (string, int) {
	t.Helper()
	return servedItemsAs(t, srv, path, query, "")
}

// servedItemsAs is servedItems with an explicit Authorization header; empty
// means the fake's default basic credentials.
func servedItemsAs(t *testing.T, srv *fakejsm.Server, path string, query url.Values, authorization string) (string, int) {
	t.Helper()
	var items []string
	for start := 0; ; {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("start", strconv.Itoa(start))
		q.Set("limit", "50")
		req, err := http.NewRequest(http.MethodGet, srv.URL()+"/rest/servicedeskapi"+path+"?"+q.Encode(), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth(fakejsm.DefaultEmail, fakejsm.DefaultAPIToken)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Size       int               `json:"size"`
			IsLastPage bool              `json:"isLastPage"`
			Values     []json.RawMessage `json:"values"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		_ = resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("reading %s from the fake: status %d, %v", path, resp.StatusCode, err)
		}
		for _, v := range page.Values {
			items = append(items, string(v))
		}
		if page.IsLastPage {
			break
		}
		start += page.Size
	}
	return "[" + strings.Join(items, ",") + "]", len(items)
}

func joinRaw(items []json.RawMessage) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = string(it)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func mustUnmarshal(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

// startPort starts a fake Port for one test.
func startPort(t *testing.T, opts ...fakeport.Option) *fakeport.Server {
	t.Helper()
	srv := fakeport.New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

func portVariables(srv *fakeport.Server) config.Variables {
	return config.Variables{"port_base_url": config.StringVariable(srv.URL())}
}

// member returns the value at keys in a decoded JSON document, failing the
// test when it is missing or not a T.
func member[T any](t testing.TB, doc any, keys ...string) T {
	t.Helper()
	v, ok := at(doc, keys...).(T)
	if !ok {
		t.Fatalf("%s: got %T, want a %T", strings.Join(keys, "."), at(doc, keys...), v)
	}
	return v
}

// at walks a decoded JSON document along keys.
func at(doc any, keys ...string) any {
	for _, k := range keys {
		m, ok := doc.(map[string]any)
		if !ok {
			return nil
		}
		doc = m[k]
	}
	return doc
}
