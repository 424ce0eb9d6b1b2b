package schemacheck

import (
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// formatRules are the string formats Port checks, with how a rule reads.
// Port's other formats (markdown, yaml, user, team, blueprints, proto,
// labeled-url) take any string.
var formatRules = map[string]string{
	"date-time": `must be a date-time in RFC 3339 (such as "2024-01-08T09:00:00Z" or "2024-01-08T09:00:00+00:00")`,
	"timer":     `must be a date-time in RFC 3339 (such as "2024-01-08T09:00:00Z")`,
	"url":       `must be an absolute URL (such as "https://example.com/path")`,
	"email":     `must be an email address (such as "ann@example.com")`,
	"idn-email": `must be an email address (such as "ann@example.com")`,
	"ipv4":      `must be an IPv4 address (such as "192.0.2.1")`,
	"ipv6":      `must be an IPv6 address (such as "2001:db8::1")`,
}

// validFormat reports whether s is in format; unknown formats accept any
// string.
func validFormat(format, s string) bool {
	switch format {
	case "date-time", "timer":
		_, err := time.Parse(time.RFC3339Nano, s)
		return err == nil
	case "url":
		u, err := url.Parse(s)
		return err == nil && u.Scheme != "" && u.Host != ""
	case "email", "idn-email":
		a, err := mail.ParseAddress(s)
		return err == nil && a.Address == s
	case "ipv4":
		ip := net.ParseIP(s)
		return ip != nil && ip.To4() != nil && !strings.Contains(s, ":")
	case "ipv6":
		ip := net.ParseIP(s)
		return ip != nil && strings.Contains(s, ":")
	}
	return true
}
