package fakeport

import (
	"net/url"
	"strings"
)

// handlerFunc serves one endpoint: it returns the status and body of a
// success, or the error to send.
type handlerFunc func(s *Server, c *call) (int, any, *apiError)

type route struct {
	method  string
	pattern string
	segs    []string
	auth    bool
	handle  handlerFunc
}

var routes = buildRoutes([]route{
	{method: "POST", pattern: "/v1/auth/access_token", handle: (*Server).handleAccessToken},
	{method: "GET", pattern: "/v1/blueprints", auth: true, handle: (*Server).handleListBlueprints},
	{method: "POST", pattern: "/v1/blueprints", auth: true, handle: (*Server).handleCreateBlueprint},
	{method: "GET", pattern: "/v1/blueprints/{blueprint}", auth: true, handle: (*Server).handleGetBlueprint},
	{method: "PUT", pattern: "/v1/blueprints/{blueprint}", auth: true, handle: (*Server).handlePutBlueprint},
	{method: "PATCH", pattern: "/v1/blueprints/{blueprint}", auth: true, handle: (*Server).handlePatchBlueprint},
	{method: "DELETE", pattern: "/v1/blueprints/{blueprint}", auth: true, handle: (*Server).handleDeleteBlueprint},
	{method: "GET", pattern: "/v1/blueprints/{blueprint}/entities", auth: true, handle: (*Server).handleListEntities},
	{method: "POST", pattern: "/v1/blueprints/{blueprint}/entities", auth: true, handle: (*Server).handleCreateEntity},
	{method: "POST", pattern: "/v1/blueprints/{blueprint}/entities/bulk", auth: true, handle: (*Server).handleBulkUpsert},
	{method: "POST", pattern: "/v1/blueprints/{blueprint}/entities/search", auth: true, handle: (*Server).handleSearch},
	{method: "GET", pattern: "/v1/blueprints/{blueprint}/entities/{entity}", auth: true, handle: (*Server).handleGetEntity},
	{method: "PUT", pattern: "/v1/blueprints/{blueprint}/entities/{entity}", auth: true, handle: (*Server).handlePutEntity},
	{method: "PATCH", pattern: "/v1/blueprints/{blueprint}/entities/{entity}", auth: true, handle: (*Server).handlePatchEntity},
	{method: "DELETE", pattern: "/v1/blueprints/{blueprint}/entities/{entity}", auth: true, handle: (*Server).handleDeleteEntity},
	{method: "GET", pattern: "/v1/blueprints/{blueprint}/entities-count", auth: true, handle: (*Server).handleCountEntities},
	{method: "DELETE", pattern: "/v1/blueprints/{blueprint}/all-entities", auth: true, handle: (*Server).handleDeleteAllEntities},
	{method: "POST", pattern: "/v1/blueprints/{blueprint}/bulk/entities/delete", auth: true, handle: (*Server).handleBulkDelete},
	{method: "GET", pattern: "/v1/migrations/{migration}", auth: true, handle: (*Server).handleGetMigration},
})

func buildRoutes(rs []route) []route {
	for i := range rs {
		rs[i].segs = strings.Split(strings.TrimPrefix(rs[i].pattern, "/"), "/")
	}
	return rs
}

// matchRoute finds the route for a method and an escaped path. Literal
// segments win over parameters, so POST .../entities/bulk is the bulk route and
// GET .../entities/bulk reads the entity "bulk". Parameters are unescaped, so
// an entity identifier may contain an encoded slash.
func matchRoute(method, escapedPath string) (*route, map[string]string) {
	segs := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	var best *route
	var bestParams map[string]string
	bestLiterals := -1
	for i := range routes {
		rt := &routes[i]
		if rt.method != method || len(rt.segs) != len(segs) {
			continue
		}
		params, literals, ok := matchSegments(rt.segs, segs)
		if ok && literals > bestLiterals {
			best, bestParams, bestLiterals = rt, params, literals
		}
	}
	return best, bestParams
}

func matchSegments(pattern, segs []string) (map[string]string, int, bool) {
	params := map[string]string{}
	literals := 0
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") {
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				return nil, 0, false
			}
			params[strings.Trim(p, "{}")] = v
			continue
		}
		if p != segs[i] {
			return nil, 0, false
		}
		literals++
	}
	return params, literals, true
}
