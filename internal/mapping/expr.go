package mapping

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/itchyny/gojq"
)

// noEnviron makes `env` and `$ENV` empty in every compiled program.
func noEnviron() []string { return nil }

// compileOptions are the options every program is compiled with.
func compileOptions() []gojq.CompilerOption {
	return []gojq.CompilerOption{gojq.WithEnvironLoader(noEnviron)}
}

// CompileExpr parses and compiles one JQ expression without environment
// access. field names the setting the expression came from, for error
// messages; a parse error gives the offset, line and column of the problem
// and the text around it.
func CompileExpr(field, expr string) (*gojq.Code, error) {
	query, err := parseExpr(field, expr)
	if err != nil {
		return nil, err
	}
	return compileQuery(field, expr, query)
}

func parseExpr(field, expr string) (*gojq.Query, error) {
	query, err := gojq.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("%s: the JQ expression %q does not parse: %w", field, expr, describeParseError(expr, err))
	}
	return query, nil
}

func compileQuery(field, expr string, query *gojq.Query) (*gojq.Code, error) {
	code, err := gojq.Compile(query, compileOptions()...)
	if err != nil {
		return nil, fmt.Errorf("%s: the JQ expression %q does not compile: %w", field, expr, err)
	}
	return code, nil
}

// describeParseError adds the position gojq reports to the message: the
// offset where the offending token starts, its line and column, and the
// text around it.
func describeParseError(expr string, err error) error {
	var pe *gojq.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	offset := min(max(pe.Offset-len(pe.Token), 0), len(expr))
	line := 1 + strings.Count(expr[:offset], "\n")
	column := 1 + utf8.RuneCountInString(expr[strings.LastIndexByte(expr[:offset], '\n')+1:offset])
	return fmt.Errorf("%w at offset %d (line %d, column %d), near %q", err, offset, line, column, near(expr, offset))
}

// near returns up to 15 bytes either side of offset, cut at rune
// boundaries.
func near(expr string, offset int) string {
	start, end := max(0, offset-15), min(len(expr), offset+15)
	for start > 0 && !utf8.RuneStart(expr[start]) {
		start--
	}
	for end < len(expr) && !utf8.RuneStart(expr[end]) {
		end++
	}
	return expr[start:end]
}
