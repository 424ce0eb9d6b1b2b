package fakeport

import (
	"strings"
)

// view is the entity JSON as Port returns it. It shares the entity's maps,
// which are never modified in place, so it may be encoded after the store
// lock is released.
func (e *entity) view() map[string]any {
	m := map[string]any{
		"identifier": e.id,
		"blueprint":  e.bp,
		"team":       e.team,
		"properties": e.props,
		"relations":  e.rels,
		"createdAt":  e.createdAt,
		"createdBy":  e.createdBy,
		"updatedAt":  e.updatedAt,
		"updatedBy":  e.updatedBy,
	}
	if e.team == nil {
		m["team"] = []string{}
	}
	if e.title != nil {
		m["title"] = *e.title
	}
	if e.icon != nil {
		m["icon"] = *e.icon
	}
	return m
}

// selection is an include/exclude pair of entity JSON paths such as
// "identifier" or "properties.status".
type selection struct {
	include [][]string
	exclude [][]string
}

func (s selection) empty() bool { return len(s.include) == 0 && len(s.exclude) == 0 }

// pathSelection builds a selection from the dotted paths of the GET
// endpoints' include and exclude query parameters.
func pathSelection(include, exclude []string) selection {
	var s selection
	for _, p := range include {
		s.include = append(s.include, strings.SplitN(p, ".", 2))
	}
	for _, p := range exclude {
		s.exclude = append(s.exclude, strings.SplitN(p, ".", 2))
	}
	return s
}

// metaPaths maps search meta-properties to entity JSON fields.
var metaPaths = map[string]string{
	"$identifier": "identifier", "$title": "title", "$icon": "icon", "$team": "team",
	"$blueprint": "blueprint", "$createdAt": "createdAt", "$createdBy": "createdBy",
	"$updatedAt": "updatedAt", "$updatedBy": "updatedBy",
}

// searchSelection builds a selection from the search body's include and
// exclude lists, which name meta-properties ("$title") and property or
// relation identifiers.
func searchSelection(bp *blueprint, include, exclude []string) selection {
	conv := func(name string) []string {
		if f, ok := metaPaths[name]; ok {
			return []string{f}
		}
		if _, ok := bp.relations[name]; ok {
			if _, isProp := bp.props[name]; !isProp {
				return []string{"relations", name}
			}
		}
		return []string{"properties", name}
	}
	var s selection
	for _, n := range include {
		s.include = append(s.include, conv(n))
	}
	for _, n := range exclude {
		s.exclude = append(s.exclude, conv(n))
	}
	return s
}

// apply returns the view restricted by the selection, copying only the
// nested maps it changes.
func (s selection) apply(v map[string]any) map[string]any {
	if s.empty() {
		return v
	}
	var out map[string]any
	if len(s.include) > 0 {
		out = map[string]any{}
		whole := map[string]bool{}
		for _, p := range s.include {
			if val, ok := v[p[0]]; ok && len(p) == 1 {
				out[p[0]], whole[p[0]] = val, true
			}
		}
		for _, p := range s.include {
			if len(p) == 1 || whole[p[0]] {
				continue
			}
			inner, _ := v[p[0]].(map[string]any)
			x, ok := inner[p[1]]
			if !ok {
				continue
			}
			dst, _ := out[p[0]].(map[string]any)
			if dst == nil {
				dst = map[string]any{}
				out[p[0]] = dst
			}
			dst[p[1]] = x
		}
	} else {
		out = make(map[string]any, len(v))
		for k, x := range v {
			out[k] = x
		}
	}
	for _, p := range s.exclude {
		if len(p) == 1 {
			delete(out, p[0])
			continue
		}
		inner, ok := out[p[0]].(map[string]any)
		if !ok {
			continue
		}
		if _, has := inner[p[1]]; !has {
			continue
		}
		cp := make(map[string]any, len(inner))
		for k, x := range inner {
			if k != p[1] {
				cp[k] = x
			}
		}
		out[p[0]] = cp
	}
	return out
}
