package fakeport

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// specPath is Port's official OpenAPI document, vendored with its origin in
// testdata/ (see testdata/README.md).
const specPath = "testdata/port-api-openapi.yaml"

// Deviations: every place where the fake deliberately departs from Port's
// OpenAPI document. Exchanges name the deviation they rely on, and run fails
// when a deviation is no longer needed: the 409 and 429 statuses must still be
// missing from the document, entity bodies with their metadata must still
// fail validation, and requests without the defaulted query parameters must
// still break the document's request schema (badReq).
const (
	// Port returns entities with "blueprint", "createdAt", "createdBy",
	// "updatedAt" and "updatedBy" (see the entity JSON in Port's docs), but
	// the document's entity response schemas say additionalProperties: false
	// and list none of these fields. The fake returns them, as Port does; the
	// contract test checks they are present and removes them from every entity
	// in the body before validating it.
	devEntityMetadata = "entity-metadata"

	// A plain create (upsert=false) of an existing entity, and a create of an
	// existing blueprint, answer 409 identifier_taken. The document lists no
	// 409 for these operations; the body is validated against the operation's
	// documented 422 error envelope instead.
	devStatus409 = "status-409"

	// RateLimitEvery, and a request over the organisation limit of
	// SetRateLimits, answer 429 with Retry-After and x-ratelimit-* headers.
	// The document lists no 429; the body is validated against the
	// operation's documented 401 error envelope instead.
	devStatus429 = "status-429"

	// The query parameters upsert (entity create, bulk upsert) and
	// delete_dependents (entity delete, bulk delete) are declared
	// "required: true" with "default: false". The fake applies the default
	// when they are absent instead of answering 422, so such requests break
	// the document's request schema but succeed.
	devDefaultedRequiredQuery = "defaulted-required-query"

	// DELETE .../all-entities runs as a background migration: Port answers
	// {"ok": true, "migrationId": "..."} (Port's official Terraform provider
	// reads migrationId and polls GET /v1/migrations/{id}), but the document's
	// 200 schema lists only "ok" with additionalProperties: false, and lists
	// no 200 for GET /v1/migrations/{id}. The contract test checks the
	// migration fields are present, then validates the all-entities body
	// without migrationId; the migration body is checked for its id and
	// status.
	devMigration = "migration"
)

// entityMetadata are the fields devEntityMetadata removes.
var entityMetadata = []string{"blueprint", "createdAt", "createdBy", "updatedAt", "updatedBy"}

// portRegexp compiles the document's "pattern" keywords for kin-openapi.
// Go's regexp has no lookahead, and the document's entity and blueprint
// identifier patterns start with the negative lookahead "^(?!\.{1,2}$)",
// which rejects "." and "..". Instead of turning pattern validation off, a
// leading "^(?!X)" becomes a second regexp "^(?:X)" that must not match, and
// the rest of the pattern is compiled as usual. Request validation uses it
// through Options.RegexCompiler, response validation through
// openapi3.SetSchemaRegexCompiler.
func portRegexp(expr string) (openapi3.RegexMatcher, error) {
	rest, ok := strings.CutPrefix(expr, "^(?!")
	if !ok {
		return regexp.Compile(expr)
	}
	depth := 1
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				neg, err := regexp.Compile("^(?:" + rest[:i] + ")")
				if err != nil {
					return nil, err
				}
				pos, err := regexp.Compile("^" + rest[i+1:])
				if err != nil {
					return nil, err
				}
				return lookaheadMatcher{neg: neg, pos: pos}, nil
			}
		}
	}
	return nil, fmt.Errorf("unbalanced lookahead in pattern %q", expr)
}

type lookaheadMatcher struct{ neg, pos *regexp.Regexp }

func (m lookaheadMatcher) MatchString(s string) bool {
	return !m.neg.MatchString(s) && m.pos.MatchString(s)
}

func TestPortRegexp(t *testing.T) {
	m, err := portRegexp(`^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]+$`)
	if err != nil {
		t.Fatal(err)
	}
	for s, want := range map[string]bool{"a": true, ".": false, "..": false, "...": true, "a.b": true, "ä/b": true, "a b": false, "": false} {
		if got := m.MatchString(s); got != want {
			t.Errorf("%q: %v, want %v", s, got, want)
		}
	}
}

// contract drives the fake and checks each exchange against the document.
type contract struct {
	t       *testing.T
	router  routers.Router
	srv     *Server
	token   string
	covered map[string]map[int]bool // "METHOD /document/path" -> statuses seen
}

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		t.Fatalf("loading %s: %v", specPath, err)
	}
	return doc
}

// newContract starts a fake and routes requests to the document's operations.
//
// The document is loaded as published, and no schema is edited. It is not
// validated as a whole (openapi3.T.Validate, which the "legacy" router runs),
// because kin-openapi rejects it for defects that do not change what the
// fake's responses are checked against: operations under
// /v1/blueprints/{blueprint_identifier}/actions do not declare their path
// parameters, /v1/actions uses the draft-07 keyword "dependencies", some
// schemas carry the parameter keywords "style"/"explode" or an "object"
// field, and the bulk upsert responses list "ok" twice in "required". The
// gorillamux router does not validate the document, so it is used instead,
// with the document's servers replaced by the fake's URL.
func newContract(t *testing.T) *contract {
	doc := loadSpec(t)
	srv := New(WithRateLimits(PortRateLimits))
	t.Cleanup(srv.Close)
	doc.Servers = openapi3.Servers{{URL: srv.URL()}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("building a router from Port's document: %v", err)
	}
	return &contract{t: t, router: router, srv: srv, covered: map[string]map[int]bool{}}
}

// exchange is one request to the fake and what the document must say about it.
type exchange struct {
	name      string
	method    string
	path      string // with query
	body      any    // JSON value, or []byte sent as is
	noAuth    bool
	status    int
	badReq    bool   // the request deliberately breaks the document's request schema
	deviation string // the deviation this exchange relies on, if any
	partial   bool   // entities are field-selected (include/exclude), so metadata may be absent
}

func (c *contract) run(ex exchange) map[string]any {
	t := c.t
	t.Helper()
	var raw []byte
	switch b := ex.body.(type) {
	case nil:
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	newReq := func() *http.Request {
		var rd io.Reader
		if raw != nil {
			rd = bytes.NewReader(raw)
		}
		req, err := http.NewRequest(ex.method, c.srv.URL()+ex.path, rd)
		if err != nil {
			t.Fatal(err)
		}
		if raw != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if !ex.noAuth && c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		return req
	}
	resp, err := http.DefaultClient.Do(newReq())
	if err != nil {
		t.Fatal(err)
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != ex.status {
		t.Fatalf("%s: %s %s answered %d, want %d: %s", ex.name, ex.method, ex.path, resp.StatusCode, ex.status, clip(string(respBody)))
	}
	checkRateLimitHeaders(t, ex.name, resp)

	req := newReq()
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s: %s %s is not an operation of Port's document: %v", ex.name, ex.method, ex.path, err)
	}
	key := ex.method + " " + route.Path
	if c.covered[key] == nil {
		c.covered[key] = map[int]bool{}
	}
	c.covered[key][ex.status] = true

	reqInput := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, RegexCompiler: portRegexp},
	}
	reqErr := openapi3filter.ValidateRequest(context.Background(), reqInput)
	switch {
	case ex.badReq && reqErr == nil:
		t.Errorf("%s: the request was meant to break the document's request schema, but it is valid", ex.name)
	case !ex.badReq && reqErr != nil:
		t.Errorf("%s: the request breaks the document: %s", ex.name, clip(reqErr))
	}

	var decoded map[string]any
	if err := json.Unmarshal(respBody, &decoded); err != nil {
		t.Fatalf("%s: response is not a JSON object: %v", ex.name, err)
	}
	validated := respBody
	switch ex.deviation {
	case devEntityMetadata:
		validated = c.stripEntityMetadata(ex, decoded)
	case devStatus409, devStatus429:
		c.validateUndocumented(ex, route, decoded)
		return decoded
	case devMigration:
		if validated = c.checkMigration(ex, route, decoded); validated == nil {
			return decoded
		}
	}
	if err := validateResponse(reqInput, resp.StatusCode, resp.Header, validated); err != nil {
		t.Errorf("%s: %s %s answered %d with a body that breaks the document: %s\nbody: %s", ex.name, ex.method, ex.path, resp.StatusCode, clip(err), clip(string(validated)))
	}
	if ex.deviation == devEntityMetadata && !ex.partial && validateResponse(reqInput, resp.StatusCode, resp.Header, respBody) == nil {
		t.Errorf("%s: deviation %s is obsolete: the document now accepts the entity metadata", ex.name, devEntityMetadata)
	}
	return decoded
}

// validateResponse checks a response against the document.
func validateResponse(reqInput *openapi3filter.RequestValidationInput, status int, header http.Header, body []byte) error {
	respInput := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqInput,
		Status:                 status,
		Header:                 header,
		Options: &openapi3filter.Options{
			IncludeResponseStatus:   true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.SetSchemaRegexCompiler(portRegexp)},
		},
	}
	respInput.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(context.Background(), respInput)
}

// stripEntityMetadata applies devEntityMetadata to "entity" and "entities".
func (c *contract) stripEntityMetadata(ex exchange, body map[string]any) []byte {
	name := ex.name
	var ents []any
	if e, ok := body["entity"]; ok {
		ents = append(ents, e)
	}
	if list, ok := body["entities"].([]any); ok {
		ents = append(ents, list...)
	}
	if len(ents) == 0 {
		c.t.Errorf("%s: deviation %s names a body without entities", name, devEntityMetadata)
	}
	cp := copyMap(body)
	strip := func(e any) {
		m := as[map[string]any](c.t, e)
		for _, f := range entityMetadata {
			delete(m, f)
		}
	}
	for _, e := range ents {
		m := as[map[string]any](c.t, e)
		if !ex.partial {
			for _, f := range entityMetadata {
				if _, ok := m[f]; !ok {
					c.t.Errorf("%s: entity lacks %s: %v", name, f, m)
				}
			}
		}
	}
	if e, ok := cp["entity"]; ok {
		strip(e)
	}
	if list, ok := cp["entities"].([]any); ok {
		for _, e := range list {
			strip(e)
		}
	}
	out, err := json.Marshal(cp)
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

// validateUndocumented applies devStatus409 and devStatus429: the status must
// still be missing from the document, and the body must match the
// operation's documented error envelope.
func (c *contract) validateUndocumented(ex exchange, route *routers.Route, body map[string]any) {
	if route.Operation.Responses.Status(ex.status) != nil {
		c.t.Errorf("%s: deviation %s is obsolete: the document now lists %d for %s %s", ex.name, ex.deviation, ex.status, route.Method, route.Path)
		return
	}
	envelope := http.StatusUnprocessableEntity
	if ex.deviation == devStatus429 {
		envelope = http.StatusUnauthorized
	}
	ref := route.Operation.Responses.Status(envelope)
	if ref == nil || ref.Value.Content.Get("application/json") == nil {
		c.t.Fatalf("%s: %s %s documents no %d envelope to validate against", ex.name, route.Method, route.Path, envelope)
	}
	schema := ref.Value.Content.Get("application/json").Schema.Value
	if err := schema.VisitJSON(body, openapi3.EnableJSONSchema2020()); err != nil {
		c.t.Errorf("%s: %d body does not match the documented %d error envelope: %v", ex.name, ex.status, envelope, err)
	}
}

// checkMigration applies devMigration. It returns the body to validate
// against the document, or nil when the document has nothing to check it
// against.
func (c *contract) checkMigration(ex exchange, route *routers.Route, body map[string]any) []byte {
	if mig, ok := body["migration"].(map[string]any); ok {
		if route.Operation.Responses.Status(ex.status) != nil {
			c.t.Errorf("%s: deviation %s is obsolete: the document now lists %d for %s %s", ex.name, ex.deviation, ex.status, route.Method, route.Path)
		}
		if id, _ := mig["id"].(string); id == "" || !slices.Contains([]any{"RUNNING", "COMPLETED", "FAILURE"}, mig["status"]) {
			c.t.Errorf("%s: the migration has no id or no known status: %v", ex.name, mig)
		}
		return nil
	}
	id, _ := body["migrationId"].(string)
	if id == "" {
		c.t.Errorf("%s: the answer names no migrationId: %v", ex.name, body)
	}
	cp := maps.Clone(body)
	delete(cp, "migrationId")
	out, err := json.Marshal(cp)
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

// waitForMigrations waits until a blueprint's migration deleted its entities.
func waitForMigrations(t *testing.T, srv *Server, blueprintPath string) {
	t.Helper()
	bpID := blueprintPath[strings.LastIndex(blueprintPath, "/")+1:]
	for deadline := time.Now().Add(5 * time.Second); len(srv.Entities(bpID)) > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the migration never deleted the entities of %s", bpID)
		}
	}
}

func TestContract(t *testing.T) {
	c := newContract(t)
	start := time.Now()
	bp := "/v1/blueprints"
	sd := bp + "/jsmServiceDesk"
	cr := bp + "/jsmCustomerRequest"
	tokenBody := map[string]any{"clientId": "test-client", "clientSecret": "test-secret"}
	// Over 1 MiB but valid for the route's schema, so only the size is wrong.
	hugeString := strings.Repeat("x", maxBodyBytes)
	huge := map[string]any{"identifier": "x", "title": hugeString}
	hugeBlueprint := serviceDeskBlueprint()
	hugeBlueprint["icon"] = hugeString

	// Authentication.
	tok := c.run(exchange{name: "token", method: "POST", path: "/v1/auth/access_token", body: tokenBody, noAuth: true, status: 200})
	c.token = at[string](t, tok, "accessToken")
	c.run(exchange{name: "token wrong secret", method: "POST", path: "/v1/auth/access_token", body: map[string]any{"clientId": "test-client", "clientSecret": "x"}, noAuth: true, status: 401})
	c.run(exchange{name: "token missing secret", method: "POST", path: "/v1/auth/access_token", body: map[string]any{"clientId": "test-client"}, noAuth: true, status: 422, badReq: true})
	c.run(exchange{name: "token too large", method: "POST", path: "/v1/auth/access_token", body: map[string]any{"clientId": strings.Repeat("x", maxBodyBytes), "clientSecret": "x"}, noAuth: true, status: 413})

	// Blueprints.
	c.run(exchange{name: "list blueprints empty", method: "GET", path: bp, status: 200})
	c.run(exchange{name: "list blueprints without token", method: "GET", path: bp, noAuth: true, status: 401})
	c.run(exchange{name: "create desk blueprint", method: "POST", path: bp, body: serviceDeskBlueprint(), status: 201})
	c.run(exchange{name: "create request blueprint", method: "POST", path: bp + "?create_catalog_page=false", body: customerRequestBlueprint(), status: 201})
	c.run(exchange{name: "create org blueprint", method: "POST", path: bp, body: organizationBlueprint(), status: 201})
	c.run(exchange{name: "create blueprint twice", method: "POST", path: bp, body: organizationBlueprint(), status: 409, deviation: devStatus409})
	noTitle := organizationBlueprint()
	delete(noTitle, "title")
	noTitle["identifier"] = "other"
	c.run(exchange{name: "create blueprint without title", method: "POST", path: bp, body: noTitle, status: 422, badReq: true})
	dangling := customerRequestBlueprint()
	dangling["identifier"] = "dangling"
	at[map[string]any](t, dangling, "relations", "serviceDesk")["target"] = "nowhere"
	c.run(exchange{name: "create blueprint with missing relation target", method: "POST", path: bp, body: dangling, status: 404})
	c.run(exchange{name: "create blueprint without token", method: "POST", path: bp, body: serviceDeskBlueprint(), noAuth: true, status: 401})
	c.run(exchange{name: "create blueprint too large", method: "POST", path: bp, body: hugeBlueprint, status: 413})
	c.run(exchange{name: "list blueprints", method: "GET", path: bp, status: 200})
	c.run(exchange{name: "get blueprint", method: "GET", path: sd, status: 200})
	c.run(exchange{name: "get missing blueprint", method: "GET", path: bp + "/nope", status: 404})
	c.run(exchange{name: "get blueprint without token", method: "GET", path: sd, noAuth: true, status: 401})
	put := serviceDeskBlueprint()
	delete(put, "identifier")
	put["description"] = "Service desks"
	c.run(exchange{name: "put blueprint", method: "PUT", path: sd, body: put, status: 200})
	c.run(exchange{name: "put missing blueprint", method: "PUT", path: bp + "/nope", body: put, status: 404})
	c.run(exchange{name: "put blueprint without schema", method: "PUT", path: sd, body: map[string]any{"title": "x"}, status: 422, badReq: true})
	c.run(exchange{name: "put blueprint too large", method: "PUT", path: sd, body: hugeBlueprint, status: 413})
	c.run(exchange{name: "put blueprint without token", method: "PUT", path: sd, body: put, noAuth: true, status: 401})
	c.run(exchange{name: "patch blueprint", method: "PATCH", path: sd, body: map[string]any{"title": "Service desks"}, status: 200})
	c.run(exchange{name: "patch missing blueprint", method: "PATCH", path: bp + "/nope", body: map[string]any{"title": "x"}, status: 404})
	c.run(exchange{name: "patch blueprint bad title", method: "PATCH", path: sd, body: map[string]any{"title": ""}, status: 422, badReq: true})
	c.run(exchange{name: "patch blueprint too large", method: "PATCH", path: sd, body: map[string]any{"icon": hugeString}, status: 413})
	c.run(exchange{name: "patch blueprint without token", method: "PATCH", path: sd, body: put, noAuth: true, status: 401})

	// Entities.
	c.run(exchange{name: "create desk", method: "POST", path: sd + "/entities?upsert=false", body: desk("1"), status: 201, deviation: devEntityMetadata})
	c.run(exchange{name: "create desk twice", method: "POST", path: sd + "/entities?upsert=false", body: desk("1"), status: 409, deviation: devStatus409})
	c.run(exchange{name: "upsert desk merge", method: "POST", path: sd + "/entities?upsert=true&merge=true&create_missing_related_entities=false", body: desk("1"), status: 201, deviation: devEntityMetadata})
	c.run(exchange{name: "create request", method: "POST", path: cr + "/entities?upsert=true", body: request("10", "1"), status: 201, deviation: devEntityMetadata})
	c.run(exchange{name: "create request with missing desk", method: "POST", path: cr + "/entities?upsert=true", body: request("11", "99"), status: 404})
	c.run(exchange{name: "create request creating missing desk", method: "POST", path: cr + "/entities?upsert=true&create_missing_related_entities=true", body: request("11", "99"), status: 201, deviation: devEntityMetadata})
	c.run(exchange{name: "create entity with wrong property type", method: "POST", path: sd + "/entities?upsert=true", body: map[string]any{"identifier": "2", "properties": map[string]any{"projectId": 2}}, status: 422})
	c.run(exchange{name: "create entity with bad identifier", method: "POST", path: sd + "/entities?upsert=true", body: map[string]any{"identifier": ".."}, status: 422, badReq: true})
	c.run(exchange{name: "create entity in missing blueprint", method: "POST", path: bp + "/nope/entities?upsert=true", body: desk("1"), status: 404})
	c.run(exchange{name: "create entity too large", method: "POST", path: sd + "/entities?upsert=true", body: huge, status: 413})
	c.run(exchange{name: "create entity without token", method: "POST", path: sd + "/entities?upsert=true", body: desk("1"), noAuth: true, status: 401})
	c.run(exchange{name: "create entity without upsert", method: "POST", path: sd + "/entities", body: desk("3"), status: 201, badReq: true, deviation: devEntityMetadata})

	c.run(exchange{name: "get entity", method: "GET", path: sd + "/entities/1", status: 200, deviation: devEntityMetadata})
	c.run(exchange{name: "get entity include", method: "GET", path: sd + "/entities/1?include=identifier&include=properties.projectKey", status: 200, deviation: devEntityMetadata, partial: true})
	c.run(exchange{name: "get missing entity", method: "GET", path: sd + "/entities/404", status: 404})
	c.run(exchange{name: "get entity without token", method: "GET", path: sd + "/entities/1", noAuth: true, status: 401})
	c.run(exchange{name: "list entities", method: "GET", path: sd + "/entities?exclude_calculated_properties=true", status: 200, deviation: devEntityMetadata})
	c.run(exchange{name: "list entities of missing blueprint", method: "GET", path: bp + "/nope/entities", status: 404})
	c.run(exchange{name: "list entities without token", method: "GET", path: sd + "/entities", noAuth: true, status: 401})
	c.run(exchange{name: "put entity", method: "PUT", path: sd + "/entities/1", body: desk("1"), status: 200, deviation: devEntityMetadata})
	c.run(exchange{name: "put missing entity", method: "PUT", path: sd + "/entities/404", body: desk("404"), status: 404})
	c.run(exchange{name: "put entity wrong type", method: "PUT", path: sd + "/entities/1", body: map[string]any{"properties": map[string]any{"projectKey": true}}, status: 422})
	c.run(exchange{name: "put entity too large", method: "PUT", path: sd + "/entities/1", body: huge, status: 413})
	c.run(exchange{name: "put entity without token", method: "PUT", path: sd + "/entities/1", body: desk("1"), noAuth: true, status: 401})
	c.run(exchange{name: "patch entity", method: "PATCH", path: sd + "/entities/1", body: map[string]any{"title": "Desk one", "icon": nil}, status: 200, deviation: devEntityMetadata})
	c.run(exchange{name: "patch missing entity", method: "PATCH", path: sd + "/entities/404", body: map[string]any{"title": "x"}, status: 404})
	c.run(exchange{name: "patch entity extra field", method: "PATCH", path: sd + "/entities/1", body: map[string]any{"blueprint": "x"}, status: 422, badReq: true})
	c.run(exchange{name: "patch entity too large", method: "PATCH", path: sd + "/entities/1", body: map[string]any{"title": strings.Repeat("x", maxBodyBytes)}, status: 413})
	c.run(exchange{name: "patch entity without token", method: "PATCH", path: sd + "/entities/1", body: map[string]any{"title": "x"}, noAuth: true, status: 401})
	c.run(exchange{name: "count entities", method: "GET", path: sd + "/entities-count", status: 200})
	c.run(exchange{name: "count entities of missing blueprint", method: "GET", path: bp + "/nope/entities-count", status: 404})
	c.run(exchange{name: "count entities without token", method: "GET", path: sd + "/entities-count", noAuth: true, status: 401})

	// Bulk upsert.
	items := func(from, n int) map[string]any { return map[string]any{"entities": desks(from, n)} }
	c.run(exchange{name: "bulk upsert", method: "POST", path: sd + "/entities/bulk?upsert=true&merge=true", body: items(100, 20), status: 200})
	c.srv.FailBulkEntities("121")
	c.run(exchange{name: "bulk upsert partial", method: "POST", path: sd + "/entities/bulk?upsert=true", body: items(120, 3), status: 207})
	c.srv.FailBulkEntities()
	c.run(exchange{name: "bulk upsert 21", method: "POST", path: sd + "/entities/bulk?upsert=true", body: items(0, 21), status: 422, badReq: true})
	c.run(exchange{name: "bulk upsert too large", method: "POST", path: sd + "/entities/bulk?upsert=true", body: map[string]any{"entities": []any{huge}}, status: 413})
	c.run(exchange{name: "bulk upsert missing blueprint", method: "POST", path: bp + "/nope/entities/bulk?upsert=true", body: items(0, 1), status: 404})
	c.run(exchange{name: "bulk upsert without token", method: "POST", path: sd + "/entities/bulk?upsert=true", body: items(0, 1), noAuth: true, status: 401})
	c.run(exchange{name: "bulk upsert without upsert", method: "POST", path: sd + "/entities/bulk", body: items(200, 2), status: 200, badReq: true, deviation: devDefaultedRequiredQuery})

	// Search.
	page := c.run(exchange{name: "search first page", method: "POST", path: sd + "/entities/search", body: map[string]any{"limit": 5}, status: 200, deviation: devEntityMetadata})
	if _, ok := page["next"].(string); !ok {
		t.Fatalf("first page has no next: %v", page)
	}
	c.run(exchange{name: "search next page", method: "POST", path: sd + "/entities/search", body: map[string]any{"limit": 1000, "from": page["next"],
		"query":   map[string]any{"combinator": "and", "rules": []any{map[string]any{"property": "$identifier", "operator": "in", "value": []any{"101", "102"}}}},
		"include": []any{"$identifier", "$title", "projectKey"}}, status: 200, deviation: devEntityMetadata, partial: true})
	c.run(exchange{name: "search limit too high", method: "POST", path: sd + "/entities/search", body: map[string]any{"limit": 1001}, status: 422, badReq: true})
	c.run(exchange{name: "search missing blueprint", method: "POST", path: bp + "/nope/entities/search", body: map[string]any{}, status: 404})
	c.run(exchange{name: "search too large", method: "POST", path: sd + "/entities/search", body: map[string]any{"from": strings.Repeat("x", maxBodyBytes)}, status: 413})
	c.run(exchange{name: "search without token", method: "POST", path: sd + "/entities/search", body: map[string]any{}, noAuth: true, status: 401})

	// Deletes.
	c.srv.RateLimitEvery(1, time.Second)
	c.run(exchange{name: "rate limited", method: "GET", path: sd + "/entities/1", status: 429, deviation: devStatus429})
	c.srv.RateLimitEvery(0, 0)
	c.exceedEntityBudget(exchange{name: "over the organisation limit", method: "GET", path: sd + "/entities/1", status: 429, deviation: devStatus429})
	c.run(exchange{name: "bulk delete", method: "POST", path: sd + "/bulk/entities/delete?delete_dependents=false", body: map[string]any{"entities": []any{"100", "101", "nope"}}, status: 200})
	c.run(exchange{name: "bulk delete 101", method: "POST", path: sd + "/bulk/entities/delete?delete_dependents=false", body: map[string]any{"entities": make([]any, 101)}, status: 422, badReq: true})
	c.run(exchange{name: "bulk delete missing blueprint", method: "POST", path: bp + "/nope/bulk/entities/delete?delete_dependents=false", body: map[string]any{"entities": []any{"1"}}, status: 404})
	c.run(exchange{name: "bulk delete too large", method: "POST", path: sd + "/bulk/entities/delete?delete_dependents=false", body: map[string]any{"entities": []any{strings.Repeat("x", maxBodyBytes)}}, status: 413})
	c.run(exchange{name: "bulk delete without token", method: "POST", path: sd + "/bulk/entities/delete?delete_dependents=false", body: map[string]any{"entities": []any{"1"}}, noAuth: true, status: 401})
	c.run(exchange{name: "bulk delete without delete_dependents", method: "POST", path: sd + "/bulk/entities/delete", body: map[string]any{"entities": []any{"102"}}, status: 200, badReq: true, deviation: devDefaultedRequiredQuery})

	c.run(exchange{name: "patch relation to required", method: "PATCH", path: cr, body: map[string]any{"relations": map[string]any{
		"serviceDesk": map[string]any{"target": "jsmServiceDesk", "required": true, "many": false}}}, status: 200})
	c.run(exchange{name: "delete entity with dependents", method: "DELETE", path: sd + "/entities/1?delete_dependents=false", status: 422})
	c.run(exchange{name: "bulk delete with dependents", method: "POST", path: sd + "/bulk/entities/delete?delete_dependents=false", body: map[string]any{"entities": []any{"1"}}, status: 422})
	c.run(exchange{name: "delete entity", method: "DELETE", path: sd + "/entities/1?delete_dependents=true", status: 200})
	c.run(exchange{name: "delete missing entity", method: "DELETE", path: sd + "/entities/1?delete_dependents=false", status: 404})
	c.run(exchange{name: "delete entity without token", method: "DELETE", path: sd + "/entities/3?delete_dependents=false", noAuth: true, status: 401})
	c.run(exchange{name: "delete entity without delete_dependents", method: "DELETE", path: sd + "/entities/3", status: 200, badReq: true, deviation: devDefaultedRequiredQuery})

	c.run(exchange{name: "delete blueprint with entities", method: "DELETE", path: sd, status: 422})
	c.run(exchange{name: "delete all entities with dependents", method: "DELETE", path: sd + "/all-entities", status: 422})
	c.run(exchange{name: "delete all requests", method: "DELETE", path: cr + "/all-entities", status: 200, deviation: devMigration})
	waitForMigrations(t, c.srv, cr)
	started := c.run(exchange{name: "delete all entities", method: "DELETE", path: sd + "/all-entities", status: 200, deviation: devMigration})
	c.run(exchange{name: "get migration", method: "GET", path: "/v1/migrations/" + fmt.Sprint(started["migrationId"]), status: 200, deviation: devMigration})
	c.run(exchange{name: "get missing migration", method: "GET", path: "/v1/migrations/nope", status: 404})
	c.run(exchange{name: "get migration without token", method: "GET", path: "/v1/migrations/nope", noAuth: true, status: 401})
	waitForMigrations(t, c.srv, sd)
	c.run(exchange{name: "delete all entities of missing blueprint", method: "DELETE", path: bp + "/nope/all-entities", status: 404})
	c.run(exchange{name: "delete all entities without token", method: "DELETE", path: sd + "/all-entities", noAuth: true, status: 401})
	c.run(exchange{name: "delete blueprint", method: "DELETE", path: bp + "/jsmOrganization?delete_actions=true", status: 200})
	c.run(exchange{name: "delete missing blueprint", method: "DELETE", path: bp + "/jsmOrganization", status: 404})
	c.run(exchange{name: "delete blueprint without token", method: "DELETE", path: sd, noAuth: true, status: 401})
	c.run(exchange{name: "delete all entities and blueprint", method: "DELETE", path: cr + "/all-entities?delete_blueprint=true", status: 200, deviation: devMigration})

	c.checkCoverage()
	t.Logf("validated the fake against Port's document in %v", time.Since(start))
}

// checkCoverage requires, for every route the fake serves, a validated
// success and a validated error response.
func (c *contract) checkCoverage() {
	c.t.Helper()
	var missing []string
	for _, rt := range routes {
		docPath := docPathOf(rt.pattern)
		seen := c.covered[rt.method+" "+docPath]
		var ok, failed bool
		for status := range seen {
			ok = ok || status < 300
			failed = failed || status >= 400
		}
		if !ok || !failed {
			missing = append(missing, fmt.Sprintf("%s %s (statuses seen: %v)", rt.method, docPath, sortedStatuses(seen)))
		}
	}
	if len(missing) > 0 {
		c.t.Errorf("routes without a validated success and error response:\n%s", strings.Join(missing, "\n"))
	}
}

// docPathOf maps the fake's route patterns to the document's path templates.
func docPathOf(pattern string) string {
	p := strings.Replace(pattern, "/entities/{entity}", "/entities/{entity_identifier}", 1)
	p = strings.Replace(p, "{migration}", "{migration_id}", 1)
	if strings.HasPrefix(p, "/v1/blueprints/{blueprint}/") {
		return strings.Replace(p, "{blueprint}", "{blueprint_identifier}", 1)
	}
	return strings.Replace(p, "{blueprint}", "{identifier}", 1)
}

// clip shortens what a failure prints: some requests carry 1 MiB strings.
func clip(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

func sortedStatuses(m map[int]bool) []int {
	var out []int
	for s := range m {
		out = append(out, s)
	}
	sort.Ints(out)
	return out
}

// TestContractRejectsViolations shows the contract check is not vacuous:
// responses that break the document in small ways are rejected.
func TestContractRejectsViolations(t *testing.T) {
	c := newContract(t)
	cases := []struct {
		name, method, path string
		status             int
		body               string
	}{
		{"token without tokenType", "POST", "/v1/auth/access_token", 200, `{"ok":true,"accessToken":"a","expiresIn":3600}`},
		{"error envelope with ok true", "GET", "/v1/blueprints", 401, `{"ok":true,"error":"unauthorized","message":"m"}`},
		{"404 without message", "GET", "/v1/blueprints/x", 404, `{"ok":false,"error":"not_found"}`},
		{"blueprint relation without many", "GET", "/v1/blueprints/x", 200, `{"ok":true,"blueprint":{"identifier":"x","title":"X",
			"schema":{"properties":{}},"relations":{"r":{"target":"x","required":false}},
			"createdAt":"2024-01-01T00:00:00.000Z","updatedAt":"2024-01-01T00:00:00.000Z","createdBy":"a","updatedBy":"a"}}`},
		{"entity with dotted identifier", "GET", "/v1/blueprints/x/entities/y", 200, `{"ok":true,"entity":{"identifier":".."}}`},
		{"entity with unknown field", "POST", "/v1/blueprints/x/entities/search", 200, `{"ok":true,"entities":[{"identifier":"a","color":"red"}]}`},
		{"bulk without errors", "POST", "/v1/blueprints/x/entities/bulk", 200, `{"ok":true,"entities":[{"identifier":"a","index":0,"created":true}]}`},
		{"bulk error without statusCode", "POST", "/v1/blueprints/x/entities/bulk", 207, `{"ok":false,"entities":[],
			"errors":[{"identifier":"a","index":0,"error":"e","message":"m"}]}`},
		{"bulk delete without deletedEntities", "POST", "/v1/blueprints/x/bulk/entities/delete", 200, `{"ok":true}`},
		{"undocumented status", "GET", "/v1/blueprints", 418, `{"ok":false,"error":"teapot","message":"m"}`},
	}
	// Positive control: the lookahead pattern compiles and accepts what it should.
	cases = append(cases, struct {
		name, method, path string
		status             int
		body               string
	}{"control: valid entity", "GET", "/v1/blueprints/x/entities/y", 200, `{"ok":true,"entity":{"identifier":"a.b/c"}}`})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, c.srv.URL()+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			route, params, err := c.router.FindRoute(req)
			if err != nil {
				t.Fatal(err)
			}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route}
			h := http.Header{"Content-Type": []string{"application/json; charset=utf-8"}}
			err = validateResponse(in, tc.status, h, []byte(tc.body))
			if control := strings.HasPrefix(tc.name, "control:"); control && err != nil {
				t.Fatalf("rejected a valid body: %s", clip(err))
			} else if !control && err == nil {
				t.Fatalf("accepted %s", tc.body)
			}
		})
	}
}
