package fakeport

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Identifier rules of Port's document. Go's regexp has no lookahead, so the
// documented "(?!\.{1,2}$)" prefix is checked separately.
var (
	entityIDChars    = regexp.MustCompile(`^[\p{L}0-9@_.+:\\/=-]+$`)
	blueprintIDChars = regexp.MustCompile(`^[\p{L}0-9@_.+:\\/-]+$`)
	keyChars         = regexp.MustCompile(`^[A-Za-z0-9@_=\\-]+$`)
	mirrorPath       = regexp.MustCompile(`^(?:[A-Za-z0-9@_=\-$]+\.)+?(\w|\$|@|-)*?[^\.]+$`)
)

func notDots(s string) bool { return s != "." && s != ".." }

func validEntityID(s string) bool {
	return notDots(s) && utf8.RuneCountInString(s) <= 1000 && entityIDChars.MatchString(s)
}

func validBlueprintID(s string) bool {
	return notDots(s) && utf8.RuneCountInString(s) <= 100 && blueprintIDChars.MatchString(s)
}

// validKey checks property, relation and other schema keys.
func validKey(s string) bool {
	return utf8.RuneCountInString(s) <= 100 && keyChars.MatchString(s)
}

var propertyTypes = map[string]bool{"string": true, "number": true, "boolean": true, "object": true, "array": true}

var propertyFormats = map[string]bool{
	"date-time": true, "url": true, "email": true, "idn-email": true, "ipv4": true, "ipv6": true,
	"markdown": true, "yaml": true, "user": true, "blueprints": true, "team": true, "timer": true,
	"proto": true, "labeled-url": true,
}

// checkValue validates one entity property value against its definition in
// the blueprint schema. null is accepted here; required is checked elsewhere.
func checkValue(name string, def map[string]any, v any) error {
	if v == nil {
		return nil
	}
	typ, _ := def["type"].(string)
	if err := checkType(typ, v); err != nil {
		return fmt.Errorf("property %q %w", name, err)
	}
	if err := checkConstraints(def, v); err != nil {
		return fmt.Errorf("property %q %w", name, err)
	}
	if typ == "array" {
		items, _ := def["items"].(map[string]any)
		if items == nil {
			return nil
		}
		list, ok := v.([]any)
		if !ok { // checkType has turned this away already; say the same
			return fmt.Errorf("property %q must be array, got %s", name, jsonType(v))
		}
		for i, item := range list {
			ityp, _ := items["type"].(string)
			if err := checkType(ityp, item); err != nil {
				return fmt.Errorf("property %q item %d %w", name, i, err)
			}
			if err := checkConstraints(items, item); err != nil {
				return fmt.Errorf("property %q item %d %w", name, i, err)
			}
		}
	}
	return nil
}

func checkType(typ string, v any) error {
	ok := true
	switch typ {
	case "string":
		_, ok = v.(string)
	case "number":
		_, ok = v.(float64)
	case "boolean":
		_, ok = v.(bool)
	case "object":
		_, ok = v.(map[string]any)
	case "array":
		_, ok = v.([]any)
	}
	if !ok {
		return fmt.Errorf("must be %s, got %s", typ, jsonType(v))
	}
	return nil
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}

// checkConstraints applies the cheap JSON Schema keywords a property
// definition may carry: format, enum, pattern, length and range limits.
func checkConstraints(def map[string]any, v any) error {
	if enum, ok := def["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if reflect.DeepEqual(e, v) {
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("must be equal to one of the allowed values %v", enum)
		}
	}
	switch x := v.(type) {
	case string:
		if f, _ := def["format"].(string); f != "" {
			if err := checkFormat(f, x); err != nil {
				return err
			}
		}
		n := float64(utf8.RuneCountInString(x))
		if m, ok := def["minLength"].(float64); ok && n < m {
			return fmt.Errorf("must NOT have fewer than %v characters", m)
		}
		if m, ok := def["maxLength"].(float64); ok && n > m {
			return fmt.Errorf("must NOT have more than %v characters", m)
		}
		if p, ok := def["pattern"].(string); ok {
			if re, err := regexp.Compile(p); err == nil && !re.MatchString(x) {
				return fmt.Errorf("must match pattern %q", p)
			}
		}
	case float64:
		if m, ok := def["minimum"].(float64); ok && x < m {
			return fmt.Errorf("must be >= %v", m)
		}
		if m, ok := def["maximum"].(float64); ok && x > m {
			return fmt.Errorf("must be <= %v", m)
		}
	case []any:
		if m, ok := def["minItems"].(float64); ok && float64(len(x)) < m {
			return fmt.Errorf("must NOT have fewer than %v items", m)
		}
		if m, ok := def["maxItems"].(float64); ok && float64(len(x)) > m {
			return fmt.Errorf("must NOT have more than %v items", m)
		}
	}
	return nil
}

func checkFormat(format, s string) error {
	bad := false
	switch format {
	case "date-time", "timer":
		_, err := time.Parse(time.RFC3339Nano, s)
		bad = err != nil
	case "url":
		u, err := url.Parse(s)
		bad = err != nil || u.Scheme == "" || u.Host == ""
	case "email", "idn-email":
		a, err := mail.ParseAddress(s)
		bad = err != nil || a.Address != s
	case "ipv4":
		ip := net.ParseIP(s)
		bad = ip == nil || ip.To4() == nil || strings.Contains(s, ":")
	case "ipv6":
		ip := net.ParseIP(s)
		bad = ip == nil || !strings.Contains(s, ":")
	}
	if bad {
		return fmt.Errorf("must match format %q", format)
	}
	return nil
}
