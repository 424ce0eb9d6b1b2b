package mapping

import "fmt"

// Error is a mapping failure for one item.
type Error struct {
	Index int    // the item's position in the input, from 0
	Field string // "selector", "identifier", "properties.status"...; "" when the item itself is at fault
	Expr  string // the field's JQ expression
	Err   error  // what happened, worded to follow the expression
}

func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("item %d: %v", e.Index, e.Err)
	}
	return fmt.Sprintf("item %d: %s: the JQ expression %q %v", e.Index, e.Field, e.Expr, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// DuplicateError reports two items that map to the same identifier.
type DuplicateError struct {
	Identifier    string
	First, Second int // the items' positions in the input
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("items %d and %d both map to the identifier %q; an entity set holds each identifier once: "+
		"make the identifier expression unique (for example by including a key of the parent), or leave one of them out with the selector",
		e.First, e.Second, e.Identifier)
}
