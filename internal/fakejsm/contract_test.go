package fakejsm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The contract test checks real responses of the fake against Atlassian's
// published Service Desk OpenAPI document, vendored with its origin in
// testdata/ (see testdata/README.md).
const specPath = "testdata/jsm-servicedesk-openapi.json"

// knownDeviations are the places where the published document disagrees
// with what the live API returns. They are patched here, explicitly, and
// nowhere else; a patch that is no longer needed fails the test so that it
// gets removed.
var knownDeviations = []struct {
	what  string
	apply func(doc *openapi3.T) error
}{
	{
		what: "OrganizationDTO.scimManaged: the live API returns a boolean scimManaged on every organization " +
			"object (Atlassian added it after this document was generated), but the published OrganizationDTO " +
			"has no such property and additionalProperties: false.",
		apply: func(doc *openapi3.T) error {
			ref := doc.Components.Schemas["OrganizationDTO"]
			if ref == nil || ref.Value == nil {
				return errors.New("OrganizationDTO schema not found")
			}
			if _, ok := ref.Value.Properties["scimManaged"]; ok {
				return errors.New("OrganizationDTO already documents scimManaged: remove this deviation")
			}
			ref.Value.Properties["scimManaged"] = openapi3.NewBoolSchema().NewRef()
			return nil
		},
	},
}

type contract struct {
	router      routers.Router
	errorSchema *openapi3.Schema
	schemaOpts  []openapi3.SchemaValidationOption
	covered     map[string]bool // "GET /path/pattern status"
	undoc       map[string]bool // statuses validated against ErrorResponse because the operation does not list them
}

// loadContract loads the document, applies the known deviations and points
// its servers at the given fakes.
//
// Two properties of the document itself need loader-level workarounds; both
// leave every schema untouched:
//   - its response examples are JSON text stored as strings ("example":
//     "{\"_expands\":...}"), which fails example validation against object
//     schemas, so examples are not validated (they take no part in response
//     validation);
//   - several operationIds are used twice (getOrganizations for both
//     /organization and /servicedesk/{serviceDeskId}/organization,
//     getArticles, getProperty, ...), which fails document validation, so
//     duplicates get a unique suffix; operationIds play no part in routing or
//     validation.
func loadContract(t *testing.T, servers ...*Server) *contract {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		t.Fatalf("contract: loading %s: %v", specPath, err)
	}
	seen := map[string]bool{}
	paths := doc.Paths.InMatchingOrder()
	slices.Sort(paths)
	for _, p := range paths {
		ops := doc.Paths.Value(p).Operations()
		methods := make([]string, 0, len(ops))
		for m := range ops {
			methods = append(methods, m)
		}
		slices.Sort(methods)
		for _, m := range methods {
			op := ops[m]
			if seen[op.OperationID] {
				op.OperationID += " (" + m + " " + p + ")"
			}
			seen[op.OperationID] = true
		}
	}
	for _, d := range knownDeviations {
		if err := d.apply(doc); err != nil {
			t.Fatalf("contract: known deviation %q: %v", d.what, err)
		}
	}
	doc.Servers = nil
	for _, s := range servers {
		doc.Servers = append(doc.Servers, &openapi3.Server{URL: s.URL()})
	}
	router, err := legacy.NewRouter(doc, openapi3.DisableExamplesValidation())
	if err != nil {
		t.Fatalf("contract: building the router: %v", err)
	}
	errSchema := doc.Components.Schemas["ErrorResponse"]
	if errSchema == nil || errSchema.Value == nil {
		t.Fatal("contract: the document has no ErrorResponse schema")
	}
	return &contract{
		router:      router,
		errorSchema: errSchema.Value,
		// The document types links as format "uri", which kin-openapi does not
		// check by default: require absolute URLs.
		schemaOpts: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidator("uri", openapi3.NewCallbackValidator(func(v string) error {
				u, err := url.Parse(v)
				if err != nil || u.Scheme == "" || u.Host == "" {
					return fmt.Errorf("not an absolute URI: %q", v)
				}
				return nil
			})),
		},
		covered: map[string]bool{},
		undoc:   map[string]bool{},
	}
}

type contractCase struct {
	path   string // relative to Server.URL()
	status int
	opts   []reqOption
	// badRequest marks requests that break the documented parameter types on
	// purpose; they are not validated as requests.
	badRequest bool
}

// check sends the request and validates request and response against the
// document. A status the operation documents is validated against that
// response; an error status it does not document must still carry the
// document's ErrorResponse. It returns the answer's headers.
func (c *contract) check(t *testing.T, s *Server, tc contractCase) http.Header {
	t.Helper()
	ctx := context.Background()
	req, err := http.NewRequest(http.MethodGet, s.URL()+tc.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(DefaultEmail, DefaultAPIToken)
	for _, o := range tc.opts {
		o(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", tc.path, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("GET %s: %v", tc.path, err)
	}
	if resp.StatusCode != tc.status {
		t.Fatalf("GET %s: status %d, want %d; body %s", tc.path, resp.StatusCode, tc.status, body)
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		t.Fatalf("GET %s: no operation in the document: %v", tc.path, err)
	}
	c.covered[fmt.Sprintf("GET %s %d", route.Path, tc.status)] = true
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options:    &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if !tc.badRequest {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			t.Errorf("GET %s: the request itself breaks the contract: %v", tc.path, err)
		}
	}
	if route.Operation.Responses.Status(tc.status) != nil {
		err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in,
			Status:                 resp.StatusCode,
			Header:                 resp.Header,
			Body:                   io.NopCloser(bytes.NewReader(body)),
			Options: &openapi3filter.Options{
				IncludeResponseStatus:   true,
				MultiError:              true,
				SchemaValidationOptions: c.schemaOpts,
			},
		})
		if err != nil {
			t.Errorf("GET %s: %d response breaks the contract: %v\nbody: %.2000s", tc.path, tc.status, err, body)
		}
		return resp.Header
	}
	if tc.status < 400 {
		t.Fatalf("GET %s: status %d is not documented for %s", tc.path, tc.status, route.Path)
	}
	c.undoc[fmt.Sprintf("%d on GET %s", tc.status, route.Path)] = true
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("GET %s: error body is not JSON: %v", tc.path, err)
	}
	opts := append(slices.Clone(c.schemaOpts), openapi3.VisitAsResponse(), openapi3.MultiErrors())
	if err := c.errorSchema.VisitJSON(v, opts...); err != nil {
		t.Errorf("GET %s: %d body is not an ErrorResponse: %v\nbody: %s", tc.path, tc.status, err, body)
	}
	return resp.Header
}

// endpoints are the served operations; each must be covered with a 200, a
// 401 and its documented 4xx errors.
var contractEndpoints = map[string][]int{
	"/rest/servicedeskapi/servicedesk":                              {200, 401},
	"/rest/servicedeskapi/servicedesk/{serviceDeskId}":              {200, 401, 403, 404},
	"/rest/servicedeskapi/servicedesk/{serviceDeskId}/organization": {200, 401, 403, 404},
	"/rest/servicedeskapi/servicedesk/{serviceDeskId}/queue":        {200, 401, 403, 404},
	"/rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype":  {200, 401, 403, 404},
	"/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer":     {200, 401, 403, 404, 412},
	"/rest/servicedeskapi/request":                                  {200, 400, 401, 404, 429, 500},
	"/rest/servicedeskapi/request/{issueIdOrKey}":                   {200, 401, 403, 404},
	"/rest/servicedeskapi/organization":                             {200, 401, 404},
	"/rest/servicedeskapi/organization/{organizationId}":            {200, 401, 404},
}

func TestContract(t *testing.T) {
	tn := GenerateTenant(TenantOptions{Seed: 99, Requests: 150, Organizations: 8, Customers: 40})
	restrictedReq, _, err := tn.AddRequest(NewRequest{ServiceDeskID: tn.RestrictedServiceDeskID})
	if err != nil {
		t.Fatal(err)
	}
	s := New(tn)
	t.Cleanup(s.Close)
	gw := New(GenerateTenant(TenantOptions{Seed: 98}), WithGateway("9f3c2a10-1111-4222-8333-444455556666"))
	t.Cleanup(gw.Close)
	c := loadContract(t, s, gw)

	cur := url.QueryEscape(tn.CurrentAccountID)
	firstID := tn.RequestIDs()[0]
	firstKey := field[string](t, tn.RequestsJSON()[0], "issueKey")
	rt := tn.RequestTypeIDs("1")[0]
	optIn := withHeader(ExperimentalHeader, "opt-in")
	allExpand := "serviceDesk,requestType,participant,status,sla,attachment,action,comment,comment.attachment,comment.renderedBody"
	r := "/rest/servicedeskapi"

	ok := []contractCase{
		{path: r + "/servicedesk"},
		{path: r + "/servicedesk?start=1&limit=1"},
		{path: r + "/servicedesk/1"},
		{path: r + "/servicedesk/IT"},
		{path: r + "/servicedesk/projectKey:HR"},
		{path: r + "/servicedesk/projectId:10003"},
		{path: r + "/servicedesk/1/organization"},
		{path: r + "/servicedesk/2/organization?accountId=" + cur + "&limit=1"},
		{path: r + "/servicedesk/1/queue"},
		{path: r + "/servicedesk/IT/queue?includeCount=true&start=2&limit=2"},
		{path: r + "/servicedesk/1/requesttype"},
		{path: r + "/servicedesk/1/requesttype?groupId=1&limit=2"},
		{path: r + "/servicedesk/1/requesttype?searchQuery=help"},
		{path: r + "/servicedesk/1/customer", opts: []reqOption{optIn}},
		{path: r + "/servicedesk/1/customer?query=a&start=1&limit=3", opts: []reqOption{optIn}},
		{path: r + "/request"},
		{path: r + "/request?start=50&limit=500"},
		{path: r + "/request?limit=25&expand=" + url.QueryEscape(allExpand)},
		{path: r + "/request?start=100&limit=25&expand=participant&expand=status&expand=sla&expand=action"},
		{path: r + "/request?expand=attachment,comment&limit=40"},
		{path: r + "/request?requestStatus=OPEN_REQUESTS&serviceDeskId=1&requestTypeId=" + rt},
		{path: r + "/request?requestStatus=CLOSED_REQUESTS&requestOwnership=OWNED_REQUESTS&requestOwnership=PARTICIPATED_REQUESTS"},
		{path: r + "/request?requestOwnership=ORGANIZATION&organizationId=2&expand=serviceDesk"},
		{path: r + "/request?requestOwnership=ALL_ORGANIZATIONS&searchTerm=access"},
		{path: r + "/request?requestOwnership=APPROVER&approvalStatus=MY_PENDING_APPROVAL&expand=requestType"},
		{path: r + "/request?requestOwnership=APPROVER&approvalStatus=MY_HISTORY_APPROVAL"},
		{path: r + "/request?requestOwnership=ALL_REQUESTS&requestStatus=ALL_REQUESTS"},
		{path: r + "/request/" + firstID + "?expand=" + url.QueryEscape(allExpand)},
		{path: r + "/request/" + firstKey},
		{path: r + "/organization"},
		{path: r + "/organization?start=3&limit=2"},
		{path: r + "/organization?accountId=" + cur},
		{path: r + "/organization/1"},
	}
	for _, tc := range ok {
		tc.status = http.StatusOK
		c.check(t, s, tc)
	}
	// Gateway mode: links point at the site and lose their filters.
	for _, p := range []string{r + "/servicedesk?limit=1", r + "/request?limit=5&requestStatus=OPEN_REQUESTS&expand=sla,participant", r + "/organization?limit=2"} {
		c.check(t, gw, contractCase{path: p, status: http.StatusOK})
	}
	// A capped page, an injected empty page and a page beyond the end are
	// still well-formed envelopes.
	s.SetPageCap("/request", 10)
	s.EmptyPageAt("/organization", 2)
	for _, p := range []string{r + "/request?limit=50&start=10", r + "/organization?start=2&limit=2", r + "/servicedesk?start=40"} {
		c.check(t, s, contractCase{path: p, status: http.StatusOK})
	}
	s.ClearFaults()

	restricted := tn.RestrictedServiceDeskID
	errs := []contractCase{
		{path: r + "/servicedesk/" + restricted, status: 403},
		{path: r + "/servicedesk/SEC/organization", status: 403},
		{path: r + "/servicedesk/" + restricted + "/queue", status: 403},
		{path: r + "/servicedesk/" + restricted + "/requesttype", status: 403},
		{path: r + "/servicedesk/" + restricted + "/customer", status: 403, opts: []reqOption{optIn}},
		{path: r + "/request/" + restrictedReq, status: 403},
		{path: r + "/servicedesk/999", status: 404},
		{path: r + "/servicedesk/projectKey:NOPE/organization", status: 404},
		{path: r + "/servicedesk/999/queue", status: 404},
		{path: r + "/servicedesk/999/requesttype", status: 404},
		{path: r + "/servicedesk/999/customer", status: 404, opts: []reqOption{optIn}},
		{path: r + "/request?serviceDeskId=999", status: 404},
		{path: r + "/request?serviceDeskId=2&requestTypeId=" + rt, status: 404},
		{path: r + "/request/99999", status: 404},
		{path: r + "/organization?accountId=nobody", status: 404},
		{path: r + "/servicedesk/1/organization?accountId=nobody", status: 404},
		{path: r + "/organization/999", status: 404},
		{path: r + "/servicedesk/1/customer", status: 412},
		{path: r + "/request?requestTypeId=" + rt, status: 400},
		{path: r + "/request?requestStatus=SOME_REQUESTS", status: 400},
		{path: r + "/request?requestOwnership=ORGANIZATION", status: 400},
		{path: r + "/request?serviceDeskId=one", status: 400, badRequest: true},
		{path: r + "/servicedesk?limit=-1", status: 400},
		{path: r + "/servicedesk/1/queue?start=x", status: 400, badRequest: true},
	}
	concrete := strings.NewReplacer("{serviceDeskId}", "1", "{issueIdOrKey}", firstID, "{organizationId}", "1")
	for p := range contractEndpoints {
		errs = append(errs, contractCase{path: concrete.Replace(p), status: 401, opts: []reqOption{withoutAuth()}})
	}
	for _, tc := range errs {
		c.check(t, s, tc)
	}
	c.check(t, gw, contractCase{path: r + "/servicedesk/999", status: 404})
	c.check(t, gw, contractCase{path: r + "/request", status: 401, opts: []reqOption{withoutAuth()}})

	// Injected faults carry ErrorResponse bodies too.
	s.RateLimitEvery(1, time.Second)
	c.check(t, s, contractCase{path: r + "/request", status: 429})
	s.RateLimitEvery(0, 0)
	s.FailRequests("/request", http.StatusInternalServerError, 1)
	c.check(t, s, contractCase{path: r + "/request", status: 500})
	s.FailRequests("/request", http.StatusServiceUnavailable, 1)
	c.check(t, s, contractCase{path: r + "/request?limit=1", status: 503})

	for path, statuses := range contractEndpoints {
		for _, st := range statuses {
			if !c.covered["GET "+path+" "+strconv.Itoa(st)] {
				t.Errorf("contract: %d of GET %s not checked", st, path)
			}
		}
	}
	undocumented := make([]string, 0, len(c.undoc))
	for k := range c.undoc {
		undocumented = append(undocumented, k)
	}
	slices.Sort(undocumented)
	t.Logf("statuses the document does not list for the operation, checked against ErrorResponse: %v", undocumented)
}
