package httpbase

import (
	"bytes"
	"fmt"
	"html"
	"mime"
	"net/http"
	"regexp"
	"strings"
)

// HTMLAnswerError is an HTML page where the API answers JSON: a single
// sign-on login page, a proxy's or firewall's page, or a web page of the
// service reached through a wrong base URL. It is never data, whatever its
// status, and it is not retried: the same page comes back.
type HTMLAnswerError struct {
	Service    string
	StatusCode int
	Method     string
	Endpoint   string
	// Title is the page's <title>, "" when it has none.
	Title string
}

func (e *HTMLAnswerError) Error() string {
	page := "an HTML page"
	if e.Title != "" {
		page = fmt.Sprintf("an HTML page titled %q", e.Title)
	}
	return fmt.Sprintf("%s %s was answered HTTP %d with %s instead of %s's JSON", e.Method, e.Endpoint, e.StatusCode, page, e.Service)
}

// htmlAnswer returns the error for an answer that is an HTML page, or nil.
// A 429 or 5xx page stays an APIError, so that it is retried like any
// other; its message names the page (see excerpt).
func (c *Client) htmlAnswer(r Request, resp *http.Response, body []byte) error {
	if !isHTML(resp.Header, body) || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return nil
	}
	return &HTMLAnswerError{Service: c.s.Service, StatusCode: resp.StatusCode, Method: r.Method, Endpoint: r.Endpoint, Title: htmlTitle(body)}
}

// isHTML reports whether an answer is an HTML page: by its Content-Type, or
// by its first bytes when a proxy labels it otherwise.
func isHTML(h http.Header, body []byte) bool {
	if media, _, err := mime.ParseMediaType(h.Get("Content-Type")); err == nil && (media == "text/html" || media == "application/xhtml+xml") {
		return true
	}
	start := bytes.ToLower(bytes.TrimSpace(body[:min(len(body), 512)]))
	return bytes.HasPrefix(start, []byte("<!doctype html")) || bytes.HasPrefix(start, []byte("<html"))
}

var titlePattern = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// htmlTitle is the text of a page's <title>, with entities decoded and
// spaces collapsed, at most 120 characters.
func htmlTitle(body []byte) string {
	m := titlePattern.FindSubmatch(body)
	if m == nil {
		return ""
	}
	title := strings.Join(strings.Fields(html.UnescapeString(string(m[1]))), " ")
	if len(title) > 120 {
		title = strings.ToValidUTF8(title[:120], "") + "…"
	}
	return title
}
