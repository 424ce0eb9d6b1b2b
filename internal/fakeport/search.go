package fakeport

import (
	"encoding/base64"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// Search page sizes documented for POST .../entities/search.
const (
	defaultSearchLimit = 200
	maxSearchLimit     = 1000
)

var searchKeys = map[string]bool{"query": true, "include": true, "exclude": true, "limit": true, "from": true}

// handleSearch serves POST /v1/blueprints/{blueprint}/entities/search with
// cursor pagination: up to limit entities in creation order, and "next" when
// more match; send it back as "from" for the next page.
func (s *Server) handleSearch(c *call) (int, any, *apiError) {
	body, err := c.readBody()
	if err != nil {
		return 0, nil, err
	}
	for k := range body {
		if !searchKeys[k] {
			return 0, nil, errInvalid("body must NOT have additional properties (%q)", k)
		}
	}
	limit := defaultSearchLimit
	if v, ok := body["limit"]; ok {
		n, ok := v.(float64)
		if !ok || n < 1 || n > maxSearchLimit {
			return 0, nil, errInvalid("body/limit must be a number between 1 and %d", maxSearchLimit)
		}
		limit = int(math.Floor(n))
	}
	var cursor uint64
	if v, ok := body["from"]; ok {
		str, ok := v.(string)
		if !ok {
			return 0, nil, errInvalid("body/from must be string")
		}
		if cursor, ok = decodeCursor(str); !ok {
			return 0, nil, errInvalid("body/from is not a cursor returned as \"next\" by this endpoint")
		}
	}
	include, err := stringList(body, "include")
	if err != nil {
		return 0, nil, err
	}
	exclude, err := stringList(body, "exclude")
	if err != nil {
		return 0, nil, err
	}

	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	bp := s.st.bps[c.params["blueprint"]]
	if bp == nil {
		return 0, nil, blueprintNotFound(c.params["blueprint"])
	}
	match := matchAll
	if v, ok := body["query"]; ok {
		q, ok := v.(map[string]any)
		if !ok {
			return 0, nil, errInvalid("body/query must be object")
		}
		var qerr error
		if match, qerr = compileQuery(q, bp, "body/query"); qerr != nil {
			return 0, nil, errInvalid("%v", qerr)
		}
	}
	sel := searchSelection(bp, include, exclude)
	out := []any{}
	resp := map[string]any{"ok": true}
	var last uint64
	if set := s.st.sets[bp.id]; set != nil {
		for _, e := range set.after(cursor) {
			if e.dead || !match(e) {
				continue
			}
			if len(out) == limit {
				resp["next"] = encodeCursor(last)
				break
			}
			out = append(out, sel.apply(e.view()))
			last = e.seq
		}
	}
	resp["entities"] = out
	return http.StatusOK, resp, nil
}

func stringList(body map[string]any, key string) ([]string, *apiError) {
	v, ok := body[key]
	if !ok {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, errInvalid("body/%s must be array", key)
	}
	out := make([]string, len(list))
	for i, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil, errInvalid("body/%s/%d must be string", key, i)
		}
		out[i] = s
	}
	return out, nil
}

const cursorPrefix = "fakeport-after:"

func encodeCursor(seq uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatUint(seq, 10)))
}

func decodeCursor(s string) (uint64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(rest, 10, 64)
	return n, err == nil
}
