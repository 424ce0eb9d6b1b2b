package fakejsm

import "strings"

// route is one served endpoint. Patterns are relative to /rest/servicedeskapi
// and name their placeholders as the OpenAPI document does.
type route struct {
	pattern string
	handle  func(s *Server, c *call) response
}

var routes = []route{
	{"/servicedesk", (*Server).serviceDesks},
	{"/servicedesk/{serviceDeskId}", (*Server).serviceDesk},
	{"/servicedesk/{serviceDeskId}/organization", (*Server).deskOrganizations},
	{"/servicedesk/{serviceDeskId}/queue", (*Server).queues},
	{"/servicedesk/{serviceDeskId}/requesttype", (*Server).requestTypes},
	{"/servicedesk/{serviceDeskId}/customer", (*Server).customers},
	{"/request", (*Server).requests},
	{"/request/{issueIdOrKey}", (*Server).request},
	{"/organization", (*Server).organizations},
	{"/organization/{organizationId}", (*Server).organization},
}

// matchRoute finds the route for a relative path and returns the values of
// its placeholders.
func matchRoute(rel string) (*route, []string) {
	segs := strings.Split(strings.TrimPrefix(rel, "/"), "/")
	for i := range routes {
		pat := strings.Split(strings.TrimPrefix(routes[i].pattern, "/"), "/")
		if len(pat) != len(segs) {
			continue
		}
		var params []string
		matched := true
		for j, p := range pat {
			switch {
			case strings.HasPrefix(p, "{"):
				if segs[j] == "" {
					matched = false
				}
				params = append(params, segs[j])
			case p != segs[j]:
				matched = false
			}
			if !matched {
				break
			}
		}
		if matched {
			return &routes[i], params
		}
	}
	return nil, nil
}

// normalizePattern turns "GET /rest/servicedeskapi/servicedesk/{id}/queue",
// "/rest/servicedeskapi/servicedesk/{x}/queue" or "/servicedesk/{}/queue"
// into the form used as a key for page caps: "/servicedesk/{}/queue".
func normalizePattern(p string) string {
	if _, rest, ok := strings.Cut(p, " "); ok {
		p = rest
	}
	p = strings.TrimPrefix(p, apiPath)
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}
