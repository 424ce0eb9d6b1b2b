package jsm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Envelope is what a Service Desk API page (the PagedDTO) says of itself.
type Envelope struct {
	Size       int
	Start      int
	Limit      int
	IsLastPage bool
	Links      PageLinks
}

// PageOf is one page of a list: its envelope and its items.
type PageOf[V any] struct {
	Envelope
	Values []V
}

// Page is a page whose items are kept verbatim.
type Page = PageOf[json.RawMessage]

// PageLinks are the envelope's links. They are informational only: the pager
// rebuilds page URLs from the configured base URL, because through the
// api.atlassian.com gateway `next` points at the site host and drops filters.
type PageLinks struct {
	Self    string `json:"self,omitempty"`
	Base    string `json:"base,omitempty"`
	Context string `json:"context,omitempty"`
	Next    string `json:"next,omitempty"`
	Prev    string `json:"prev,omitempty"`
}

// wirePage is the envelope as decoded: pointers tell a missing field from a
// zero one, so that a body that merely looks like JSON (an error, an HTML page
// turned into JSON by a proxy, a single object) is never taken for a page.
type wirePage struct {
	Size       *int               `json:"size"`
	Start      *int               `json:"start"`
	Limit      int                `json:"limit"`
	IsLastPage *bool              `json:"isLastPage"`
	Values     *[]json.RawMessage `json:"values"`
	Links      PageLinks          `json:"_links"`
}

// ErrNotEnvelope is wrapped by ParsePage when a body is not a PagedDTO envelope.
var ErrNotEnvelope = errors.New("not a Service Desk API page envelope")

// ParsePage decodes and checks a page body in one pass. It never trusts a
// body that lacks the envelope's fields: a page that cannot be proven to be
// one is an error, so that a broken response can never look like the end of
// a list.
func ParsePage(body []byte) (*Page, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: the body is not a JSON object (%s)", ErrNotEnvelope, preview(trimmed))
	}
	var wire wirePage
	if err := json.Unmarshal(trimmed, &wire); err != nil {
		return nil, fmt.Errorf("%w: %w (%s)", ErrNotEnvelope, err, preview(trimmed))
	}
	if err := missingEnvelopeField(wire.Values != nil, wire.IsLastPage != nil, wire.Start != nil, wire.Size != nil); err != nil {
		return nil, err
	}
	page := &Page{Envelope: Envelope{Size: *wire.Size, Start: *wire.Start, Limit: wire.Limit, IsLastPage: *wire.IsLastPage, Links: wire.Links}, Values: *wire.Values}
	if err := page.check(len(page.Values)); err != nil {
		return nil, err
	}
	for i, v := range page.Values {
		if len(v) == 0 || v[0] != '{' {
			return nil, notObject(i)
		}
	}
	return page, nil
}

func (e Envelope) check(values int) error {
	if e.Start < 0 {
		return fmt.Errorf("%w: negative start %d", ErrNotEnvelope, e.Start)
	}
	if e.Size != values {
		return fmt.Errorf("%w: size is %d but the page holds %d values", ErrNotEnvelope, e.Size, values)
	}
	return nil
}

func notObject(i int) error {
	return fmt.Errorf("%w: value %d is not a JSON object", ErrNotEnvelope, i)
}

func preview(b []byte) string {
	const limit = 120
	if len(b) > limit {
		return fmt.Sprintf("%q…", b[:limit])
	}
	return fmt.Sprintf("%q", b)
}

// missingEnvelopeField names the first required field of the envelope that
// a page body lacks, given which of them it has.
func missingEnvelopeField(values, isLastPage, start, size bool) error {
	fields := [...]struct {
		name    string
		present bool
	}{{"values", values}, {"isLastPage", isLastPage}, {"start", start}, {"size", size}}
	for _, f := range fields {
		if !f.present {
			return fmt.Errorf("%w: the field %q is missing", ErrNotEnvelope, f.name)
		}
	}
	return nil
}
