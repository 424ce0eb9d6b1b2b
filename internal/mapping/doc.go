// Package mapping runs JQ with gojq for the provider: data paths that pick
// items out of a response, and Ocean-style entity mappings that turn items
// into Port entities.
//
// A mapping follows Port Ocean's JQ entity processor: every expression is
// evaluated against one item and its first output is used; an expression
// with no output gives null. Unlike Ocean, a mapping that cannot produce a
// valid entity (a null or non-string identifier, a selector that is not a
// boolean, a run-time JQ error) is an error naming the item index, the field
// and the expression, never a silently dropped entity.
//
// JQ never sees the process environment (`env` and `$ENV` are empty), so a
// configuration cannot read secrets through a mapping.
package mapping
